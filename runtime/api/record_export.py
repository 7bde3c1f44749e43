"""CSV export of records, with permissions applied and a watermark.

The first line says who exported what, when and with which filter, so a
file found on a shared drive tells where it came from. Cells the viewer may
not see are empty, columns they can never see are left out, and cells that
a spreadsheet would run as a formula are defused. Exporting is an action
of the permission matrix (``export``) and is itself audited.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from litestar import Controller, Request, Response, get
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath

from runtime.api.deps import DB, ClockDep, CurrentUser
from runtime.api.problems import Problem, problem_responses
from runtime.api.record_access import rights
from runtime.api.record_query import parse_query
from runtime.api.records import Filters, Sort
from runtime.store import audit
from runtime.store.db import transaction
from runtime.store.models import Record
from runtime.store.records import row_of

__all__ = ["RecordExportController", "cell"]

MAX_ROWS = 100_000
# A cell starting with one of these is run as a formula by spreadsheets.
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    text = str(value)
    if isinstance(value, str) and text.startswith(_FORMULA):
        return "'" + text
    return text


class RecordExportController(Controller):
    path = "/records"
    tags = ["records"]

    @get(
        "/{form:str}/export",
        sync_to_thread=True,
        summary="Records as CSV (permissions applied, watermarked)",
        responses={
            200: ResponseSpec(str, description="CSV, watermark first", media_type="text/csv"),
            **problem_responses(404),
        },
    )
    def export_records(
        self,
        form: FromPath[str],
        request: Request[CurrentUser, Any, Any],
        db: DB,
        clock: ClockDep,
        filters: Filters = None,
        sort: Sort = None,
    ) -> Response[str]:
        now = clock.now()
        grant = rights(db, request.user, form, now)
        if not grant.may_export(now):
            raise Problem(
                403, "None of your roles may export records (the matrix's export action)."
            )
        query = parse_query(grant, filters or [], sort)
        statement = query.select().order_by(*query.order, Record.id).limit(MAX_ROWS)
        records = list(db.scalars(statement))
        columns = [k for k in grant.model.fields if grant.access.readable_somewhere(k)]
        out = io.StringIO()
        user = request.user
        out.write(
            f"# Exported by {user.username} at {now.isoformat(timespec='seconds')} from "
            f"{form} (form version {grant.form.version}); {query.described}; "
            f"{len(records)} records. Confidential.\n"
        )
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["id", *(grant.model.label(k) for k in columns)])
        for record in records:
            visible = grant.project(record.data, row_of(record))
            writer.writerow([record.id, *(cell(visible.get(k)) for k in columns)])
        # A GET reads on a connection that does not take the write lock; the
        # audit entry of the export is its own small write.
        with transaction(request.app.state.sessions) as session:
            audit.append(
                session,
                at=now,
                actor=user.username,
                action="record.export",
                subject=f"form:{form}",
                version=grant.form.version,
                detail={"query": query.described, "rows": len(records), "columns": columns},
            )
        return Response(
            out.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{form}.csv"'},
        )
