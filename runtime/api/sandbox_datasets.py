"""The Sandbox section, datasets: upload a CSV or JSON history with its field
mapping (multipart: ``file``, ``mapping`` as JSON, optional ``name`` and
``format``); all or nothing, errors naming the column and the line."""

from __future__ import annotations

from datetime import datetime
from pathlib import PurePath
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from sqlalchemy import select

from builder.errors import error
from runtime.api.deps import DB, ClockDep, CurrentUser
from runtime.api.pagination import IdCursor, Limit, decode_cursor, encode_cursor
from runtime.api.params import PathId
from runtime.api.permissions import require_sandbox
from runtime.api.problems import Problem, problem_responses
from runtime.sandbox.datasets import DatasetError, FieldMapping
from runtime.sandbox.store import import_dataset
from runtime.store.sandbox_models import Dataset

__all__ = ["DatasetController"]

# A history file may be far larger than a record's attachment.
MAX_DATASET_BYTES = 64 * 1024 * 1024


class DatasetUpload(msgspec.Struct):
    file: UploadFile
    mapping: str
    name: str | None = None
    format: Literal["csv", "json"] | None = None


class DatasetOut(msgspec.Struct):
    id: int
    name: str
    format: str
    mapping: dict[str, Any]
    hash: str
    cases: int
    events: int
    report: dict[str, Any]
    created_by: str
    created_at: datetime


class DatasetPage(msgspec.Struct):
    items: list[DatasetOut]
    next_cursor: str | None = None


def _out(row: Dataset) -> DatasetOut:
    return DatasetOut(
        id=row.id,
        name=row.name,
        format=row.format,
        mapping=row.mapping,
        hash=row.hash,
        cases=row.cases,
        events=row.events,
        report=row.report,
        created_by=row.created_by,
        created_at=row.created_at,
    )


def _mapping(text: str) -> FieldMapping:
    try:
        return msgspec.json.decode(text, type=FieldMapping)
    except msgspec.ValidationError as exc:
        path = str(exc).rsplit("at `$", 1)[-1].rstrip("`") if "at `$" in str(exc) else ""
        pointer = "/mapping" + path.replace(".", "/").replace("[", "/").replace("]", "")
        raise Problem(
            422,
            f"The mapping is not valid: {exc}",
            errors=[error(pointer, "invalid", detail=str(exc))],
        ) from None
    except msgspec.DecodeError as exc:
        raise Problem(
            422,
            "The mapping is not JSON.",
            errors=[error("/mapping", "malformed_json", detail=str(exc))],
        ) from None


class DatasetController(Controller):
    path = "/sandbox/datasets"
    tags = ["sandbox"]
    opt = {"action": "sandbox.use"}

    @post(
        "/",
        sync_to_thread=True,
        request_max_body_size=MAX_DATASET_BYTES + 64 * 1024,
        summary="Import a history (CSV or JSON) with a field mapping; all or nothing",
        responses=problem_responses(413, 422),
    )
    def upload_dataset(
        self,
        request: Request[CurrentUser, Any, Any],
        data: Annotated[DatasetUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
        db: DB,
        clock: ClockDep,
    ) -> DatasetOut:
        now = clock.now()
        require_sandbox(db, request.user, now)
        mapping = _mapping(data.mapping)
        raw = data.file.file.read(MAX_DATASET_BYTES + 1)
        if len(raw) > MAX_DATASET_BYTES:
            raise Problem(413, f"A history may have at most {MAX_DATASET_BYTES // 2**20} MiB.")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise Problem(
                422,
                "The file is not UTF-8 text.",
                errors=[error("/file", "invalid", detail=str(exc))],
            ) from None
        filename = PurePath(data.file.filename or "history").name
        kind = data.format or ("json" if filename.lower().endswith(".json") else "csv")
        try:
            dataset = import_dataset(
                db,
                text,
                mapping,
                name=(data.name or filename)[:200],
                kind=kind,
                actor=request.user.username,
                now=now,
            )
        except DatasetError as exc:
            raise Problem(
                422, "The history cannot be read; nothing was stored.", errors=exc.errors
            ) from None
        return _out(dataset)

    @get(
        "/",
        sync_to_thread=True,
        summary="Imported histories, newest first",
        responses=problem_responses(),
    )
    def list_datasets(
        self, db: DB, limit: Limit = 50, cursor: FromQuery[str | None] = None
    ) -> DatasetPage:
        query = select(Dataset)
        after = decode_cursor(cursor, IdCursor)
        if after is not None:
            query = query.where(Dataset.id < after)
        rows = db.scalars(query.order_by(Dataset.id.desc()).limit(limit + 1)).all()
        page = rows[:limit]
        return DatasetPage(
            items=[_out(r) for r in page],
            next_cursor=encode_cursor(page[-1].id) if len(rows) > limit else None,
        )

    @get(
        "/{dataset_id:int}",
        sync_to_thread=True,
        summary="One imported history",
        responses=problem_responses(404, 422),
    )
    def get_dataset(self, dataset_id: PathId, db: DB) -> DatasetOut:
        row = db.get(Dataset, dataset_id)
        if row is None:
            raise Problem(404, f"No dataset {dataset_id}.")
        return _out(row)
