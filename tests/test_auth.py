"""Authentication on SQLite and PostgreSQL: login and its throttle, the session
cookie and CSRF, bearer tokens, API tokens, expiry, logout; the store
functions behind them; and ``trellis users create``."""

from __future__ import annotations

import argparse
import io
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from litestar.testing import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from runtime import cli_users
from runtime.api.app import create_app
from runtime.api.permissions import ROLES
from runtime.clock import ManualClock
from runtime.config import Settings
from runtime.store import users
from runtime.store.db import make_sessionmaker, transaction
from runtime.store.models import ApiToken, AuditEntry, LoginFailure, User
from runtime.store.models import Session as SessionRow
from tests.conftest import PASSWORD, login

Client = TestClient[Any]
PROBLEM = "application/problem+json"
LOGIN = "/api/v1/auth/login"
LOGOUT = "/api/v1/auth/logout"
ME = "/api/v1/me"
TOKENS = "/api/v1/tokens"
AS_ROLE_TOKEN = "tests"  # the API token each as_role client authenticates with


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["title"]
    return body


def set_cookies(response: Any) -> dict[str, str]:
    """Set-Cookie headers of a response by cookie name (lower-cased attributes)."""
    found: dict[str, str] = {}
    for header in response.headers.get_list("set-cookie"):
        name = header.split("=", 1)[0]
        found[name] = header.lower()
    return found


def mine(page: dict[str, Any]) -> list[dict[str, Any]]:
    """Items of a token page without the token the as_role fixture made."""
    return [item for item in page["items"] if item["name"] != AS_ROLE_TOKEN]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def session_of(engine: Engine) -> Iterator[Session]:
    with transaction(make_sessionmaker(engine)) as session:
        yield session


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    """A session for the store tests; committed at the end of the test."""
    yield from session_of(engine)


@pytest.fixture
def manual_settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, clock="manual")


@pytest.fixture
def manual_client(manual_settings: Settings) -> Iterator[Client]:
    with TestClient(app=create_app(manual_settings)) as test_client:
        yield test_client


def clock_of(client: Client) -> ManualClock:
    clock = client.app.state.clock
    assert isinstance(clock, ManualClock)
    return clock


def audit_rows(engine: Engine, action: str) -> list[AuditEntry]:
    with make_sessionmaker(engine)() as session:
        return list(
            session.execute(
                select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)
            ).scalars()
        )


# -- login ---------------------------------------------------------------------


def test_login_returns_token_user_and_sets_cookies(
    client: Client, make_user: Callable[..., str], settings: Settings
) -> None:
    name = make_user("editor")
    response = client.post(LOGIN, json={"username": name, "password": PASSWORD})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token"].startswith("trs_")
    assert body["user"]["username"] == name
    assert body["user"]["role"] == "editor"
    assert set(body["user"]) == {"id", "username", "role", "display_name", "language", "actions"}
    assert body["csrf_token"]
    expires = datetime.fromisoformat(body["expires_at"].replace("Z", "+00:00"))
    assert expires.tzinfo is not None
    assert response.headers["cache-control"] == "no-store"

    cookies = set_cookies(response)
    session_cookie = cookies["trellis_session"]
    assert "httponly" in session_cookie
    assert "samesite=lax" in session_cookie
    assert "path=/" in session_cookie
    assert f"max-age={settings.session_hours * 3600}" in session_cookie
    assert "secure" not in session_cookie  # secure_cookies is off by default
    csrf_cookie = cookies["trellis_csrf"]
    assert "httponly" not in csrf_cookie
    assert "samesite=lax" in csrf_cookie
    assert client.cookies.get("trellis_session") == body["token"]
    assert client.cookies.get("trellis_csrf") == body["csrf_token"]


def test_secure_cookies_setting_marks_cookies_secure(
    database_url: str, make_user: Callable[..., str]
) -> None:
    name = make_user("viewer")
    settings = Settings(database_url=database_url, secure_cookies=True)
    with TestClient(app=create_app(settings)) as client:
        response = client.post(LOGIN, json={"username": name, "password": PASSWORD})
    assert response.status_code == 200
    cookies = set_cookies(response)
    assert "secure" in cookies["trellis_session"]
    assert "secure" in cookies["trellis_csrf"]


