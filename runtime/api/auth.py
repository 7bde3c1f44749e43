"""Authentication: login and logout, the session cookie, bearer tokens, CSRF.

Every request except the public paths (health, login, the OpenAPI document)
carries a credential: the ``trellis_session`` cookie set at login, or
``Authorization: Bearer <token>`` with a session token (``trs_...``) or an API
token (``trt_...``). A cookie-authenticated request that changes state must
also send the session's CSRF token in ``X-CSRF-Token`` (the login response
gives it, and the ``trellis_csrf`` cookie holds it for scripts in the page).
"""

from __future__ import annotations

import hmac
import logging
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

import anyio.to_thread
import msgspec
from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, State
from litestar.di import NamedDependency
from litestar.enums import ScopeType
from litestar.middleware import (
    AbstractAuthenticationMiddleware,
    AuthenticationResult,
    DefineMiddleware,
)
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, FromQuery, JSONBody, SkipValidation
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from builder.errors import error
from runtime.api.deps import CurrentUser
from runtime.api.pagination import IdCursor, Limit, decode_cursor, encode_cursor
from runtime.api.params import NO_NUL, PathId
from runtime.api.permissions import ACTIONS, may
from runtime.api.problems import Problem, problem_responses
from runtime.clock import Clock
from runtime.config import Settings
from runtime.store import audit
from runtime.store.db import transaction, xact_lock
from runtime.store.models import ApiToken, User
from runtime.store.users import (
    SESSION_PREFIX,
    check_password,
    clear_login_failures,
    create_token,
    discard_login_failure,
    find_user,
    list_tokens,
    login_retry_after,
    needs_rehash,
    open_session,
    record_login_failure,
    rehash_password,
    resolve_session,
    resolve_token,
    revoke_session,
    revoke_token,
    token_needs_touch,
    touch_token,
)

__all__ = ["AuthController", "TokenController", "auth_middleware", "me", "update_me"]

log = logging.getLogger("trellis.auth")

SESSION_COOKIE = "trellis_session"
CSRF_COOKIE = "trellis_csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Matched against the request path; everything else needs a credential.
PUBLIC_PATHS = (
    r"^/api/v1/health/?$",
    r"^/api/v1/auth/login/?$",
    r"^/api/v1/schema(?:/.*)?$",
)
_WWW_AUTHENTICATE = {"WWW-Authenticate": 'Bearer realm="trellis"'}
_WRONG_CREDENTIALS = "Wrong username or password."

# The dependencies registered by the app: ``db`` (one transaction per request)
# and ``clock`` (any object with ``now()``; not re-checked per request).
DbDep = NamedDependency[Session]
ClockDep = NamedDependency[SkipValidation[Clock]]


# -- bodies --------------------------------------------------------------------


AuthMethod = Literal["cookie", "bearer"]


class AuthInfo(msgspec.Struct, frozen=True):
    """``request.auth``: how the caller authenticated."""

    method: AuthMethod
    kind: Literal["session", "token"]
    session_id: int | None = None
    token_id: int | None = None


class UserOut(msgspec.Struct):
    id: int
    username: str
    role: str
    display_name: str
    language: str
    # What the role may do (e.g. "documents.publish"), so that a client can
    # hide what it may not do without keeping a second permission table.
    actions: list[str] = msgspec.field(default_factory=list)


class LoginIn(msgspec.Struct, forbid_unknown_fields=True):
    username: Annotated[str, msgspec.Meta(min_length=1, max_length=150, pattern=NO_NUL)]
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=1024, pattern=NO_NUL)]


class LoginOut(msgspec.Struct):
    token: str
    user: UserOut
    csrf_token: str
    expires_at: datetime


class TokenOut(msgspec.Struct):
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenPage(msgspec.Struct):
    items: list[TokenOut]
    next_cursor: str | None


class TokenIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100, pattern=NO_NUL)]
    expires_in_days: Annotated[int, msgspec.Meta(ge=1, le=3650)] | None = None


class TokenCreated(msgspec.Struct):
    """The new token; ``token`` is shown this once and never again."""

    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    token: str


def _unauthorized(detail: str) -> Problem:
    return Problem(401, detail, headers=_WWW_AUTHENTICATE)


def _user_out(user: User | CurrentUser) -> UserOut:
    return UserOut(
        id=user.id,
        username=user.username,
        role=user.role,
        display_name=user.display_name,
        language=user.language,
        actions=sorted(action for action in ACTIONS if may(user.role, action)),
    )


