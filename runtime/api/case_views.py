"""Cases and tasks as one viewer may see them.

Who may see a case: administrators; whoever started it; whoever holds or
held one of its tasks; anyone who may see its record. What they see of it
goes through the record permissions (runtime/api/record_access.py): the
variables, the history and a task's values lose every field of the record
form hidden to the viewer on that record, so a hidden field never leaks
through a task or a timeline.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import exists, or_, select, true
from sqlalchemy.orm import Session

from builder.access import Row
from components.engine import Plan
from runtime.api.case_bodies import CaseOut, HistoryOut, Position, RecordRef, TaskOut
from runtime.api.deps import CurrentUser
from runtime.api.problems import Problem
from runtime.api.record_access import Rights, rights
from runtime.engine.cases import state_of
from runtime.engine.plans import plan_of
from runtime.store.engine_models import HistoryEntry, Incident, Instance, Task, TaskAssignee
from runtime.store.models import Record

__all__ = [
    "Sight",
    "case_out",
    "may_see_case",
    "sight_of",
    "task_out",
    "tasks_out",
    "visible_cases_clause",
]


class Sight:
    """What one viewer may see of one case's record: the hidden field names."""

    def __init__(self, hidden: frozenset[str], grant: Rights | None, row: Row | None) -> None:
        self.hidden = hidden
        self.grant = grant
        self.row = row
        self.sees_record = grant is not None and row is not None and grant.access.sees(row)

    def with_derived(self, derived: dict[str, list[str]]) -> Sight:
        """Also hide the case's variables computed from a hidden field."""
        tainted = {name for name, fields in derived.items() if set(fields) & self.hidden}
        if not tainted:
            return self
        return Sight(self.hidden | tainted, self.grant, self.row)

    def mask(self, value: Any) -> Any:
        """``value`` with every hidden field removed, however deep (form data
        in a history line, a ``set`` step's target and value, the value of a
        condition that reads a hidden field)."""
        if isinstance(value, dict):
            target = value.get("target")
            reads = value.get("reads")
            out = {k: self.mask(v) for k, v in value.items() if k not in self.hidden}
            if isinstance(target, str) and target.split(".", 1)[-1] in self.hidden:
                out.pop("value", None)
            if isinstance(reads, list) and self.hidden.intersection(reads):
                out.pop("value", None)
            return out
        if isinstance(value, list):
            return [self.mask(item) for item in value]
        return value

    def project(self, data: dict[str, Any]) -> dict[str, Any] | None:
        """The record's values the viewer may see, or None without sight of it."""
        if not self.sees_record or self.grant is None or self.row is None:
            return None
        return self.grant.project(data, self.row)


def sight_of(
    db: Session,
    user: CurrentUser,
    form: str | None,
    record_id: int | None,
    now: datetime,
    grant: Rights | None = None,
) -> Sight:
    """``grant``: the viewer's rights on ``form`` when the caller has them already."""
    if form is None:
        return Sight(frozenset(), None, None)
    if grant is None or grant.form.key != form:
        try:
            grant = rights(db, user, form, now)
        except Problem:
            return Sight(frozenset(), None, None)  # the form is not live: no fields to hide
    everything = frozenset(grant.model.fields)
    record = db.get(Record, record_id) if record_id is not None else None
    if record is None:
        row = Row(user.id, None, None, None)
        return Sight(everything - set(grant.fields(row)), grant, None)
    row = Row(record.owner_id, record.team_id, record.region_id, record.stage)
    if not grant.access.sees(row):
        return Sight(everything, grant, row)
    return Sight(everything - set(grant.fields(row)), grant, row)


def visible_cases_clause(user: CurrentUser) -> Any:
    """SQL: the cases ``user`` started or holds/held a task in (admins: all)."""
    if user.role == "admin":
        return true()
    held = (
        select(Task.instance_id)
        .join(TaskAssignee, TaskAssignee.task_id == Task.id)
        .where(TaskAssignee.username == user.username)
    )
    closed = select(Task.instance_id).where(Task.closed_by == user.username)
    return or_(
        Instance.started_by == user.username,
        Instance.id.in_(held),
        Instance.id.in_(closed),
    )


def may_see_case(db: Session, user: CurrentUser, instance: Instance, sight: Sight) -> bool:
    if sight.sees_record:
        return True
    return bool(
        db.scalar(select(exists().where(Instance.id == instance.id, visible_cases_clause(user))))
    )