def test_wrong_password_and_unknown_user_get_the_same_401(
    client: Client, make_user: Callable[..., str]
) -> None:
    name = make_user("editor")
    wrong = problem(client.post(LOGIN, json={"username": name, "password": "not the one"}), 401)
    unknown = problem(
        client.post(LOGIN, json={"username": "nobody-here", "password": PASSWORD}), 401
    )
    assert wrong["detail"] == unknown["detail"] == "Wrong username or password."
    assert "trellis_session" not in client.cookies


def test_inactive_user_cannot_log_in(
    client: Client, make_user: Callable[..., str], engine: Engine
) -> None:
    name = make_user("editor")
    with transaction(make_sessionmaker(engine)) as session:
        user = users.find_user(session, name)
        assert user is not None
        user.is_active = False
    problem(client.post(LOGIN, json={"username": name, "password": PASSWORD}), 401)


def test_login_body_is_validated(client: Client) -> None:
    response = client.post(LOGIN, json={"username": "someone"})
    assert response.status_code in (400, 422)
    assert response.headers["content-type"].startswith(PROBLEM)
    response = client.post(
        LOGIN, content=b"{not json", headers={"content-type": "application/json"}
    )
    problem(response, 400)


def test_failed_login_is_audited_and_recorded(
    client: Client, make_user: Callable[..., str], engine: Engine
) -> None:
    name = make_user("editor")
    problem(client.post(LOGIN, json={"username": name, "password": "wrong-password"}), 401)
    problem(client.post(LOGIN, json={"username": "ghost", "password": "wrong-password"}), 401)
    rows = audit_rows(engine, "auth.login_failed")
    assert [row.subject for row in rows] == [f"user:{name}", "user:ghost"]
    assert rows[0].detail == {"address": "testclient"}
    with make_sessionmaker(engine)() as session:
        failures = session.execute(select(LoginFailure.username)).scalars().all()
    assert sorted(failures) == sorted([name, "ghost"])


def test_successful_login_leaves_no_failure_behind(
    client: Client, make_user: Callable[..., str], engine: Engine
) -> None:
    login(client, make_user("viewer"))
    with make_sessionmaker(engine)() as session:
        assert session.execute(select(LoginFailure)).first() is None
    assert audit_rows(engine, "auth.login_failed") == []


def test_sixth_attempt_is_throttled_even_with_the_right_password(
    client: Client, make_user: Callable[..., str], settings: Settings
) -> None:
    name = make_user("editor")
    for _ in range(settings.login_max_failures):
        problem(client.post(LOGIN, json={"username": name, "password": "wrong-password"}), 401)
    response = client.post(LOGIN, json={"username": name, "password": PASSWORD})
    body = problem(response, 429)
    retry = int(response.headers["retry-after"])
    assert 0 < retry <= settings.login_window_minutes * 60
    assert str(retry) in body["detail"]


def test_throttle_lifts_when_the_window_passes(
    manual_client: Client, make_user: Callable[..., str], manual_settings: Settings
) -> None:
    name = make_user("editor")
    for _ in range(manual_settings.login_max_failures):
        manual_client.post(LOGIN, json={"username": name, "password": "wrong-password"})
    response = manual_client.post(LOGIN, json={"username": name, "password": PASSWORD})
    assert response.status_code == 429
    retry = int(response.headers["retry-after"])
    assert retry == manual_settings.login_window_minutes * 60  # the clock has not moved
    clock_of(manual_client).advance(timedelta(seconds=retry - 1))
    assert (
        manual_client.post(LOGIN, json={"username": name, "password": PASSWORD}).status_code == 429
    )
    clock_of(manual_client).advance(timedelta(seconds=1))
    login(manual_client, name)


def test_throttle_counts_failures_per_address_across_usernames(
    client: Client, make_user: Callable[..., str], settings: Settings
) -> None:
    victim = make_user("admin")
    for i in range(settings.login_max_failures):
        problem(client.post(LOGIN, json={"username": f"spray-{i}", "password": "guess-1234"}), 401)
    response = client.post(LOGIN, json={"username": victim, "password": PASSWORD})
    problem(response, 429)
    assert int(response.headers["retry-after"]) > 0


def test_success_clears_own_failures_but_not_those_of_the_address(
    client: Client, make_user: Callable[..., str], settings: Settings, engine: Engine
) -> None:
    name = make_user("editor")
    below = settings.login_max_failures - 1
    for _ in range(below):
        problem(client.post(LOGIN, json={"username": name, "password": "wrong-password"}), 401)
    login(client, name)
    with make_sessionmaker(engine)() as session:
        rows = session.execute(select(LoginFailure)).scalars().all()
    # No longer counted for the user, still counted for the address.
    assert [row.username for row in rows if row.username == name] == []
    assert [row.address for row in rows] == ["testclient"] * below
    # One more failure from the address, on any username, reaches the limit.
    problem(client.post(LOGIN, json={"username": "someone", "password": "wrong-password"}), 401)
    problem(client.post(LOGIN, json={"username": name, "password": PASSWORD}), 429)


