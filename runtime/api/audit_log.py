"""Reading the audit log with permissions applied: a record's history
timeline, and ``GET /api/v1/audit``.

A record's entries carry field-level before/after values; each viewer gets
them through :meth:`Rights.mask` for the record as it is now, so a field
hidden from them shows up only as a name in ``masked``. Administrators read
the whole log; everyone else reads the entries of records they can see.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get
from litestar.params import FromPath, FromQuery, QueryParameter
from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.api.deps import DB, ClockDep, CurrentUser
from runtime.api.pagination import IdCursor, Limit, decode_cursor, encode_cursor
from runtime.api.params import PathId
from runtime.api.problems import Problem, problem_responses
from runtime.api.record_access import Rights, rights, viewer_of
from runtime.api.record_bodies import HistoryEntry, HistoryPage
from runtime.store.models import AuditEntry, Record
from runtime.store.records import record_subject, row_of

__all__ = ["AuditController", "history"]

RECORD_PREFIX = "record:"
# A non-administrator's page reads at most this many entries per item asked
# for, skipping those of records they cannot see; the cursor goes on from there.
SCAN_FACTOR = 5


class AuditEntryOut(msgspec.Struct):
    seq: int
    at: datetime
    actor: str
    action: str
    subject: str
    version: int | None
    detail: dict[str, Any]
    hash: str
    masked: list[str] = msgspec.field(default_factory=list)


class AuditPage(msgspec.Struct):
    items: list[AuditEntryOut]
    next_cursor: str | None


def _masked_detail(
    grant: Rights, record: Record, detail: dict[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    row = row_of(record)
    changes, hidden = grant.mask(detail.get("changes") or {}, row)
    skipped, hidden_skips = grant.mask(detail.get("exemptions") or {}, row)
    return (
        {**detail, "changes": changes, "exemptions": skipped},
        sorted(set(hidden) | set(hidden_skips)),
    )


def history(
    db: Session, grant: Rights, record: Record, after: int | None, limit: int
) -> HistoryPage:
    query = select(AuditEntry).where(AuditEntry.subject == record_subject(record.form, record.id))
    if after is not None:
        query = query.where(AuditEntry.seq > after)
    entries = list(db.scalars(query.order_by(AuditEntry.seq).limit(limit + 1)))
    more = len(entries) > limit
    items = []
    for entry in entries[:limit]:
        detail, masked = _masked_detail(grant, record, entry.detail)
        items.append(
            HistoryEntry(
                seq=entry.seq,
                at=entry.at,
                actor=entry.actor,
                action=entry.action,
                form_version=entry.version,
                matrices=dict(detail.get("matrices") or {}),
                changes=detail["changes"],
                exemptions=detail["exemptions"],
                masked=masked,
            )
        )
    return HistoryPage(
        items=items, next_cursor=encode_cursor(entries[limit - 1].seq) if more else None
    )


def _record_of(subject: str) -> tuple[str, int] | None:
    form, _, number = subject.removeprefix(RECORD_PREFIX).partition("/")
    return (form, int(number)) if subject.startswith(RECORD_PREFIX) and number.isdigit() else None


class AuditController(Controller):
    path = "/"
    tags = ["audit"]

    @get(
        "/records/{form:str}/{record_id:int}/history",
        sync_to_thread=True,
        summary="A record's changes, oldest first, masked where fields are hidden",
        responses=problem_responses(404),
    )
    def record_history(
        self,
        form: FromPath[str],
        record_id: PathId,
        request: Request[CurrentUser, Any, Any],
        db: DB,
        clock: ClockDep,
        limit: Limit = 50,
        cursor: FromQuery[str | None] = None,
    ) -> HistoryPage:
        grant = rights(db, request.user, form, clock.now())
        record = grant.require_visible(db.get(Record, record_id), record_id)
        return history(db, grant, record, decode_cursor(cursor, IdCursor), limit)

    @get(
        "/audit",
        sync_to_thread=True,
        summary="The audit log, newest first: all of it for administrators, the "
        "entries of records they can see for everyone else",
        responses=problem_responses(),
    )
    def audit_log(
        self,
        request: Request[CurrentUser, Any, Any],
        db: DB,
        clock: ClockDep,
        subject: Annotated[str | None, QueryParameter(max_length=200)] = None,
        limit: Limit = 50,
        cursor: FromQuery[str | None] = None,
    ) -> AuditPage:
        before = decode_cursor(cursor, IdCursor)
        admin = request.user.role == "admin"
        query = select(AuditEntry)
        if subject:
            query = query.where(AuditEntry.subject == subject)
        if not admin:
            query = query.where(AuditEntry.subject.startswith(RECORD_PREFIX))
        if before is not None:
            query = query.where(AuditEntry.seq < before)
        if admin:
            entries = list(db.scalars(query.order_by(AuditEntry.seq.desc()).limit(limit + 1)))
            items = [_entry_out(e) for e in entries[:limit]]
            last = entries[limit - 1].seq if len(entries) > limit else None
            return AuditPage(items=items, next_cursor=encode_cursor(last) if last else None)
        scan = limit * SCAN_FACTOR
        entries = list(db.scalars(query.order_by(AuditEntry.seq.desc()).limit(scan)))
        items = _visible(db, request.user, entries, clock.now(), limit)
        if len(items) == limit:
            last = items[-1].seq  # there may be more after it
        elif len(entries) == scan:
            last = entries[-1].seq  # nothing visible in the rest of this stretch
        else:
            last = None
        return AuditPage(items=items, next_cursor=encode_cursor(last) if last else None)


def _entry_out(entry: AuditEntry) -> AuditEntryOut:
    return AuditEntryOut(
        seq=entry.seq,
        at=entry.at,
        actor=entry.actor,
        action=entry.action,
        subject=entry.subject,
        version=entry.version,
        detail=entry.detail,
        hash=entry.hash,
    )


def _visible(
    db: Session, user: CurrentUser, entries: Sequence[AuditEntry], now: datetime, limit: int
) -> list[AuditEntryOut]:
    """At most ``limit`` entries of records the viewer sees, masked for them."""
    viewer = viewer_of(db, user)
    grants: dict[str, Rights | None] = {}
    result: list[AuditEntryOut] = []
    for entry in entries:
        target = _record_of(entry.subject)
        if target is None:
            continue
        form, record_id = target
        if form not in grants:
            try:
                grants[form] = rights(db, user, form, now, viewer=viewer)
            except Problem:
                grants[form] = None
        grant = grants[form]
        record = db.get(Record, record_id) if grant is not None else None
        if grant is None or record is None or not grant.access.sees(row_of(record)):
            continue
        out = _entry_out(entry)
        out.detail, out.masked = _masked_detail(grant, record, entry.detail)
        result.append(out)
        if len(result) == limit:
            break
    return result
