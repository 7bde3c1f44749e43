"""The Runtime section, tasks: the inbox of human tasks and approvals,
claiming, completing a form task and deciding an approval.

Form data is checked before the case moves: only the task's fields, each
writable for the person under the permission matrix, valid for the live
form (422 with pointers); then the interpreter's own rules (whose task it
is, the hand-off lock, self-approval, rank) decide. A task completed twice
or at the same moment: the second finds it closed, 409."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from builder.access import Row
from builder.errors import error, escape_pointer
from builder.evaluate import RecordView, evaluate
from builder.expressions import compile_expression
from builder.forms import record_errors
from components.engine import Decided, TaskCompleted
from runtime.api.case_bodies import CompleteIn, DecideIn, TaskOut, TaskPage
from runtime.api.case_views import sight_of, task_out, tasks_out
from runtime.api.cases import send_step
from runtime.api.deps import DB, ClockDep, CurrentUser
from runtime.api.pagination import Limit, keyset_page
from runtime.api.permissions import require_matrix_action
from runtime.api.problems import Problem, problem_responses
from runtime.api.record_access import Rights, rights
from runtime.engine.plans import plan_of
from runtime.store.engine_models import Delegation, Instance, Task, TaskAssignee
from runtime.store.models import Record, User

__all__ = ["TaskController"]

Scope = Annotated[
    Literal["mine", "team", "all"],
    QueryParameter(
        name="scope",
        description="mine: yours (and those you stand in for); team: your team's; all: admins.",
    ),
]
Status = Annotated[
    Literal["open", "completed", "cancelled", "any"], QueryParameter(description="Default open.")
]


def _acting_for(db: Session, username: str, now: datetime) -> list[str]:
    """``username`` and everyone they stand in for now."""
    away = db.scalars(
        select(Delegation.username).where(
            Delegation.delegate == username, Delegation.starts_at <= now, Delegation.ends_at > now
        )
    ).all()
    return [username, *away]


def _holders(db: Session, task: Task) -> list[str]:
    return list(
        db.scalars(select(TaskAssignee.username).where(TaskAssignee.task_id == task.id)).all()
    )


def _visible_task(db: Session, user: CurrentUser, task_id: str, now: datetime) -> Task:
    task = db.get(Task, task_id)
    if task is not None:
        mine = set(_acting_for(db, user.username, now))
        if (
            user.role == "admin"
            or mine & set(_holders(db, task))
            or task.closed_by in mine
            or task.claimed_by in mine
            or task.requester == user.username
        ):
            return task
    raise Problem(404, f"No task {task_id}.")


def _lock_of(db: Session, task: Task) -> str | None:
    instance = db.get(Instance, task.instance_id)
    if instance is None:
        return None
    plan = plan_of(db, instance.workflow, instance.version, instance.hash)
    node = plan.nodes.get(task.node)
    lock = getattr(node.config, "lock", None) if node is not None else None
    return lock if isinstance(lock, str) else None


def _detail(
    db: Session, user: CurrentUser, task: Task, now: datetime, grant: Rights | None = None
) -> TaskOut:
    out = task_out(db, task, now)
    record = db.get(Record, task.record_id) if task.record_id is not None else None
    if record is not None:
        sight = sight_of(db, user, record.form, record.id, now, grant)
        out.values = sight.project(dict(record.data))
    out.lock = _lock_of(db, task)
    if out.lock is not None:
        try:
            view = RecordView(record.data if record else {}, record.exemptions if record else {})
            out.lock_holds = bool(evaluate(compile_expression(out.lock), record=view, now=now))
        except Exception:  # the lock cannot be computed on this record yet
            out.lock_holds = False
    return out


def _not_claimed_by_other(task: Task, user: CurrentUser) -> None:
    if task.claimed_by is not None and task.claimed_by != user.username:
        raise Problem(403, f"{task.claimed_by} has claimed this task.")


def _open(task: Task) -> None:
    if task.status != "open":
        raise Problem(409, f"This task is {task.status}.")


class TaskController(Controller):
    path = "/tasks"
    tags = ["runtime"]
    opt = {"action": "cases.work"}

    @get(
        "/",
        sync_to_thread=True,
        summary="Human tasks and approvals: yours, your team's, or all",
        responses=problem_responses(),
    )
    def list_tasks(
        self,
        request: Request[CurrentUser, Any, Any],
        db: DB,
        clock: ClockDep,
        task_scope: Scope = "mine",
        status: Status = "open",
        limit: Limit = 50,
        cursor: FromQuery[str | None] = None,
    ) -> TaskPage:
        now = clock.now()
        user = request.user
        query = select(Task)
        if task_scope == "all":
            if user.role != "admin":
                raise Problem(403, "Only administrators see every task (scope=all).")
        elif task_scope == "team":
            team = db.scalar(select(User.team_id).where(User.id == user.id))
            if team is None:
                raise Problem(403, "You belong to no team (scope=team).")
            members = select(User.username).where(User.team_id == team)
            query = query.where(
                Task.id.in_(select(TaskAssignee.task_id).where(TaskAssignee.username.in_(members)))
            )
        else:
            mine = _acting_for(db, user.username, now)
            query = query.where(
                or_(
                    Task.id.in_(
                        select(TaskAssignee.task_id).where(TaskAssignee.username.in_(mine))
                    ),
                    Task.closed_by == user.username,
                )
            )
        if status != "any":
            query = query.where(Task.status == status)
        page, next_cursor = keyset_page(
            db, query, Task.created_at, Task.id, cursor=cursor, limit=limit, newest_first=False
        )
        return TaskPage(items=tasks_out(db, page, now), next_cursor=next_cursor)

    @get(
        "/{task_id:str}",
        sync_to_thread=True,
        summary="One task, with the record's fields you may see and its hand-off lock",
        responses=problem_responses(404),
    )
    def get_task(
        self,
        task_id: FromPath[str],
        request: Request[CurrentUser, Any, Any],
        db: DB,
        clock: ClockDep,
    ) -> TaskOut:
        now = clock.now()
        return _detail(db, request.user, _visible_task(db, request.user, task_id, now), now)

    @post(
        "/{task_id:str}/claim",
        sync_to_thread=True,
        status_code=200,
        summary="Take a task shared by several people, so that the others see it is taken",
        responses=problem_responses(404, 409),
    )
    def claim_task(
        self,
        task_id: FromPath[str],
        request: Request[CurrentUser, Any, Any],
        db: DB,
        clock: ClockDep,
    ) -> TaskOut:
        now = clock.now()
        user = request.user
        task = _visible_task(db, user, task_id, now)
        task = db.scalars(select(Task).where(Task.id == task.id).with_for_update()).one()
        _open(task)
        if not set(_acting_for(db, user.username, now)) & set(_holders(db, task)):
            raise Problem(403, "This task is not assigned to you.")
        if task.claimed_by not in (None, user.username):
            raise Problem(409, f"{task.claimed_by} has already claimed this task.")
        task.claimed_by = user.username
        task.revision += 1
        return _detail(db, user, task, now)

    @post(
        "/{task_id:str}/complete",
        sync_to_thread=True,
        status_code=200,
        summary="Complete a form task: its data is validated and written, the case moves on",
        responses=problem_responses(404, 409, 413, 422),
    )
    def complete_task(
        self,
        task_id: FromPath[str],
        data: JSONBody[CompleteIn],
        request: Request[CurrentUser, Any, Any],
        db: DB,
        clock: ClockDep,
    ) -> TaskOut:
        now = clock.now()
        user = request.user
        task = _visible_task(db, user, task_id, now)
        if task.kind != "form":
            raise Problem(422, "This is an approval: decide it (POST …/decide).")
        _open(task)
        _not_claimed_by_other(task, user)
        grant = _check_form_data(db, user, task, data.data, now)
        done = TaskCompleted(task=task.id, by=user.username, data=data.data)
        send_step(db, now, task.instance_id, done, user.username)
        db.refresh(task)
        return _detail(db, user, task, now, grant)

    @post(
        "/{task_id:str}/decide",
        sync_to_thread=True,
        status_code=200,
        summary="Approve, reject or return an approval (to a level) with a comment",
        responses=problem_responses(404, 409, 413, 422),
    )
    def decide_task(
        self,
        task_id: FromPath[str],
        data: JSONBody[DecideIn],
        request: Request[CurrentUser, Any, Any],
        db: DB,
        clock: ClockDep,
    ) -> TaskOut:
        now = clock.now()
        user = request.user
        task = _visible_task(db, user, task_id, now)
        if task.kind != "approval":
            raise Problem(422, "This is a form task: complete it (POST …/complete).")
        _open(task)
        _not_claimed_by_other(task, user)
        require_matrix_action(db, user, "decide", now, task.workflow)
        event = Decided(
            task=task.id,
            by=user.username,
            decision=data.decision,
            comment=data.comment,
            level=data.level,
        )
        send_step(db, now, task.instance_id, event, user.username)
        db.refresh(task)
        return _detail(db, user, task, now)


def _check_form_data(
    db: Session, user: CurrentUser, task: Task, values: dict[str, Any], now: datetime
) -> Rights | None:
    """422 unless ``values`` are the task's fields, writable for ``user`` and
    valid for the live form; nothing is stored when they are not."""
    fields = list(task.fields.get("names") or [])
    unknown = [key for key in values if fields and key not in fields]
    if unknown:
        raise Problem(
            422,
            "This task does not ask for " + ", ".join(sorted(unknown)) + ".",
            errors=[
                error(f"/data/{escape_pointer(key)}", "invalid", detail="not a field of this task")
                for key in sorted(unknown)
            ],
        )
    if task.form is None:
        return None
    grant = rights(db, user, task.form, now)
    record = db.get(Record, task.record_id) if task.record_id is not None else None
    on_record = record is not None and record.form == task.form
    row = (
        Row(record.owner_id, record.team_id, record.region_id, record.stage)
        if record is not None and on_record
        else Row(user.id, None, None, None)
    )
    grant.require_writable(row, values)
    before = dict(record.data) if record is not None and on_record else {}
    merged = {**before, **values}
    exemptions = dict(record.exemptions) if record is not None and on_record else {}
    roles = grant.viewer.roles
    asked = set(fields) | set(values)
    errors = [
        e
        for e in record_errors(grant.model, merged, exemptions, roles, written=list(values))
        if (e.pointer.split("/")[2] if e.pointer.count("/") >= 2 else "") in asked or on_record
    ]
    if errors:
        raise Problem(422, "The form data is not valid.", errors=errors)
    return grant
