"""The engine's shell: start a case, send it an event, apply the effects.

Everything happens in the caller's transaction: the state change, the
history, the tasks and timers, the in-app notices, the record writes and
the outbox rows for whatever leaves the process. Either all of it commits
or none of it does, so a crash never leaves a half-applied step. Events a
step causes for other cases (a sub-case that ended tells its parent) are
applied in the same transaction, after the step.
"""

from __future__ import annotations

import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from builder.advance import advance
from builder.forms import with_computed
from components.engine import (
    CallWebhook,
    Cancel,
    CancelTimer,
    CloseTask,
    CreateTask,
    Decided,
    Effect,
    Ended,
    Event,
    InstanceState,
    Noted,
    Notify,
    RaiseIncident,
    RecordSnapshot,
    Retry,
    RunScript,
    ScheduleTimer,
    Signal,
    Start,
    StartSubflow,
    SubflowEnded,
    TaskCompleted,
    UpdateTask,
    WriteRecord,
)
from runtime.api.record_access import model_of
from runtime.engine.directory import LiveDirectory
from runtime.engine.notices import render_for
from runtime.engine.plans import live_workflow, plan_of
from runtime.store import audit
from runtime.store import records as record_store
from runtime.store.engine_models import (
    HistoryEntry,
    Incident,
    Instance,
    Notification,
    OutboxJob,
    Task,
    TaskAssignee,
    Timer,
)
from runtime.store.live import live_document
from runtime.store.models import Record, Region, Team, User

__all__ = ["CaseError", "Runner", "encode_state", "state_of"]

_ENCODE = msgspec.json.Encoder()
_DECODE = msgspec.json.Decoder(InstanceState)