def _token_out(row: ApiToken) -> TokenOut:
    return TokenOut(
        id=row.id,
        name=row.name,
        prefix=row.prefix,
        created_at=row.created_at,
        expires_at=row.expires_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
    )


# -- middleware ----------------------------------------------------------------


class _Resolved(msgspec.Struct, frozen=True):
    user: CurrentUser
    auth: AuthInfo
    csrf_token: str | None


def _credential(connection: ASGIConnection[Any, Any, Any, Any]) -> tuple[AuthMethod, str]:
    """(method, token) of the request; an explicit Authorization header wins
    over the cookie."""
    header = connection.headers.get("authorization")
    if header is not None:
        scheme, _, value = header.strip().partition(" ")
        value = value.strip()
        if scheme.lower() != "bearer" or not value:
            raise _unauthorized("Send the token as 'Authorization: Bearer <token>'.")
        return "bearer", value
    cookie = connection.cookies.get(SESSION_COOKIE)
    if cookie:
        return "cookie", cookie
    raise _unauthorized("Log in first, or send 'Authorization: Bearer <token>'.")


def _resolve(state: State, method: AuthMethod, token: str, now: datetime) -> _Resolved | None:
    """Look the credential up (blocking; runs in a worker thread)."""
    factory = getattr(state, "read_sessions", None) or state.sessions
    touch_id: int | None = None
    with factory() as session, session.begin():
        if token.startswith(SESSION_PREFIX):
            found_session = resolve_session(session, token, now)
            if found_session is None:
                return None
            user, session_row = found_session
            auth = AuthInfo(method=method, kind="session", session_id=session_row.id)
            csrf: str | None = session_row.csrf_token
        elif method == "bearer":
            # API tokens are for scripts; they are never accepted from a cookie.
            found_token = resolve_token(session, token, now, touch=False)
            if found_token is None:
                return None
            user, token_row = found_token
            auth = AuthInfo(method="bearer", kind="token", token_id=token_row.id)
            csrf = None
            if token_needs_touch(token_row, now):
                touch_id = token_row.id
        else:
            return None
        current = CurrentUser(
            id=user.id,
            username=user.username,
            role=user.role,
            display_name=user.display_name,
            language=user.language,
        )
    if touch_id is not None:
        # Bookkeeping only: a busy database must not fail the request.
        try:
            with transaction(state.sessions) as session:
                touch_token(session, touch_id, now)
        except SQLAlchemyError:
            log.warning("could not record the use of API token %s", touch_id, exc_info=True)
    return _Resolved(user=current, auth=auth, csrf_token=csrf)


class TrellisAuthenticationMiddleware(AbstractAuthenticationMiddleware):
    """Sets ``scope["user"]`` (:class:`CurrentUser`) and ``scope["auth"]``
    (:class:`AuthInfo`), or answers 401 / 403 (problem+json, through the
    app's exception handlers)."""

    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        method, token = _credential(connection)
        state = connection.app.state
        now = state.clock.now()
        resolved = await anyio.to_thread.run_sync(_resolve, state, method, token, now)
        if resolved is None:
            raise _unauthorized("The session or token is unknown, expired or revoked.")
        if (
            method == "cookie"
            and connection.scope["type"] == ScopeType.HTTP
            and connection.scope.get("method", "GET") not in SAFE_METHODS
        ):
            sent = connection.headers.get(CSRF_HEADER, "")
            expected = resolved.csrf_token or ""
            if not sent or not hmac.compare_digest(sent.encode(), expected.encode()):
                raise Problem(403, "CSRF token missing or wrong")
        return AuthenticationResult(user=resolved.user, auth=resolved.auth)


def auth_middleware(settings: Settings) -> DefineMiddleware:
    """The authentication middleware for the app. ``settings`` is accepted so
    that the app factory wires every piece the same way; the middleware reads
    the database and the clock from the app state at request time."""
    del settings
    return DefineMiddleware(TrellisAuthenticationMiddleware, exclude=list(PUBLIC_PATHS))


# -- login, logout, me -----------------------------------------------------------


def _client_address(request: Request[Any, Any, Any]) -> str:
    return (request.client.host if request.client else "") or "unknown"


def _cookies(settings: Settings, token: str, csrf: str) -> list[Cookie]:
    max_age = int(timedelta(hours=settings.session_hours).total_seconds())
    secure = settings.secure_cookies or None
    return [
        Cookie(
            key=SESSION_COOKIE,
            value=token,
            max_age=max_age,
            path="/",
            secure=secure,
            httponly=True,
            samesite="lax",
        ),
        Cookie(
            key=CSRF_COOKIE,
            value=csrf,
            max_age=max_age,
            path="/",
            secure=secure,
            httponly=False,
            samesite="lax",
        ),
    ]


