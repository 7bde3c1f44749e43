"""What node behaviours and the interpreter share.

An instance's :class:`InstanceState` is small on purpose (key, version and
hash of the plan live on the instance row; the plan itself is looked up):
tokens saying where the case stands, its variables and a step counter from
which every id is derived, so that replaying the same events gives the same
ids. :class:`Event` values are what happened; :class:`Effect` values are
what the interpreter asks the outside world to do: the runtime applies
them in one transaction, the sandbox only collects them.

A component's behaviour talks to the interpreter through :class:`Step`
(defined here, implemented by ``builder.advance``), so that components never
import the builder and the builder never needs a switch over node types.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal, Protocol

import msgspec

__all__ = [
    "Behaviour",
    "CallWebhook",
    "Cancel",
    "CancelTimer",
    "CloseTask",
    "CreateTask",
    "Decided",
    "Delegation",
    "Directory",
    "Effect",
    "Ended",
    "Event",
    "ExpressionFailed",
    "InstanceState",
    "JobFinished",
    "Member",
    "Noted",
    "Notify",
    "Plan",
    "PlanEdge",
    "PlanNode",
    "RaiseIncident",
    "Recheck",
    "RecordSnapshot",
    "Refused",
    "Retry",
    "RunScript",
    "ScheduleTimer",
    "Signal",
    "Start",
    "StartSubflow",
    "Step",
    "SubflowEnded",
    "TaskCompleted",
    "TimerFired",
    "Token",
    "UpdateTask",
    "WriteRecord",
]


class _Data(msgspec.Struct, kw_only=True, omit_defaults=True):
    """Base of state, events and effects: keyword-only and compact when stored."""


# -- state ---------------------------------------------------------------------------


class Token(_Data):
    """One position of a case. ``wait`` is the node's own bookkeeping while the
    token waits there (approval level, escalation index…). Four of its keys
    route events to the token whatever the node type: ``task`` (the open
    task's id), ``timers`` (timer id -> purpose), ``job`` (a script or
    webhook run) and ``child`` (a sub-case). ``forks`` are the parallel
    splits the token came through, innermost last; a join consumes the last."""

    id: str
    node: str
    entered_at: datetime
    came_from: str | None = None
    forks: list[str] = msgspec.field(default_factory=list)
    wait: dict[str, Any] = msgspec.field(default_factory=dict)


class RecordSnapshot(_Data):
    """The record a case acts on, as the runtime read it just before this step.
    Never stored with the state: the record table is the truth."""

    id: int
    form: str
    data: dict[str, Any] = msgspec.field(default_factory=dict)
    exemptions: dict[str, str] = msgspec.field(default_factory=dict)
    owner: str | None = None
    region: str | None = None
    team: str | None = None


class InstanceState(_Data):
    """States: ``running`` (tokens wait somewhere), ``completed`` (every token
    reached an end; ``outcome`` is the last end's), ``cancelled`` (stopped by
    a person; tokens withdrawn)."""

    id: str
    status: Literal["running", "completed", "cancelled"] = "running"
    tokens: list[Token] = msgspec.field(default_factory=list)
    variables: dict[str, Any] = msgspec.field(default_factory=dict)
    step: int = 0
    outcome: str | None = None
    requester: str | None = None
    last_actor: str | None = None
    # "join-node|fork-id" -> arrivals so far; forks already joined (late arrivals dropped).
    joins: dict[str, int] = msgspec.field(default_factory=dict)
    joined: list[str] = msgspec.field(default_factory=list)
    # variable -> the record fields it was computed from: whoever may not see
    # one of them may not see the variable either.
    derived: dict[str, list[str]] = msgspec.field(default_factory=dict)
    record: RecordSnapshot | None = None


# -- events --------------------------------------------------------------------------


class Start(_Data, tag="start", tag_field="type"):
    by: str | None = None
    data: dict[str, Any] = msgspec.field(default_factory=dict)
    node: str | None = None  # which start node; the first manual one when absent


class TaskCompleted(_Data, tag="task_completed", tag_field="type"):
    task: str
    by: str
    data: dict[str, Any] = msgspec.field(default_factory=dict)


class Decided(_Data, tag="decided", tag_field="type"):
    task: str
    by: str
    decision: Literal["approve", "reject", "return"]
    comment: str = ""
    level: int | None = None  # for return: back to this level (1-based)


class TimerFired(_Data, tag="timer_fired", tag_field="type"):
    timer: str


class Signal(_Data, tag="signal", tag_field="type"):
    name: str
    payload: dict[str, Any] = msgspec.field(default_factory=dict)


class JobFinished(_Data, tag="job_finished", tag_field="type"):
    """A script or webhook the worker ran for a token."""

    job: str
    ok: bool
    outputs: dict[str, Any] = msgspec.field(default_factory=dict)
    error: str = ""


class SubflowEnded(_Data, tag="subflow_ended", tag_field="type"):
    child: str
    outcome: str | None = None
    variables: dict[str, Any] = msgspec.field(default_factory=dict)


class Cancel(_Data, tag="cancel", tag_field="type"):
    by: str
    reason: str = ""


class Recheck(_Data, tag="recheck", tag_field="type"):
    """Something the case depends on changed (its record): steps held by a
    hand-off lock look again."""

    reason: str = ""


class Retry(_Data, tag="retry", tag_field="type"):
    """Try a token's node again after an incident (an expression failed)."""

    token: str
    by: str


