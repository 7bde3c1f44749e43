"""The live documents: the version each document's default variant points at.

Records are validated with the live form version, and the live permission
matrices are the rights in force. Draft variants of both can be asked for
too, for previews before publishing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.store.models import ActiveVersion, Document, Draft, Version

__all__ = ["DEFAULT_VARIANT", "LiveDocument", "live_document", "live_documents", "with_drafts"]

# The variant new work starts on when nothing more specific applies.
DEFAULT_VARIANT = "default"


@dataclass(frozen=True)
class LiveDocument:
    key: str
    version: int  # 0 for a draft
    hash: str
    content: dict[str, Any]


def live_documents(session: Session, kind: str, key: str | None = None) -> list[LiveDocument]:
    """Every document of ``kind`` (or just ``key``) with a live default variant."""
    query = (
        select(Document.key, Version.version, Version.hash, Version.content)
        .join(ActiveVersion, ActiveVersion.document_id == Document.id)
        .join(
            Version,
            (Version.document_id == Document.id) & (Version.version == ActiveVersion.version),
        )
        .where(Document.kind == kind, ActiveVersion.variant == DEFAULT_VARIANT)
        .order_by(Document.key)
    )
    if key is not None:
        query = query.where(Document.key == key)
    return [LiveDocument(k, v, h, c) for k, v, h, c in session.execute(query)]


def live_document(session: Session, kind: str, key: str) -> LiveDocument | None:
    found = live_documents(session, kind, key)
    return found[0] if found else None


def with_drafts(session: Session, kind: str, live: list[LiveDocument]) -> list[LiveDocument]:
    """``live`` with each document's draft in place of its live version where
    it has one, and documents that so far exist only as drafts."""
    drafts = {
        key: LiveDocument(key, 0, f"draft:{revision}", content)
        for key, revision, content in session.execute(
            select(Document.key, Draft.revision, Draft.content)
            .join(Draft, Draft.document_id == Document.id)
            .where(Document.kind == kind)
        )
    }
    merged = {doc.key: doc for doc in live} | drafts
    return [merged[key] for key in sorted(merged)]
