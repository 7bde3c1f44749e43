"""The Documents section of the API: drafts, validation, publish, versions,
diff and active pointers per variant."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, delete, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody, PathParameter, QueryParameter

from builder import Error, check
from builder.diff import Change, diff
from runtime.api.deps import DB, ClockDep
from runtime.api.pagination import Limit, decode_cursor, encode_cursor
from runtime.api.problems import Problem
from runtime.store import documents as store
from runtime.store.models import Activation, ActiveVersion, Version
from schemas import KEY_PATTERN, KINDS

__all__ = ["DocumentController", "ValidateController"]

_KEY = re.compile(KEY_PATTERN)


class ValidationResult(msgspec.Struct):
    valid: bool
    errors: list[Error]


class DraftState(msgspec.Struct):
    revision: int
    errors: int
    updated_at: datetime
    updated_by: str


class DocumentSummary(msgspec.Struct):
    kind: str
    key: str
    title: dict[str, str] | None
    draft: DraftState | None
    latest_version: int | None
    active: dict[str, int]
    created_at: datetime


class DocumentPage(msgspec.Struct):
    items: list[DocumentSummary]
    next_cursor: str | None


class DraftOut(msgspec.Struct):
    kind: str
    key: str
    revision: int
    valid: bool
    errors: list[Error]
    content: dict[str, Any]
    updated_at: datetime
    updated_by: str


class SaveResult(msgspec.Struct):
    revision: int
    valid: bool
    errors: list[Error]


class PublishIn(msgspec.Struct, forbid_unknown_fields=True):
    message: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    revision: Annotated[int, msgspec.Meta(ge=1)] | None = None


class VersionSummary(msgspec.Struct):
    version: int
    hash: str
    author: str
    published_at: datetime
    message: str


class VersionOut(msgspec.Struct):
    version: int
    hash: str
    author: str
    published_at: datetime
    message: str
    content: dict[str, Any]


class VersionPage(msgspec.Struct):
    items: list[VersionSummary]
    next_cursor: str | None


class DiffOut(msgspec.Struct):
    from_: str = msgspec.field(name="from")
    to: str
    logic_changes: int
    layout_changes: int
    changes: list[Change]


class ActivateIn(msgspec.Struct, forbid_unknown_fields=True):
    version: Annotated[int, msgspec.Meta(ge=1)]
    reason: Annotated[str, msgspec.Meta(max_length=2000)] = ""


class Pointer(msgspec.Struct):
    version: int
    updated_at: datetime
    updated_by: str


class Move(msgspec.Struct):
    variant: str
    action: str
    from_version: int | None
    to_version: int
    actor: str
    at: datetime
    reason: str


class ActiveOut(msgspec.Struct):
    kind: str
    key: str
    variants: dict[str, Pointer]
    history: list[Move]


Variant = Annotated[
    str,
    PathParameter(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$", description="e.g. default, east, south"),
]


def _address(kind: str, key: str) -> None:
    if kind not in KINDS:
        raise Problem(404, f"Unknown document kind {kind!r}; expected one of {', '.join(KINDS)}.")
    if not _KEY.match(key):
        raise Problem(404, f"{key!r} is not a document key ({KEY_PATTERN}).")


def _if_match(request: Request[Any, Any, Any]) -> int | None:
    """The revision named by If-Match (``"3"``, ``W/"3"`` or ``3``), if any."""
    raw = request.headers.get("if-match")
    if raw is None or raw.strip() == "*":
        return None
    value = raw.strip().removeprefix("W/").strip('"')
    if not value.isdigit():
        raise Problem(412, f'If-Match must be a draft revision such as "3", not {raw!r}.')
    return int(value)


def _version_out(version: Version) -> VersionOut:
    return VersionOut(
        version=version.version,
        hash=version.hash,
        author=version.author,
        published_at=version.published_at,
        message=version.message,
        content=version.content,
    )


def _active_out(kind: str, key: str, pointers: Any, history: Any) -> ActiveOut:
    return ActiveOut(
        kind=kind,
        key=key,
        variants={
            p.variant: Pointer(p.version, p.updated_at, p.updated_by)
            for p in pointers
            if isinstance(p, ActiveVersion)
        },
        history=[
            Move(m.variant, m.action, m.from_version, m.to_version, m.actor, m.at, m.reason)
            for m in history
            if isinstance(m, Activation)
        ],
    )


class ValidateController(Controller):
    path = "/validate"
    tags = ["documents"]

    @post(
        opt={"action": "documents.validate"},
        status_code=200,
        sync_to_thread=True,
        summary="Validate a document without storing it",
    )
    def validate_document(self, data: JSONBody[Any], db: DB) -> ValidationResult:
        checked = check(data, store.references(db, drafts=True))
        return ValidationResult(valid=not checked.errors, errors=checked.errors)


class DocumentController(Controller):
    path = "/documents"
    tags = ["documents"]
    opt = {"action": "documents.read"}

    @get(sync_to_thread=True, summary="List documents with draft state and active versions")
    def list_documents(
        self,
        db: DB,
        kind: Annotated[str | None, QueryParameter(description="workflow, form, ...")] = None,
        limit: Limit = 50,
        cursor: FromQuery[str | None] = None,
    ) -> DocumentPage:
        if kind is not None and kind not in KINDS:
            raise Problem(422, f"Unknown kind {kind!r}; expected one of {', '.join(KINDS)}.")
        after = decode_cursor(cursor)
        if after is not None and not (isinstance(after, list) and len(after) == 2):
            raise Problem(400, "The cursor is not one this API handed out.")
        rows = store.list_documents(
            db, kind, limit=limit + 1, after=tuple(after) if after else None
        )
        items = [
            DocumentSummary(
                kind=row["document"].kind,
                key=row["document"].key,
                title=row["title"] if isinstance(row["title"], dict) else None,
                draft=DraftState(
                    row["draft"].revision,
                    row["draft"].error_count,
                    row["draft"].updated_at,
                    row["draft"].updated_by,
                )
                if row["draft"]
                else None,
                latest_version=row["latest_version"],
                active=row["active"],
                created_at=row["document"].created_at,
            )
            for row in rows[:limit]
        ]
        next_cursor = encode_cursor([items[-1].kind, items[-1].key]) if len(rows) > limit else None
        return DocumentPage(items=items, next_cursor=next_cursor)

    @get("/{kind:str}/{key:str}/draft", sync_to_thread=True, summary="The draft")
    def get_draft(self, kind: FromPath[str], key: FromPath[str], db: DB) -> Response[DraftOut]:
        _address(kind, key)
        _, draft = store.get_draft(db, kind, key)
        errors = check(draft.content, store.references(db, drafts=True), kind=kind, key=key).errors
        body = DraftOut(
            kind=kind,
            key=key,
            revision=draft.revision,
            valid=not errors,
            errors=errors,
            content=draft.content,
            updated_at=draft.updated_at,
            updated_by=draft.updated_by,
        )
        return Response(body, headers={"ETag": f'"{draft.revision}"'})

    @put(
        "/{kind:str}/{key:str}/draft",
        opt={"action": "documents.edit"},
        sync_to_thread=True,
        summary="Save the draft, even with errors; If-Match guards against lost updates",
        responses={},
    )
    def put_draft(
        self,
        kind: FromPath[str],
        key: FromPath[str],
        data: JSONBody[Any],
        request: Request[Any, Any, Any],
        db: DB,
        clock: ClockDep,
    ) -> Response[SaveResult]:
        if kind not in KINDS:
            raise Problem(404, f"Unknown document kind {kind!r}.")
        expected = _if_match(request)
        created = store.find_document(db, kind, key) is None
        saved = store.save_draft(
            db,
            kind,
            key,
            data,
            expected_revision=expected,
            actor=request.user.username,
            now=clock.now(),
        )
        return Response(
            SaveResult(revision=saved.revision, valid=not saved.errors, errors=saved.errors),
            status_code=201 if created else 200,
            headers={"ETag": f'"{saved.revision}"'},
        )

    @delete(
        "/{kind:str}/{key:str}/draft",
        opt={"action": "documents.edit"},
        sync_to_thread=True,
        summary="Discard the draft",
    )
    def delete_draft(
        self,
        kind: FromPath[str],
        key: FromPath[str],
        request: Request[Any, Any, Any],
        db: DB,
        clock: ClockDep,
    ) -> None:
        _address(kind, key)
        store.delete_draft(
            db,
            kind,
            key,
            expected_revision=_if_match(request),
            actor=request.user.username,
            now=clock.now(),
        )

    @post(
        "/{kind:str}/{key:str}/publish",
        opt={"action": "documents.publish"},
        sync_to_thread=True,
        summary="Publish the draft as a new immutable version",
    )
    def publish(
        self,
        kind: FromPath[str],
        key: FromPath[str],
        request: Request[Any, Any, Any],
        db: DB,
        clock: ClockDep,
        data: JSONBody[PublishIn | None] = None,
    ) -> Response[VersionOut]:
        _address(kind, key)
        data = data or PublishIn()
        version, created = store.publish(
            db,
            kind,
            key,
            message=data.message,
            expected_revision=data.revision,
            actor=request.user.username,
            now=clock.now(),
        )
        return Response(_version_out(version), status_code=201 if created else 200)

    @get(
        "/{kind:str}/{key:str}/versions",
        sync_to_thread=True,
        summary="Published versions, newest first",
    )
    def list_versions(
        self,
        kind: FromPath[str],
        key: FromPath[str],
        db: DB,
        limit: Limit = 50,
        cursor: FromQuery[str | None] = None,
    ) -> VersionPage:
        _address(kind, key)
        after = decode_cursor(cursor)
        if after is not None and not isinstance(after, int):
            raise Problem(400, "The cursor is not one this API handed out.")
        rows = store.list_versions(db, kind, key, limit=limit + 1, after=after)
        items = [
            VersionSummary(v.version, v.hash, v.author, v.published_at, v.message)
            for v in rows[:limit]
        ]
        return VersionPage(
            items=items,
            next_cursor=encode_cursor(items[-1].version) if len(rows) > limit else None,
        )

    @get(
        "/{kind:str}/{key:str}/versions/{number:int}",
        sync_to_thread=True,
        summary="One immutable version with its content",
    )
    def get_version(
        self, kind: FromPath[str], key: FromPath[str], number: FromPath[int], db: DB
    ) -> VersionOut:
        _address(kind, key)
        return _version_out(store.get_version(db, kind, key, number))

    @get(
        "/{kind:str}/{key:str}/diff",
        sync_to_thread=True,
        summary="Structural changes between two versions, or a version and the draft",
    )
    def diff_versions(
        self,
        kind: FromPath[str],
        key: FromPath[str],
        db: DB,
        from_: Annotated[
            str,
            QueryParameter(
                name="from", pattern=r"^([0-9]+|draft)$", description="version number or 'draft'"
            ),
        ],
        to: Annotated[
            str,
            QueryParameter(pattern=r"^([0-9]+|draft)$", description="version number or 'draft'"),
        ] = "draft",
    ) -> DiffOut:
        _address(kind, key)

        def content(which: str) -> dict[str, Any]:
            if which == "draft":
                return store.get_draft(db, kind, key)[1].content
            return store.get_version(db, kind, key, int(which)).content

        changes = diff(content(from_), content(to))
        layout = sum(1 for c in changes if c.aspect == "layout")
        return DiffOut(
            from_=from_,
            to=to,
            logic_changes=len(changes) - layout,
            layout_changes=layout,
            changes=changes,
        )

    @get(
        "/{kind:str}/{key:str}/active",
        sync_to_thread=True,
        summary="Active version per variant, with the history of moves",
    )
    def get_active(self, kind: FromPath[str], key: FromPath[str], db: DB) -> ActiveOut:
        _address(kind, key)
        pointers, history = store.active_pointers(db, kind, key)
        return _active_out(kind, key, pointers, history)

    @put(
        "/{kind:str}/{key:str}/active/{variant:str}",
        opt={"action": "documents.activate"},
        sync_to_thread=True,
        summary="Activate a version for a variant, or roll back",
    )
    def put_active(
        self,
        kind: FromPath[str],
        key: FromPath[str],
        variant: Variant,
        data: JSONBody[ActivateIn],
        request: Request[Any, Any, Any],
        db: DB,
        clock: ClockDep,
    ) -> ActiveOut:
        _address(kind, key)
        store.activate(
            db,
            kind,
            key,
            variant,
            data.version,
            actor=request.user.username,
            now=clock.now(),
            reason=data.reason,
        )
        pointers, history = store.active_pointers(db, kind, key)
        return _active_out(kind, key, pointers, history)
