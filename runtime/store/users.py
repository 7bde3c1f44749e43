"""Users, passwords, browser sessions, API tokens and login throttling.

Storage only: every function takes the caller's SQLAlchemy ``Session`` (and
runs inside the caller's transaction) and, where time matters, ``now``; none
reads the clock. Secrets are never stored: sessions and API tokens keep the
SHA-256 of the token, passwords an argon2id hash.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import secrets
import threading
from datetime import datetime, timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from runtime.store.models import ApiToken, LoginFailure, User
from runtime.store.models import Session as SessionRow

__all__ = [
    "MAX_PASSWORD_LENGTH",
    "MIN_PASSWORD_LENGTH",
    "PLATFORM_ROLES",
    "SESSION_PREFIX",
    "TOKEN_PREFIX",
    "TOUCH_INTERVAL",
    "UserExists",
    "authenticate",
    "check_password",
    "clear_login_failures",
    "create_token",
    "create_user",
    "discard_login_failure",
    "find_user",
    "hash_password",
    "list_tokens",
    "login_retry_after",
    "needs_rehash",
    "open_session",
    "prune",
    "record_login_failure",
    "rehash_password",
    "resolve_session",
    "resolve_token",
    "revoke_session",
    "revoke_token",
    "revoke_user_sessions",
    "set_password",
    "token_digest",
    "token_needs_touch",
    "touch_token",
    "validate_password",
    "validate_username",
    "verify_password",
]

PLATFORM_ROLES: tuple[str, ...] = ("admin", "editor", "publisher", "viewer")

MIN_PASSWORD_LENGTH = 8
# argon2 accepts any length; the cap only keeps absurd bodies from being hashed.
MAX_PASSWORD_LENGTH = 1024
USERNAME_MAX_LENGTH = 150
_USERNAME = re.compile(r"[A-Za-z0-9_.@-]{1,150}")

SESSION_PREFIX = "trs_"
TOKEN_PREFIX = "trt_"
# How many characters of an API token are kept in clear to recognise it in
# lists ("trt_" and 8 characters of the secret part).
_SHOWN_PREFIX = 12
# ``last_used_at`` of an API token is written at most this often, so that a
# script making many requests does not turn every read into a write.
TOUCH_INTERVAL = timedelta(minutes=1)
# Failures whose username was cleared by a successful login keep counting for
# their address under this name, which no real username can have.
_CLEARED = ""

_hasher = PasswordHasher()  # argon2id, RFC 9106 low-memory profile (64 MiB each)
# Each hash takes 64 MiB and a few CPU-milliseconds: bound how many run at
# once so a burst of logins cannot exhaust memory.
_hash_slots = threading.BoundedSemaphore(max(2, os.cpu_count() or 2))


class UserExists(ValueError):
    """A user with that username already exists."""

    def __init__(self, username: str) -> None:
        super().__init__(f"a user named {username!r} already exists")
        self.username = username


# -- passwords ---------------------------------------------------------------


def validate_password(password: str) -> None:
    """Raise ``ValueError`` when ``password`` breaks the policy."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValueError(f"the password must have at most {MAX_PASSWORD_LENGTH} characters")


def validate_username(username: str) -> None:
    if not _USERNAME.fullmatch(username):
        raise ValueError(
            f"the username must be 1-{USERNAME_MAX_LENGTH} characters of letters, digits "
            "and _ . @ -"
        )


def _hash(password: str) -> str:
    with _hash_slots:
        return _hasher.hash(password)


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``, after checking the password policy."""
    validate_password(password)
    return _hash(password)


def rehash_password(password: str) -> str:
    """A fresh hash with the current parameters, without the policy check (for
    upgrading the hash of a password that was accepted under older rules)."""
    return _hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``; a malformed hash never matches."""
    with _hash_slots:
        try:
            return _hasher.verify(password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with other parameters than the current ones."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except (InvalidHashError, ValueError):
        return False


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))


def check_password(password_hash: str | None, password: str) -> bool:
    """Like :func:`verify_password`, but with ``None`` (no such user, or an
    inactive one) it spends the same time on a dummy hash and returns False,
    so that timing does not tell which usernames exist."""
    if password_hash is None:
        verify_password(_dummy_hash(), password)
        return False
    return verify_password(password_hash, password)