# -- authenticated requests -------------------------------------------------------


def test_me_with_cookie(client: Client, make_user: Callable[..., str]) -> None:
    name = make_user("publisher")
    login(client, name)
    response = client.get(ME)
    assert response.status_code == 200, response.text
    assert response.json()["username"] == name
    assert response.json()["role"] == "publisher"


def test_me_with_bearer_session_token(client: Client, make_user: Callable[..., str]) -> None:
    name = make_user("viewer")
    token = login(client, name)["token"]
    client.cookies.clear()
    response = client.get(ME, headers=bearer(token))
    assert response.status_code == 200, response.text
    assert response.json()["username"] == name


def test_as_role_fixture_authenticates(as_role: Callable[[str], Client]) -> None:
    response = as_role("editor").get(ME)
    assert response.status_code == 200
    assert response.json()["role"] == "editor"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer trs_not-a-real-token"},
        {"Authorization": "Bearer trt_not-a-real-token"},
        {"Authorization": "Bearer something-else"},
        {"Authorization": "Bearer "},
        {"Authorization": "Basic dXNlcjpwYXNz"},
    ],
)
def test_missing_or_invalid_credentials_are_401(client: Client, headers: dict[str, str]) -> None:
    response = client.get(ME, headers=headers)
    body = problem(response, 401)
    assert body["detail"]
    assert response.headers["www-authenticate"].startswith("Bearer")
    problem(client.get(TOKENS, headers=headers), 401)
    problem(client.post(TOKENS, json={"name": "x"}, headers=headers), 401)


def test_unknown_cookie_is_401(client: Client) -> None:
    client.cookies.set("trellis_session", "trs_forged")
    problem(client.get(ME), 401)


def test_api_token_is_not_accepted_as_cookie(
    as_role: Callable[[str], Client], client: Client
) -> None:
    token = as_role("editor").post(TOKENS, json={"name": "ci"}).json()["token"]
    client.cookies.set("trellis_session", token)
    problem(client.get(ME), 401)


def test_public_paths_need_no_credentials(client: Client) -> None:
    assert client.get("/api/v1/health").status_code == 200
    schema = client.get("/api/v1/schema/openapi.json")
    assert schema.status_code == 200
    document = schema.json()
    login_operation = document["paths"]["/api/v1/auth/login"]["post"]
    assert login_operation["security"] == [{}]
    assert "401" in login_operation["responses"]
    assert "429" in login_operation["responses"]
    assert "/api/v1/tokens" in document["paths"]


# -- CSRF --------------------------------------------------------------------------


def test_cookie_post_needs_the_csrf_header(client: Client, make_user: Callable[..., str]) -> None:
    body = login(client, make_user("editor"))
    refused = problem(client.post(TOKENS, json={"name": "no-csrf"}), 403)
    assert refused["detail"] == "CSRF token missing or wrong"
    problem(client.post(TOKENS, json={"name": "bad"}, headers={"X-CSRF-Token": "nope"}), 403)
    accepted = client.post(
        TOKENS, json={"name": "with-csrf"}, headers={"X-CSRF-Token": body["csrf_token"]}
    )
    assert accepted.status_code == 201, accepted.text
    # The cookie carries the same value for scripts in the page.
    cookie_value = client.cookies.get("trellis_csrf")
    assert cookie_value == body["csrf_token"]
    # Safe methods need none.
    assert client.get(TOKENS).status_code == 200


def test_csrf_token_of_another_session_is_refused(
    client: Client, settings: Settings, make_user: Callable[..., str]
) -> None:
    name = make_user("editor")
    with TestClient(app=create_app(settings)) as other:
        other_csrf = login(other, name)["csrf_token"]
    login(client, name)
    problem(client.post(TOKENS, json={"name": "x"}, headers={"X-CSRF-Token": other_csrf}), 403)


def test_bearer_post_needs_no_csrf(as_role: Callable[[str], Client]) -> None:
    response = as_role("viewer").post(TOKENS, json={"name": "script"})
    assert response.status_code == 201, response.text


