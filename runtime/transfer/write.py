"""``import_all``: read and check the whole folder, then write it in the
caller's transaction. Published versions are inserted, never updated; a draft
or an active pointer is replaced only by a newer one."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from builder.canonical import content_hash
from runtime.store import audit
from runtime.store.models import Activation, ActiveVersion, Document, Draft, Version
from runtime.transfer.check import Existing, check_against, check_contents, find_existing
from runtime.transfer.load import Reader
from runtime.transfer.problems import Problem, TransferError
from runtime.transfer.read import DocumentIn, DraftIn, read_folder

__all__ = ["ImportSummary", "import_all"]


@dataclass
class ImportSummary:
    directory: Path
    documents: int = 0
    documents_created: int = 0
    versions_added: int = 0
    versions_present: int = 0
    drafts_written: int = 0
    drafts_unchanged: int = 0
    drafts_kept: int = 0
    moves_added: int = 0
    variants_kept: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.documents_created or self.versions_added or self.drafts_written or self.moves_added
        )

    def counts(self) -> dict[str, int]:
        return {
            "documents": self.documents,
            "documents_created": self.documents_created,
            "versions_added": self.versions_added,
            "versions_present": self.versions_present,
            "drafts_written": self.drafts_written,
            "drafts_unchanged": self.drafts_unchanged,
            "drafts_kept": self.drafts_kept,
            "moves_added": self.moves_added,
            "variants_kept": len(self.variants_kept),
        }

    def line(self) -> str:
        text = (
            f"imported {self.documents} documents ({self.documents_created} new), "
            f"{self.versions_added} versions ({self.versions_present} already present), "
            f"{self.drafts_written} drafts, {self.moves_added} pointer moves from {self.directory}"
        )
        if self.drafts_kept:
            text += f"; kept {self.drafts_kept} newer drafts in the database"
        if self.variants_kept:
            text += (
                "; kept the database's active pointers of "
                + ", ".join(self.variants_kept)
                + " (their history differs from the export)"
            )
        if not self.changed:
            text += "; nothing changed"
        return text


def import_all(session: Session, directory: Path, *, actor: str, now: datetime) -> ImportSummary:
    """Read and check all of ``directory``, then write it in the caller's
    transaction. Raises :class:`TransferError` (having written nothing) if
    anything is wrong anywhere."""
    reader = Reader(directory)
    documents = read_folder(reader, directory)
    if reader.problems:
        raise TransferError(reader.problems)

    existing = {(d.kind, d.key): find_existing(session, d) for d in documents}
    check_contents(session, documents, reader.problems)
    check_against(documents, existing, reader.problems)
    if reader.problems:
        raise TransferError(reader.problems)

    summary = ImportSummary(directory=directory, documents=len(documents))
    try:
        for document in documents:
            _write_document(session, document, existing[(document.kind, document.key)], summary)
    except IntegrityError:
        raise _changed_meanwhile(str(directory), "the same documents were changed") from None
    if summary.changed:
        audit.append(
            session,
            at=now,
            actor=actor,
            action="import",
            subject="",
            detail={**summary.counts(), "directory": str(directory)},
        )
    return summary


def _changed_meanwhile(file: str, what: str) -> TransferError:
    return TransferError(
        [Problem(file, "", f"{what} while importing; nothing was imported, try again")]
    )


def _write_document(
    session: Session, document: DocumentIn, found: Existing | None, summary: ImportSummary
) -> None:
    if found is None:
        row = Document(**document.meta.columns())
        session.add(row)
        session.flush()
        summary.documents_created += 1
        found = Existing(row, {}, None, {}, {})
    document_id = found.document.id

    for version in document.versions:
        if version.record.version in found.versions:
            summary.versions_present += 1
            continue
        assert version.content is not None  # checked
        record = replace(version.record, content=version.content)
        session.add(Version(document_id=document_id, changeset_id=None, **record.columns()))
        summary.versions_added += 1
    if document.draft is not None:
        _write_draft(session, document_id, document.draft, found.draft, summary)
    _write_pointers(session, document_id, document, found, summary)
    session.flush()


def _write_draft(
    session: Session,
    document_id: int,
    draft: DraftIn,
    current: Draft | None,
    summary: ImportSummary,
) -> None:
    assert draft.content is not None  # checked
    columns = {"content": draft.content, "error_count": draft.errors, **draft.meta.columns()}
    if current is None:
        session.add(Draft(document_id=document_id, **columns))
        summary.drafts_written += 1
    elif content_hash(current.content) == content_hash(draft.content):
        summary.drafts_unchanged += 1
    elif draft.meta.updated_at > current.updated_at:
        result = session.execute(
            update(Draft)
            .where(Draft.document_id == document_id, Draft.revision == current.revision)
            .values({**columns, "revision": current.revision + 1})
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise _changed_meanwhile(draft.file, "the draft in the database changed")
        session.expire(current)
        summary.drafts_written += 1
    else:
        summary.drafts_kept += 1


def _write_pointers(
    session: Session,
    document_id: int,
    document: DocumentIn,
    found: Existing,
    summary: ImportSummary,
) -> None:
    """The folder's moves for a variant are taken only when the database's
    moves for it are the same moves so far (or there are none); a variant
    moved differently in this database keeps its own pointer."""
    variants = sorted(set(document.pointers) | {m.variant for m in document.history})
    taken: set[str] = set()
    for variant in variants:
        mine = [m for m in document.history if m.variant == variant]
        theirs = found.history.get(variant, [])
        if mine[: len(theirs)] == theirs:
            taken.add(variant)
        elif theirs[: len(mine)] != mine:
            summary.variants_kept.append(f"{document.folder}:{variant}")
    done = {v: len(found.history.get(v, [])) for v in taken}
    seen: dict[str, int] = {}
    for move in document.history:
        if move.variant not in taken:
            continue
        seen[move.variant] = seen.get(move.variant, 0) + 1
        if seen[move.variant] <= done[move.variant]:
            continue
        session.add(Activation(document_id=document_id, **move.columns()))
        summary.moves_added += 1
    for variant in sorted(taken):
        pointer = document.pointers.get(variant)
        if pointer is None:
            continue
        moved = seen.get(variant, 0) > done[variant]
        current = found.pointers.get(variant)
        if current is None:
            session.add(
                ActiveVersion(document_id=document_id, variant=variant, **pointer.columns())
            )
        elif moved:
            for name, value in pointer.columns().items():
                setattr(current, name, value)