def _title(plan: Plan | None, node: str) -> dict[str, str]:
    label = plan.nodes[node].label if plan is not None and node in plan.nodes else None
    if not label:
        return {"en": node}
    return {k: v for k, v in label.items() if v}


def _assignees(db: Session, task_ids: Iterable[str]) -> dict[str, list[str]]:
    ids = list(task_ids)
    found: dict[str, list[str]] = {task_id: [] for task_id in ids}
    if ids:
        for task_id, username in db.execute(
            select(TaskAssignee.task_id, TaskAssignee.username)
            .where(TaskAssignee.task_id.in_(ids))
            .order_by(TaskAssignee.task_id, TaskAssignee.username)
        ):
            found[task_id].append(username)
    return found


def tasks_out(db: Session, tasks: Sequence[Task], now: datetime) -> list[TaskOut]:
    people = _assignees(db, (task.id for task in tasks))
    instances = {
        row.id: row
        for row in db.execute(
            select(Instance.id, Instance.version, Instance.hash).where(
                Instance.id.in_({task.instance_id for task in tasks})
            )
        )
    }
    out = []
    for task in tasks:
        pinned = instances.get(task.instance_id)
        plan = plan_of(db, task.workflow, pinned.version, pinned.hash) if pinned else None
        out.append(
            TaskOut(
                id=task.id,
                instance_id=task.instance_id,
                workflow=task.workflow,
                node=task.node,
                title=_title(plan, task.node),
                kind=task.kind,
                status=task.status,
                assignees=people.get(task.id, []),
                created_at=task.created_at,
                mode=task.mode,
                claimed_by=task.claimed_by,
                due_at=task.due_at,
                overdue=task.status == "open" and task.due_at is not None and task.due_at < now,
                level=task.level,
                levels=task.levels,
                form=task.form,
                fields=list(task.fields.get("names") or []),
                requester=task.requester,
                record=RecordRef(task.record_form, task.record_id)
                if task.record_form and task.record_id
                else None,
                closed_at=task.closed_at,
                closed_by=task.closed_by,
                outcome=task.outcome,
            )
        )
    return out


def task_out(db: Session, task: Task, now: datetime) -> TaskOut:
    return tasks_out(db, [task], now)[0]


def _waiting(wait: dict[str, Any]) -> tuple[str, str | None, str | None]:
    if "incident" in wait:
        return "incident", wait.get("task"), wait["incident"]
    keys = (("task", "task"), ("job", "job"), ("child", "subflow"), ("signal", "event"))
    if "locked" in wait:
        return "lock", None, None
    for key, name in keys:
        if key in wait:
            return name, wait.get("task"), None
    if wait.get("timers"):
        return "timer", None, None
    return "", None, None


def case_out(
    db: Session, instance: Instance, sight: Sight, now: datetime, *, detail: bool = True
) -> CaseOut:
    state = state_of(instance)
    sight = sight.with_derived(state.derived)
    current = []
    for token in state.tokens:
        waiting, task, incident = _waiting(token.wait)
        current.append(
            Position(
                token=token.id,
                node=token.node,
                since=token.entered_at,
                waiting_for=waiting,
                task=task,
                incident=incident,
            )
        )
    out = CaseOut(
        id=instance.id,
        workflow=instance.workflow,
        variant=instance.variant,
        version=instance.version,
        status=instance.status,
        created_at=instance.created_at,
        updated_at=instance.updated_at,
        outcome=instance.outcome,
        record=RecordRef(instance.record_form, instance.record_id)
        if instance.record_form and instance.record_id
        else None,
        started_by=instance.started_by,
        parent_id=instance.parent_id,
        ended_at=instance.ended_at,
        current=current,
        variables=sight.mask(state.variables),
    )
    if not detail:
        return out
    entries = db.scalars(
        select(HistoryEntry)
        .where(HistoryEntry.instance_id == instance.id)
        .order_by(HistoryEntry.seq)
    ).all()
    out.history = [
        HistoryOut(
            seq=e.seq, at=e.at, kind=e.kind, node=e.node, actor=e.actor, data=sight.mask(e.data)
        )
        for e in entries
    ]
    out.path = [e.node for e in entries if e.kind == "entered" and e.node]
    tasks = db.scalars(
        select(Task).where(Task.instance_id == instance.id).order_by(Task.created_at, Task.id)
    ).all()
    out.tasks = tasks_out(db, tasks, now)
    out.open_incidents = len(
        db.scalars(
            select(Incident.id).where(
                Incident.instance_id == instance.id, Incident.status == "open"
            )
        ).all()
    )
    return out