def _expired_cookies(settings: Settings) -> list[Cookie]:
    secure = settings.secure_cookies or None
    return [
        Cookie(
            key=key,
            value="",
            max_age=0,
            expires=0,
            path="/",
            secure=secure,
            httponly=httponly,
            samesite="lax",
        )
        for key, httponly in ((SESSION_COOKIE, True), (CSRF_COOKIE, False))
    ]


class AuthController(Controller):
    path = "/auth"
    tags = ["auth"]

    @post(
        "/login",
        status_code=200,
        sync_to_thread=True,
        exclude_from_auth=True,
        security=[{}],
        summary="Log in; returns a token and sets the session cookie",
        response_cookies=[
            Cookie(
                key=SESSION_COOKIE, description="Session token (HttpOnly)", documentation_only=True
            ),
            Cookie(
                key=CSRF_COOKIE,
                description=f"Send its value as {CSRF_HEADER} on "
                "cookie-authenticated POST/PUT/PATCH/DELETE",
                documentation_only=True,
            ),
        ],
        responses=problem_responses(401, 413, 422, 429, public=True),
    )
    def login(
        self, request: Request[Any, Any, Any], data: JSONBody[LoginIn], clock: ClockDep
    ) -> Response[LoginOut]:
        state = request.app.state
        settings: Settings = state.settings
        now = clock.now()
        address = _client_address(request)
        username = data.username

        # 1. Count the attempt as a failure before checking the password, so
        # that parallel guesses cannot slip past the throttle; a success
        # takes it back.
        retry: int | None = None
        attempt_id = 0
        user_id: int | None = None
        stored: str | None = None
        with transaction(state.sessions) as db:
            xact_lock(db, "trellis.login")
            retry = login_retry_after(
                db,
                username,
                address,
                now,
                settings.login_window_minutes,
                settings.login_max_failures,
            )
            if retry is None:
                attempt_id = record_login_failure(db, username, address, now).id
                user = find_user(db, username)
                if user is not None and user.is_active:
                    user_id, stored = user.id, user.password_hash
        if retry is not None:
            raise Problem(
                429,
                f"Too many failed logins; try again in {retry} seconds.",
                headers={"Retry-After": str(retry)},
            )

        # 2. The slow part, outside any transaction (same cost for unknown users).
        verified = check_password(stored, data.password)
        new_hash = (
            rehash_password(data.password) if verified and stored and needs_rehash(stored) else None
        )

        # 3. Record the outcome.
        result: LoginOut | None = None
        with transaction(state.sessions) as db:
            # Serialised like step 1: two logins of one user otherwise delete and
            # update the same failure rows in opposite orders and deadlock.
            xact_lock(db, "trellis.login")
            user = db.get(User, user_id) if verified and user_id is not None else None
            if user is None or not user.is_active or user.password_hash != stored:
                audit.append(
                    db,
                    at=now,
                    actor="anonymous",
                    action="auth.login_failed",
                    subject=f"user:{username}",
                    detail={"address": address},
                )
            else:
                discard_login_failure(db, attempt_id)
                clear_login_failures(db, username)
                if new_hash is not None:
                    user.password_hash = new_hash
                token, csrf, row = open_session(db, user, now, settings.session_hours)
                result = LoginOut(
                    token=token, user=_user_out(user), csrf_token=csrf, expires_at=row.expires_at
                )
        if result is None:
            raise _unauthorized(_WRONG_CREDENTIALS)
        return Response(
            result,
            status_code=200,
            cookies=_cookies(settings, result.token, result.csrf_token),
            headers={"Cache-Control": "no-store"},
        )

    @post(
        "/logout",
        status_code=204,
        sync_to_thread=True,
        summary="End the session and clear the cookies",
        responses={
            **problem_responses(),
            204: ResponseSpec(data_container=None, description="Logged out; cookies cleared"),
        },
    )
    def logout(
        self, request: Request[CurrentUser, AuthInfo, Any], db: DbDep, clock: ClockDep
    ) -> Response[None]:
        auth = request.auth
        if auth.session_id is not None:
            revoke_session(db, auth.session_id, clock.now())
        settings: Settings = request.app.state.settings
        return Response(None, status_code=204, cookies=_expired_cookies(settings))


