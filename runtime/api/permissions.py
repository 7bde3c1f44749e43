"""Which platform role may take which action: one table, one guard.

Handlers declare ``opt={"action": "documents.publish"}``; the guard looks the
action up here. The full permission matrix (records, fields, rows) comes with
the permission_matrix documents; platform roles stay the outer fence.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from sqlalchemy.orm import Session

from runtime.api.problems import Problem
from runtime.store.matrix_rules import may_take
from runtime.store.users import PLATFORM_ROLES as ROLES

__all__ = [
    "ACTIONS",
    "ROLES",
    "may",
    "may_sandbox",
    "permission_guard",
    "require_matrix_action",
    "require_sandbox",
]

ACTIONS: dict[str, frozenset[str]] = {
    "documents.read": frozenset(ROLES),
    "documents.validate": frozenset({"admin", "editor", "publisher"}),
    "documents.edit": frozenset({"admin", "editor"}),
    "documents.publish": frozenset({"admin", "publisher"}),
    "documents.activate": frozenset({"admin", "publisher"}),
    "changesets.edit": frozenset({"admin", "editor", "publisher"}),
    "changesets.publish": frozenset({"admin", "publisher"}),
    "tokens.own": frozenset(ROLES),
    "people.read": frozenset(ROLES),
    "users.manage": frozenset({"admin"}),
    "audit.read": frozenset({"admin"}),
    # The runtime: who may act on cases at all (tasks are their assignees';
    # starting and deciding are also the permission matrix's to grant).
    "cases.work": frozenset(ROLES),
    "cases.operate": frozenset({"admin", "editor"}),
    "outbox.read": frozenset({"admin"}),
    # Testers and analysts: replays touch only the sandbox's own tables.
    "sandbox.use": frozenset({"admin", "editor", "publisher"}),
}


def may(role: str, action: str) -> bool:
    return role in ACTIONS.get(action, frozenset())


def permission_guard(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    action = handler.opt.get("action")
    if action is None:
        return
    user = connection.user
    if not may(user.role, action):
        raise Problem(403, f"Role {user.role!r} may not {action.split('.', 1)[1]} here ({action}).")


def require_matrix_action(
    session: Session, user: Any, action: str, now: datetime, workflow: str | None = None
) -> None:
    """403 unless the live permission matrices let ``user`` take ``action``
    (on ``workflow`` when named; they decide only once they grant it to some
    role; see matrix_rules)."""
    if not may_take(session, user.id, action, now, workflow):
        raise Problem(
            403,
            f"The permission matrix grants {action!r}"
            + (f" on {workflow}" if workflow else "")
            + " to roles you do not hold; ask an administrator for one of them.",
        )


def may_sandbox(session: Session, user: Any, now: datetime, workflow: str | None = None) -> bool:
    """Replays touch only the sandbox's own tables: platform administrators
    (who run the system) may always run and read them; anyone else needs
    the matrix's ``run_sandbox`` (on that workflow) once a matrix governs it."""
    return bool(user.role == "admin" or may_take(session, user.id, "run_sandbox", now, workflow))


def require_sandbox(
    session: Session, user: Any, now: datetime, workflow: str | None = None
) -> None:
    """403 unless :func:`may_sandbox`: asking for a run, reading or
    cancelling one (its report tells about that workflow's cases)."""
    if user.role == "admin":
        return
    require_matrix_action(session, user, "run_sandbox", now, workflow)
