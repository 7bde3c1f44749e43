"""The Runtime section, cases: start, read, send events, cancel.

Every change goes through the engine's shell (runtime/engine/cases.py) in
the request's transaction; a refusal of the interpreter (a rule of the
workflow) becomes a problem naming the rule, and nothing is stored."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from builder.errors import Error, error
from components.engine import Cancel, Refused, Signal
from runtime.api.case_bodies import CancelIn, CaseIn, CaseOut, CasePage, EventIn, EventOut
from runtime.api.case_views import case_out, may_see_case, sight_of, visible_cases_clause
from runtime.api.deps import DB, ClockDep, CurrentUser
from runtime.api.pagination import Limit, keyset_page
from runtime.api.permissions import may, require_matrix_action
from runtime.api.problems import Problem, problem_responses
from runtime.api.record_access import rights
from runtime.engine.cases import CaseError, Runner
from runtime.engine.plans import live_workflow
from runtime.store.engine_models import EventKey, Instance
from runtime.store.models import Record

__all__ = ["CaseController", "refusal", "send_step", "visible_case"]

CaseId = Annotated[str, QueryParameter(max_length=40)]
Status = Annotated[
    Literal["running", "completed", "cancelled"] | None,
    QueryParameter(description="Only cases in this state."),
]
Workflow = Annotated[str | None, QueryParameter(description="Only cases of this workflow.")]


# The interpreter's refusals in Chinese (its own messages are English).
REFUSALS_ZH = {
    "not_assignee": "这不是您的待办。",
    "self_approval": "您是此审批的发起人，必须由他人审批（本级不允许自我审批）。",
    "rank_too_low": "您的职级低于本级审批要求。",
    "role_missing": "您不具备本级审批所需的角色。",
    "already_decided": "您已审批过本级。",
    "bad_return_level": "退回的级别无效。",
    "task_closed": "此待办已完成或已撤回。",
    "not_running": "此流程实例已结束。",
    "transition_lock": "交接锁条件尚未满足，暂不能完成此步骤。",
    "transition_lock_failed": "交接锁条件无法计算。",
    "nothing_to_retry": "该步骤没有待重试的异常。",
    "already_started": "此流程实例已启动。",
}


def refusal(exc: Refused | CaseError) -> Problem:
    """A refused step as a problem: the rule's code and its message."""
    if isinstance(exc, CaseError):
        errors = [error(exc.pointer, "invalid", detail=exc.message)] if exc.pointer else []
        return Problem(exc.status, exc.message, errors=errors)
    message = {"en": exc.message, "zh-CN": REFUSALS_ZH.get(exc.code, exc.message)}
    return Problem(
        exc.status, exc.message, errors=[Error(pointer="", code=exc.code, message=message)]
    )


def send_step(db: Session, now: Any, instance_id: str, event: Any, actor: str) -> Instance:
    """Apply one event to a case in the request's transaction; a refusal of
    the workflow's rules is the problem that names the rule."""
    try:
        return Runner(db, now).send(instance_id, event, actor)
    except (Refused, CaseError) as exc:
        raise refusal(exc) from None


def visible_case(db: Session, user: CurrentUser, instance_id: str, now: Any) -> Instance:
    instance = db.get(Instance, instance_id)
    if instance is not None:
        sight = sight_of(db, user, instance.record_form, instance.record_id, now)
        if may_see_case(db, user, instance, sight):
            return instance
    raise Problem(404, f"No case {instance_id}.")


def _check_start(db: Session, data: CaseIn) -> None:
    """A start named by the caller must be one people or systems may call."""
    live = live_workflow(db, data.workflow, data.variant)
    if live is None:
        return  # the runner answers 404
    node = live.plan.nodes.get(data.start or "")
    trigger = getattr(node.config, "trigger", None) if node is not None else None
    if node is None or node.id not in live.plan.starts or trigger not in ("manual", "webhook"):
        raise Problem(
            422,
            f"{data.start} is not a manual or webhook start step of {data.workflow}.",
            errors=[error("/start", "invalid", detail="not a manual or webhook start")],
        )


def _require_record(db: Session, user: CurrentUser, record_id: int, now: Any) -> None:
    """404 naming /record_id unless the record exists and the user may see it
    (the records' own rule: another scope's record is as absent as a missing one)."""
    record = db.get(Record, record_id)
    try:
        if record is None:
            raise Problem(404, f"No record {record_id}.")
        rights(db, user, record.form, now).require_visible(record, record_id)
    except Problem:  # missing, its form not live, or outside the user's scope
        raise Problem(
            404,
            f"No record {record_id} that you may see.",
            errors=[error("/record_id", "invalid", detail=f"no record {record_id}")],
        ) from None


def _operator(user: CurrentUser, instance: Instance) -> None:
    """Events and cancelling: operators of the platform, or whoever started the case."""
    if not (may(user.role, "cases.operate") or instance.started_by == user.username):
        raise Problem(403, "Only the person who started this case or an operator may do that.")