def test_bearer_header_wins_over_cookie(
    client: Client, make_user: Callable[..., str], as_role: Callable[[str], Client]
) -> None:
    login(client, make_user("editor"))
    token = as_role("viewer").post(TOKENS, json={"name": "s"}).json()["token"]
    # Cookie present but bearer used: no CSRF needed, and the bearer user is the caller.
    response = client.post(TOKENS, json={"name": "via-bearer"}, headers=bearer(token))
    assert response.status_code == 201, response.text
    assert client.get(ME, headers=bearer(token)).json()["role"] == "viewer"


# -- API tokens ------------------------------------------------------------------


def test_token_create_list_use_revoke(
    as_role: Callable[[str], Client], client: Client, engine: Engine
) -> None:
    owner = as_role("editor")
    created = owner.post(TOKENS, json={"name": "deploy script", "expires_in_days": 30})
    assert created.status_code == 201, created.text
    assert created.headers["cache-control"] == "no-store"
    token = created.json()
    assert token["token"].startswith("trt_")
    assert token["token"].startswith(token["prefix"])
    assert token["name"] == "deploy script"
    assert token["expires_at"] is not None

    listed = owner.get(TOKENS).json()
    assert listed["next_cursor"] is None
    assert [item["id"] for item in mine(listed)] == [token["id"]]
    item = mine(listed)[0]
    assert set(item) == {
        "id",
        "name",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    }
    assert item["last_used_at"] is None
    assert token["token"] not in owner.get(TOKENS).text

    me = client.get(ME, headers=bearer(token["token"]))
    assert me.status_code == 200
    assert me.json()["role"] == "editor"
    used = mine(owner.get(TOKENS).json())[0]
    assert used["last_used_at"] is not None

    with make_sessionmaker(engine)() as session:
        row = session.get(ApiToken, token["id"])
        assert row is not None
        assert row.token_hash == users.token_digest(token["token"])
        assert token["token"] not in (row.token_hash, row.prefix)

    assert owner.delete(f"{TOKENS}/{token['id']}").status_code == 204
    problem(client.get(ME, headers=bearer(token["token"])), 401)
    assert mine(owner.get(TOKENS).json())[0]["revoked_at"] is not None
    # Revoking twice is fine and audited once.
    assert owner.delete(f"{TOKENS}/{token['id']}").status_code == 204

    created_audit = audit_rows(engine, "tokens.create")
    revoked_audit = audit_rows(engine, "tokens.revoke")
    assert [row.subject for row in created_audit] == [f"token:{token['id']}"]
    assert [row.subject for row in revoked_audit] == [f"token:{token['id']}"]
    assert revoked_audit[0].detail["name"] == "deploy script"


def test_token_of_someone_else_is_404_unless_admin(as_role: Callable[[str], Client]) -> None:
    alice = as_role("editor")
    bob = as_role("publisher")
    admin = as_role("admin")
    token_id = alice.post(TOKENS, json={"name": "a"}).json()["id"]
    problem(bob.delete(f"{TOKENS}/{token_id}"), 404)
    problem(bob.delete(f"{TOKENS}/999999"), 404)
    assert mine(bob.get(TOKENS).json()) == []
    assert admin.delete(f"{TOKENS}/{token_id}").status_code == 204
    assert mine(alice.get(TOKENS).json())[0]["revoked_at"] is not None


def test_token_input_is_validated(as_role: Callable[[str], Client]) -> None:
    client = as_role("editor")
    for body in (
        {"name": ""},
        {"name": "x" * 101},
        {"name": "x", "expires_in_days": 0},
        {"name": "x", "unknown": 1},
        {},
    ):
        response = client.post(TOKENS, json=body)
        assert response.status_code in (400, 422), (body, response.text)
        assert response.headers["content-type"].startswith(PROBLEM)
    blank = problem(client.post(TOKENS, json={"name": "   "}), 422)
    assert blank["errors"][0]["pointer"] == "/name"
    assert mine(client.get(TOKENS).json()) == []


def test_token_list_pages(as_role: Callable[[str], Client]) -> None:
    client = as_role("editor")
    ids = [client.post(TOKENS, json={"name": f"t{i}"}).json()["id"] for i in range(5)]
    seen: list[int] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = client.get(TOKENS, params=params).json()
        assert len(page["items"]) <= 2
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    # Newest first, each once; the as_role token (the oldest) comes last.
    assert seen[:-1] == sorted(ids, reverse=True)
    assert len(seen) == len(set(seen)) == len(ids) + 1
    problem(client.get(TOKENS, params={"cursor": "garbage!"}), 400)
    assert client.get(TOKENS, params={"limit": 501}).status_code in (400, 422)


