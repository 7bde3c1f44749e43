"""The Sandbox section, runs: ask for a replay (202, performed by a worker),
follow its progress, read its report and its cases, cancel it."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromQuery, JSONBody
from sqlalchemy import select

from runtime.api.deps import DB, ClockDep, CurrentUser
from runtime.api.pagination import IdCursor, Limit, decode_cursor, encode_cursor
from runtime.api.params import PathId
from runtime.api.permissions import may_sandbox, require_sandbox
from runtime.api.problems import Problem, problem_responses
from runtime.sandbox.markdown import render_markdown
from runtime.sandbox.runs import RunRequest, request_cancel, request_run
from runtime.store.sandbox_models import SandboxRun, SandboxRunCase

__all__ = ["RunController"]


class RunCreated(msgspec.Struct):
    id: int
    status: str
    candidate_hash: str


class Progress(msgspec.Struct):
    done: int
    total: int


class RunOut(msgspec.Struct, omit_defaults=True):
    id: int
    workflow: str
    status: Literal["queued", "running", "completed", "cancelled", "failed"]
    progress: Progress
    candidate_hash: str
    candidate: str
    baseline_version: int
    history: dict[str, Any]
    policies: dict[str, Any]
    seed: int
    created_by: str
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    report: dict[str, Any] | None = None
    error: dict[str, Any] | None = None


class RunSummary(msgspec.Struct, omit_defaults=True):
    id: int
    workflow: str
    status: str
    progress: Progress
    candidate_hash: str
    baseline_version: int
    created_by: str
    created_at: datetime
    finished_at: datetime | None = None


class RunPage(msgspec.Struct):
    items: list[RunSummary]
    next_cursor: str | None = None


class CaseOut(msgspec.Struct):
    case: str
    changed: bool
    reproduced: bool
    tier: str
    result: dict[str, Any]


class CasePage(msgspec.Struct):
    items: list[CaseOut]
    next_cursor: str | None = None


def _out(run: SandboxRun, *, full: bool) -> RunOut:
    spec = run.spec.get("run", {})
    return RunOut(
        id=run.id,
        workflow=run.workflow,
        status=run.status,  # type: ignore[arg-type]
        progress=Progress(run.done, run.total),
        candidate_hash=run.candidate_hash,
        candidate=str(run.spec.get("candidate_label", "")),
        baseline_version=run.baseline_version,
        history=dict(run.spec.get("history", {})),
        policies=dict(spec.get("policies", {})),
        seed=int(spec.get("seed", 0)),
        created_by=run.created_by,
        created_at=run.created_at,
        started_at=run.started_at,
        finished_at=run.finished_at,
        report=run.report if full else None,
        error=run.error,
    )


def _run(db: DB, run_id: int, user: Any, now: datetime) -> SandboxRun:
    """The run, for someone who may run the sandbox on its workflow (its
    report and cases tell about that workflow's history)."""
    run = db.get(SandboxRun, run_id)
    if run is None:
        raise Problem(404, f"There is no sandbox run {run_id}.")
    require_sandbox(db, user, now, run.workflow)
    return run


def _reader(db: DB, user: Any, now: datetime) -> Any:
    """may_read(form, field): whether ``user`` reads the field on every record."""
    from runtime.api.record_access import rights

    def may_read(form: str, field: str) -> bool:
        try:
            access = rights(db, user, form, now).access
        except Problem:
            return False
        return access.readable_on_every_row(field)

    return may_read


class RunController(Controller):
    path = "/sandbox/runs"
    tags = ["sandbox"]
    opt = {"action": "sandbox.use"}

    @post(
        "/",
        sync_to_thread=True,
        status_code=202,
        summary="Replay a history through a candidate and its baseline (performed by a worker)",
        responses=problem_responses(404, 409, 422),
    )
    def create_run(
        self,
        request: Request[CurrentUser, Any, Any],
        data: JSONBody[RunRequest],
        db: DB,
        clock: ClockDep,
    ) -> RunCreated:
        now = clock.now()
        require_sandbox(db, request.user, now, data.candidate.workflow)
        run = request_run(
            db, data, actor=request.user.username, now=now, may_read=_reader(db, request.user, now)
        )
        return RunCreated(id=run.id, status=run.status, candidate_hash=run.candidate_hash)

    @get(
        "/",
        sync_to_thread=True,
        summary="Sandbox runs, newest first",
        responses=problem_responses(),
    )
    def list_runs(
        self,
        request: Request[CurrentUser, Any, Any],
        db: DB,
        clock: ClockDep,
        workflow: FromQuery[str | None] = None,
        limit: Limit = 50,
        cursor: FromQuery[str | None] = None,
    ) -> RunPage:
        query = select(SandboxRun)
        if workflow:
            query = query.where(SandboxRun.workflow == workflow)
        after = decode_cursor(cursor, IdCursor)
        if after is not None:
            query = query.where(SandboxRun.id < after)
        rows = db.scalars(query.order_by(SandboxRun.id.desc()).limit(limit + 1)).all()
        page = rows[:limit]
        now, allowed = clock.now(), {}
        for row in page:
            if row.workflow not in allowed:
                allowed[row.workflow] = may_sandbox(db, request.user, now, row.workflow)
        return RunPage(
            items=[
                RunSummary(
                    id=r.id,
                    workflow=r.workflow,
                    status=r.status,
                    progress=Progress(r.done, r.total),
                    candidate_hash=r.candidate_hash,
                    baseline_version=r.baseline_version,
                    created_by=r.created_by,
                    created_at=r.created_at,
                    finished_at=r.finished_at,
                )
                for r in page
                if allowed[r.workflow]  # runs of workflows the reader may not replay are left out
            ],
            next_cursor=encode_cursor(page[-1].id) if len(rows) > limit else None,
        )

    @get(
        "/{run_id:int}",
        sync_to_thread=True,
        summary="A run: status, progress and, once completed, its report",
        responses=problem_responses(403, 404, 422),
    )
    def get_run(
        self, request: Request[CurrentUser, Any, Any], run_id: PathId, db: DB, clock: ClockDep
    ) -> RunOut:
        return _out(_run(db, run_id, request.user, clock.now()), full=True)

    @get(
        "/{run_id:int}/report.md",
        sync_to_thread=True,
        media_type="text/markdown",
        summary="A completed run's report as Markdown",
        responses=problem_responses(404, 409, 422),
    )
    def get_markdown(
        self, request: Request[CurrentUser, Any, Any], run_id: PathId, db: DB, clock: ClockDep
    ) -> str:
        run = _run(db, run_id, request.user, clock.now())
        if run.report is None:
            raise Problem(409, f"Run {run_id} is {run.status}: it has no report.")
        return render_markdown(run.report)

    @get(
        "/{run_id:int}/cases",
        sync_to_thread=True,
        summary="Per case: baseline path, candidate path, first divergence",
        responses=problem_responses(404, 422),
    )
    def list_cases(
        self,
        request: Request[CurrentUser, Any, Any],
        run_id: PathId,
        db: DB,
        clock: ClockDep,
        changed: FromQuery[bool | None] = None,
        reproduced: FromQuery[bool | None] = None,
        tier: FromQuery[Literal["A", "B", "C"] | None] = None,
        limit: Limit = 50,
        cursor: FromQuery[str | None] = None,
    ) -> CasePage:
        _run(db, run_id, request.user, clock.now())
        query = select(SandboxRunCase).where(SandboxRunCase.run_id == run_id)
        if changed is not None:
            query = query.where(SandboxRunCase.changed.is_(changed))
        if reproduced is not None:
            query = query.where(SandboxRunCase.reproduced.is_(reproduced))
        if tier is not None:
            query = query.where(SandboxRunCase.tier == tier)
        after = decode_cursor(cursor, IdCursor)
        if after is not None:
            query = query.where(SandboxRunCase.position > after)
        rows = db.scalars(query.order_by(SandboxRunCase.position).limit(limit + 1)).all()
        page = rows[:limit]
        return CasePage(
            items=[
                CaseOut(
                    case=r.case_key,
                    changed=r.changed,
                    reproduced=r.reproduced,
                    tier=r.tier,
                    result=r.result,
                )
                for r in page
            ],
            next_cursor=encode_cursor(page[-1].position) if len(rows) > limit else None,
        )

    @post(
        "/{run_id:int}/cancel",
        sync_to_thread=True,
        status_code=202,
        summary="Cancel a queued or running run (it keeps no report)",
        responses=problem_responses(404, 422),
    )
    def cancel_run(
        self, request: Request[CurrentUser, Any, Any], run_id: PathId, db: DB, clock: ClockDep
    ) -> RunOut:
        _run(db, run_id, request.user, clock.now())
        run = request_cancel(db, run_id, actor=request.user.username, now=clock.now())
        return _out(run, full=False)