class CaseError(Exception):
    """A case cannot be started or reached (no live version, unknown id)."""

    def __init__(self, status: int, message: str, pointer: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.pointer = pointer


def state_of(instance: Instance) -> InstanceState:
    return msgspec.convert(instance.state, InstanceState)


def encode_state(state: InstanceState) -> dict[str, Any]:
    stored = msgspec.structs.replace(state, record=None)
    encoded: dict[str, Any] = msgspec.to_builtins(stored)
    return encoded


def snapshot_of(session: Session, record_id: int | None) -> RecordSnapshot | None:
    if record_id is None:
        return None
    row = session.execute(
        select(Record, User.username, Region.key, Team.key)
        .outerjoin(User, User.id == Record.owner_id)
        .outerjoin(Region, Region.id == Record.region_id)
        .outerjoin(Team, Team.id == Record.team_id)
        .where(Record.id == record_id)
    ).first()
    if row is None:
        return None
    record, owner, region, team = row
    return RecordSnapshot(
        id=record.id,
        form=record.form,
        data=dict(record.data),
        exemptions=dict(record.exemptions),
        owner=owner,
        region=region,
        team=team,
    )


# Outbox job kinds per notification channel; inbox notices never leave.
_CHANNEL_JOBS = {"email": "email", "sms": "sms", "wecom": "robot", "dingtalk": "robot"}


@dataclass
class Runner:
    """Applies steps within one transaction (``session``) at time ``now``."""

    session: Session
    now: datetime
    directory: LiveDirectory = field(init=False)
    _pending: deque[tuple[str, Event]] = field(default_factory=deque, init=False)

    def __post_init__(self) -> None:
        self.directory = LiveDirectory(self.session)

    # -- the front doors ---------------------------------------------------------

    def start(
        self,
        workflow: str,
        *,
        variant: str | None = None,
        record_id: int | None = None,
        data: dict[str, Any] | None = None,
        by: str | None,
        start_node: str | None = None,
    ) -> Instance:
        instance = self._open_case(
            workflow, variant=variant, record_id=record_id, data=data, by=by, start_node=start_node
        )
        self._drain()
        return instance

    def send(self, instance_id: str, event: Event, actor: str | None) -> Instance:
        instance = self._locked(instance_id)
        state = state_of(instance)
        state.record = snapshot_of(self.session, instance.record_id)
        self._step(instance, state, event, actor)
        self._drain()
        return instance

    # -- applying ----------------------------------------------------------------

    def _open_case(
        self,
        workflow: str,
        *,
        variant: str | None,
        record_id: int | None,
        data: dict[str, Any] | None,
        by: str | None,
        start_node: str | None = None,
        parent: tuple[str, str] | None = None,
    ) -> Instance:
        live = live_workflow(self.session, workflow, variant)
        if live is None:
            raise CaseError(404, f"Workflow {workflow} has no live version.", "/workflow")
        plan = live.plan
        snapshot = snapshot_of(self.session, record_id)
        if record_id is not None and snapshot is None:
            raise CaseError(404, f"Record {record_id} does not exist.", "/record_id")
        if snapshot is not None and plan.record_form and snapshot.form != plan.record_form:
            raise CaseError(
                422,
                f"Workflow {workflow} acts on {plan.record_form} records, not {snapshot.form}.",
                "/record_id",
            )
        instance = Instance(
            id=uuid.uuid4().hex,
            workflow=workflow,
            variant=live.variant,
            version=live.version,
            hash=live.hash,
            record_form=plan.record_form,
            record_id=record_id,
            status="running",
            state={},
            revision=0,
            history_length=0,
            started_by=by,
            parent_id=parent[0] if parent else None,
            parent_child=parent[1] if parent else None,
            created_at=self.now,
            updated_at=self.now,
        )
        self.session.add(instance)
        self.session.flush()
        if snapshot is not None:
            # The record as the case found it: a replay starts from here (the
            # case's own writes are in the lines that follow).
            instance.history_length = 1
            self.session.add(
                HistoryEntry(
                    instance_id=instance.id,
                    seq=1,
                    at=self.now,
                    kind="record",
                    node=None,
                    actor=by,
                    data=msgspec.to_builtins(snapshot),
                )
            )
        state = InstanceState(id=instance.id, record=snapshot)
        self._step(instance, state, Start(by=by, data=dict(data or {}), node=start_node), by)
        return instance

    def _locked(self, instance_id: str) -> Instance:
        instance = self.session.scalars(
            select(Instance).where(Instance.id == instance_id).with_for_update()
        ).first()
        if instance is None:
            raise CaseError(404, f"No case {instance_id}.")
        return instance

    def _step(
        self, instance: Instance, state: InstanceState, event: Event, actor: str | None
    ) -> None:
        plan = plan_of(self.session, instance.workflow, instance.version, instance.hash)
        new_state, effects = advance(plan, state, event, self.now, self.directory)
        self._apply(instance, new_state, effects, actor)
        if actor is not None and not isinstance(event, SubflowEnded):
            self._audit(instance, event, actor)

    def _drain(self) -> None:
        while self._pending:
            instance_id, event = self._pending.popleft()
            instance = self._locked(instance_id)
            if instance.status != "running":
                continue
            state = state_of(instance)
            state.record = snapshot_of(self.session, instance.record_id)
            self._step(instance, state, event, None)

    def _audit(self, instance: Instance, event: Event, actor: str) -> None:
        detail: dict[str, Any] = {"workflow": instance.workflow, "event": type(event).__name__}
        if isinstance(event, (TaskCompleted, Decided)):
            detail["task"] = event.task
        if isinstance(event, TaskCompleted):
            detail["fields"] = sorted(event.data)
        if isinstance(event, Decided):
            detail["decision"] = event.decision
        if isinstance(event, (Signal,)):
            detail["name"] = event.name
        if isinstance(event, (Cancel, Retry)):
            detail["reason"] = getattr(event, "reason", "")
        names = {
            Start: "instance.start",
            TaskCompleted: "task.complete",
            Decided: "task.decide",
            Cancel: "instance.cancel",
            Signal: "instance.event",
            Retry: "instance.retry",
        }
        audit.append(
            self.session,
            at=self.now,
            actor=actor,
            action=names.get(type(event), "instance.step"),
            subject=f"instance:{instance.id}",
            version=instance.version,
            detail=detail,
        )

    def _apply(
        self,
        instance: Instance,
        state: InstanceState,
        effects: list[Effect],
        actor: str | None,
    ) -> None:
        session, now = self.session, self.now
        seq = instance.history_length
        lines: list[dict[str, Any]] = []
        for effect in effects:
            if isinstance(effect, Noted):
                seq += 1
                lines.append(
                    {
                        "instance_id": instance.id,
                        "seq": seq,
                        "at": now,
                        "kind": effect.kind,
                        "node": effect.node,
                        "actor": actor,
                        "data": msgspec.to_builtins(effect.data),
                    }
                )
            elif isinstance(effect, CreateTask):
                self._create_task(instance, effect)
            elif isinstance(effect, UpdateTask):
                self._update_task(effect)
            elif isinstance(effect, CloseTask):
                session.execute(
                    update(Task)
                    .where(Task.id == effect.task, Task.status == "open")
                    .values(
                        status=effect.status,
                        closed_at=now,
                        closed_by=effect.by,
                        outcome=effect.outcome,
                        revision=Task.revision + 1,
                    )
                    .execution_options(synchronize_session="fetch")
                )
            elif isinstance(effect, ScheduleTimer):
                session.add(
                    Timer(
                        id=effect.timer,
                        instance_id=instance.id,
                        token=effect.token,
                        purpose=effect.purpose,
                        due_at=effect.due,
                    )
                )
            elif isinstance(effect, CancelTimer):
                session.execute(delete(Timer).where(Timer.id == effect.timer))
            elif isinstance(effect, Notify):
                self._notify(instance, state, effect)
            elif isinstance(effect, CallWebhook):
                payload = msgspec.to_builtins(effect)
                self._job(effect.job, "webhook", instance, payload, effect.retries + 1)
            elif isinstance(effect, RunScript):
                self._job(effect.job, "script", instance, msgspec.to_builtins(effect), 1)
            elif isinstance(effect, WriteRecord):
                self._write_record(instance, effect)
            elif isinstance(effect, StartSubflow):
                self._start_subflow(instance, effect)
            elif isinstance(effect, RaiseIncident):
                session.add(
                    Incident(
                        id=effect.incident,
                        instance_id=instance.id,
                        workflow=instance.workflow,
                        node=effect.node,
                        token=effect.token,
                        code=effect.code,
                        message=effect.message,
                        status="open",
                        retries=0,
                        created_at=now,
                    )
                )
            elif isinstance(effect, Ended):
                instance.ended_at = now
                if instance.parent_id and instance.parent_child:
                    self._pending.append(
                        (
                            instance.parent_id,
                            SubflowEnded(
                                child=instance.parent_child,
                                outcome=effect.outcome,
                                variables=dict(state.variables),
                            ),
                        )
                    )
        if state.status != "running":
            # Whatever still waits for this case is moot now.
            session.execute(delete(Timer).where(Timer.instance_id == instance.id))
        if lines:
            # One statement for every line of this step (executemany).
            session.execute(insert(HistoryEntry), lines)
        instance.history_length = seq
        instance.state = encode_state(state)
        instance.status = state.status
        instance.outcome = state.outcome
        instance.revision += 1
        instance.updated_at = now
        session.flush()

    # -- one kind of effect each -------------------------------------------------

    def _create_task(self, instance: Instance, effect: CreateTask) -> None:
        self.session.add(
            Task(
                id=effect.task,
                instance_id=instance.id,
                workflow=instance.workflow,
                node=effect.node,
                kind=effect.kind,
                status="open",
                form=effect.form,
                fields={"names": list(effect.fields)},
                level=effect.level,
                levels=effect.levels,
                mode=effect.mode,
                requester=effect.requester,
                record_form=instance.record_form,
                record_id=instance.record_id,
                due_at=effect.due,
                created_at=self.now,
                revision=1,
            )
        )
        # Rows of both tables in one flush: the unit of work puts the task first.
        self.session.add_all(
            TaskAssignee(task_id=effect.task, username=name) for name in effect.assignees
        )

    def _update_task(self, effect: UpdateTask) -> None:
        task = self.session.get(Task, effect.task)
        if task is None:
            return
        self.session.execute(delete(TaskAssignee).where(TaskAssignee.task_id == task.id))
        self.session.add_all(
            TaskAssignee(task_id=task.id, username=name) for name in effect.assignees
        )
        if effect.reason == "escalated":
            task.due_at = effect.due
            task.claimed_by = None
        task.revision += 1

    def _job(
        self,
        job_id: str,
        kind: str,
        instance: Instance | None,
        payload: dict[str, Any],
        attempts: int,
    ) -> None:
        self.session.add(
            OutboxJob(
                id=job_id,
                instance_id=instance.id if instance else None,
                kind=kind,
                payload=payload,
                status="pending",
                attempts=0,
                max_attempts=max(attempts, 1),
                next_attempt_at=self.now,
                created_at=self.now,
            )
        )

    def _notify(self, instance: Instance, state: InstanceState, effect: Notify) -> None:
        """In-app notices are stored now, rendered per recipient through their
        own field permissions; e-mail and SMS become one job per recipient,
        group robots one job (rendered with the requester's permissions:
        a group sees no more than the person who raised the case)."""
        record = state.record
        if effect.channel in ("wecom", "dingtalk"):
            viewer = state.requester
            text = render_for(self.session, viewer, record, effect.message, self.now)
            payload = {
                "channel": effect.channel,
                "url": effect.robot_url,
                "secret": effect.robot_secret,
                "text": text.get("zh-CN") or text.get("en", ""),
                "instance": instance.id,
            }
            self._job(effect.notice, "robot", instance, payload, 5)
            return
        for person in effect.to:
            message = render_for(self.session, person, record, effect.message, self.now)
            subject = render_for(self.session, person, record, effect.subject, self.now)
            if effect.channel == "inbox":
                self.session.add(
                    Notification(
                        notice=effect.notice,
                        username=person,
                        instance_id=instance.id,
                        task_id=effect.task,
                        subject=subject,
                        message=message,
                        created_at=self.now,
                    )
                )
            else:
                letter: dict[str, Any] = {"to": person, "subject": subject, "message": message}
                kind = _CHANNEL_JOBS[effect.channel]
                self._job(f"{effect.notice}:{person}", kind, instance, letter, 5)

    def _write_record(self, instance: Instance, effect: WriteRecord) -> None:
        if instance.record_id is None:
            return
        session = self.session
        record = session.scalars(
            select(Record).where(Record.id == instance.record_id).with_for_update()
        ).first()
        form = live_document(session, "form", record.form) if record is not None else None
        if record is None or form is None:
            return
        model = model_of(form)
        data = with_computed(model, {**record.data, **effect.fields}, record.exemptions, self.now)
        record_store.update_record(
            session,
            model,
            record,
            form_version=form.version,
            data=data,
            exemptions=dict(record.exemptions),
            where=record_store.placement(session, model, data, record.owner_id),
            actor=effect.by or f"workflow:{instance.workflow}",
            now=self.now,
            context={"instance": instance.id, "node": effect.node},
        )

    def _start_subflow(self, instance: Instance, effect: StartSubflow) -> None:
        try:
            # Not drained here: the parent's own state is saved first, and the
            # child's end (if it ends at once) reaches the parent after that.
            self._open_case(
                effect.workflow,
                variant=effect.variant,
                record_id=instance.record_id,
                data=effect.data,
                by=instance.started_by,
                parent=(instance.id, effect.child) if effect.wait else None,
            )
        except CaseError as exc:
            self.session.add(
                Incident(
                    id=f"{effect.child}:start",
                    instance_id=instance.id,
                    workflow=instance.workflow,
                    node=effect.node,
                    token=effect.token,
                    code="subflow_not_started",
                    message=exc.message,
                    status="open",
                    retries=0,
                    created_at=self.now,
                )
            )