def test_token_expires(manual_client: Client, make_user: Callable[..., str]) -> None:
    name = make_user("editor")
    session_token = login(manual_client, name)["token"]
    manual_client.cookies.clear()
    created = manual_client.post(
        TOKENS, json={"name": "short", "expires_in_days": 1}, headers=bearer(session_token)
    )
    token = created.json()["token"]
    assert manual_client.get(ME, headers=bearer(token)).status_code == 200
    clock_of(manual_client).advance(timedelta(days=1))
    problem(manual_client.get(ME, headers=bearer(token)), 401)


def test_tokens_of_an_inactive_user_stop_working(
    as_role: Callable[[str], Client], client: Client, engine: Engine
) -> None:
    owner = as_role("editor")
    token = owner.post(TOKENS, json={"name": "t"}).json()["token"]
    username = owner.get(ME).json()["username"]
    with transaction(make_sessionmaker(engine)) as session:
        user = users.find_user(session, username)
        assert user is not None
        user.is_active = False
    problem(client.get(ME, headers=bearer(token)), 401)
    problem(owner.get(ME), 401)  # its other token too


# -- sessions ----------------------------------------------------------------------


def test_session_expires(
    manual_client: Client, make_user: Callable[..., str], manual_settings: Settings
) -> None:
    body = login(manual_client, make_user("editor"))
    assert manual_client.get(ME).status_code == 200
    clock_of(manual_client).advance(
        timedelta(hours=manual_settings.session_hours) - timedelta(seconds=1)
    )
    assert manual_client.get(ME).status_code == 200
    clock_of(manual_client).advance(timedelta(seconds=1))
    problem(manual_client.get(ME), 401)
    problem(manual_client.get(ME, headers=bearer(body["token"])), 401)


def test_logout_invalidates_the_session(
    client: Client, make_user: Callable[..., str], engine: Engine
) -> None:
    body = login(client, make_user("editor"))
    problem(client.post(LOGOUT), 403)  # a cookie logout needs the CSRF token too
    response = client.post(LOGOUT, headers={"X-CSRF-Token": body["csrf_token"]})
    assert response.status_code == 204, response.text
    cleared = set_cookies(response)
    assert "max-age=0" in cleared["trellis_session"]
    assert "max-age=0" in cleared["trellis_csrf"]
    assert "trellis_session" not in client.cookies
    problem(client.get(ME), 401)
    problem(client.get(ME, headers=bearer(body["token"])), 401)
    with make_sessionmaker(engine)() as session:
        row = session.execute(
            select(SessionRow).where(SessionRow.token_hash == users.token_digest(body["token"]))
        ).scalar_one()
        assert row.revoked_at is not None


def test_logout_with_bearer_session_token(client: Client, make_user: Callable[..., str]) -> None:
    token = login(client, make_user("viewer"))["token"]
    client.cookies.clear()
    assert client.post(LOGOUT, headers=bearer(token)).status_code == 204
    problem(client.get(ME, headers=bearer(token)), 401)


def test_logout_with_api_token_keeps_the_token(as_role: Callable[[str], Client]) -> None:
    owner = as_role("editor")
    token = owner.post(TOKENS, json={"name": "keep"}).json()["token"]
    owner.headers["Authorization"] = f"Bearer {token}"
    assert owner.post(LOGOUT).status_code == 204
    assert owner.get(ME).status_code == 200


def test_each_login_opens_its_own_session(
    client: Client, settings: Settings, make_user: Callable[..., str]
) -> None:
    name = make_user("editor")
    first = login(client, name)
    with TestClient(app=create_app(settings)) as other:
        second = login(other, name)
        assert first["token"] != second["token"]
        assert other.post(LOGOUT, headers={"X-CSRF-Token": second["csrf_token"]}).status_code == 204
    assert client.get(ME).status_code == 200


def test_password_is_stored_as_argon2id(engine: Engine, make_user: Callable[..., str]) -> None:
    name = make_user("editor")
    with make_sessionmaker(engine)() as session:
        stored = session.execute(
            select(User.password_hash).where(User.username == name)
        ).scalar_one()
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_session_tokens_are_stored_hashed(
    client: Client, make_user: Callable[..., str], engine: Engine
) -> None:
    token = login(client, make_user("editor"))["token"]
    with make_sessionmaker(engine)() as session:
        hashes = session.execute(select(SessionRow.token_hash)).scalars().all()
    assert hashes == [users.token_digest(token)]
    assert len(hashes[0]) == 64


