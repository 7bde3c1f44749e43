"""advance(plan, state, event, now, directory) -> (state, effects): the interpreter.

Pure. The time comes in as ``now``; ids derive from the instance id and its
step counter; the people are a snapshot passed in; nothing is read or
written. The input state is never changed: a refused event (someone else's
task, one's own approval) raises :class:`components.engine.Refused` and the
caller keeps what it had. The same function runs live cases in the runtime
and replays in the sandbox.

What each node type does lives in its component (``Component.behaviour``);
this module only routes events to the token that waits for them and moves
tokens along edges until every one waits somewhere or has ended.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import msgspec

from builder.directory import EMPTY
from builder.durations import parse_duration
from builder.evaluate import RecordView, evaluate
from builder.expressions import compile_expression
from components.catalogue import CATALOGUE
from components.engine import (
    Behaviour,
    Cancel,
    Decided,
    Directory,
    Effect,
    Ended,
    Event,
    ExpressionFailed,
    InstanceState,
    JobFinished,
    Noted,
    Plan,
    PlanEdge,
    PlanNode,
    RaiseIncident,
    Refused,
    Retry,
    Signal,
    Start,
    SubflowEnded,
    TaskCompleted,
    TimerFired,
    Token,
)

__all__ = ["MAX_MOVES", "advance", "event_summary"]

# Moves of tokens within one call; a loop without a wait in it (which the
# builder's checks refuse) is stopped here with an incident, never a hang.
MAX_MOVES = 1000

_STATE = msgspec.json.Encoder()
_DECODE_STATE = msgspec.json.Decoder(InstanceState)


def _copy(state: InstanceState) -> InstanceState:
    return _DECODE_STATE.decode(_STATE.encode(state))


def event_summary(event: Event) -> dict[str, Any]:
    data: dict[str, Any] = msgspec.to_builtins(event)
    return data


class _Step:
    """One call of :func:`advance`; implements :class:`components.engine.Step`."""

    def __init__(
        self, plan: Plan, state: InstanceState, now: datetime, directory: Directory
    ) -> None:
        self.plan = plan
        self.state = state
        self.now = now
        self.directory = directory
        self.effects: list[Effect] = []
        self._queue: deque[Token] = deque()
        self._moves = 0

    # -- what behaviours may ask --------------------------------------------------

    def node(self, token: Token) -> PlanNode:
        return self.plan.nodes[token.node]

    def evaluate(self, source: str, token: Token, record: Mapping[str, Any] | None = None) -> Any:
        compiled = self.plan.expressions.get(source) or compile_expression(source)
        snapshot = self.state.record
        if record is not None:
            view = RecordView(record, snapshot.exemptions if snapshot else None)
        elif snapshot is not None:
            view = RecordView(snapshot.data, snapshot.exemptions)
        else:
            view = RecordView({})
        try:
            return evaluate(compiled, record=view, variables=self.state.variables, now=self.now)
        except Exception as exc:  # the expression's own failure, reported as an incident
            raise ExpressionFailed(f"{source}: {type(exc).__name__}: {exc}") from None

    def reads(self, source: str) -> frozenset[str]:
        compiled = self.plan.expressions.get(source) or compile_expression(source)
        return compiled.record_fields

    def duration(self, text: str) -> timedelta:
        return parse_duration(text)

    def new_id(self, kind: str) -> str:
        self.state.step += 1
        return f"{self.state.id}:{kind}:{self.state.step}"

    def emit(self, effect: Effect) -> None:
        self.effects.append(effect)

    def note(self, kind: str, token: Token | None, **data: Any) -> None:
        self.effects.append(Noted(kind=kind, node=token.node if token else None, data=data))

    def leave(self, token: Token, port: str | None = None) -> None:
        node = self.node(token)
        if port is None:
            outputs = CATALOGUE[node.type].outputs
            port = outputs[0] if outputs else "out"
        self.follow(token, node.edges_from(port))

    def follow(self, token: Token, edges: Sequence[PlanEdge]) -> None:
        node = self.node(token)
        # Human steps check their lock before a completion is accepted (the
        # person is told why); a rejection may always leave.
        human = CATALOGUE[node.type].category == "human"
        lock = None if human else getattr(node.config, "lock", None)
        if isinstance(lock, str) and not self.evaluate(lock, token):
            # The hand-off lock: the case stays at this step until it holds
            # (checked again after every event of the case).
            token.wait = {"locked": [edge.id for edge in edges]}
            self.note("locked", token, lock=lock, reads=sorted(self.reads(lock)))
            return
        if not edges:
            self.finish(token, None)
            return
        source = token.node
        self._move(token, edges[0].target, edges[0])
        for edge in edges[1:]:
            twin = Token(
                id=self.new_id("token"),
                node=edge.target,
                entered_at=self.now,
                came_from=source,
                forks=list(token.forks),
            )
            self.state.tokens.append(twin)
            self._arrive(twin, edge)

    def go_to(self, token: Token, node: str) -> None:
        self._move(token, node, None)

    def finish(self, token: Token, outcome: str | None) -> None:
        self._remove(token)
        if outcome is not None:
            self.state.outcome = outcome
        self.note("ended", token, outcome=outcome)

    def discard(self, token: Token, reason: str) -> None:
        self._remove(token)

    def withdraw(self, token: Token, reason: str) -> None:
        self._behaviour(token).withdraw(self, token)
        self._remove(token)
        self.note("withdrawn", token, reason=reason)

    def incident(self, token: Token, code: str, message: str) -> None:
        incident = self.new_id("incident")
        token.wait["incident"] = incident
        self.emit(
            RaiseIncident(
                incident=incident, token=token.id, node=token.node, code=code, message=message
            )
        )
        self.note("incident", token, incident=incident, code=code, message=message)

    def resolve(self, assignee: Any, token: Token) -> list[str]:
        by = assignee.by
        people = self.directory
        state = self.state
        record = state.record
        if by == "user":
            return [assignee.user] if assignee.user and people.member(assignee.user) else []
        if by == "role":
            return people.with_role(assignee.role)
        if by == "role_in_region":
            asker = people.member(state.requester) if state.requester else None
            region = (record.region if record else None) or (asker.region if asker else None)
            return people.with_role(assignee.role, region=region)
        if by == "manager_of_previous":
            previous = state.last_actor or state.requester
            return people.managers(previous)[:1] if previous else []
        if by == "current_assignee":
            return list(token.wait.get("assignees", []))
        if by == "requester":
            return [state.requester] if state.requester else []
        value = self.evaluate(assignee.expression or "None", token)
        names = [value] if isinstance(value, str) else list(value or [])
        return [str(name) for name in names if people.member(str(name)) is not None]

    # -- moving tokens -----------------------------------------------------------

    def _behaviour(self, token: Token) -> Behaviour:
        behaviour: Behaviour = CATALOGUE[self.node(token).type].behaviour
        return behaviour

    def _remove(self, token: Token) -> None:
        self.state.tokens = [t for t in self.state.tokens if t is not token]

    def _arrive(self, token: Token, edge: PlanEdge | None) -> None:
        self.note("entered", token, edge=edge.id if edge else None)
        self._queue.append(token)

    def _move(self, token: Token, target: str, edge: PlanEdge | None) -> None:
        token.came_from = token.node
        token.node = target
        token.entered_at = self.now
        token.wait = {}
        self._arrive(token, edge)

    def run(self) -> None:
        while self._queue:
            token = self._queue.popleft()
            if not _holds(self.state.tokens, token):
                continue  # withdrawn while it waited in the queue
            self._moves += 1
            if self._moves > MAX_MOVES:
                self.incident(token, "runaway", f"more than {MAX_MOVES} moves without a wait")
                self._queue.clear()
                return
            try:
                self._behaviour(token).enter(self, token)
            except ExpressionFailed as exc:
                self.incident(token, "expression_failed", str(exc))

    def react(self, token: Token, event: Event) -> None:
        try:
            self._behaviour(token).react(self, token, event)
        except ExpressionFailed as exc:
            self.incident(token, "expression_failed", str(exc))


def _holds(tokens: list[Token], token: Token) -> bool:
    return any(held is token for held in tokens)


def _owner(state: InstanceState, key: str, handle: str) -> Token | None:
    for token in state.tokens:
        held = token.wait.get(key)
        if held == handle or (isinstance(held, dict) and handle in held):
            return token
    return None


def _unlock(step: _Step) -> None:
    """Tokens held by a hand-off lock try to move on again."""
    for token in list(step.state.tokens):
        held = token.wait.get("locked")
        if held is None or "incident" in token.wait:
            continue
        node = step.node(token)
        edges = [edge for edge in node.outgoing if edge.id in held]
        token.wait = {}
        try:
            step.follow(token, edges)
        except ExpressionFailed as exc:
            step.incident(token, "expression_failed", str(exc))


def _start(step: _Step, event: Start) -> None:
    state, plan = step.state, step.plan
    if state.tokens or state.step:
        raise Refused(409, "already_started", "This case has already started.")
    if event.node is not None:
        if event.node not in plan.starts:
            raise Refused(422, "unknown_start", f"{event.node} is not a start step.")
        start = event.node
    else:
        manual = [n for n in plan.starts if plan.nodes[n].config.trigger == "manual"]
        if not (manual or plan.starts):
            raise Refused(422, "no_start", "The workflow has no start step.")
        start = (manual or list(plan.starts))[0]
    state.requester = event.by
    state.variables.update(event.data)
    token = Token(id=step.new_id("token"), node=start, entered_at=step.now)
    state.tokens.append(token)
    step._arrive(token, None)


def _cancel(step: _Step, event: Cancel) -> None:
    for token in list(step.state.tokens):
        step.withdraw(token, event.reason or "cancelled")
    step.state.status = "cancelled"
    step.emit(Ended(status="cancelled", outcome=None))


def _route(step: _Step, event: Event) -> None:
    state = step.state
    token: Token | None
    if isinstance(event, (TaskCompleted, Decided)):
        token = _owner(state, "task", event.task)
        if token is None:
            raise Refused(409, "task_closed", "This task is already done or withdrawn.")
        step.react(token, event)
    elif isinstance(event, TimerFired):
        token = _owner(state, "timers", event.timer)
        if token is None:
            step.note("timer_ignored", None, timer=event.timer)
            return
        step.react(token, event)
    elif isinstance(event, JobFinished):
        token = _owner(state, "job", event.job)
        if token is None:
            step.note("job_ignored", None, job=event.job)
            return
        step.react(token, event)
    elif isinstance(event, SubflowEnded):
        token = _owner(state, "child", event.child)
        if token is not None:
            step.react(token, event)
    elif isinstance(event, Signal):
        waiting = [t for t in state.tokens if t.wait.get("signal") == event.name]
        if not waiting:
            step.note("signal_unmatched", None, name=event.name)
        for token in waiting:
            step.react(token, event)
    elif isinstance(event, Retry):
        token = next((t for t in state.tokens if t.id == event.token), None)
        if token is None or "incident" not in token.wait:
            raise Refused(409, "nothing_to_retry", "That step is not stopped by an incident.")
        token.wait = {}
        step._arrive(token, None)


def advance(
    plan: Plan,
    state: InstanceState,
    event: Event,
    now: datetime,
    directory: Directory = EMPTY,
) -> tuple[InstanceState, list[Effect]]:
    """The case after ``event``, and what must happen because of it."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if state.status != "running":
        raise Refused(409, "not_running", f"This case is {state.status}.")
    work = _copy(state)
    step = _Step(plan, work, now, directory)
    step.effects.append(Noted(kind="event", data=event_summary(event)))
    if isinstance(event, Start):
        _start(step, event)
    elif isinstance(event, Cancel):
        _cancel(step, event)
        return work, step.effects
    else:
        _route(step, event)
    _unlock(step)
    step.run()
    if work.status == "running" and not work.tokens:
        work.status = "completed"
        step.emit(Ended(status="completed", outcome=work.outcome))
    return work, step.effects