# -- users -------------------------------------------------------------------


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: str,
    now: datetime,
    display_name: str = "",
    language: str = "en",
) -> User:
    """Add a user. ``ValueError`` for a bad username, role or password;
    :class:`UserExists` when the username is taken."""
    validate_username(username)
    if role not in PLATFORM_ROLES:
        raise ValueError(f"unknown role {role!r}; choose one of {', '.join(PLATFORM_ROLES)}")
    validate_password(password)
    if len(display_name) > 200:
        raise ValueError("the display name must have at most 200 characters")
    if not language or len(language) > 8:
        raise ValueError("the language must be a tag of 1-8 characters, such as 'en' or 'zh-CN'")
    if find_user(session, username) is not None:
        raise UserExists(username)
    user = User(
        username=username,
        display_name=display_name,
        password_hash=_hash(password),
        role=role,
        language=language,
        is_active=True,
        created_at=now,
    )
    try:
        # A savepoint, so a concurrent insert of the same name leaves the
        # caller's transaction usable.
        with session.begin_nested():
            session.add(user)
    except IntegrityError as exc:
        raise UserExists(username) from exc
    return user


def find_user(session: Session, username: str) -> User | None:
    return session.execute(select(User).where(User.username == username)).scalar_one_or_none()


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with this username and password, else None. Unknown
    users cost the same hashing time; an outdated hash is upgraded in place."""
    user = find_user(session, username) if len(username) <= USERNAME_MAX_LENGTH else None
    stored = user.password_hash if user is not None and user.is_active else None
    if not check_password(stored, password) or user is None:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = rehash_password(password)
        session.flush()
    return user


def set_password(session: Session, user: User, password: str, now: datetime) -> None:
    """Change a password (policy checked) and end the user's open sessions."""
    user.password_hash = hash_password(password)
    revoke_user_sessions(session, user.id, now)
    session.flush()


# -- tokens in general ---------------------------------------------------------


def token_digest(token: str) -> str:
    """The stored form of a session or API token: hex SHA-256 (64 characters).
    Tokens carry 256 random bits, so a fast hash is enough."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _new_token(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(32)


# -- sessions ----------------------------------------------------------------


def open_session(
    session: Session, user: User, now: datetime, hours: float
) -> tuple[str, str, SessionRow]:
    """Start a browser session: (plaintext token, CSRF token, row)."""
    if hours <= 0:
        raise ValueError("a session must last a positive number of hours")
    token = _new_token(SESSION_PREFIX)
    csrf = secrets.token_urlsafe(32)
    row = SessionRow(
        user_id=user.id,
        token_hash=token_digest(token),
        csrf_token=csrf,
        created_at=now,
        expires_at=now + timedelta(hours=hours),
        revoked_at=None,
    )
    session.add(row)
    session.flush()
    return token, csrf, row


def resolve_session(session: Session, token: str, now: datetime) -> tuple[User, SessionRow] | None:
    """The active user and session of ``token``; None when unknown, expired,
    revoked or the user is inactive."""
    if not token.startswith(SESSION_PREFIX):
        return None
    found = session.execute(
        select(User, SessionRow)
        .join(SessionRow, SessionRow.user_id == User.id)
        .where(SessionRow.token_hash == token_digest(token))
    ).first()
    if found is None:
        return None
    user, row = found
    if row.revoked_at is not None or row.expires_at <= now or not user.is_active:
        return None
    return user, row


def revoke_session(session: Session, session_id: int, now: datetime) -> bool:
    """End a session; False when it does not exist or had already ended."""
    result = session.execute(
        update(SessionRow)
        .where(SessionRow.id == session_id, SessionRow.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def revoke_user_sessions(session: Session, user_id: int, now: datetime) -> int:
    """End every open session of a user (password change, deactivation)."""
    result = session.execute(
        update(SessionRow)
        .where(
            SessionRow.user_id == user_id,
            SessionRow.revoked_at.is_(None),
            SessionRow.expires_at > now,
        )
        .values(revoked_at=now)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


# -- API tokens --------------------------------------------------------------


def create_token(
    session: Session,
    user: User,
    name: str,
    now: datetime,
    expires_at: datetime | None = None,
) -> tuple[ApiToken, str]:
    """A new API token for ``user``: (row, plaintext). The plaintext is not
    kept anywhere; show it once."""
    name = name.strip()
    if not name or len(name) > 100:
        raise ValueError("a token name must have 1-100 characters")
    if expires_at is not None and expires_at <= now:
        raise ValueError("a token must expire in the future")
    token = _new_token(TOKEN_PREFIX)
    row = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=token_digest(token),
        prefix=token[:_SHOWN_PREFIX],
        created_at=now,
        expires_at=expires_at,
        last_used_at=None,
        revoked_at=None,
    )
    session.add(row)
    session.flush()
    return row, token


def resolve_token(
    session: Session, token: str, now: datetime, *, touch: bool = True
) -> tuple[User, ApiToken] | None:
    """The active user and API token of ``token``; None when unknown,
    expired, revoked or the user is inactive. With ``touch`` records the use
    in ``last_used_at`` (at most once per :data:`TOUCH_INTERVAL`)."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    found = session.execute(
        select(User, ApiToken)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == token_digest(token))
    ).first()
    if found is None:
        return None
    user, row = found
    if row.revoked_at is not None or not user.is_active:
        return None
    if row.expires_at is not None and row.expires_at <= now:
        return None
    if touch and token_needs_touch(row, now):
        touch_token(session, row.id, now)
        row.last_used_at = now
    return user, row