# -- the store ----------------------------------------------------------------------

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_platform_roles_match_the_permission_table() -> None:
    assert tuple(ROLES) == users.PLATFORM_ROLES


def test_password_policy() -> None:
    with pytest.raises(ValueError, match="at least 8 characters"):
        users.hash_password("short")
    hashed = users.hash_password("long enough")
    assert hashed.startswith("$argon2id$")
    assert users.verify_password(hashed, "long enough")
    assert not users.verify_password(hashed, "long enougH")
    assert not users.verify_password("not a hash", "long enough")
    assert not users.check_password(None, "long enough")


@pytest.mark.parametrize(
    ("username", "ok"),
    [
        ("alice", True),
        ("a.b_c-d@example.com", True),
        ("x" * 150, True),
        ("", False),
        ("x" * 151, False),
        ("has space", False),
        ("alice\n", False),
        ("名字", False),
    ],
)
def test_username_rules(db: Session, username: str, ok: bool) -> None:
    if ok:
        assert users.create_user(db, username=username, password=PASSWORD, role="viewer", now=T0).id
    else:
        with pytest.raises(ValueError, match="username"):
            users.create_user(db, username=username, password=PASSWORD, role="viewer", now=T0)


def test_create_user_checks(db: Session) -> None:
    user = users.create_user(
        db,
        username="carol",
        password=PASSWORD,
        role="editor",
        now=T0,
        display_name="Carol",
        language="zh-CN",
    )
    assert (user.role, user.display_name, user.language, user.is_active) == (
        "editor",
        "Carol",
        "zh-CN",
        True,
    )
    with pytest.raises(users.UserExists, match="carol"):
        users.create_user(db, username="carol", password=PASSWORD, role="editor", now=T0)
    with pytest.raises(ValueError, match="unknown role"):
        users.create_user(db, username="dave", password=PASSWORD, role="manager", now=T0)
    with pytest.raises(ValueError, match="at least 8"):
        users.create_user(db, username="dave", password="1234567", role="viewer", now=T0)
    # The transaction is still usable after the refusals.
    assert users.find_user(db, "carol") is not None


def test_authenticate(db: Session) -> None:
    users.create_user(db, username="erin", password=PASSWORD, role="viewer", now=T0)
    user = users.authenticate(db, "erin", PASSWORD)
    assert user is not None
    assert user.username == "erin"
    assert users.authenticate(db, "erin", "wrong password") is None
    assert users.authenticate(db, "nobody", PASSWORD) is None
    assert users.authenticate(db, "x" * 500, PASSWORD) is None
    user.is_active = False
    assert users.authenticate(db, "erin", PASSWORD) is None


def test_authenticate_upgrades_an_outdated_hash(db: Session) -> None:
    user = users.create_user(db, username="frank", password=PASSWORD, role="viewer", now=T0)
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    user.password_hash = weak
    db.flush()
    assert users.needs_rehash(weak)
    assert users.authenticate(db, "frank", PASSWORD) is not None
    assert user.password_hash != weak
    assert not users.needs_rehash(user.password_hash)
    assert users.verify_password(user.password_hash, PASSWORD)


def test_sessions(db: Session) -> None:
    user = users.create_user(db, username="gina", password=PASSWORD, role="viewer", now=T0)
    token, csrf, row = users.open_session(db, user, T0, 2)
    assert token.startswith("trs_")
    assert row.token_hash == users.token_digest(token)
    assert row.csrf_token == csrf
    assert row.expires_at == T0 + timedelta(hours=2)
    found = users.resolve_session(db, token, T0 + timedelta(hours=1))
    assert found is not None
    assert found[0].id == user.id
    assert found[1].id == row.id
    assert users.resolve_session(db, token, T0 + timedelta(hours=2)) is None
    assert users.resolve_session(db, token + "x", T0) is None
    assert users.resolve_session(db, "trt_" + token[4:], T0) is None
    assert users.revoke_session(db, row.id, T0)
    assert not users.revoke_session(db, row.id, T0)
    assert users.resolve_session(db, token, T0) is None

    other, _, _ = users.open_session(db, user, T0, 2)
    users.set_password(db, user, "a new password", T0)
    assert users.resolve_session(db, other, T0) is None
    with pytest.raises(ValueError, match="at least 8"):
        users.set_password(db, user, "short", T0)


