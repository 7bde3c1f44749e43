"""The Records section of the API: create, read, change and list records of
a form, with the field-level permissions of the live matrices applied
(runtime/api/record_access.py) and every change audited."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from litestar import Controller, Request, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from sqlalchemy import select
from sqlalchemy.orm import Session

from builder.access import Row
from builder.errors import Error, error, unescape_pointer
from builder.forms import record_errors, with_computed
from components.engine import Refused
from runtime.api.deps import DB, ClockDep, CurrentUser
from runtime.api.pagination import Limit, decode_cursor, encode_cursor
from runtime.api.params import IfMatch, PathId, if_match_revision
from runtime.api.problems import Problem, problem_responses
from runtime.api.record_access import Rights, rights
from runtime.api.record_bodies import (
    FieldStateOut,
    RecordIn,
    RecordOut,
    RecordPage,
    RecordPatch,
)
from runtime.api.record_query import parse_query
from runtime.engine.cases import CaseError
from runtime.engine.triggers import recheck_cases, start_on_record
from runtime.store import records as store
from runtime.store.errors import InvalidError
from runtime.store.models import Record, Region, Team, User

__all__ = ["RecordController", "record_out", "records_out"]

FormKey = Annotated[str, QueryParameter(description="Key of a live form, e.g. deal.")]
Filters = Annotated[
    list[str] | None,
    QueryParameter(
        name="filter",
        description="field:op:value, repeatable; op: eq ne lt le gt ge in contains empty.",
    ),
]
Sort = Annotated[str | None, QueryParameter(description="field or -field (descending).")]
Fields = Annotated[
    str | None, QueryParameter(description="Comma-separated fields to return (default all).")
]
# A list cursor: the last id seen (default order) or an offset (sorted lists).
Cursor = tuple[str, int]


def _names(db: Session, records: Sequence[Record]) -> dict[int, tuple[str | None, ...]]:
    """Record id -> (owner's username, team key, region key), in one query."""
    if not records:
        return {}
    query = (
        select(Record.id, User.username, Team.key, Region.key)
        .outerjoin(User, User.id == Record.owner_id)
        .outerjoin(Team, Team.id == Record.team_id)
        .outerjoin(Region, Region.id == Record.region_id)
        .where(Record.id.in_([r.id for r in records]))
    )
    return {row[0]: tuple(row[1:]) for row in db.execute(query)}


def records_out(
    db: Session, grant: Rights, records: Sequence[Record], only: set[str] | None = None
) -> list[RecordOut]:
    names = _names(db, records)
    result = []
    for record in records:
        row = store.row_of(record)
        owner, team, region = names.get(record.id, (None, None, None))
        visible = grant.fields(row)  # the one projection, memoised per rule set and stage
        data = {k: v for k, v in record.data.items() if k in visible}
        if only is not None:
            data = {k: v for k, v in data.items() if k in only}
        result.append(
            RecordOut(
                id=record.id,
                form=record.form,
                form_version=record.form_version,
                revision=record.revision,
                data=data,
                exemptions={k: v for k, v in record.exemptions.items() if k in visible},
                fields={
                    k: FieldStateOut(**v)
                    for k, v in grant.field_states(record.data, row, visible).items()
                },
                owner=owner,
                team=team,
                region=region,
                stage=record.stage,
                created_at=record.created_at,
                created_by=record.created_by,
                updated_at=record.updated_at,
                updated_by=record.updated_by,
            )
        )
    return result


def record_out(db: Session, grant: Rights, record: Record) -> RecordOut:
    return records_out(db, grant, [record])[0]


def _fields_param(grant: Rights, fields: str | None) -> set[str] | None:
    """The ``fields=`` selection: known fields only, and none the viewer can
    never see (asking for one is refused, not silently dropped)."""
    if not fields:
        return None
    wanted = {f.strip() for f in fields.split(",") if f.strip()}
    for key in sorted(wanted):
        if key not in grant.model.fields:
            raise Problem(
                400,
                f"{grant.model.key} has no field {key!r}.",
                errors=[error("/fields", "unknown_record_field", value=key, form=grant.model.key)],
            )
        if not grant.access.readable_somewhere(key):
            raise Problem(
                403,
                f"{key!r} is hidden from you.",
                errors=[error("/fields", "field_not_visible", field=key)],
            )
    return wanted


def _check(
    db: Session,
    grant: Rights,
    data: dict[str, Any],
    exemptions: dict[str, str],
    written: Sequence[str],
    record_id: int | None,
    row: Row,
) -> None:
    errors = record_errors(grant.model, data, exemptions, grant.viewer.roles, written=written)
    if not errors:
        errors = store.references(db, grant.model, data, written, record_id=record_id)
    if errors:
        raise InvalidError(
            "The record is not valid; nothing was stored.", _unseen(grant, row, errors)
        )


def _unseen(grant: Rights, row: Row, errors: list[Error]) -> list[Error]:
    """Errors about fields the caller cannot see keep their pointer but lose
    their words: "0.95 is above the maximum" would tell a hidden margin."""
    visible = grant.fields(row)
    result = []
    for e in errors:
        segments = e.pointer.split("/")[1:]  # /data/<field>/... or /exemptions/<field>
        key = unescape_pointer(segments[1]) if len(segments) > 1 else ""
        hidden = key in grant.model.fields and key not in visible
        result.append(error(e.pointer, "hidden_field_invalid") if hidden else e)
    return result


def _start_cases(db: Session, record: Record, change: Any, actor: str, now: Any) -> None:
    """Start the workflows that listen for this record; a rule of theirs that
    refuses is the write's 422 (nothing is stored)."""
    try:
        start_on_record(db, record, change, actor=actor, now=now)
    except (Refused, CaseError) as exc:
        raise Problem(422, f"A workflow could not start on this record: {exc}") from None


class RecordController(Controller):
    path = "/records"
    tags = ["records"]

    @get(
        "/{form:str}",
        sync_to_thread=True,
        summary="Records of a form the caller may see: filter, sort, page",
        responses=problem_responses(404),
    )
    def list_records(
        self,
        form: FromPath[str],
        request: Request[CurrentUser, Any, Any],
        db: DB,
        clock: ClockDep,
        filters: Filters = None,
        sort: Sort = None,
        fields: Fields = None,
        limit: Limit = 50,
        cursor: FromQuery[str | None] = None,
    ) -> RecordPage:
        grant = rights(db, request.user, form, clock.now())
        query = parse_query(grant, filters or [], sort)
        only = _fields_param(grant, fields)
        position = decode_cursor(cursor, Cursor)
        statement = query.select()
        if query.order:
            offset = position[1] if position and position[0] == "offset" else 0
            statement = statement.order_by(*query.order, Record.id).offset(offset)
        else:
            if position and position[0] == "id":
                statement = statement.where(Record.id > position[1])
            statement = statement.order_by(Record.id)
        rows = list(db.scalars(statement.limit(limit + 1)))
        more = len(rows) > limit
        rows = rows[:limit]
        next_cursor = None
        if more:
            next_cursor = encode_cursor(
                ("offset", (position[1] if position and position[0] == "offset" else 0) + limit)
                if query.order
                else ("id", rows[-1].id)
            )
        return RecordPage(
            items=records_out(db, grant, rows, only),
            next_cursor=next_cursor,
            may_create=grant.access.may_create,
            may_export=grant.may_export(clock.now()),
        )

    @post(
        "/{form:str}",
        sync_to_thread=True,
        summary="Create a record; it is validated with the live form version",
        responses=problem_responses(404, 413, 422),
    )
    def create_record(
        self,
        form: FromPath[str],
        data: JSONBody[RecordIn],
        request: Request[CurrentUser, Any, Any],
        db: DB,
        clock: ClockDep,
    ) -> RecordOut:
        now = clock.now()
        grant = rights(db, request.user, form, now)
        if not grant.access.may_create:
            raise Problem(403, f"None of your roles may create {form} records.")
        values = {k: v for k, v in data.data.items() if v is not None}
        model = grant.model
        written = list(data.data)
        values = {**store.creator_defaults(db, model, request.user.id), **values}
        own = Row(request.user.id, None, None, values.get(model.stage_field or ""))
        grant.require_writable(own, written)
        grant.require_writable(own, data.exemptions, "/exemptions")
        _check(db, grant, values, data.exemptions, written, None, own)
        where = store.placement(db, model, values, request.user.id)
        if not grant.access.sees(where.row):
            raise Problem(
                403,
                "You would not be able to see this record (its owner or region is outside "
                "your data scope).",
            )
        grant.require_writable(where.row, written)
        grant.require_writable(where.row, data.exemptions, "/exemptions")
        record = store.create_record(
            db,
            model,
            form_version=grant.form.version,
            data=with_computed(model, values, data.exemptions, now),
            exemptions=dict(data.exemptions),
            where=where,
            actor=request.user.username,
            now=now,
            context=grant.context(),
        )
        _start_cases(db, record, "record_created", request.user.username, now)
        return record_out(db, grant, record)

    @get(
        "/{form:str}/{record_id:int}",
        sync_to_thread=True,
        summary="One record, with the fields the caller may see",
        responses=problem_responses(404),
    )
    def get_record(
        self,
        form: FromPath[str],
        record_id: PathId,
        request: Request[CurrentUser, Any, Any],
        db: DB,
        clock: ClockDep,
    ) -> RecordOut:
        grant = rights(db, request.user, form, clock.now())
        record = grant.require_visible(db.get(Record, record_id), record_id)
        return record_out(db, grant, record)

    @patch(
        "/{form:str}/{record_id:int}",
        sync_to_thread=True,
        summary="Change fields of a record (each must be writable for the caller)",
        responses=problem_responses(404, 409, 412, 413, 422),
    )
    def patch_record(
        self,
        form: FromPath[str],
        record_id: PathId,
        data: JSONBody[RecordPatch],
        request: Request[CurrentUser, Any, Any],
        db: DB,
        clock: ClockDep,
        if_match: IfMatch = None,
    ) -> RecordOut:
        now = clock.now()
        grant = rights(db, request.user, form, now)
        found = db.scalars(select(Record).where(Record.id == record_id).with_for_update()).first()
        record = grant.require_visible(found, record_id)
        expected = if_match_revision(if_match, "record")
        if expected is not None and expected != record.revision:
            raise Problem(
                409,
                f"The record is at revision {record.revision}, not {expected}; nothing was "
                "changed. Reload it and try again.",
            )
        row = store.row_of(record)
        # Unknown fields and computed ones the caller sees are 422s of the form check.
        grant.require_writable(row, data.data)
        grant.require_writable(row, data.exemptions, "/exemptions")
        values = {k: v for k, v in {**record.data, **data.data}.items() if v is not None}
        exemptions = {
            k: v for k, v in {**record.exemptions, **data.exemptions}.items() if v is not None
        }
        _check(db, grant, values, exemptions, list(data.data), record.id, row)
        where = store.placement(db, grant.model, values, record.owner_id)
        if not grant.access.sees(where.row):
            raise Problem(
                403,
                "After this change you would no longer see the record; ask someone whose "
                "data scope covers both.",
            )
        revision = record.revision
        store.update_record(
            db,
            grant.model,
            record,
            form_version=grant.form.version,
            data=with_computed(grant.model, values, exemptions, now),
            exemptions=exemptions,
            where=where,
            actor=request.user.username,
            now=now,
            context=grant.context(),
        )
        if record.revision != revision:
            _start_cases(db, record, "record_updated", request.user.username, now)
            recheck_cases(db, record, now=now)
        return record_out(db, grant, record)
