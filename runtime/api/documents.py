"""The Documents section of the API: drafts, validation, publish, versions,
diff and active pointers per variant."""

from __future__ import annotations

import re
from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, post, put
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, FromQuery, JSONBody, PathParameter, QueryParameter

from builder import check
from builder.diff import diff
from runtime.api.deps import DB, ClockDep
from runtime.api.document_bodies import (
    ActivateIn,
    ActiveOut,
    DiffOut,
    DocumentPage,
    DocumentSummary,
    DraftOut,
    DraftState,
    Move,
    Pointer,
    PublishIn,
    SaveResult,
    ValidationResult,
    VersionOut,
    VersionPage,
    VersionSummary,
)
from runtime.api.pagination import IdCursor, KeyCursor, Limit, decode_cursor, encode_cursor
from runtime.api.params import IfMatch, IfNoneMatch, Kind, PathId, if_match_revision
from runtime.api.permissions import require_matrix_action
from runtime.api.problems import Problem, problem_responses
from runtime.store import documents as store
from runtime.store.models import Activation, ActiveVersion, Version
from schemas import KEY_PATTERN, KINDS

__all__ = ["DocumentController", "ValidateController"]

_KEY = re.compile(KEY_PATTERN)

VARIANT_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"
# The pattern is checked by the handler, not declared on the parameter: the
# framework's own refusal names a regex, ours says what a variant name may hold.
Variant = Annotated[
    str,
    PathParameter(
        description="Lower-case letters, digits and '-', 1-63 characters, e.g. default, east."
    ),
]
# A version number (bounded like every id) or "draft".
VERSION_REF = r"^([1-9][0-9]{0,8}|draft)$"
VersionRef = Annotated[
    str, QueryParameter(pattern=VERSION_REF, description="version number or 'draft'")
]


def _address(kind: str, key: str) -> None:
    """404 for an address no document can have."""
    if kind not in KINDS:
        raise Problem(404, f"Unknown document kind {kind!r}; expected one of {', '.join(KINDS)}.")
    if not _KEY.fullmatch(key):
        raise Problem(404, f"{key!r} is not a document key ({KEY_PATTERN}).")


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
        responses=problem_responses(413),
    )
    def validate_document(self, data: JSONBody[Any], db: DB) -> ValidationResult:
        checked = check(data, store.references(db, drafts=True))
        return ValidationResult(valid=not checked.errors, errors=checked.errors)


class DocumentController(Controller):
    path = "/documents"
    tags = ["documents"]
    opt = {"action": "documents.read"}

    @get(
        sync_to_thread=True,
        summary="List documents with draft state and active versions",
        responses=problem_responses(),
    )
    def list_documents(
        self,
        db: DB,
        kind: FromQuery[Kind | None] = None,
        limit: Limit = 50,
        cursor: FromQuery[str | None] = None,
    ) -> DocumentPage:
        after = decode_cursor(cursor, KeyCursor)
        rows = store.list_documents(db, kind, limit=limit + 1, after=after)
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

    @get(
        "/{kind:str}/{key:str}/draft",
        sync_to_thread=True,
        summary="The draft, its revision (also as ETag) and its errors",
        responses=problem_responses(404),
    )
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
        responses={
            **problem_responses(404, 409, 412, 413, 422),
            201: ResponseSpec(SaveResult, description="A new document was created"),
        },
    )
    def put_draft(
        self,
        kind: FromPath[str],
        key: FromPath[str],
        data: JSONBody[Any],
        request: Request[Any, Any, Any],
        db: DB,
        clock: ClockDep,
        if_match: IfMatch = None,
        if_none_match: IfNoneMatch = None,
    ) -> Response[SaveResult]:
        _address(kind, key)
        expected = if_match_revision(if_match, "draft")
        if if_none_match is not None and if_none_match.strip() != "*":
            raise Problem(412, 'If-None-Match on a draft can only be "*" (create only).')
        saved = store.save_draft(
            db,
            kind,
            key,
            data,
            expected_revision=expected,
            actor=request.user.username,
            now=clock.now(),
            create_only=if_none_match is not None,
        )
        return Response(
            SaveResult(revision=saved.revision, valid=not saved.errors, errors=saved.errors),
            status_code=201 if saved.created else 200,
            headers={"ETag": f'"{saved.revision}"'},
        )

    @delete(
        "/{kind:str}/{key:str}/draft",
        opt={"action": "documents.edit"},
        sync_to_thread=True,
        summary="Discard the draft",
        responses=problem_responses(404, 409, 412),
    )
    def delete_draft(
        self,
        kind: FromPath[str],
        key: FromPath[str],
        request: Request[Any, Any, Any],
        db: DB,
        clock: ClockDep,
        if_match: IfMatch = None,
    ) -> None:
        _address(kind, key)
        store.delete_draft(
            db,
            kind,
            key,
            expected_revision=if_match_revision(if_match, "draft"),
            actor=request.user.username,
            now=clock.now(),
        )

    @post(
        "/{kind:str}/{key:str}/publish",
        opt={"action": "documents.publish"},
        sync_to_thread=True,
        summary="Publish the draft as a new immutable version",
        responses={
            **problem_responses(404, 409, 413, 422),
            200: ResponseSpec(VersionOut, description="Identical to the latest version: no-op"),
        },
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
        require_matrix_action(db, request.user, "publish", clock.now())
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
        responses=problem_responses(404),
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
        after = decode_cursor(cursor, IdCursor)
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
        responses=problem_responses(404),
    )
    def get_version(
        self, kind: FromPath[str], key: FromPath[str], number: FromPath[PathId], db: DB
    ) -> VersionOut:
        _address(kind, key)
        return _version_out(store.get_version(db, kind, key, number))

    @get(
        "/{kind:str}/{key:str}/diff",
        sync_to_thread=True,
        summary="Structural changes between two versions, or a version and the draft",
        responses=problem_responses(404),
    )
    def diff_versions(
        self,
        kind: FromPath[str],
        key: FromPath[str],
        db: DB,
        from_: Annotated[
            str,
            QueryParameter(
                name="from", pattern=VERSION_REF, description="version number or 'draft'"
            ),
        ],
        to: VersionRef = "draft",
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
        responses=problem_responses(404),
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
        responses=problem_responses(400, 404, 413, 422),
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
        # fullmatch: Python's "$" would also accept a trailing newline.
        if not re.fullmatch(VARIANT_PATTERN, variant):
            raise Problem(
                400,
                f"{variant!r} is not a variant name: use lower-case letters, digits and '-', "
                "1 to 63 characters, starting with a letter or digit (e.g. east, south-2).",
            )
        pointers, _ = store.active_pointers(db, kind, key)
        current = next((p.version for p in pointers if p.variant == variant), None)
        backwards = current is not None and data.version < current
        require_matrix_action(
            db, request.user, "roll_back" if backwards else "publish", clock.now()
        )
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
