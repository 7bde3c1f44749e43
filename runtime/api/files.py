"""Attachments: upload a file, then name its id in a record's file field.

Uploads are checked before anything is stored: size, an allowed type whose
extension and first bytes agree with it. A file can be fetched by whoever
uploaded it, by administrators, and, once a record field holds it, by
whoever may read that field on that record (the records projection decides).
"""

from __future__ import annotations

import hashlib
from pathlib import PurePath
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Body

from runtime.api.deps import DB, ClockDep, CurrentUser
from runtime.api.params import PathId
from runtime.api.problems import Problem, problem_responses
from runtime.api.record_access import rights
from runtime.files import ALLOWED_TYPES, LocalFileStorage, looks_like, new_key
from runtime.store.models import FileRow, Record
from runtime.store.records import row_of

__all__ = ["FileController"]

# The framework refuses bodies above this before reading them (413); the
# configured per-file limit (Settings.max_file_bytes) is checked below it.
MAX_UPLOAD_BODY = 10 * 1024 * 1024 + 64 * 1024


class FileOut(msgspec.Struct):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    form: str | None
    record_id: int | None
    field: str | None


class UploadIn(msgspec.Struct):
    file: UploadFile


def _out(row: FileRow) -> FileOut:
    return FileOut(
        row.id, row.name, row.content_type, row.size, row.sha256, row.form, row.record_id, row.field
    )


def _storage(request: Request[Any, Any, Any]) -> LocalFileStorage:
    return LocalFileStorage(request.app.state.settings.files_path)


class FileController(Controller):
    path = "/files"
    tags = ["records"]

    @post(
        "/",
        sync_to_thread=True,
        request_max_body_size=MAX_UPLOAD_BODY,
        summary="Upload an attachment (multipart field 'file'); returns its id",
        responses=problem_responses(413, 415, 422),
    )
    def upload(
        self,
        request: Request[CurrentUser, Any, Any],
        data: Annotated[UploadIn, Body(media_type=RequestEncodingType.MULTI_PART)],
        db: DB,
        clock: ClockDep,
    ) -> FileOut:
        upload = data.file
        settings = request.app.state.settings
        content = upload.file.read(settings.max_file_bytes + 1)
        if len(content) > settings.max_file_bytes:
            raise Problem(
                413, f"A file may have at most {settings.max_file_bytes // (1024 * 1024)} MiB."
            )
        if not content:
            raise Problem(422, "The file is empty.")
        # Kept for display and downloads only (the storage key is random);
        # quotes and control characters would break the download header.
        name = "".join(c for c in PurePath(upload.filename or "").name if c >= " " and c != '"')
        name = name[:255] or "file"
        kind = (upload.content_type or "").split(";", 1)[0].strip().lower()
        extensions = ALLOWED_TYPES.get(kind)
        if extensions is None:
            allowed = ", ".join(sorted({e for exts in ALLOWED_TYPES.values() for e in exts}))
            raise Problem(415, f"Files of type {kind or 'unknown'!r} are not accepted ({allowed}).")
        if not name.lower().endswith(extensions) or not looks_like(kind, content[:512]):
            raise Problem(
                415, f"{name!r} does not look like a {kind} file (its name or content disagree)."
            )
        key = new_key()
        _storage(request).put(key, content)
        row = FileRow(
            storage_key=key,
            name=name,
            content_type=kind,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            uploaded_by=request.user.username,
            uploaded_at=clock.now(),
        )
        db.add(row)
        db.flush()
        return _out(row)

    @get(
        "/{file_id:int}",
        sync_to_thread=True,
        summary="Download an attachment",
        responses={
            200: ResponseSpec(bytes, description="The file", media_type="application/octet-stream"),
            **problem_responses(404),
        },
    )
    def download(
        self, file_id: PathId, request: Request[CurrentUser, Any, Any], db: DB, clock: ClockDep
    ) -> Response[bytes]:
        row = db.get(FileRow, file_id)
        user = request.user
        allowed = row is not None and (user.role == "admin" or row.uploaded_by == user.username)
        if row is not None and not allowed and row.record_id is not None and row.form:
            record = db.get(Record, row.record_id)
            try:
                grant = rights(db, user, row.form, clock.now())
            except Problem:
                grant = None
            if grant is not None and record is not None and grant.access.sees(row_of(record)):
                allowed = row.field in grant.fields(row_of(record))
        if row is None or not allowed:
            raise Problem(404, f"There is no file {file_id}.")
        return Response(
            _storage(request).read(row.storage_key),
            media_type=row.content_type,
            headers={
                "Content-Disposition": f'attachment; filename="{row.name}"',
                "X-Content-Type-Options": "nosniff",
            },
        )
