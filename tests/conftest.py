"""Shared fixtures: every storage test runs on SQLite and on PostgreSQL.

PostgreSQL: each test session creates its own schema in database ``test``
(TRELLIS_TEST_POSTGRES_URL overrides the server), so parallel runs never
collide. With CI=true an unreachable PostgreSQL fails the run instead of
skipping half of it.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import Engine, select, text

from runtime.api.app import create_app
from runtime.config import Settings
from runtime.store.db import make_engine, make_sessionmaker, transaction
from runtime.store.migrate import upgrade
from runtime.store.models import Base, User
from runtime.store.users import create_token, hash_password

POSTGRES_URL = os.environ.get(
    "TRELLIS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() == "true"
PASSWORD = "correct horse battery"


def _postgres_schema_url(request: pytest.FixtureRequest) -> Iterator[str]:
    schema = f"trellis_test_{os.getpid()}_{secrets.token_hex(4)}"
    admin = make_engine(POSTGRES_URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:
        admin.dispose()
        if IN_CI:
            pytest.fail(f"PostgreSQL is required in CI but unreachable: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    separator = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def migrated_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A database migrated to head, one per backend per test session."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'trellis.db'}"
        urls: Iterator[str] = iter([url])
    else:
        urls = _postgres_schema_url(request)
    url = next(urls)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    for _ in urls:  # runs the PostgreSQL clean-up
        pass


def _empty(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name == "versions":
                # Published versions are immutable by trigger; tests start clean anyway.
                if conn.dialect.name == "sqlite":
                    conn.execute(text("DROP TRIGGER IF EXISTS versions_no_delete"))
                    conn.execute(text(f"DELETE FROM {table.name}"))
                    conn.execute(
                        text(
                            "CREATE TRIGGER versions_no_delete BEFORE DELETE ON versions "
                            "BEGIN SELECT RAISE(ABORT, 'published versions are immutable'); END"
                        )
                    )
                else:
                    conn.execute(text("ALTER TABLE versions DISABLE TRIGGER versions_immutable"))
                    conn.execute(text(f"DELETE FROM {table.name}"))
                    conn.execute(text("ALTER TABLE versions ENABLE TRIGGER versions_immutable"))
            else:
                conn.execute(text(f"DELETE FROM {table.name}"))


@pytest.fixture
def database_url(migrated_url: str) -> str:
    """The session's migrated database, emptied before each test."""
    engine = make_engine(migrated_url)
    _empty(engine)
    engine.dispose()
    return migrated_url


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=database_url, files_dir=str(tmp_path / "files"))


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def password_hash() -> str:
    """argon2 is slow by design (~0.2 s); hash the shared test password once."""
    return hash_password(PASSWORD)


@pytest.fixture
def make_user(engine: Engine, password_hash: str) -> Callable[..., str]:
    """Create a user with ``role`` and the password PASSWORD; returns the username."""

    def make(role: str, username: str | None = None) -> str:
        name = username or f"{role}-{secrets.token_hex(3)}"
        with transaction(make_sessionmaker(engine)) as session:
            session.add(
                User(
                    username=name,
                    display_name=name,
                    password_hash=password_hash,
                    role=role,
                    language="en",
                    is_active=True,
                    created_at=datetime.now(UTC),
                )
            )
        return name

    return make


def api_token(engine: Engine, username: str) -> str:
    with transaction(make_sessionmaker(engine)) as session:
        user = session.execute(select(User).where(User.username == username)).scalar_one()
        return create_token(session, user, "tests", datetime.now(UTC))[1]


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient[Any]]:
    with TestClient(app=create_app(settings)) as test_client:
        yield test_client


def login(client: TestClient[Any], username: str, password: str = PASSWORD) -> dict[str, Any]:
    response = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
def as_role(
    settings: Settings, engine: Engine, make_user: Callable[..., str]
) -> Iterator[Callable[[str], TestClient[Any]]]:
    """A client authenticated by an API token as a new user of ``role``
    (login itself is tested in test_auth; a token avoids an argon2 check)."""
    clients: list[TestClient[Any]] = []

    def open_client(role: str) -> TestClient[Any]:
        username = make_user(role)
        test_client = TestClient(app=create_app(settings))
        test_client.__enter__()
        clients.append(test_client)
        test_client.headers["Authorization"] = f"Bearer {api_token(engine, username)}"
        return test_client

    yield open_client
    for test_client in clients:
        test_client.__exit__(None, None, None)
