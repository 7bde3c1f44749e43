"""Request and response bodies of the Runtime section: cases (instances),
tasks, incidents, the outbox, the inbox and delegations."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec

from runtime.api.params import NO_NUL, BodyId, LongText
from schemas.base import Key
from schemas.workflow import NodeId

__all__ = [
    "CancelIn",
    "CaseIn",
    "CaseOut",
    "CasePage",
    "ClaimOut",
    "CompleteIn",
    "DecideIn",
    "DelegationIn",
    "DelegationOut",
    "DelegationPage",
    "EventIn",
    "EventOut",
    "HistoryOut",
    "IncidentOut",
    "IncidentPage",
    "NotificationOut",
    "NotificationPage",
    "OutboxOut",
    "OutboxPage",
    "Position",
    "RecordRef",
    "TaskOut",
    "TaskPage",
]

Username = Annotated[str, msgspec.Meta(min_length=1, max_length=150, pattern=NO_NUL)]
EventName = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_.-]{0,62}$")]


class CaseIn(msgspec.Struct, forbid_unknown_fields=True):
    """Start a case of a workflow's live version (of ``variant`` when it has
    one). ``data`` becomes the case's variables; ``start`` names a manual or
    webhook start step."""

    workflow: Key
    variant: Key | None = None
    record_id: BodyId | None = None
    data: dict[str, Any] = msgspec.field(default_factory=dict)
    # Which start step: another system calling in names its webhook start;
    # people starting by hand leave it out (the first manual start).
    start: NodeId | None = None


class EventIn(msgspec.Struct, forbid_unknown_fields=True):
    """A named event for the case (a wait step may be waiting for it). The
    same ``idempotency_key`` twice is applied once."""

    name: EventName
    payload: dict[str, Any] = msgspec.field(default_factory=dict)
    idempotency_key: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | None = None


class CancelIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: LongText = ""


class CompleteIn(msgspec.Struct, forbid_unknown_fields=True):
    """The form task's fields; validated with the live form before anything changes."""

    data: dict[str, Any] = msgspec.field(default_factory=dict)


class DecideIn(msgspec.Struct, forbid_unknown_fields=True):
    """``return`` goes back to ``level`` (1-based; the previous level when absent)."""

    decision: Literal["approve", "reject", "return"]
    comment: LongText = ""
    level: Annotated[int, msgspec.Meta(ge=1, le=7)] | None = None


class RecordRef(msgspec.Struct):
    form: str
    id: int


class Position(msgspec.Struct, omit_defaults=True):
    """Where a case waits now: a node and what it waits for."""

    token: str
    node: str
    since: datetime
    waiting_for: str = ""  # task, timer, event, job, subflow, lock, incident
    task: str | None = None
    incident: str | None = None


class HistoryOut(msgspec.Struct):
    seq: int
    at: datetime
    kind: str
    node: str | None
    actor: str | None
    data: dict[str, Any]


class TaskOut(msgspec.Struct):
    id: str
    instance_id: str
    workflow: str
    node: str
    title: dict[str, str]
    kind: str
    status: str
    assignees: list[str]
    created_at: datetime
    mode: str = "any"
    claimed_by: str | None = None
    due_at: datetime | None = None
    overdue: bool = False
    level: int | None = None
    levels: int | None = None
    form: str | None = None
    fields: list[str] = msgspec.field(default_factory=list)
    requester: str | None = None
    record: RecordRef | None = None
    closed_at: datetime | None = None
    closed_by: str | None = None
    outcome: str | None = None
    # Detail only: the record as the viewer may see it, and the hand-off lock.
    values: dict[str, Any] | None = None
    lock: str | None = None
    lock_holds: bool | None = None


class TaskPage(msgspec.Struct):
    items: list[TaskOut]
    next_cursor: str | None = None


class ClaimOut(msgspec.Struct):
    task: TaskOut


class CaseOut(msgspec.Struct):
    id: str
    workflow: str
    variant: str
    version: int
    status: str
    created_at: datetime
    updated_at: datetime
    outcome: str | None = None
    record: RecordRef | None = None
    started_by: str | None = None
    parent_id: str | None = None
    ended_at: datetime | None = None
    current: list[Position] = msgspec.field(default_factory=list)
    variables: dict[str, Any] = msgspec.field(default_factory=dict)
    # The nodes the case passed through, in order (for drawing on the canvas).
    path: list[str] = msgspec.field(default_factory=list)
    tasks: list[TaskOut] = msgspec.field(default_factory=list)
    history: list[HistoryOut] = msgspec.field(default_factory=list)
    open_incidents: int = 0


class CasePage(msgspec.Struct):
    items: list[CaseOut]
    next_cursor: str | None = None


class EventOut(msgspec.Struct):
    applied: bool
    instance: CaseOut


class IncidentOut(msgspec.Struct, omit_defaults=True):
    id: str
    code: str
    message: str
    status: str
    created_at: datetime
    retries: int = 0
    instance_id: str | None = None
    workflow: str | None = None
    node: str | None = None
    job_id: str | None = None
    resolved_at: datetime | None = None
    resolved_by: str | None = None


class IncidentPage(msgspec.Struct):
    items: list[IncidentOut]
    next_cursor: str | None = None


class OutboxOut(msgspec.Struct, omit_defaults=True):
    id: str
    kind: str
    status: str
    attempts: int
    max_attempts: int
    created_at: datetime
    next_attempt_at: datetime
    instance_id: str | None = None
    target: str | None = None
    last_error: str | None = None
    done_at: datetime | None = None
    result: dict[str, Any] | None = None


class OutboxPage(msgspec.Struct):
    items: list[OutboxOut]
    next_cursor: str | None = None


class NotificationOut(msgspec.Struct, omit_defaults=True):
    id: int
    message: dict[str, Any]
    created_at: datetime
    subject: dict[str, Any] = msgspec.field(default_factory=dict)
    instance_id: str | None = None
    task_id: str | None = None
    read_at: datetime | None = None


class NotificationPage(msgspec.Struct):
    items: list[NotificationOut]
    next_cursor: str | None = None
    unread: int = 0


class DelegationIn(msgspec.Struct, forbid_unknown_fields=True):
    """While ``user`` (you, unless an administrator names someone) is away,
    ``delegate`` decides their tasks and approvals."""

    delegate: Username
    starts_at: datetime
    ends_at: datetime
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=500, pattern=NO_NUL)]
    user: Username | None = None


class DelegationOut(msgspec.Struct):
    id: int
    user: str
    delegate: str
    starts_at: datetime
    ends_at: datetime
    reason: str
    created_by: str


class DelegationPage(msgspec.Struct):
    items: list[DelegationOut]
    next_cursor: str | None = None
