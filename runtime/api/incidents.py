"""The Runtime section, operations: incidents (failed steps, scripts,
webhooks and messages) with retry, and the outbox of what left or will
leave the process."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, QueryParameter
from sqlalchemy import select

from components.engine import Retry
from runtime.api.case_bodies import IncidentOut, IncidentPage, OutboxOut, OutboxPage
from runtime.api.cases import send_step
from runtime.api.deps import DB, ClockDep, CurrentUser
from runtime.api.pagination import Limit, keyset_page
from runtime.api.problems import Problem, problem_responses
from runtime.store import audit
from runtime.store.engine_models import Incident, OutboxJob

__all__ = ["IncidentController", "OutboxController"]

IncidentStatus = Annotated[
    Literal["open", "resolved", "any"], QueryParameter(description="Default open.")
]
JobStatus = Annotated[
    Literal["pending", "running", "sent", "failed"] | None,
    QueryParameter(description="Only jobs in this state."),
]


def incident_out(row: Incident) -> IncidentOut:
    return IncidentOut(
        id=row.id,
        code=row.code,
        message=row.message,
        status=row.status,
        created_at=row.created_at,
        retries=row.retries,
        instance_id=row.instance_id,
        workflow=row.workflow,
        node=row.node,
        job_id=row.job_id,
        resolved_at=row.resolved_at,
        resolved_by=row.resolved_by,
    )


class IncidentController(Controller):
    path = "/incidents"
    tags = ["runtime"]
    opt = {"action": "cases.operate"}

    @get("/", sync_to_thread=True, summary="Incidents, newest first", responses=problem_responses())
    def list_incidents(
        self,
        db: DB,
        status: IncidentStatus = "open",
        limit: Limit = 50,
        cursor: FromQuery[str | None] = None,
    ) -> IncidentPage:
        query = select(Incident)
        if status != "any":
            query = query.where(Incident.status == status)
        page, next_cursor = keyset_page(
            db,
            query,
            Incident.created_at,
            Incident.id,
            cursor=cursor,
            limit=limit,
            newest_first=True,
        )
        return IncidentPage(items=[incident_out(r) for r in page], next_cursor=next_cursor)

    @post(
        "/{incident_id:str}/retry",
        sync_to_thread=True,
        status_code=200,
        summary="Run the failed step or delivery again",
        responses=problem_responses(404, 409, 422),
    )
    def retry_incident(
        self,
        incident_id: FromPath[str],
        request: Request[CurrentUser, Any, Any],
        db: DB,
        clock: ClockDep,
    ) -> IncidentOut:
        now = clock.now()
        row = db.scalars(
            select(Incident).where(Incident.id == incident_id).with_for_update()
        ).first()
        if row is None:
            raise Problem(404, f"No incident {incident_id}.")
        if row.status != "open":
            raise Problem(409, f"This incident is {row.status}.")
        job = db.get(OutboxJob, row.job_id) if row.job_id else None
        if job is not None:
            # A delivery: queue it again with a fresh set of attempts.
            job.status, job.attempts, job.next_attempt_at = "pending", 0, now
            job.lease_until = job.lease_token = None
        elif row.instance_id and row.token:
            retry = Retry(token=row.token, by=request.user.username)
            send_step(db, now, row.instance_id, retry, request.user.username)
        else:
            raise Problem(409, "There is nothing to run again for this incident.")
        row.status, row.resolved_at, row.resolved_by = "resolved", now, request.user.username
        row.retries += 1
        audit.append(
            db,
            at=now,
            actor=request.user.username,
            action="incident.retry",
            subject=f"incident:{row.id}",
            detail={"instance": row.instance_id, "code": row.code},
        )
        return incident_out(row)


class OutboxController(Controller):
    path = "/outbox"
    tags = ["runtime"]
    opt = {"action": "outbox.read"}

    @get(
        "/",
        sync_to_thread=True,
        summary="Notifications and webhooks sent or pending (administrators)",
        responses=problem_responses(),
    )
    def list_outbox(
        self,
        db: DB,
        status: JobStatus = None,
        instance: FromQuery[str | None] = None,
        limit: Limit = 50,
        cursor: FromQuery[str | None] = None,
    ) -> OutboxPage:
        query = select(OutboxJob)
        if status is not None:
            query = query.where(OutboxJob.status == status)
        if instance is not None:
            query = query.where(OutboxJob.instance_id == instance)
        page, next_cursor = keyset_page(
            db,
            query,
            OutboxJob.created_at,
            OutboxJob.id,
            cursor=cursor,
            limit=limit,
            newest_first=False,
        )
        items = [
            OutboxOut(
                id=r.id,
                kind=r.kind,
                status=r.status,
                attempts=r.attempts,
                max_attempts=r.max_attempts,
                created_at=r.created_at,
                next_attempt_at=r.next_attempt_at,
                instance_id=r.instance_id,
                target=str(r.payload.get("url") or r.payload.get("to") or "") or None,
                last_error=r.last_error,
                done_at=r.done_at,
                result=r.result,
            )
            for r in page
        ]
        return OutboxPage(items=items, next_cursor=next_cursor)