def test_api_tokens(db: Session) -> None:
    user = users.create_user(db, username="hank", password=PASSWORD, role="viewer", now=T0)
    row, token = users.create_token(db, user, " ci ", T0, expires_at=T0 + timedelta(days=1))
    assert token.startswith("trt_")
    assert row.name == "ci"
    assert token.startswith(row.prefix)
    assert len(row.prefix) == 12
    assert row.last_used_at is None

    later = T0 + timedelta(hours=1)
    found = users.resolve_token(db, token, later)
    assert found is not None
    assert found[1].last_used_at == later
    # Uses within a minute are not written again; later ones are.
    assert users.resolve_token(db, token, later + timedelta(seconds=30)) is not None
    db.refresh(row)
    assert row.last_used_at == later
    users.resolve_token(db, token, later + timedelta(minutes=2))
    db.refresh(row)
    assert row.last_used_at == later + timedelta(minutes=2)

    assert users.resolve_token(db, token, T0 + timedelta(days=1)) is None  # expired
    assert users.resolve_token(db, "trs_" + token[4:], T0) is None

    other, _ = users.create_token(db, user, "other", T0)
    assert [t.id for t in users.list_tokens(db, user.id)] == [other.id, row.id]
    assert [t.id for t in users.list_tokens(db, user.id, limit=1, before_id=other.id)] == [row.id]
    assert users.revoke_token(db, row.id, T0, user_id=user.id + 1) is None
    revoked = users.revoke_token(db, row.id, later, user_id=user.id)
    assert revoked is not None
    assert revoked.revoked_at == later
    again = users.revoke_token(db, row.id, later + timedelta(hours=1))
    assert again is not None
    assert again.revoked_at == later
    assert users.resolve_token(db, token, later) is None

    with pytest.raises(ValueError, match="name"):
        users.create_token(db, user, "  ", T0)
    with pytest.raises(ValueError, match="future"):
        users.create_token(db, user, "old", T0, expires_at=T0)


def test_throttle_arithmetic(db: Session) -> None:
    def retry(username: str, address: str, now: datetime) -> int | None:
        return users.login_retry_after(db, username, address, now, 15, 3)

    # Two failures: not yet throttled.
    users.record_login_failure(db, "ivy", "10.0.0.1", T0)
    users.record_login_failure(db, "ivy", "10.0.0.2", T0 + timedelta(minutes=5))
    assert retry("ivy", "10.0.0.9", T0 + timedelta(minutes=6)) is None
    # The third reaches the limit: wait until the oldest (T0) leaves the window.
    users.record_login_failure(db, "ivy", "10.0.0.3", T0 + timedelta(minutes=10))
    assert retry("ivy", "10.0.0.9", T0 + timedelta(minutes=10)) == 5 * 60
    assert retry("ivy", "10.0.0.9", T0 + timedelta(minutes=14, seconds=59.5)) == 1
    assert retry("ivy", "10.0.0.9", T0 + timedelta(minutes=15)) is None
    # Other usernames from other addresses are not affected.
    assert retry("jack", "10.0.0.9", T0 + timedelta(minutes=10)) is None
    # Failures on the username from any address count; so do failures from the
    # address on any username.
    for i in range(3):
        users.record_login_failure(db, f"user{i}", "10.9.9.9", T0 + timedelta(minutes=2 + i))
    assert retry("kate", "10.9.9.9", T0 + timedelta(minutes=10)) == 7 * 60
    # Both throttled (ivy for 5 more minutes, the address for 7): the longer wait wins.
    assert retry("ivy", "10.9.9.9", T0 + timedelta(minutes=10)) == 7 * 60


def test_throttle_with_more_failures_than_the_limit(db: Session) -> None:
    # Five failures (recorded concurrently, say) with a limit of 3: allowed
    # again only when the count inside the window drops to 2.
    for minute in (0, 1, 2, 3, 4):
        users.record_login_failure(db, "liam", "a", T0 + timedelta(minutes=minute))
    wait = users.login_retry_after(db, "liam", "b", T0 + timedelta(minutes=5), 15, 3)
    assert wait == (2 + 15 - 5) * 60


