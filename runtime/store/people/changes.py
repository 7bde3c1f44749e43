"""What every change of people does: hold the lock, write the audit entry."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from runtime.store import audit
from runtime.store.db import xact_lock

__all__ = ["lock", "record"]

LOCK = "trellis.people"


def lock(session: Session) -> None:
    """Serialise people writes until the transaction ends, so that what a
    write checked (no loop of managers, nobody left in a region about to go)
    still holds when it commits."""
    xact_lock(session, LOCK)


def record(
    session: Session,
    actor: str,
    now: datetime,
    action: str,
    subject: str,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    **extra: Any,
) -> None:
    detail: dict[str, Any] = {}
    if before is not None:
        detail["before"] = before
    if after is not None:
        detail["after"] = after
    detail.update(extra)
    audit.append(session, at=now, actor=actor, action=action, subject=subject, detail=detail)
