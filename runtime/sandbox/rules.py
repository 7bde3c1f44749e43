"""Compliance rule sets in the sandbox's own table: each change a new
version, never edited; a run reads the newest when it is asked for."""

from __future__ import annotations

from datetime import datetime

import msgspec
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from builder.errors import error
from runtime.sandbox.compliance import RuleSet, check_rules
from runtime.store import audit, documents
from runtime.store.errors import InvalidError
from runtime.store.sandbox_models import RuleSetVersion

__all__ = ["latest_rules", "save_rules"]


def latest_rules(session: Session, workflow: str) -> RuleSetVersion | None:
    return session.scalars(
        select(RuleSetVersion)
        .where(RuleSetVersion.workflow == workflow)
        .order_by(RuleSetVersion.version.desc())
        .limit(1)
    ).first()


def save_rules(
    session: Session, workflow: str, rules: RuleSet, *, message: str, actor: str, now: datetime
) -> RuleSetVersion:
    """A new version of ``workflow``'s rules; refused (nothing stored) when a
    rule cannot be used or the workflow does not exist (404)."""
    documents.require_document(session, "workflow", workflow)
    problems = check_rules(rules)
    if problems:
        raise InvalidError(
            "These compliance rules cannot be used; nothing was stored.",
            [error(pointer, "invalid", detail=detail) for pointer, detail in problems],
        )
    number = session.scalar(
        select(func.max(RuleSetVersion.version)).where(RuleSetVersion.workflow == workflow)
    )
    row = RuleSetVersion(
        workflow=workflow,
        version=(number or 0) + 1,
        rules=msgspec.to_builtins(rules),
        message=message,
        author=actor,
        created_at=now,
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        at=now,
        actor=actor,
        action="sandbox.rules.save",
        subject=f"workflow:{workflow}",
        detail={"version": row.version, "rules": len(rules.rules)},
    )
    return row
