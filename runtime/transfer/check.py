"""Checking what was read against the database before anything is written:
every version must pass the checks and keep its hash, every pointer must name
a version in the folder, and a version already in the database must be the
same one."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from builder import References, check
from builder.canonical import content_hash
from builder.checks.form import form_fields
from runtime.store.documents import find_document
from runtime.store.models import Activation, ActiveVersion, Document, Draft, Version
from runtime.transfer.format import ACTIVE_FILE, VERSIONS_DIR, Move
from runtime.transfer.problems import Problem
from runtime.transfer.read import DocumentIn

__all__ = ["Existing", "check_against", "check_contents", "find_existing"]


@dataclass
class Existing:
    """What the database already has of one document in the folder."""

    document: Document
    versions: dict[int, str]  # number -> hash
    draft: Draft | None
    pointers: dict[str, ActiveVersion]
    history: dict[str, list[Move]]


def find_existing(session: Session, document: DocumentIn) -> Existing | None:
    found = find_document(session, document.kind, document.key, lock=True)
    if found is None:
        return None
    versions = {
        number: digest
        for number, digest in session.execute(
            select(Version.version, Version.hash).where(Version.document_id == found.id)
        )
    }
    pointers = {
        p.variant: p
        for p in session.execute(
            select(ActiveVersion).where(ActiveVersion.document_id == found.id)
        ).scalars()
    }
    history: dict[str, list[Move]] = {}
    for m in session.execute(
        select(Activation).where(Activation.document_id == found.id).order_by(Activation.id)
    ).scalars():
        history.setdefault(m.variant, []).append(Move.of(m))
    return Existing(found, versions, session.get(Draft, found.id), pointers, history)


def check_contents(session: Session, documents: list[DocumentIn], problems: list[Problem]) -> None:
    """Check every version (errors refuse the import) and every draft (errors
    are allowed, as for any draft)."""
    version_refs, draft_refs = _references(session, documents)
    for document in documents:
        for version in document.versions:
            record = version.record
            checked = check(record.content, version_refs, kind=document.kind, key=document.key)
            for e in checked.errors:
                problems.append(Problem(version.file, "/content" + e.pointer, e.message["en"]))
            if checked.document is None or checked.errors:
                continue
            actual = content_hash(checked.document)
            if actual != record.hash:
                problems.append(
                    Problem(
                        version.file,
                        "/hash",
                        f"{record.hash} does not match the content, whose hash is {actual}: "
                        "the file was changed after it was exported",
                    )
                )
                continue
            version.content = checked.document
        draft = document.draft
        if draft is not None:
            checked = check(draft.raw, draft_refs, kind=document.kind, key=document.key)
            fatal = [e for e in checked.errors if e.code in ("key_mismatch", "kind_mismatch")]
            if checked.document is None or fatal:
                for e in fatal or checked.errors:
                    problems.append(Problem(draft.file, e.pointer, e.message["en"]))
                continue
            draft.content = checked.document
            draft.errors = len(checked.errors)


def _references(session: Session, documents: list[DocumentIn]) -> tuple[References, References]:
    """The forms versions and drafts may refer to. A workflow may refer to any
    form published in the database or in the folder, with the fields of any of
    its versions: that is a superset of what it was checked against when it
    was published. A draft may also use the fields of form drafts."""
    published = _form_fields_in(session, Version)
    drafted = _form_fields_in(session, Draft)
    for document in documents:
        if document.kind != "form":
            continue
        for version in document.versions:
            published.setdefault(document.key, set()).update(form_fields(version.record.content))
        if document.draft is not None:
            drafted.setdefault(document.key, set()).update(form_fields(document.draft.raw))
    for key, fields in published.items():
        drafted.setdefault(key, set()).update(fields)
    return (
        References(forms={k: sorted(v) for k, v in published.items()}),
        References(forms={k: sorted(v) for k, v in drafted.items()}),
    )


def _form_fields_in(session: Session, table: type[Version] | type[Draft]) -> dict[str, set[str]]:
    """Form key -> the fields of all its rows in ``table``."""
    found: dict[str, set[str]] = {}
    for key, content in session.execute(
        select(Document.key, table.content)
        .join(table, table.document_id == Document.id)
        .where(Document.kind == "form")
    ):
        found.setdefault(key, set()).update(form_fields(content))
    return found


def check_against(
    documents: list[DocumentIn],
    existing: dict[tuple[str, str], Existing | None],
    problems: list[Problem],
) -> None:
    """Pointers name versions in the folder; versions already in the database
    are the same ones."""
    for document in documents:
        problems.extend(_unknown_versions(document))
        found = existing[(document.kind, document.key)]
        if found is None:
            continue
        for version in document.versions:
            stored = found.versions.get(version.record.version)
            if stored is not None and stored != version.record.hash:
                problems.append(
                    Problem(
                        version.file,
                        "/hash",
                        f"the database already has version {version.record.version} of "
                        f"{document.kind}/{document.key} with another hash ({stored}); "
                        "a published version is never replaced",
                    )
                )


def _unknown_versions(document: DocumentIn) -> Iterator[Problem]:
    """Pointers and moves in ``active.json`` naming a version not in the folder."""
    numbers = {v.record.version for v in document.versions}
    named: list[tuple[str, int | None]] = [
        (f"/variants/{v}/version", p.version) for v, p in document.pointers.items()
    ]
    for i, move in enumerate(document.history):
        named.append((f"/history/{i}/from_version", move.from_version))
        named.append((f"/history/{i}/to_version", move.to_version))
    for pointer, number in named:
        if number is not None and number not in numbers:
            yield Problem(
                f"{document.folder}/{ACTIVE_FILE}",
                pointer,
                f"version {number} is not in {document.folder}/{VERSIONS_DIR}",
            )
