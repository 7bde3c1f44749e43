"""Request-scoped dependencies: the database session and the current user."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import msgspec
from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency
from sqlalchemy.orm import Session

from runtime.clock import Clock

__all__ = ["DB", "ClockDep", "CurrentUser", "provide_clock", "provide_db"]

# Handler parameters: ``db: DB`` and ``clock: ClockDep`` (explicit markers,
# as Litestar 3 will require).
DB = NamedDependency[Session]
ClockDep = NamedDependency[Clock]


class CurrentUser(msgspec.Struct):
    id: int
    username: str
    role: str
    display_name: str = ""
    language: str = "en"


def provide_db(state: State, request: Request[Any, Any, Any]) -> Iterator[Session]:
    """One transaction per request: committed when the handler succeeds,
    rolled back when it raises. Reads use a connection that does not take the
    SQLite write lock."""
    factory = state.read_sessions if request.method in ("GET", "HEAD") else state.sessions
    with factory() as session, session.begin():
        yield session


def provide_clock(state: State) -> Clock:
    clock: Clock = state.clock
    return clock
