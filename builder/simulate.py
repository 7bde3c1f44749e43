"""Run one case of history through a plan: the same ``advance()`` the runtime
runs, on a virtual clock, with history answering the plan's questions.

The plan drives. Whenever it waits for a person (a task or an approval
level), for a named event or for a job, the simulation asks the case's
history for the answer: the first recorded happening not yet used that
fits (the same node and level when history knows them, otherwise a
decision by someone in the task's role, or the event of that name). The
answer comes as long after the question as history waited for it, so a
step the plan no longer asks for takes its time out of the case instead of
keeping it. Timers fire at their due time when that comes first (reminders,
escalations, timeouts), exactly as the worker would fire them.

When history has no answer although the case went on (a new approval
level, a person the old version never asked), the answer comes from the
run's stated policy for that node and the case is marked as depending on
it. When history simply ends, the case stays open where it is, as it did.

Effects are collected and counted, never performed. Pure: the people come
in as a directory, randomness as a seed.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

import msgspec

from builder.advance import advance
from builder.durations import parse_duration
from components.engine import (
    CallWebhook,
    Cancel,
    CancelTimer,
    CloseTask,
    CreateTask,
    Decided,
    Directory,
    Effect,
    Event,
    InstanceState,
    JobFinished,
    Noted,
    Notify,
    Plan,
    RecordSnapshot,
    Refused,
    RunScript,
    ScheduleTimer,
    Signal,
    Start,
    StartSubflow,
    SubflowEnded,
    TaskCompleted,
    TimerFired,
    UpdateTask,
    WriteRecord,
)

__all__ = [
    "ApproveRate",
    "CaseRun",
    "Fixed",
    "Happening",
    "History",
    "MissingPolicy",
    "NextRecorded",
    "Policies",
    "Policy",
    "Resampled",
    "RoleStats",
    "TaskRun",
    "role_stats",
    "simulate",
    "task_role",
    "waits_of",
]

# What can answer a step.
_ANSWERS = frozenset({"decision", "completion", "signal", "job"})

# role_stats' entry for all roles together.
ANY_ROLE = "*"

# A case that needs more answers than this is going round a loop.
MAX_EVENTS = 400

Kind = Literal["start", "decision", "completion", "signal", "cancel", "job", "other"]


@dataclass(frozen=True)
class Happening:
    """One recorded event as the simulation uses it. ``waited`` is how long
    history took to produce it once it became possible (seconds)."""

    at: datetime
    waited: float
    kind: Kind
    name: str = ""
    role: str | None = None
    actor: str | None = None
    decision: str | None = None
    signal: str | None = None
    node: str | None = None
    level: int | None = None
    data: Mapping[str, Any] | None = None
    back_to: int | None = None  # a return decision: to this level


@dataclass(frozen=True)
class History:
    key: str
    record: RecordSnapshot | None
    happenings: tuple[Happening, ...]


# -- policies: how an answer history cannot give is filled -------------------------


class ApproveRate(msgspec.Struct, tag="approve_rate", tag_field="kind", forbid_unknown_fields=True):
    """Approve with the role's historical approve rate (a seeded draw); the
    time taken is drawn from that role's history unless ``after`` says."""

    after: str | None = None


class Fixed(msgspec.Struct, tag="fixed", tag_field="kind", forbid_unknown_fields=True):
    decision: Literal["approve", "reject"] = "approve"
    after: str = "PT0S"
    data: dict[str, Any] = msgspec.field(default_factory=dict)


class NextRecorded(
    msgspec.Struct, tag="next_recorded", tag_field="kind", forbid_unknown_fields=True
):
    """The case's next recorded decision, whoever made it, with its timing."""


Policy = ApproveRate | Fixed | NextRecorded