def test_clearing_failures_keeps_them_for_the_address(db: Session) -> None:
    for i in range(3):
        users.record_login_failure(db, "mia", "10.1.1.1", T0 + timedelta(seconds=i))
    now = T0 + timedelta(minutes=1)
    assert users.login_retry_after(db, "mia", "10.2.2.2", now, 15, 3) is not None
    users.clear_login_failures(db, "mia")
    assert users.login_retry_after(db, "mia", "10.2.2.2", now, 15, 3) is None
    assert users.login_retry_after(db, "other", "10.1.1.1", now, 15, 3) is not None
    attempt = users.record_login_failure(db, "mia", "10.2.2.2", now)
    users.discard_login_failure(db, attempt.id)
    assert db.get(LoginFailure, attempt.id) is None


def test_prune(db: Session) -> None:
    user = users.create_user(db, username="noah", password=PASSWORD, role="viewer", now=T0)
    users.record_login_failure(db, "noah", "a", T0)
    users.record_login_failure(db, "noah", "a", T0 + timedelta(days=2))
    _, _, old_row = users.open_session(db, user, T0, 1)
    _, _, fresh_row = users.open_session(db, user, T0 + timedelta(days=2), 1)
    users.prune(db, T0 + timedelta(days=2, minutes=1), failures_older_than=timedelta(days=1))
    assert len(db.execute(select(LoginFailure)).all()) == 1
    remaining = db.execute(select(SessionRow.id)).scalars().all()
    assert remaining == [fresh_row.id]
    assert old_row.id not in remaining


# -- trellis users create -------------------------------------------------------------


def run_cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="trellis")
    cli_users.add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    assert args.func is cli_users.run
    result: int = args.func(args)
    return result


def test_cli_creates_a_user(
    database_url: str,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TRELLIS_DATABASE_URL", database_url)
    code = run_cli(
        [
            "users",
            "create",
            "--username",
            "olga",
            "--password",
            PASSWORD,
            "--role",
            "admin",
            "--display-name",
            "Olga",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out == "created user olga (role admin)\n"
    with make_sessionmaker(engine)() as session:
        user = users.authenticate(session, "olga", PASSWORD)
        assert user is not None
        assert (user.role, user.display_name) == ("admin", "Olga")
    assert [row.subject for row in audit_rows(engine, "users.create")] == ["user:olga"]


def test_cli_reads_the_password_from_stdin(
    database_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRELLIS_DATABASE_URL", database_url)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert (
        run_cli(["users", "create", "--username", "pia", "--password-stdin", "--role", "viewer"])
        == 0
    )
    with make_sessionmaker(engine)() as session:
        assert users.authenticate(session, "pia", PASSWORD) is not None


@pytest.mark.parametrize(
    ("argv", "reason"),
    [
        (["--username", "quinn", "--password", PASSWORD, "--role", "boss"], "unknown role"),
        (["--username", "quinn", "--password", "short", "--role", "viewer"], "at least 8"),
        (["--username", "bad name", "--password", PASSWORD, "--role", "viewer"], "username"),
        (["--username", "taken", "--password", PASSWORD, "--role", "viewer"], "already exists"),
    ],
)
def test_cli_refusals(
    database_url: str,
    make_user: Callable[..., str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    reason: str,
) -> None:
    make_user("viewer", username="taken")
    monkeypatch.setenv("TRELLIS_DATABASE_URL", database_url)
    assert run_cli(["users", "create", *argv]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert reason in err
    assert len(err.strip().splitlines()) == 1


def test_cli_reports_an_unmigrated_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TRELLIS_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    assert (
        run_cli(["users", "create", "--username", "r", "--password", PASSWORD, "--role", "viewer"])
        == 1
    )
    err = capsys.readouterr().err
    assert "database error" in err
    assert len(err.strip().splitlines()) == 1


def test_parallel_guesses_cannot_pass_the_limit(
    client: Client, make_user: Callable[..., str], settings: Settings
) -> None:
    name = make_user("editor")

    def guess(i: int) -> int:
        body = {"username": name, "password": f"guess-{i:04d}"}
        return client.post(LOGIN, json=body).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(guess, range(16)))
    assert codes.count(401) == settings.login_max_failures
    assert codes.count(429) == 16 - settings.login_max_failures


def test_language_preference_is_stored_per_user(
    as_role: Callable[[str], TestClient[Any]],
) -> None:
    client = as_role("viewer")
    assert client.get("/api/v1/me").json()["language"] == "en"
    changed = client.patch("/api/v1/me", json={"language": "zh-CN"})
    assert changed.status_code == 200 and changed.json()["language"] == "zh-CN"
    assert client.get("/api/v1/me").json()["language"] == "zh-CN"
    refused = client.patch("/api/v1/me", json={"language": "klingon"})
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
