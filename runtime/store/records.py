"""Records: storage of form submissions, their unique values, references and audit.

Every function runs inside the caller's transaction and takes ``now``. What
a viewer may see or write is decided before these are called
(builder/access.py through runtime/api/record_access.py); what a record must
contain is checked by builder/forms.py. This module adds what needs the
database: that people, teams, regions and files named in a record exist,
that unique values are unique (by a unique index, not a read-then-write
check), and the audit entry of every change with field-level before/after.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from builder.access import Row
from builder.errors import Error, error, escape_pointer
from builder.forms import FormModel
from components.field_types import FIELD_CATALOGUE
from runtime.store import audit
from runtime.store.errors import InvalidError
from runtime.store.models import FileRow, Record, RecordUnique, Region, Team, User

__all__ = [
    "Placement",
    "changes",
    "create_record",
    "creator_defaults",
    "record_subject",
    "row_of",
    "update_record",
]

# Unique values longer than this are compared by their first characters only.
UNIQUE_LENGTH = 255


def record_subject(form: str, record_id: int) -> str:
    return f"record:{form}/{record_id}"


def row_of(record: Record) -> Row:
    return Row(record.owner_id, record.team_id, record.region_id, record.stage)


@dataclass(frozen=True)
class Placement:
    """Whose and where a record is: the columns row scopes filter on."""

    owner_id: int | None
    team_id: int | None
    region_id: int | None
    stage: str | None

    @property
    def row(self) -> Row:
        return Row(self.owner_id, self.team_id, self.region_id, self.stage)


def _lookup(session: Session, what: str, value: Any) -> int | None:
    if what == "user":
        return session.scalar(select(User.id).where(User.username == value, User.is_active))
    if what == "team":
        return session.scalar(select(Team.id).where(Team.key == value))
    if what == "region":
        return session.scalar(select(Region.id).where(Region.key == value))
    return None


_WHAT = {"user": "person", "team": "team", "region": "region", "file": "file"}


def references(
    session: Session,
    model: FormModel,
    data: Mapping[str, Any],
    written: Collection[str],
    *,
    record_id: int | None,
) -> list[Error]:
    """Errors for written fields naming a person, team, region or file that
    does not exist (a file already attached elsewhere counts as missing: a
    file belongs to one record field)."""
    errors: list[Error] = []
    for key in written:
        field = model.fields.get(key)
        value = data.get(key)
        if field is None or value is None:
            continue
        kind = FIELD_CATALOGUE[field["type"]].refers_to
        if kind is None:
            continue
        at = f"/data/{escape_pointer(key)}"
        if kind == "file":
            ids = value if isinstance(value, list) else [value]
            for index, file_id in enumerate(ids):
                row = session.get(FileRow, file_id) if isinstance(file_id, int) else None
                taken = row is not None and row.record_id not in (None, record_id)
                if row is None or taken or (row.field not in (None, key)):
                    pointer = f"{at}/{index}" if isinstance(value, list) else at
                    errors.append(error(pointer, "unknown_reference", what="file", value=file_id))
                elif field.get("accept") and not _accepts(field["accept"], row.content_type):
                    pointer = f"{at}/{index}" if isinstance(value, list) else at
                    errors.append(
                        error(
                            pointer,
                            "not_allowed_value",
                            value=row.content_type,
                            expected=", ".join(field["accept"]),
                        )
                    )
        elif _lookup(session, kind, value) is None:
            errors.append(error(at, "unknown_reference", what=_WHAT[kind], value=value))
    return errors


def _accepts(patterns: list[str], content_type: str) -> bool:
    major = content_type.split("/", 1)[0]
    return any(p == content_type or p == f"{major}/*" for p in patterns)


def placement(
    session: Session, model: FormModel, data: Mapping[str, Any], owner_id: int | None
) -> Placement:
    """Owner (the owner field's person, else ``owner_id``), the owner's team,
    the region (the region field's, else the owner's) and the stage."""
    if model.owner_field and isinstance(data.get(model.owner_field), str):
        owner_id = _lookup(session, "user", data[model.owner_field]) or owner_id
    owner = session.get(User, owner_id) if owner_id is not None else None
    region_id = owner.region_id if owner is not None else None
    if model.region_field and isinstance(data.get(model.region_field), str):
        region_id = _lookup(session, "region", data[model.region_field])
    stage = data.get(model.stage_field) if model.stage_field else None
    return Placement(
        owner_id=owner_id,
        team_id=owner.team_id if owner is not None else None,
        region_id=region_id,
        stage=stage if isinstance(stage, str) else None,
    )


def creator_defaults(session: Session, model: FormModel, user_id: int) -> dict[str, Any]:
    """A new record's owner and region when the creator leaves them out: the
    creator and the creator's region (a rep need not, and may not, type them)."""
    defaults: dict[str, Any] = {}
    user = session.get(User, user_id)
    if user is None:
        return defaults
    if model.owner_field:
        defaults[model.owner_field] = user.username
    if model.region_field and user.region_id is not None:
        region = session.get(Region, user.region_id)
        if region is not None:
            defaults[model.region_field] = region.key
    return defaults


def _unique_values(model: FormModel, data: Mapping[str, Any]) -> dict[str, str]:
    return {
        key: str(data[key])[:UNIQUE_LENGTH]
        for key, field in model.fields.items()
        if field.get("unique") and data.get(key) not in (None, "", [])
    }


def _claim_unique(session: Session, model: FormModel, record: Record) -> None:
    """Replace the record's unique values; a value another record holds is a
    422 at that field, and nothing of this write stays."""
    wanted = _unique_values(model, record.data)
    held = dict(
        session.execute(
            select(RecordUnique.field, RecordUnique.value).where(
                RecordUnique.record_id == record.id
            )
        ).all()
    )
    if held == wanted:
        return  # the usual write: no unique value changed
    session.execute(delete(RecordUnique).where(RecordUnique.record_id == record.id))
    for key, value in wanted.items():
        try:
            with session.begin_nested():
                session.add(
                    RecordUnique(form=model.key, field=key, value=value, record_id=record.id)
                )
        except IntegrityError:
            raise InvalidError(
                "The record repeats a value that must be unique.",
                [error(f"/data/{escape_pointer(key)}", "not_unique", field=model.label(key))],
            ) from None


def _attach_files(session: Session, model: FormModel, record: Record) -> None:
    for key, field in model.fields.items():
        if field.get("type") != "file":
            continue
        value = record.data.get(key)
        ids = value if isinstance(value, list) else [] if value is None else [value]
        for row in session.scalars(
            select(FileRow).where(FileRow.record_id == record.id, FileRow.field == key)
        ):
            if row.id not in ids:
                row.record_id = None  # detached from the record; kept for the audit
        for file_id in ids:
            row = session.get(FileRow, file_id)
            if row is not None:
                row.form, row.record_id, row.field = model.key, record.id, key


def changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Field -> {before, after} for each field whose value differs."""
    return {
        key: {"before": before.get(key), "after": after.get(key)}
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def create_record(
    session: Session,
    model: FormModel,
    *,
    form_version: int,
    data: dict[str, Any],
    exemptions: dict[str, str],
    where: Placement,
    actor: str,
    now: datetime,
    context: dict[str, Any],
) -> Record:
    """Store a new, already validated record; ``context`` (the matrix versions
    in force…) goes into its audit entry."""
    record = Record(
        form=model.key,
        form_version=form_version,
        revision=1,
        data=data,
        exemptions=exemptions,
        owner_id=where.owner_id,
        team_id=where.team_id,
        region_id=where.region_id,
        stage=where.stage,
        created_at=now,
        created_by=actor,
        updated_at=now,
        updated_by=actor,
    )
    session.add(record)
    _written(
        session,
        model,
        record,
        "record.create",
        {**context, "changes": changes({}, data), "exemptions": changes({}, exemptions)},
    )
    return record


def _written(
    session: Session, model: FormModel, record: Record, action: str, detail: dict[str, Any]
) -> None:
    """What every write of a record does after its row: unique values, file
    attachments and the audit entry, in the caller's transaction."""
    session.flush()
    _claim_unique(session, model, record)
    _attach_files(session, model, record)
    audit.append(
        session,
        at=record.updated_at,
        actor=record.updated_by,
        action=action,
        subject=record_subject(model.key, record.id),
        version=record.form_version,
        detail=detail,
    )


def update_record(
    session: Session,
    model: FormModel,
    record: Record,
    *,
    form_version: int,
    data: dict[str, Any],
    exemptions: dict[str, str],
    where: Placement,
    actor: str,
    now: datetime,
    context: dict[str, Any],
) -> Record:
    """Write a new state of ``record`` (validated) and audit what changed."""
    changed = changes(record.data, data)
    skipped = changes(record.exemptions, exemptions)
    if not changed and not skipped and record.form_version == form_version:
        return record  # nothing to record
    record.data, record.exemptions = data, exemptions
    record.form_version = form_version
    record.owner_id, record.team_id = where.owner_id, where.team_id
    record.region_id, record.stage = where.region_id, where.stage
    record.revision += 1
    record.updated_at, record.updated_by = now, actor
    _written(
        session,
        model,
        record,
        "record.update",
        {**context, "revision": record.revision, "changes": changed, "exemptions": skipped},
    )
    return record