Event = (
    Start
    | TaskCompleted
    | Decided
    | TimerFired
    | Signal
    | JobFinished
    | SubflowEnded
    | Cancel
    | Recheck
    | Retry
)


# -- effects -------------------------------------------------------------------------


class CreateTask(_Data, tag="create_task", tag_field="effect"):
    task: str
    token: str
    node: str
    kind: Literal["form", "approval"]
    assignees: list[str]
    due: datetime | None = None
    form: str | None = None
    fields: list[str] = msgspec.field(default_factory=list)
    level: int | None = None  # 1-based, approvals
    levels: int | None = None
    mode: Literal["any", "all"] = "any"
    requester: str | None = None


class UpdateTask(_Data, tag="update_task", tag_field="effect"):
    task: str
    assignees: list[str]
    due: datetime | None = None
    reason: str = ""


class CloseTask(_Data, tag="close_task", tag_field="effect"):
    task: str
    status: Literal["completed", "cancelled"]
    by: str | None = None
    outcome: str | None = None


class ScheduleTimer(_Data, tag="schedule_timer", tag_field="effect"):
    timer: str
    token: str
    due: datetime
    purpose: str


class CancelTimer(_Data, tag="cancel_timer", tag_field="effect"):
    timer: str


class Notify(_Data, tag="notify", tag_field="effect"):
    """A message. ``message``/``subject`` are templates ({field} names record
    fields); the runtime renders them per recipient through that person's
    field permissions. Robots (WeCom, DingTalk) post to ``robot_url``."""

    notice: str
    node: str
    channel: Literal["inbox", "email", "wecom", "dingtalk", "sms"]
    to: list[str] = msgspec.field(default_factory=list)
    message: dict[str, str] = msgspec.field(default_factory=dict)
    subject: dict[str, str] = msgspec.field(default_factory=dict)
    robot_url: str | None = None
    robot_secret: str | None = None
    task: str | None = None


class CallWebhook(_Data, tag="call_webhook", tag_field="effect"):
    job: str
    token: str
    node: str
    url: str
    method: str = "POST"
    headers: dict[str, str] = msgspec.field(default_factory=dict)
    body: str | None = None
    timeout_seconds: float = 10.0
    retries: int = 3
    secret: str | None = None


class RunScript(_Data, tag="run_script", tag_field="effect"):
    job: str
    token: str
    node: str
    code: str
    inputs: dict[str, Any] = msgspec.field(default_factory=dict)
    outputs: list[str] = msgspec.field(default_factory=list)
    timeout_seconds: float = 5.0
    memory_mb: int = 128


class WriteRecord(_Data, tag="write_record", tag_field="effect"):
    node: str
    fields: dict[str, Any]
    by: str | None = None


class StartSubflow(_Data, tag="start_subflow", tag_field="effect"):
    child: str
    token: str
    node: str
    workflow: str
    variant: str | None = None
    data: dict[str, Any] = msgspec.field(default_factory=dict)
    wait: bool = True


class Ended(_Data, tag="ended", tag_field="effect"):
    status: Literal["completed", "cancelled"]
    outcome: str | None = None


class RaiseIncident(_Data, tag="raise_incident", tag_field="effect"):
    incident: str
    token: str
    node: str
    code: str
    message: str


class Noted(_Data, tag="noted", tag_field="effect"):
    """One line of the instance's history: an event, a condition's value, an
    assignment, a decision. The sandbox replays from these."""

    kind: str
    node: str | None = None
    data: dict[str, Any] = msgspec.field(default_factory=dict)


Effect = (
    CreateTask
    | UpdateTask
    | CloseTask
    | ScheduleTimer
    | CancelTimer
    | Notify
    | CallWebhook
    | RunScript
    | WriteRecord
    | StartSubflow
    | Ended
    | RaiseIncident
    | Noted
)


# -- the compiled plan ---------------------------------------------------------------


