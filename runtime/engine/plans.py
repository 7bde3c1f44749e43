"""Which version a new case starts on, and the compiled plan of a version."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from builder.plan import compile_plan
from components.engine import Plan
from runtime.store.live import DEFAULT_VARIANT
from runtime.store.models import ActiveVersion, Document, Version

__all__ = ["LiveWorkflow", "live_workflow", "live_workflows", "plan_of"]


@dataclass(frozen=True)
class LiveWorkflow:
    key: str
    variant: str
    version: int
    hash: str
    content: dict[str, Any]

    @property
    def plan(self) -> Plan:
        return compile_plan(self.content, key=self.key, version=self.version, hash=self.hash)


def live_workflow(session: Session, key: str, variant: str | None = None) -> LiveWorkflow | None:
    """The active version of ``variant`` (the default variant when that one
    has none, or when no variant is asked for)."""
    wanted = (
        [variant, DEFAULT_VARIANT] if variant and variant != DEFAULT_VARIANT else [DEFAULT_VARIANT]
    )
    rows = session.execute(
        select(ActiveVersion.variant, Version.version, Version.hash, Version.content)
        .join(Document, Document.id == ActiveVersion.document_id)
        .join(
            Version,
            (Version.document_id == Document.id) & (Version.version == ActiveVersion.version),
        )
        .where(Document.kind == "workflow", Document.key == key, ActiveVersion.variant.in_(wanted))
    ).all()
    by_variant = {row.variant: row for row in rows}
    for name in wanted:
        row = by_variant.get(name)
        if row is not None:
            return LiveWorkflow(key, name, row.version, row.hash, row.content)
    return None


def live_workflows(session: Session) -> list[LiveWorkflow]:
    """Every workflow's live default version (for record triggers)."""
    rows = session.execute(
        select(Document.key, Version.version, Version.hash, Version.content)
        .join(ActiveVersion, ActiveVersion.document_id == Document.id)
        .join(
            Version,
            (Version.document_id == Document.id) & (Version.version == ActiveVersion.version),
        )
        .where(Document.kind == "workflow", ActiveVersion.variant == DEFAULT_VARIANT)
        .order_by(Document.key)
    ).all()
    return [LiveWorkflow(r.key, DEFAULT_VARIANT, r.version, r.hash, r.content) for r in rows]


_HASHES: dict[tuple[str, int], tuple[str, dict[str, Any]]] = {}


def plan_of(session: Session, key: str, version: int, hash_: str) -> Plan:
    """The plan an instance is pinned to (versions never change, so the
    content is read once per process)."""
    found = _HASHES.get((key, version))
    if found is None or found[0] != hash_:
        content = session.scalars(
            select(Version.content)
            .join(Document, Document.id == Version.document_id)
            .where(Document.kind == "workflow", Document.key == key, Version.version == version)
        ).one()
        if len(_HASHES) > 1024:
            _HASHES.clear()
        found = _HASHES[(key, version)] = (hash_, content)
    return compile_plan(found[1], key=key, version=version, hash=hash_)