@get(
    "/me",
    sync_to_thread=False,
    tags=["auth"],
    summary="The current user",
    responses=problem_responses(),
)
def me(request: Request[CurrentUser, AuthInfo, Any]) -> UserOut:
    return _user_out(request.user)


class PreferencesIn(msgspec.Struct, forbid_unknown_fields=True):
    language: Literal["en", "zh-CN"]


@patch(
    "/me",
    sync_to_thread=True,
    tags=["auth"],
    summary="Change the current user's preferences (the studio's language)",
    responses=problem_responses(413, 422),
)
def update_me(
    request: Request[CurrentUser, AuthInfo, Any], data: JSONBody[PreferencesIn], db: DbDep
) -> UserOut:
    user = db.get(User, request.user.id)
    if user is None:  # deleted while the session lived
        raise _unauthorized("The user no longer exists.")
    user.language = data.language
    return _user_out(user)


# -- API tokens ------------------------------------------------------------------


class TokenController(Controller):
    """The caller's API tokens (for scripts: ``Authorization: Bearer trt_...``)."""

    path = "/tokens"
    tags = ["auth"]
    opt = {"action": "tokens.own"}

    @get(
        "/",
        sync_to_thread=True,
        summary="List my API tokens (never their secrets)",
        responses=problem_responses(),
    )
    def list_tokens(
        self,
        request: Request[CurrentUser, AuthInfo, Any],
        db: DbDep,
        limit: Limit = 50,
        cursor: FromQuery[str | None] = None,
    ) -> TokenPage:
        position = decode_cursor(cursor, IdCursor)
        rows = list_tokens(db, request.user.id, limit=limit + 1, before_id=position)
        next_cursor = encode_cursor(rows[limit - 1].id) if len(rows) > limit else None
        return TokenPage(items=[_token_out(row) for row in rows[:limit]], next_cursor=next_cursor)

    @post(
        "/",
        status_code=201,
        sync_to_thread=True,
        summary="Create an API token; its secret is shown only in this response",
        responses=problem_responses(413, 422),
    )
    def create(
        self,
        request: Request[CurrentUser, AuthInfo, Any],
        data: JSONBody[TokenIn],
        db: DbDep,
        clock: ClockDep,
    ) -> Response[TokenCreated]:
        now = clock.now()
        owner = db.get(User, request.user.id)
        if owner is None:  # deleted between authentication and here
            raise _unauthorized("The user no longer exists.")
        expires_at = (
            now + timedelta(days=data.expires_in_days) if data.expires_in_days is not None else None
        )
        try:
            row, plaintext = create_token(db, owner, data.name, now, expires_at)
        except ValueError as exc:
            raise Problem(
                422, str(exc), errors=[error("/name", "invalid", detail=str(exc))]
            ) from None
        audit.append(
            db,
            at=now,
            actor=request.user.username,
            action="tokens.create",
            subject=f"token:{row.id}",
            detail={
                "name": row.name,
                "prefix": row.prefix,
                "owner": owner.username,
                "expires_at": expires_at.isoformat() if expires_at else None,
            },
        )
        body = TokenCreated(
            id=row.id,
            name=row.name,
            prefix=row.prefix,
            created_at=row.created_at,
            expires_at=row.expires_at,
            token=plaintext,
        )
        return Response(body, status_code=201, headers={"Cache-Control": "no-store"})

    @delete(
        "/{token_id:int}",
        status_code=204,
        sync_to_thread=True,
        summary="Revoke an API token (admins: anyone's)",
        responses=problem_responses(404),
    )
    def revoke(
        self,
        request: Request[CurrentUser, AuthInfo, Any],
        token_id: FromPath[PathId],
        db: DbDep,
        clock: ClockDep,
    ) -> None:
        now = clock.now()
        caller = request.user
        owner_filter = None if may(caller.role, "users.manage") else caller.id
        before = db.get(ApiToken, token_id)
        was_revoked = before is not None and before.revoked_at is not None
        row = revoke_token(db, token_id, now, user_id=owner_filter)
        if row is None:
            raise Problem(404, f"You have no API token {token_id}.")
        if not was_revoked:
            owner = db.get(User, row.user_id)
            audit.append(
                db,
                at=now,
                actor=caller.username,
                action="tokens.revoke",
                subject=f"token:{row.id}",
                detail={
                    "name": row.name,
                    "prefix": row.prefix,
                    "owner": owner.username if owner else str(row.user_id),
                },
            )
