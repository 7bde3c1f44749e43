"""Documents: drafts with revisions, immutable versions, active pointers.

Every function works inside the caller's transaction and appends its audit
entry there, so a change and its audit entry are stored together or not at
all. Time comes in as ``now``; nothing here reads the clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from builder import References, check
from builder.canonical import content_hash
from builder.checks.form import form_fields
from runtime.store import audit
from runtime.store.errors import ConflictError, InvalidError, NotFoundError, PreconditionError
from runtime.store.live import DEFAULT_VARIANT
from runtime.store.matrix_rules import check_publishers_remain
from runtime.store.models import (
    Activation,
    ActiveVersion,
    ChangeSetItem,
    Document,
    Draft,
    Version,
)

__all__ = [
    "DEFAULT_VARIANT",
    "Saved",
    "activate",
    "active_pointers",
    "delete_draft",
    "find_document",
    "get_draft",
    "get_version",
    "latest_version",
    "list_documents",
    "list_versions",
    "publish",
    "references",
    "require_document",
    "save_draft",
]


def subject(kind: str, key: str) -> str:
    return f"{kind}:{key}"


def find_document(session: Session, kind: str, key: str, *, lock: bool = False) -> Document | None:
    query = select(Document).where(Document.kind == kind, Document.key == key)
    if lock:
        query = query.with_for_update()
    return session.execute(query).scalar_one_or_none()


def require_document(session: Session, kind: str, key: str, *, lock: bool = False) -> Document:
    document = find_document(session, kind, key, lock=lock)
    if document is None:
        raise NotFoundError(f"There is no {kind} {key!r}.")
    return document


def references(session: Session, *, drafts: bool) -> References:
    """What documents may refer to: published forms (and, for drafts, forms
    that so far exist only as drafts). Business roles arrive with the people
    and permissions work; until then role names are not checked."""
    forms: dict[str, list[str]] = {}
    latest = (
        select(Version.document_id, func.max(Version.version).label("n"))
        .group_by(Version.document_id)
        .subquery()
    )
    rows = session.execute(
        select(Document.key, Version.content)
        .join(Version, Version.document_id == Document.id)
        .join(
            latest, (latest.c.document_id == Version.document_id) & (latest.c.n == Version.version)
        )
        .where(Document.kind == "form")
    )
    for key, content in rows:
        forms[key] = form_fields(content)
    if drafts:
        for key, content in session.execute(
            select(Document.key, Draft.content)
            .join(Draft, Draft.document_id == Document.id)
            .where(Document.kind == "form")
        ):
            forms[key] = sorted(set(forms.get(key, [])) | set(form_fields(content)))
    return References(forms=forms)


@dataclass(frozen=True)
class Saved:
    revision: int
    errors: list[Any]
    content: dict[str, Any]
    created: bool


def get_draft(session: Session, kind: str, key: str) -> tuple[Document, Draft]:
    document = require_document(session, kind, key)
    draft = session.get(Draft, document.id)
    if draft is None:
        raise NotFoundError(f"{kind} {key!r} has no draft.")
    return document, draft


def save_draft(
    session: Session,
    kind: str,
    key: str,
    content: Any,
    *,
    expected_revision: int | None,
    actor: str,
    now: datetime,
    create_only: bool = False,
) -> Saved:
    """Store ``content`` as the draft, even when it has errors, unless it is
    not a document of this kind and key at all (then nothing is stored).
    ``create_only`` refuses (412) when the document exists already; checked
    under the row lock, so two creators of one key cannot both succeed."""
    checked = check(content, references(session, drafts=True), kind=kind, key=key)
    if checked.document is None or any(e.code == "key_mismatch" for e in checked.errors):
        raise InvalidError(
            "The body is not a " + kind + f" document with key {key!r}; nothing was saved.",
            checked.errors,
        )
    # Locked so that concurrent saves and deletes of this key queue up.
    document = find_document(session, kind, key, lock=True)
    created = document is None
    if document is not None and create_only:
        raise PreconditionError(f"{kind} {key!r} already exists; nothing was saved.")
    if document is None:
        if expected_revision not in (None, 0):
            raise ConflictError(
                f"{kind} {key!r} does not exist; revision {expected_revision} is stale."
            )
        document = Document(kind=kind, key=key, created_at=now, created_by=actor)
        session.add(document)
        try:
            session.flush()
        except IntegrityError:
            error_type = PreconditionError if create_only else ConflictError
            raise error_type(f"{kind} {key!r} was created at the same time.") from None
    draft = session.get(Draft, document.id)
    errors = checked.errors
    if draft is None:
        if expected_revision not in (None, 0):
            raise ConflictError(
                f"The draft of {kind} {key!r} was deleted; revision {expected_revision} is stale."
            )
        revision = 1
        session.add(
            Draft(
                document_id=document.id,
                content=checked.document,
                revision=1,
                error_count=len(errors),
                updated_at=now,
                updated_by=actor,
            )
        )
        try:
            session.flush()
        except IntegrityError:
            raise ConflictError(
                f"The draft of {kind} {key!r} was created at the same time; reload it."
            ) from None
    else:
        current = draft.revision
        if expected_revision is not None and expected_revision != current:
            raise ConflictError(
                f"The draft of {kind} {key!r} is at revision {current}, not {expected_revision}: "
                "someone else saved it. Reload it, or save again with the new revision."
            )
        revision = current + 1
        # Compare-and-set: a concurrent save in between makes this match nothing.
        result = session.execute(
            update(Draft)
            .where(Draft.document_id == document.id, Draft.revision == current)
            .values(
                content=checked.document,
                revision=revision,
                error_count=len(errors),
                updated_at=now,
                updated_by=actor,
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise ConflictError(f"The draft of {kind} {key!r} changed meanwhile; reload it.")
        session.expire(draft)
    audit.append(
        session,
        at=now,
        actor=actor,
        action="draft.saved",
        subject=subject(kind, key),
        detail={"revision": revision, "errors": len(errors)},
    )
    return Saved(revision=revision, errors=errors, content=checked.document, created=created)


def delete_draft(
    session: Session,
    kind: str,
    key: str,
    *,
    expected_revision: int | None,
    actor: str,
    now: datetime,
) -> None:
    document = require_document(session, kind, key, lock=True)
    draft = session.get(Draft, document.id)
    if draft is None:
        raise NotFoundError(f"{kind} {key!r} has no draft.")
    if expected_revision is not None and expected_revision != draft.revision:
        raise ConflictError(
            f"The draft of {kind} {key!r} is at revision {draft.revision}, not {expected_revision}."
        )
    # Compare-and-set, like saves: a save that slipped in keeps its draft.
    removed = session.execute(
        delete(Draft)
        .where(Draft.document_id == document.id, Draft.revision == draft.revision)
        .execution_options(synchronize_session=False)
    )
    if removed.rowcount != 1:  # type: ignore[attr-defined]
        raise ConflictError(f"The draft of {kind} {key!r} changed meanwhile; reload it.")
    session.expunge(draft)
    # A document that was never published goes with its draft, unless a
    # change set still names it.
    in_use = (
        session.execute(
            select(Version.id).where(Version.document_id == document.id).limit(1)
        ).first()
        or session.execute(
            select(ChangeSetItem.id).where(ChangeSetItem.document_id == document.id).limit(1)
        ).first()
    )
    if not in_use:
        session.execute(delete(Document).where(Document.id == document.id))
    audit.append(
        session,
        at=now,
        actor=actor,
        action="draft.deleted",
        subject=subject(kind, key),
        detail={"revision": draft.revision},
    )


def latest_version(session: Session, document_id: int) -> Version | None:
    return session.execute(
        select(Version)
        .where(Version.document_id == document_id)
        .order_by(Version.version.desc())
        .limit(1)
    ).scalar_one_or_none()


def publish(
    session: Session,
    kind: str,
    key: str,
    *,
    message: str,
    expected_revision: int | None,
    actor: str,
    now: datetime,
    refs: References | None = None,
    changeset_id: int | None = None,
) -> tuple[Version, bool]:
    """Publish the draft as the next version. Returns (version, created);
    identical content to the latest version returns that version unchanged."""
    document = require_document(session, kind, key, lock=True)
    draft = session.get(Draft, document.id)
    if draft is None:
        raise NotFoundError(f"{kind} {key!r} has no draft to publish.")
    if expected_revision is not None and expected_revision != draft.revision:
        raise ConflictError(
            f"The draft of {kind} {key!r} is at revision {draft.revision}, not "
            f"{expected_revision}: review the newer draft before publishing."
        )
    checked = check(draft.content, refs or references(session, drafts=False), kind=kind, key=key)
    if checked.errors or checked.document is None:
        raise InvalidError(
            f"The draft of {kind} {key!r} has {len(checked.errors)} error(s); nothing was "
            "published.",
            checked.errors,
        )
    if kind == "permission_matrix":
        # Refused now rather than when someone makes it live.
        check_publishers_remain(session, key, checked.document, now)
    digest = content_hash(checked.document)
    latest = latest_version(session, document.id)
    if latest is not None and latest.hash == digest:
        return latest, False
    version = Version(
        document_id=document.id,
        version=(latest.version if latest else 0) + 1,
        content=checked.document,
        hash=digest,
        author=actor,
        published_at=now,
        message=message,
        changeset_id=changeset_id,
    )
    session.add(version)
    try:
        session.flush()
    except IntegrityError:
        # Another publish of this key won the race (possible on SQLite, whose
        # FOR UPDATE is a no-op; its IMMEDIATE transactions make it rare).
        raise ConflictError(f"{kind} {key!r} was published at the same time; retry.") from None
    audit.append(
        session,
        at=now,
        actor=actor,
        action="document.published",
        subject=subject(kind, key),
        version=version.version,
        detail={"hash": digest, "message": message, "changeset": changeset_id},
    )
    return version, True


def list_versions(
    session: Session, kind: str, key: str, *, limit: int, after: int | None
) -> Sequence[Version]:
    document = require_document(session, kind, key)
    query = select(Version).where(Version.document_id == document.id)
    if after is not None:
        query = query.where(Version.version < after)
    return session.execute(query.order_by(Version.version.desc()).limit(limit)).scalars().all()


def get_version(session: Session, kind: str, key: str, number: int) -> Version:
    document = require_document(session, kind, key)
    version = session.execute(
        select(Version).where(Version.document_id == document.id, Version.version == number)
    ).scalar_one_or_none()
    if version is None:
        raise NotFoundError(f"{kind} {key!r} has no version {number}.")
    return version


def active_pointers(
    session: Session, kind: str, key: str
) -> tuple[Sequence[ActiveVersion], Sequence[Activation]]:
    document = require_document(session, kind, key)
    pointers = (
        session.execute(
            select(ActiveVersion)
            .where(ActiveVersion.document_id == document.id)
            .order_by(ActiveVersion.variant)
        )
        .scalars()
        .all()
    )
    history = (
        session.execute(
            select(Activation)
            .where(Activation.document_id == document.id)
            .order_by(Activation.id.desc())
        )
        .scalars()
        .all()
    )
    return pointers, history


def activate(
    session: Session,
    kind: str,
    key: str,
    variant: str,
    number: int,
    *,
    actor: str,
    now: datetime,
    reason: str = "",
) -> tuple[ActiveVersion, Activation | None]:
    """Point ``variant`` at version ``number``. Moving to an older version
    than the current one is a roll back; both are recorded, nothing is
    rewritten. Pointing at the version already active changes nothing."""
    document = require_document(session, kind, key, lock=True)
    target = get_version(session, kind, key, number)
    if kind == "permission_matrix" and variant == DEFAULT_VARIANT:
        check_publishers_remain(session, key, target.content, now)
    pointer = session.get(ActiveVersion, (document.id, variant))
    previous = pointer.version if pointer else None
    if previous == number and pointer is not None:
        return pointer, None
    action = "rollback" if previous is not None and number < previous else "activate"
    if kind == "workflow" and action == "activate":
        from runtime.store.publish_gates import require_sandbox_report

        require_sandbox_report(session, key, variant, target.hash)
    if pointer is None:
        pointer = ActiveVersion(
            document_id=document.id,
            variant=variant,
            version=number,
            updated_at=now,
            updated_by=actor,
        )
        session.add(pointer)
    else:
        pointer.version, pointer.updated_at, pointer.updated_by = number, now, actor
    move = Activation(
        document_id=document.id,
        variant=variant,
        from_version=previous,
        to_version=number,
        action=action,
        actor=actor,
        at=now,
        reason=reason,
    )
    session.add(move)
    session.flush()
    audit.append(
        session,
        at=now,
        actor=actor,
        action="document.rolled_back" if action == "rollback" else "document.activated",
        subject=subject(kind, key),
        version=number,
        detail={"variant": variant, "from": previous, "reason": reason},
    )
    return pointer, move


def list_documents(
    session: Session, kind: str | None, *, limit: int, after: tuple[str, str] | None
) -> list[dict[str, Any]]:
    """Summaries ordered by (kind, key): draft state, latest and active versions."""
    query = select(Document)
    if kind is not None:
        query = query.where(Document.kind == kind)
    if after is not None:
        query = query.where(
            (Document.kind > after[0]) | ((Document.kind == after[0]) & (Document.key > after[1]))
        )
    documents = (
        session.execute(query.order_by(Document.kind, Document.key).limit(limit)).scalars().all()
    )
    ids = [d.id for d in documents]
    drafts = {
        d.document_id: d
        for d in session.execute(select(Draft).where(Draft.document_id.in_(ids))).scalars()
    }
    latest: dict[int, int] = {
        document_id: n
        for document_id, n in session.execute(
            select(Version.document_id, func.max(Version.version))
            .where(Version.document_id.in_(ids))
            .group_by(Version.document_id)
        )
    }
    active: dict[int, dict[str, int]] = {}
    for pointer in session.execute(
        select(ActiveVersion).where(ActiveVersion.document_id.in_(ids))
    ).scalars():
        active.setdefault(pointer.document_id, {})[pointer.variant] = pointer.version
    titles: dict[int, Any] = {}
    newest = (
        select(Version.document_id, func.max(Version.version).label("n"))
        .where(Version.document_id.in_(ids))
        .group_by(Version.document_id)
        .subquery()
    )
    for document_id, content in session.execute(
        select(Version.document_id, Version.content).join(
            newest, (newest.c.document_id == Version.document_id) & (newest.c.n == Version.version)
        )
    ):
        titles[document_id] = content.get("title")
    result = []
    for document in documents:
        draft = drafts.get(document.id)
        title = (draft.content.get("title") if draft else None) or titles.get(document.id)
        result.append(
            {
                "document": document,
                "draft": draft,
                "title": title,
                "latest_version": latest.get(document.id),
                "active": active.get(document.id, {}),
            }
        )
    return result