@dataclass(frozen=True)
class PlanEdge:
    id: str
    source: str
    target: str
    port: str
    condition: str | None = None
    default: bool = False


@dataclass(frozen=True)
class PlanNode:
    """A node as the interpreter sees it: its decoded config Struct and its
    edges, grouped by the port they leave from (in document order)."""

    id: str
    type: str
    config: Any
    label: Mapping[str, str] | None = None
    outgoing: tuple[PlanEdge, ...] = ()
    incoming: tuple[PlanEdge, ...] = ()

    # port -> its edges, grouped once when the plan is compiled.
    ports: Mapping[str, tuple[PlanEdge, ...]] = field(default_factory=dict)

    def edges_from(self, port: str) -> tuple[PlanEdge, ...]:
        return self.ports.get(port, ())


@dataclass(frozen=True)
class Plan:
    """A published workflow version, compiled: immutable, shared by every
    instance of that version (``builder.plan.compile_plan`` caches it by hash)."""

    key: str
    version: int
    hash: str
    record_form: str | None
    nodes: Mapping[str, PlanNode]
    starts: tuple[str, ...]
    expressions: Mapping[str, Any] = field(default_factory=dict)


# -- people, as the interpreter may ask about them ------------------------------------


@dataclass(frozen=True)
class Member:
    username: str
    roles: frozenset[str] = frozenset()
    rank: int = 0
    region: str | None = None
    team: str | None = None
    manager: str | None = None


@dataclass(frozen=True)
class Delegation:
    """``user`` is away from ``starts_at`` to ``ends_at``; ``delegate`` acts for them."""

    user: str
    delegate: str
    starts_at: datetime
    ends_at: datetime


class Directory(Protocol):
    def member(self, username: str) -> Member | None: ...

    def with_role(
        self, role: str | None, *, region: str | None = None, min_rank: int | None = None
    ) -> list[str]: ...

    def managers(self, username: str) -> list[str]: ...

    def delegate_of(self, username: str, now: datetime) -> str | None: ...


# -- what a behaviour may ask of the interpreter ------------------------------------


class Refused(Exception):
    """The event is not allowed (someone else's task, one's own approval, a
    rank too low, a lock that does not hold). Nothing changes; the runtime
    answers with ``status`` and the rule's ``code``."""

    def __init__(self, status: int, code: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.params = params


class ExpressionFailed(Exception):
    """An expression raised while the case ran; the token stops with an incident."""


class Step(Protocol):
    """One call of ``advance``, as a behaviour sees it."""

    now: datetime
    plan: Plan
    state: InstanceState
    directory: Directory

    def node(self, token: Token) -> PlanNode: ...

    def evaluate(self, source: str, token: Token, record: Mapping[str, Any] | None = None) -> Any:
        """The value of an expression of the plan, over the case's record (or
        ``record`` in its place: the record as it would be after a form is
        submitted); raises ExpressionFailed."""
        ...

    def reads(self, source: str) -> frozenset[str]:
        """The record fields an expression of the plan reads."""
        ...

    def duration(self, text: str) -> timedelta: ...

    def new_id(self, kind: str) -> str: ...

    def emit(self, effect: Effect) -> None: ...

    def note(self, kind: str, token: Token | None, **data: Any) -> None: ...

    def leave(self, token: Token, port: str | None = None) -> None:
        """Move on along the edges of ``port`` (the node's first port when None)."""
        ...

    def follow(self, token: Token, edges: Sequence[PlanEdge]) -> None: ...

    def go_to(self, token: Token, node: str) -> None:
        """Move the token to ``node`` directly (a return to an earlier step)."""
        ...

    def finish(self, token: Token, outcome: str | None) -> None:
        """The token reached an end (``outcome`` kept as the case's)."""
        ...

    def discard(self, token: Token, reason: str) -> None:
        """Take the token away quietly (a join consumed it)."""
        ...

    def withdraw(self, token: Token, reason: str) -> None:
        """Take another token away, letting its node close what it holds open."""
        ...

    def incident(self, token: Token, code: str, message: str) -> None:
        """Stop the token with an incident; a retry enters its node again."""
        ...

    def resolve(self, assignee: Any, token: Token) -> list[str]:
        """Usernames an Assignee config names, now."""
        ...


class Behaviour(Protocol):
    """A node type's part in a case. ``enter``: a token arrived. ``react``: an
    event for a task, timer or job the token owns. ``withdraw``: the token is
    taken away (case cancelled, a join went ahead without it): close what it
    holds open."""

    def enter(self, step: Step, token: Token) -> None: ...

    def react(self, step: Step, token: Token, event: Event) -> None: ...

    def withdraw(self, step: Step, token: Token) -> None: ...
