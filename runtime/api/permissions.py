"""Which platform role may take which action: one table, one guard.

Handlers declare ``opt={"action": "documents.publish"}``; the guard looks the
action up here. The full permission matrix (records, fields, rows) comes with
the permission_matrix documents; platform roles stay the outer fence.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from runtime.api.problems import Problem
from runtime.store.users import PLATFORM_ROLES as ROLES

__all__ = ["ACTIONS", "ROLES", "may", "permission_guard"]

ACTIONS: dict[str, frozenset[str]] = {
    "documents.read": frozenset(ROLES),
    "documents.validate": frozenset({"admin", "editor", "publisher"}),
    "documents.edit": frozenset({"admin", "editor"}),
    "documents.publish": frozenset({"admin", "publisher"}),
    "documents.activate": frozenset({"admin", "publisher"}),
    "changesets.edit": frozenset({"admin", "editor", "publisher"}),
    "changesets.publish": frozenset({"admin", "publisher"}),
    "tokens.own": frozenset(ROLES),
    "users.manage": frozenset({"admin"}),
    "audit.read": frozenset({"admin"}),
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