class Policies(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    default: Policy | None = None
    nodes: dict[str, Policy] = msgspec.field(default_factory=dict)

    def of(self, node: str) -> Policy | None:
        return self.nodes.get(node, self.default)


@dataclass(frozen=True)
class RoleStats:
    """What history says about a role's decisions: counts and durations."""

    approved: int = 0
    rejected: int = 0
    durations: tuple[float, ...] = ()

    @property
    def approve_rate(self) -> float | None:
        total = self.approved + self.rejected
        return self.approved / total if total else None

    def resampled(self, rng: random.Random) -> RoleStats:
        """A bootstrap replicate: the decisions and durations drawn again."""
        total = self.approved + self.rejected
        approved = sum(1 for _ in range(total) if rng.random() * total < self.approved)
        durations = tuple(rng.choice(self.durations) for _ in self.durations)
        return RoleStats(approved, total - approved, tuple(sorted(durations)))


class Resampled(Mapping[str, RoleStats]):
    """A bootstrap replicate of the role statistics, each role drawn again
    (seeded by seed, replicate and role) only when a policy asks for it."""

    def __init__(self, stats: Mapping[str, RoleStats], seed: int, replicate: int) -> None:
        self._stats = stats
        self._seed = seed
        self._replicate = replicate
        self._drawn: dict[str, RoleStats] = {}

    def __getitem__(self, role: str) -> RoleStats:
        if role not in self._drawn:
            rng = _rng(self._seed, self._replicate, "stats", role)
            self._drawn[role] = self._stats[role].resampled(rng)
        return self._drawn[role]

    def __iter__(self) -> Iterator[str]:
        return iter(self._stats)

    def __len__(self) -> int:
        return len(self._stats)


def role_stats(histories: Sequence[History]) -> dict[str, RoleStats]:
    counts: dict[str, list[int]] = {}
    waits: dict[str, list[float]] = {}
    for history in histories:
        for happening in history.happenings:
            if happening.kind not in ("decision", "completion") or not happening.role:
                continue
            tally = counts.setdefault(happening.role, [0, 0])
            if happening.decision == "reject":
                tally[1] += 1
            else:
                tally[0] += 1
            waits.setdefault(happening.role, []).append(happening.waited)
    found = {
        role: RoleStats(tally[0], tally[1], tuple(sorted(waits.get(role, ()))))
        for role, tally in sorted(counts.items())
    }
    if found:
        # Everyone's decisions together: what a role history never saw is
        # drawn from (the report says so).
        found[ANY_ROLE] = RoleStats(
            sum(s.approved for s in found.values()),
            sum(s.rejected for s in found.values()),
            tuple(sorted(d for s in found.values() for d in s.durations)),
        )
    return found


class MissingPolicy(Exception):
    """History cannot answer a step and the run states no policy for it."""

    def __init__(self, node: str, case: str) -> None:
        super().__init__(node, case)
        self.node = node
        self.case = case

    def __str__(self) -> str:
        return f"case {self.case}: step {self.node} needs a decision history cannot tell"


# -- what a simulated case did ------------------------------------------------------


@dataclass
class TaskRun:
    task: str
    node: str
    level: int | None
    kind: str
    role: str | None
    opened: datetime
    due: datetime | None = None
    closed: datetime | None = None
    by: str | None = None
    decision: str | None = None
    source: Literal["history", "policy", "none"] = "none"
    escalated: int = 0

    @property
    def hours(self) -> float | None:
        if self.closed is None:
            return None
        return (self.closed - self.opened).total_seconds() / 3600

    @property
    def breached(self) -> bool:
        return self.due is not None and self.closed is not None and self.closed > self.due


@dataclass
class CaseRun:
    key: str
    status: str = "running"
    outcome: str | None = None
    started: datetime | None = None
    ended: datetime | None = None
    path: list[str] = field(default_factory=list)
    path_at: list[datetime] = field(default_factory=list)
    tasks: list[TaskRun] = field(default_factory=list)
    used: list[int] = field(default_factory=list)  # happenings, in the order used
    used_at: list[datetime] = field(default_factory=list)  # when each was applied
    policy_nodes: list[str] = field(default_factory=list)
    unanswered: str | None = None  # the node left waiting although history went on
    refused: str | None = None
    substituted: list[int] = field(default_factory=list)  # answers given by someone else
    asked: dict[int, datetime] = field(default_factory=dict)  # happening -> when it was asked
    looped: bool = False  # stopped at MAX_EVENTS
    captured: dict[str, int] = field(default_factory=dict)  # effects kept in
    assumed_jobs: int = 0
    record: RecordSnapshot | None = None

    @property
    def cycle_hours(self) -> float | None:
        if self.started is None or self.ended is None:
            return None
        return (self.ended - self.started).total_seconds() / 3600

    @property
    def escalations(self) -> int:
        return sum(task.escalated for task in self.tasks)

    @property
    def breaches(self) -> int:
        return sum(1 for task in self.tasks if task.breached)


def task_role(plan: Plan, node: str, level: int | None) -> str | None:
    """The role a task is asked of, as its node's config says."""
    config = plan.nodes[node].config
    levels = getattr(config, "levels", None)
    if levels is not None and level is not None and 0 < level <= len(levels):
        role = levels[level - 1].role
        return role if isinstance(role, str) else None
    assignee = getattr(config, "assignee", None)
    role = getattr(assignee, "role", None) if assignee is not None else None
    return role if isinstance(role, str) else None


def _rng(seed: int, replicate: int, *parts: str) -> random.Random:
    digest = hashlib.blake2b(
        "\x1f".join((str(seed), str(replicate), *parts)).encode(), digest_size=8
    )
    return random.Random(int.from_bytes(digest.digest(), "big"))


@dataclass(order=True)
class _Pending:
    at: datetime
    order: int  # timers (0) before answers (1) at the same moment, as the worker fires them
    ident: str
    event: Event = field(compare=False)
    used: int | None = field(default=None, compare=False)
    source: str = field(default="history", compare=False)
    actor: str | None = field(default=None, compare=False)  # who history says answered
    asked: datetime | None = field(default=None, compare=False)  # when the question came


class _Case:
    def __init__(
        self,
        plan: Plan,
        history: History,
        directory: Directory,
        policies: Policies | None,
        stats: Mapping[str, RoleStats],
        seed: int,
        replicate: int,
        finished: bool = False,
        fresh: frozenset[str] = frozenset(),
        as_recorded: bool = False,
        waits: Mapping[int, float] | None = None,
    ) -> None:
        self.plan = plan
        self.finished = finished
        self.fresh = fresh
        self.as_recorded = as_recorded
        self.waits = waits or {}
        self.history = history
        self.directory = directory
        self.policies = policies
        self.stats = stats
        self.seed = seed
        self.replicate = replicate
        self.run = CaseRun(key=history.key, record=history.record)
        self.taken: set[int] = set()  # used or reserved happenings
        self.tasks: dict[str, TaskRun] = {}
        self.answers: dict[str, _Pending | None] = {}
        self.decided: dict[str, set[str]] = {}
        self.assignees: dict[str, list[str]] = {}
        self.timers: dict[str, datetime] = {}
        self.jobs: list[tuple[str, str]] = []  # (job, node)
        self.children: list[str] = []

    # -- history lookups --------------------------------------------------------------

    def _rest(self) -> bool:
        """History still has answers this case has not used (events the
        mapping gave no meaning, or a cancellation, answer no step)."""
        return any(
            index not in self.taken and happening.kind in _ANSWERS
            for index, happening in enumerate(self.history.happenings)
        )

    def _find(self, want: Any) -> int | None:
        for index, happening in enumerate(self.history.happenings):
            if index not in self.taken and want(happening):
                return index
        return None

    def _for_task(self, task: TaskRun) -> int | None:
        wanted = ("decision",) if task.kind == "approval" else ("completion",)

        def fits(h: Happening) -> bool:
            if h.kind not in wanted:
                return False
            if h.node is not None:
                return h.node == task.node and (task.level is None or h.level == task.level)
            return task.role is not None and h.role == task.role

        return self._find(fits)

    # -- answers ------------------------------------------------------------------

    def _when(self, index: int, asked: datetime) -> datetime:
        """When the answer ``index`` comes to a question asked at ``asked``:
        as recorded (the baseline: never before it was asked), or as long
        after the question as it came in the baseline (a candidate), or as
        long after as history waited since its previous event (no baseline
        to tell)."""
        happening = self.history.happenings[index]
        if self.as_recorded:
            return max(asked, happening.at)
        waited = self.waits.get(index, happening.waited)
        return asked + timedelta(seconds=waited)

    def _decider(self, task: TaskRun, actor: str | None) -> str:
        """The recorded person when the task is theirs now; otherwise one of
        its assignees, drawn (seeded) so that work history cannot place is
        spread over them rather than heaped on the first."""
        people = self.assignees.get(task.task, [])
        done = self.decided.get(task.task, set())
        if actor in people and actor not in done:
            return actor
        left = [name for name in people if name not in done]
        if not left:
            return actor or ""
        if len(left) == 1:
            return left[0]
        rng = _rng(self.seed, self.replicate, self.history.key, task.task, "who")
        return left[int(rng.random() * len(left))]

    def _event_for(
        self,
        task: TaskRun,
        decision: str | None,
        actor: str | None,
        data: Any,
        back_to: int | None = None,
    ) -> Event:
        by = self._decider(task, actor)
        if task.kind == "approval":
            choice = decision if decision in ("approve", "reject", "return") else "approve"
            level = back_to if choice == "return" else None
            return Decided(task=task.task, by=by, decision=choice, level=level)  # type: ignore[arg-type]
        return TaskCompleted(task=task.task, by=by, data=dict(data or {}))

    def _answer(self, task: TaskRun) -> _Pending | None:
        # A step the candidate added or changed is never answered from
        # history: what was decided there was decided about another step.
        index = None if task.node in self.fresh else self._for_task(task)
        if index is not None:
            happening = self.history.happenings[index]
            self.taken.add(index)
            at = self._when(index, task.opened)
            event = self._event_for(
                task, happening.decision, happening.actor, happening.data, happening.back_to
            )
            return _Pending(
                at, 1, task.task, event, used=index, actor=happening.actor, asked=task.opened
            )
        if not self._rest():
            if not self.finished:
                return None  # history ends here, the case unfinished: it stays open, as it did
            if self._find(lambda h: h.kind == "cancel") is not None:
                return None  # history ends it by a cancellation, not by an answer
        return self._policy_answer(task)

    def _policy_answer(self, task: TaskRun) -> _Pending | None:
        policy = self.policies.of(task.node) if self.policies is not None else None
        if policy is None:
            self.run.unanswered = self.run.unanswered or task.node
            return None
        rng = _rng(self.seed, self.replicate, self.history.key, task.task)
        stats = self.stats.get(task.role or "") or self.stats.get(ANY_ROLE) or RoleStats()
        if isinstance(policy, NextRecorded):
            index = self._find(lambda h: h.kind in ("decision", "completion"))
            if index is None:
                self.run.unanswered = self.run.unanswered or task.node
                return None
            happening = self.history.happenings[index]
            self.taken.add(index)
            at = self._when(index, task.opened)
            event = self._event_for(task, happening.decision, None, happening.data)
            return _Pending(at, 1, task.task, event, used=index, source="policy", asked=task.opened)
        if isinstance(policy, Fixed):
            at = task.opened + parse_duration(policy.after)
            event = self._event_for(task, policy.decision, None, policy.data)
            return _Pending(at, 1, task.task, event, source="policy")
        rate = stats.approve_rate
        decision = "approve" if rate is None or rng.random() < rate else "reject"
        if policy.after is not None:
            wait = parse_duration(policy.after)
        elif stats.durations:
            wait = timedelta(seconds=stats.durations[int(rng.random() * len(stats.durations))])
        else:
            wait = timedelta(0)
        event = self._event_for(task, decision, None, None)
        return _Pending(task.opened + wait, 1, task.task, event, source="policy")

    def _signal(self, name: str, since: datetime) -> _Pending | None:
        index = self._find(lambda h: h.kind == "signal" and h.signal == name)
        if index is None:
            return None
        happening = self.history.happenings[index]
        self.taken.add(index)
        event = Signal(name=name, payload=dict(happening.data or {}))
        at = self._when(index, since)
        return _Pending(at, 1, f"signal:{name}", event, used=index, asked=since)

    # -- the loop ---------------------------------------------------------------

    def start(self) -> InstanceState:
        first = self.history.happenings[0]
        self.taken.add(0)
        self.run.used.append(0)
        self.run.used_at.append(first.at)
        self.run.started = first.at
        state = InstanceState(id=self.history.key, record=self.history.record)
        event = Start(by=first.actor, data=dict(first.data or {}))
        return self._apply(state, event, first.at)

    def _apply(self, state: InstanceState, event: Event, now: datetime) -> InstanceState:
        try:
            state, effects = advance(self.plan, state, event, now, self.directory)
        except Refused as exc:
            self.run.refused = exc.code
            return state
        self._effects(effects, now)
        if state.status != "running":
            self.run.status = state.status
            self.run.outcome = state.outcome
            self.run.ended = now
        return state

    def _effects(self, effects: list[Effect], now: datetime) -> None:
        captured = self.run.captured
        for effect in effects:
            if isinstance(effect, Noted):
                if effect.kind == "entered" and effect.node:
                    self.run.path.append(effect.node)
                    self.run.path_at.append(now)
                elif effect.kind == "escalated":
                    task = self.tasks.get(str(effect.data.get("task")))
                    if task is not None:
                        task.escalated += 1
                continue
            if isinstance(effect, CreateTask):
                task = TaskRun(
                    task=effect.task,
                    node=effect.node,
                    level=effect.level,
                    kind=effect.kind,
                    role=task_role(self.plan, effect.node, effect.level),
                    opened=now,
                    due=effect.due,
                )
                self.tasks[effect.task] = task
                self.run.tasks.append(task)
                self.assignees[effect.task] = list(effect.assignees)
                self.answers.pop(effect.task, None)
            elif isinstance(effect, UpdateTask):
                self.assignees[effect.task] = list(effect.assignees)
                if effect.task in self.tasks and effect.due is not None:
                    self.tasks[effect.task].due = effect.due
            elif isinstance(effect, CloseTask):
                task = self.tasks.get(effect.task)
                if task is not None:
                    task.closed = now
                    task.by = effect.by
                    task.decision = effect.outcome
                pending = self.answers.pop(effect.task, None)
                if pending is not None and pending.used is not None:
                    self.taken.discard(pending.used)  # closed otherwise: not used
            elif isinstance(effect, ScheduleTimer):
                self.timers[effect.timer] = effect.due
            elif isinstance(effect, CancelTimer):
                self.timers.pop(effect.timer, None)
            elif isinstance(effect, (CallWebhook, RunScript)):
                self.jobs.append((effect.job, effect.node))
                captured[type(effect).__name__] = captured.get(type(effect).__name__, 0) + 1
            elif isinstance(effect, StartSubflow):
                self.children.append(effect.child)
                captured["StartSubflow"] = captured.get("StartSubflow", 0) + 1
            elif isinstance(effect, (Notify, WriteRecord)):
                captured[type(effect).__name__] = captured.get(type(effect).__name__, 0) + 1

    def _candidates(self, state: InstanceState) -> list[_Pending]:
        found: list[_Pending] = []
        for ident, task in self.tasks.items():
            if task.closed is not None:
                continue
            if ident not in self.answers:
                self.answers[ident] = self._answer(task)
            pending = self.answers[ident]
            if pending is not None:
                found.append(pending)
        for timer, due in self.timers.items():
            found.append(_Pending(due, 0, timer, TimerFired(timer=timer)))
        waiting: set[str] = set()
        for token in state.tokens:
            name = token.wait.get("signal")
            # One answer per visit of a wait: a token that timed out and
            # waits again elsewhere asks afresh.
            key = f"signal:{token.id}:{token.node}:{token.entered_at.isoformat()}"
            if isinstance(name, str):
                waiting.add(key)
                if key not in self.answers:
                    self.answers[key] = self._signal(name, token.entered_at)
                pending = self.answers[key]
                if pending is not None:
                    found.append(
                        _Pending(
                            pending.at, 1, key, pending.event, pending.used, asked=pending.asked
                        )
                    )
        for key in [k for k in self.answers if k.startswith("signal:") and k not in waiting]:
            left = self.answers.pop(key)
            if left is not None and left.used is not None:
                self.taken.discard(left.used)  # the wait ended otherwise: not used
        cancel = self._find(lambda h: h.kind == "cancel")
        if cancel is not None:
            # A cancellation happened at a moment, not in answer to a step.
            happening = self.history.happenings[cancel]
            event = Cancel(by=happening.actor or "someone", reason=happening.name)
            found.append(_Pending(happening.at, 1, "cancel", event, cancel))
        return found

    def finish(self, state: InstanceState) -> CaseRun:
        clock = self.run.started
        assert clock is not None
        for _ in range(MAX_EVENTS):
            if state.status != "running" or self.run.refused:
                break
            if self.jobs:
                # Jobs (webhooks, scripts) are not run in the sandbox: their
                # step goes on at once as if it succeeded; the report says so.
                job, _node = self.jobs.pop(0)
                self.run.assumed_jobs += 1
                state = self._apply(state, JobFinished(job=job, ok=True), clock)
                continue
            if self.children:
                child = self.children.pop(0)
                self.run.assumed_jobs += 1
                state = self._apply(state, SubflowEnded(child=child), clock)
                continue
            found = self._candidates(state)
            if not found:
                break
            chosen = min(found)
            clock = max(clock, chosen.at)
            if isinstance(chosen.event, TimerFired):
                self.timers.pop(chosen.ident, None)
            elif chosen.ident.startswith("signal:"):
                self.answers.pop(chosen.ident, None)
            elif chosen.ident == "cancel" and chosen.used is not None:
                self.taken.add(chosen.used)
            else:
                task = self.tasks[chosen.ident]
                task.source = "history" if chosen.source == "history" else "policy"
                if chosen.source == "policy" and task.node not in self.run.policy_nodes:
                    self.run.policy_nodes.append(task.node)
                if isinstance(chosen.event, (Decided, TaskCompleted)):
                    # Who answers is settled now: an escalation since the
                    # answer was found may have handed the task on.
                    by = self._decider(task, chosen.actor)
                    chosen.event = msgspec.structs.replace(chosen.event, by=by)
                    self.decided.setdefault(task.task, set()).add(by)
                    substituted = chosen.source == "history" and chosen.actor not in (None, by)
                    if substituted and chosen.used is not None:
                        self.run.substituted.append(chosen.used)
                self.answers.pop(chosen.ident, None)
            if chosen.used is not None:
                self.run.used.append(chosen.used)
                self.run.used_at.append(clock)
                if chosen.asked is not None:
                    self.run.asked[chosen.used] = chosen.asked
            state = self._apply(state, chosen.event, clock)
        else:
            self.run.looped = state.status == "running"
        return self.run


def simulate(
    plan: Plan,
    history: History,
    directory: Directory,
    *,
    policies: Policies | None = None,
    stats: Mapping[str, RoleStats] | None = None,
    seed: int = 0,
    replicate: int = 0,
    finished: bool = False,
    fresh: frozenset[str] = frozenset(),
    as_recorded: bool = False,
    waits: Mapping[int, float] | None = None,
) -> CaseRun:
    """The case as ``plan`` would have run it, history answering its steps.
    ``finished``: history says the case ended, so a step left without an
    answer needs the policy even when history has nothing more (else the
    case stays open where history ends). ``fresh``: steps history cannot
    have answered (added or changed by the candidate). Without ``policies``
    a step that needs one stays open and is named in ``unanswered``.
    ``as_recorded``: answers come when history says (the baseline, replaying
    what ran); ``waits``: how long each answer took after its question in
    that replay (happening -> seconds), for a candidate to keep."""
    if not history.happenings:
        return CaseRun(key=history.key, status="empty", record=history.record)
    case = _Case(
        plan,
        history,
        directory,
        policies,
        stats or {},
        seed,
        replicate,
        finished,
        fresh,
        as_recorded,
        waits,
    )
    state = case.start()
    return case.finish(state)


def waits_of(run: CaseRun, history: History) -> dict[int, float]:
    """How long each answer a replay used came after its question (seconds;
    never negative: an answer is not given before it is asked for)."""
    applied = dict(zip(run.used, run.used_at, strict=True))
    return {
        index: max(0.0, (applied[index] - asked).total_seconds())
        for index, asked in run.asked.items()
        if index in applied
    }