def token_needs_touch(row: ApiToken, now: datetime) -> bool:
    return row.last_used_at is None or now - row.last_used_at >= TOUCH_INTERVAL


def touch_token(session: Session, token_id: int, now: datetime) -> None:
    """Record a use of the token (never moves ``last_used_at`` backwards)."""
    session.execute(
        update(ApiToken)
        .where(
            ApiToken.id == token_id,
            (ApiToken.last_used_at.is_(None)) | (ApiToken.last_used_at < now),
        )
        .values(last_used_at=now)
    )


def list_tokens(
    session: Session, user_id: int, *, limit: int = 50, before_id: int | None = None
) -> list[ApiToken]:
    """A user's tokens, newest first, revoked and expired ones included;
    ``before_id`` continues a previous page."""
    query = select(ApiToken).where(ApiToken.user_id == user_id)
    if before_id is not None:
        query = query.where(ApiToken.id < before_id)
    return list(session.execute(query.order_by(ApiToken.id.desc()).limit(limit)).scalars())


def revoke_token(
    session: Session, token_id: int, now: datetime, *, user_id: int | None = None
) -> ApiToken | None:
    """Revoke a token (of ``user_id`` when given). Returns the token, or None
    when there is no such token (of that user). Revoking twice keeps the
    first ``revoked_at``."""
    row = session.get(ApiToken, token_id)
    if row is None or (user_id is not None and row.user_id != user_id):
        return None
    if row.revoked_at is None:
        row.revoked_at = now
        session.flush()
    return row


# -- login throttling ----------------------------------------------------------


def record_login_failure(
    session: Session, username: str, address: str, now: datetime
) -> LoginFailure:
    row = LoginFailure(username=username[:USERNAME_MAX_LENGTH], address=address[:64], at=now)
    session.add(row)
    session.flush()
    return row


def discard_login_failure(session: Session, failure_id: int) -> None:
    """Forget one recorded failure (an attempt counted in advance that then
    succeeded)."""
    session.execute(delete(LoginFailure).where(LoginFailure.id == failure_id))


def clear_login_failures(session: Session, username: str) -> None:
    """After a successful login: the user's own failures stop counting for the
    username, but keep counting for the addresses they came from, so that
    someone trying many usernames from one address stays throttled."""
    if not username:
        return
    session.execute(
        update(LoginFailure)
        .where(LoginFailure.username == username[:USERNAME_MAX_LENGTH])
        .values(username=_CLEARED)
    )


def login_retry_after(
    session: Session,
    username: str,
    address: str,
    now: datetime,
    window_minutes: float,
    max_failures: int,
) -> int | None:
    """Seconds to wait before the next attempt, or None when allowed.

    Throttled when, inside the last ``window_minutes``, ``max_failures``
    failures were recorded for the username or for the address. The wait
    lasts until enough failures have left the window to fall below the limit
    (normally: until the oldest failure inside the window leaves it); the
    longer of the two waits wins.
    """
    if max_failures <= 0:
        raise ValueError("max_failures must be positive")
    window = timedelta(minutes=window_minutes)
    since = now - window
    waits = [
        _wait(session, column == value, since, window, now, max_failures)
        for column, value in (
            (LoginFailure.username, username[:USERNAME_MAX_LENGTH]),
            (LoginFailure.address, address[:64]),
        )
        if value
    ]
    longest = max((wait for wait in waits if wait is not None), default=None)
    return longest


def _wait(
    session: Session,
    condition: ColumnElement[bool],
    since: datetime,
    window: timedelta,
    now: datetime,
    max_failures: int,
) -> int | None:
    # The max_failures most recent failures inside the window; when there are
    # that many, the attempt is allowed again once the oldest of them leaves.
    times = list(
        session.execute(
            select(LoginFailure.at)
            .where(condition, LoginFailure.at > since)
            .order_by(LoginFailure.at.desc())
            .limit(max_failures)
        ).scalars()
    )
    if len(times) < max_failures:
        return None
    seconds = (times[-1] + window - now).total_seconds()
    return max(1, math.ceil(seconds))


# -- housekeeping --------------------------------------------------------------


def prune(session: Session, now: datetime, *, failures_older_than: timedelta) -> None:
    """Delete login failures older than ``failures_older_than`` and sessions
    that ended more than a day ago (for a periodic job)."""
    session.execute(delete(LoginFailure).where(LoginFailure.at < now - failures_older_than))
    ended = now - timedelta(days=1)
    session.execute(
        delete(SessionRow).where(
            (SessionRow.expires_at < ended)
            | (SessionRow.revoked_at.is_not(None) & (SessionRow.revoked_at < ended))
        )
    )
