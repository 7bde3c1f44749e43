"""Change sets: several drafts published together in one transaction.

All drafts are checked first, against published forms plus the forms in
the set itself (a workflow may need the form it is published with); any
error anywhere publishes nothing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from builder import Error, check
from builder.checks.form import form_fields
from builder.errors import error
from runtime.store import audit
from runtime.store.documents import publish, references
from runtime.store.errors import ConflictError, InvalidError, NotFoundError
from runtime.store.models import ChangeSet, ChangeSetItem, Document, Draft, Version

__all__ = ["create_changeset", "get_changeset", "publish_changeset"]


def create_changeset(
    session: Session, title: str, items: Sequence[tuple[str, str]], *, actor: str, now: datetime
) -> ChangeSet:
    errors: list[Error] = []
    documents: list[Document] = []
    for i, (kind, key) in enumerate(items):
        document = session.execute(
            select(Document).where(Document.kind == kind, Document.key == key)
        ).scalar_one_or_none()
        if document is None or session.get(Draft, document.id) is None:
            errors.append(error(f"/items/{i}", "no_draft", kind=kind, value=key))
        elif document in documents:
            errors.append(error(f"/items/{i}", "listed_twice", kind=kind, value=key))
        else:
            documents.append(document)
    if errors:
        raise InvalidError("The change set names documents without drafts.", errors)
    changeset = ChangeSet(title=title, status="open", created_at=now, created_by=actor)
    session.add(changeset)
    session.flush()
    for position, document in enumerate(documents):
        session.add(
            ChangeSetItem(changeset_id=changeset.id, document_id=document.id, position=position)
        )
    audit.append(
        session,
        at=now,
        actor=actor,
        action="changeset.created",
        subject=f"changeset:{changeset.id}",
        detail={"items": [f"{k}:{key}" for k, key in items]},
    )
    session.flush()
    return changeset


def get_changeset(
    session: Session, changeset_id: int
) -> tuple[ChangeSet, list[tuple[Document, Version | None]]]:
    changeset = session.get(ChangeSet, changeset_id)
    if changeset is None:
        raise NotFoundError(f"There is no change set {changeset_id}.")
    rows = session.execute(
        select(Document, Version)
        .join(ChangeSetItem, ChangeSetItem.document_id == Document.id)
        .outerjoin(
            Version,
            (Version.document_id == Document.id) & (Version.version == ChangeSetItem.version),
        )
        .where(ChangeSetItem.changeset_id == changeset.id)
        .order_by(ChangeSetItem.position)
    ).all()
    return changeset, [(document, version) for document, version in rows]


def publish_changeset(
    session: Session, changeset_id: int, *, message: str, actor: str, now: datetime
) -> tuple[ChangeSet, list[tuple[Document, Version, bool]]]:
    changeset = session.execute(
        select(ChangeSet).where(ChangeSet.id == changeset_id).with_for_update()
    ).scalar_one_or_none()
    if changeset is None:
        raise NotFoundError(f"There is no change set {changeset_id}.")
    if changeset.status != "open":
        raise ConflictError(f"Change set {changeset_id} is already {changeset.status}.")
    items = (
        session.execute(
            select(ChangeSetItem)
            .where(ChangeSetItem.changeset_id == changeset.id)
            .order_by(ChangeSetItem.position)
        )
        .scalars()
        .all()
    )
    # Lock every member in one statement, in id order, so two change sets
    # sharing documents queue up instead of deadlocking.
    locked = {
        d.id: d
        for d in session.execute(
            select(Document)
            .where(Document.id.in_([item.document_id for item in items]))
            .order_by(Document.id)
            .with_for_update()
        ).scalars()
    }
    documents = [locked[item.document_id] for item in items]
    drafts = {d.id: session.get(Draft, d.id) for d in documents}
    refs = references(session, drafts=False).with_forms(
        {
            d.key: form_fields(drafts[d.id].content)  # type: ignore[union-attr]
            for d in documents
            if d.kind == "form" and drafts[d.id] is not None
        }
    )
    errors: list[Error] = []
    for i, document in enumerate(documents):
        draft = drafts[document.id]
        if draft is None:
            errors.append(error(f"/items/{i}", "no_draft", kind=document.kind, value=document.key))
            continue
        for e in check(draft.content, refs, kind=document.kind, key=document.key).errors:
            errors.append(
                Error(pointer=f"/items/{i}/content{e.pointer}", code=e.code, message=e.message)
            )
    if errors:
        raise InvalidError(
            f"Change set {changeset_id} has {len(errors)} error(s); nothing was published.",
            errors,
        )
    published = []
    for item, document in zip(items, documents, strict=True):
        version, created = publish(
            session,
            document.kind,
            document.key,
            message=message or changeset.title,
            expected_revision=None,
            actor=actor,
            now=now,
            refs=refs,
            changeset_id=changeset.id,
        )
        # The resulting version, also when identical content reused an older one.
        item.version = version.version
        published.append((document, version, created))
    changeset.status, changeset.published_at, changeset.published_by = "published", now, actor
    audit.append(
        session,
        at=now,
        actor=actor,
        action="changeset.published",
        subject=f"changeset:{changeset.id}",
        detail={"versions": {f"{d.kind}:{d.key}": v.version for d, v, _ in published}},
    )
    return changeset, published
