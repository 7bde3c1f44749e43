"""Change sets over HTTP: create one from drafts, publish it all or nothing."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromPath, JSONBody

from runtime.api.deps import DB, ClockDep
from runtime.api.params import Kind, LongText, PathId, ShortText
from runtime.api.permissions import require_matrix_action
from runtime.api.problems import problem_responses
from runtime.store import changesets as store
from runtime.store.documents import activate
from runtime.store.models import ChangeSet

__all__ = ["ChangeSetController"]


class ItemIn(msgspec.Struct, forbid_unknown_fields=True):
    kind: Kind
    key: Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")]


class ChangeSetIn(msgspec.Struct, forbid_unknown_fields=True):
    title: ShortText
    items: Annotated[list[ItemIn], msgspec.Meta(min_length=1, max_length=100)]


class PublishChangeSetIn(msgspec.Struct, forbid_unknown_fields=True):
    message: LongText = ""
    # Also make every published version live for this variant, in the same
    # transaction (a form and its matrix go live together or not at all).
    activate: Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")] | None = None


class ItemOut(msgspec.Struct):
    kind: str
    key: str
    version: int | None = None
    hash: str | None = None


class ChangeSetOut(msgspec.Struct):
    id: int
    title: str
    status: str
    created_at: datetime
    created_by: str
    published_at: datetime | None
    published_by: str | None
    items: list[ItemOut]


def _out(changeset: ChangeSet, items: list[ItemOut]) -> ChangeSetOut:
    return ChangeSetOut(
        id=changeset.id,
        title=changeset.title,
        status=changeset.status,
        created_at=changeset.created_at,
        created_by=changeset.created_by,
        published_at=changeset.published_at,
        published_by=changeset.published_by,
        items=items,
    )


class ChangeSetController(Controller):
    path = "/changesets"
    tags = ["documents"]

    @post(
        opt={"action": "changesets.edit"},
        sync_to_thread=True,
        summary="Group drafts of several documents to publish together",
        responses=problem_responses(413, 422),
    )
    def create(
        self, data: JSONBody[ChangeSetIn], request: Request[Any, Any, Any], db: DB, clock: ClockDep
    ) -> ChangeSetOut:
        changeset = store.create_changeset(
            db,
            data.title,
            [(i.kind, i.key) for i in data.items],
            actor=request.user.username,
            now=clock.now(),
        )
        return _out(changeset, [ItemOut(kind=i.kind, key=i.key) for i in data.items])

    @get(
        "/{changeset_id:int}",
        opt={"action": "documents.read"},
        sync_to_thread=True,
        summary="A change set and what it published",
        responses=problem_responses(404),
    )
    def read(self, changeset_id: FromPath[PathId], db: DB) -> ChangeSetOut:
        changeset, members = store.get_changeset(db, changeset_id)
        return _out(
            changeset,
            [
                ItemOut(
                    kind=d.kind,
                    key=d.key,
                    version=v.version if v else None,
                    hash=v.hash if v else None,
                )
                for d, v in members
            ],
        )

    @post(
        "/{changeset_id:int}/publish",
        opt={"action": "changesets.publish"},
        status_code=200,
        sync_to_thread=True,
        summary="Publish every draft of the set, or none",
        responses=problem_responses(404, 409, 413, 422),
    )
    def publish(
        self,
        changeset_id: FromPath[PathId],
        request: Request[Any, Any, Any],
        db: DB,
        clock: ClockDep,
        data: JSONBody[PublishChangeSetIn | None] = None,
    ) -> ChangeSetOut:
        body = data or PublishChangeSetIn()
        now = clock.now()
        require_matrix_action(db, request.user, "publish", now)
        changeset, published = store.publish_changeset(
            db, changeset_id, message=body.message, actor=request.user.username, now=now
        )
        if body.activate is not None:
            for document, version, _ in published:
                activate(
                    db,
                    document.kind,
                    document.key,
                    body.activate,
                    version.version,
                    actor=request.user.username,
                    now=now,
                    reason=f"change set {changeset.id}",
                )
        return _out(
            changeset,
            [
                ItemOut(kind=d.kind, key=d.key, version=v.version, hash=v.hash)
                for d, v, _ in published
            ],
        )