class CaseController(Controller):
    path = "/instances"
    tags = ["runtime"]
    opt = {"action": "cases.work"}

    @post(
        "/",
        sync_to_thread=True,
        status_code=201,
        summary="Start a case of a workflow's live version",
        responses=problem_responses(404, 413, 422),
    )
    def start_case(
        self,
        data: JSONBody[CaseIn],
        request: Request[CurrentUser, Any, Any],
        db: DB,
        clock: ClockDep,
    ) -> CaseOut:
        now = clock.now()
        user = request.user
        if user.role != "admin":
            require_matrix_action(db, user, "start", now, data.workflow)
        if data.record_id is not None:
            _require_record(db, user, data.record_id, now)
        if data.start is not None:
            _check_start(db, data)
        try:
            instance = Runner(db, now).start(
                data.workflow,
                variant=data.variant,
                record_id=data.record_id,
                data=data.data,
                by=user.username,
                start_node=data.start,
            )
        except (Refused, CaseError) as exc:
            raise refusal(exc) from None
        sight = sight_of(db, user, instance.record_form, instance.record_id, now)
        return case_out(db, instance, sight, now)

    @get(
        "/",
        sync_to_thread=True,
        summary="Cases you started or hold a task in (administrators: all)",
        responses=problem_responses(),
    )
    def list_cases(
        self,
        request: Request[CurrentUser, Any, Any],
        db: DB,
        clock: ClockDep,
        status: Status = None,
        workflow: Workflow = None,
        limit: Limit = 50,
        cursor: FromQuery[str | None] = None,
    ) -> CasePage:
        now = clock.now()
        query = select(Instance).where(visible_cases_clause(request.user))
        if status is not None:
            query = query.where(Instance.status == status)
        if workflow is not None:
            query = query.where(Instance.workflow == workflow)
        page, next_cursor = keyset_page(
            db,
            query,
            Instance.created_at,
            Instance.id,
            cursor=cursor,
            limit=limit,
            newest_first=True,
        )
        items = [
            case_out(
                db,
                row,
                sight_of(db, request.user, row.record_form, row.record_id, now),
                now,
                detail=False,
            )
            for row in page
        ]
        return CasePage(items=items, next_cursor=next_cursor)

    @get(
        "/{instance_id:str}",
        sync_to_thread=True,
        summary="A case: status, where it waits, variables and its history",
        responses=problem_responses(404),
    )
    def get_case(
        self,
        instance_id: FromPath[str],
        request: Request[CurrentUser, Any, Any],
        db: DB,
        clock: ClockDep,
    ) -> CaseOut:
        now = clock.now()
        instance = visible_case(db, request.user, instance_id, now)
        sight = sight_of(db, request.user, instance.record_form, instance.record_id, now)
        return case_out(db, instance, sight, now)

    @post(
        "/{instance_id:str}/events",
        sync_to_thread=True,
        status_code=200,
        summary="Send a named event to a case (applied once per idempotency key)",
        responses=problem_responses(404, 409, 413, 422),
    )
    def send_event(
        self,
        instance_id: FromPath[str],
        data: JSONBody[EventIn],
        request: Request[CurrentUser, Any, Any],
        db: DB,
        clock: ClockDep,
    ) -> EventOut:
        now = clock.now()
        user = request.user
        instance = visible_case(db, user, instance_id, now)
        _operator(user, instance)
        applied = True
        if data.idempotency_key is not None:
            seen = db.scalars(
                select(EventKey.id).where(
                    EventKey.instance_id == instance.id, EventKey.key == data.idempotency_key
                )
            ).first()
            if seen is not None:
                applied = False
            else:
                savepoint = db.begin_nested()
                try:
                    db.add(
                        EventKey(
                            instance_id=instance.id,
                            key=data.idempotency_key,
                            name=data.name,
                            at=now,
                        )
                    )
                    db.flush()
                    savepoint.commit()
                except IntegrityError:
                    savepoint.rollback()
                    applied = False  # the same key arrived at the same moment
        if applied:
            signal = Signal(name=data.name, payload=data.payload)
            instance = send_step(db, now, instance.id, signal, user.username)
        sight = sight_of(db, user, instance.record_form, instance.record_id, now)
        return EventOut(applied=applied, instance=case_out(db, instance, sight, now))

    @post(
        "/{instance_id:str}/cancel",
        sync_to_thread=True,
        status_code=200,
        summary="Cancel a running case: its tasks are withdrawn, its timers stopped",
        responses=problem_responses(404, 409, 413, 422),
    )
    def cancel_case(
        self,
        instance_id: FromPath[str],
        request: Request[CurrentUser, Any, Any],
        db: DB,
        clock: ClockDep,
        data: JSONBody[CancelIn | None] = None,
    ) -> CaseOut:
        now = clock.now()
        user = request.user
        instance = visible_case(db, user, instance_id, now)
        _operator(user, instance)
        reason = data.reason if data is not None else ""
        cancel = Cancel(by=user.username, reason=reason)
        instance = send_step(db, now, instance.id, cancel, user.username)
        sight = sight_of(db, user, instance.record_form, instance.record_id, now)
        return case_out(db, instance, sight, now)
