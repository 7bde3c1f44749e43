"""The interpreter through its front door, advance(): pure, deterministic,
every node type's behaviour and every refusal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
import pytest

from builder.advance import advance
from builder.canonical import content_hash
from builder.directory import Snapshot
from builder.plan import compile_plan
from builder.validate import validate
from components.engine import (
    Cancel,
    CloseTask,
    CreateTask,
    Decided,
    Delegation,
    Effect,
    Ended,
    InstanceState,
    JobFinished,
    Member,
    Noted,
    Notify,
    RaiseIncident,
    Recheck,
    RecordSnapshot,
    Refused,
    Retry,
    RunScript,
    ScheduleTimer,
    Signal,
    Start,
    TaskCompleted,
    TimerFired,
    UpdateTask,
    WriteRecord,
)
from tests.workflows import discount_approval, edge, lead_follow_up, node

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

PEOPLE = Snapshot.of(
    [
        Member(username="alice", roles=frozenset({"rep"}), rank=2, region="east", manager="dave"),
        Member(username="bob", roles=frozenset({"rep"}), rank=2, region="east", manager="dave"),
        Member(username="carol", roles=frozenset({"rep"}), rank=2, region="south", manager="erin"),
        Member(
            username="dave", roles=frozenset({"manager"}), rank=4, region="east", manager="frank"
        ),
        Member(
            username="erin", roles=frozenset({"manager"}), rank=4, region="south", manager="frank"
        ),
        Member(username="frank", roles=frozenset({"director"}), rank=6, region="east"),
        Member(username="gina", roles=frozenset({"director"}), rank=5, region="south"),
    ]
)


def plan_of(document: dict[str, Any], version: int = 1) -> Any:
    errors = validate(document)
    assert errors == [], errors
    return compile_plan(document, key=document["key"], version=version, hash=content_hash(document))


def record(**data: Any) -> RecordSnapshot:
    return RecordSnapshot(id=1, form="deal", data=data, owner="alice", region="east")


def of(effects: list[Effect], kind: type[Any]) -> list[Any]:
    return [e for e in effects if isinstance(e, kind)]


def notes(effects: list[Effect], kind: str) -> list[Noted]:
    return [e for e in effects if isinstance(e, Noted) and e.kind == kind]


class Case:
    """A case driven through advance(), keeping state and every effect."""

    def __init__(self, document: dict[str, Any], people: Snapshot = PEOPLE, **rec: Any):
        self.plan = plan_of(document)
        self.people = people
        self.state = InstanceState(id="c1", record=record(**rec) if rec else None)
        self.now = T0
        self.effects: list[Effect] = []
        self.timers: dict[str, datetime] = {}

    def send(self, event: Any) -> list[Effect]:
        self.state, effects = advance(self.plan, self.state, event, self.now, self.people)
        self.effects += effects
        for effect in effects:
            if isinstance(effect, ScheduleTimer):
                self.timers[effect.timer] = effect.due
        return effects

    def open_task(self) -> CreateTask:
        created = of(self.effects, CreateTask)
        closed = {e.task for e in of(self.effects, CloseTask)}
        return [t for t in created if t.task not in closed][-1]

    def pass_time(self, delta: timedelta) -> list[Effect]:
        self.now += delta
        fired: list[Effect] = []
        for timer, due in sorted(self.timers.items(), key=lambda kv: kv[1]):
            if due <= self.now:
                del self.timers[timer]
                fired += self.send(TimerFired(timer=timer))
        return fired


def test_lead_escalates_after_48_hours_then_to_the_director() -> None:
    case = Case(lead_follow_up("http://robot.test/hook"), company="Acme")
    case.send(Start(by="system"))
    assert case.open_task().assignees == ["alice"]
    assert case.open_task().due == T0 + timedelta(hours=48)

    assert case.pass_time(timedelta(hours=47)) == []
    fired = case.pass_time(timedelta(hours=1))
    update = of(fired, UpdateTask)[0]
    assert update.assignees == ["bob"]
    assert update.due == T0 + timedelta(hours=50)
    inbox = [n for n in of(fired, Notify) if n.channel == "inbox"]
    assert inbox[0].to == ["alice", "frank"]  # the rep who missed it and the east director
    robot = [n for n in of(fired, Notify) if n.channel == "wecom"]
    assert robot[0].robot_url == "http://robot.test/hook"
    assert "bob" in robot[0].message["en"] and "alice" in robot[0].message["en"]

    with pytest.raises(Refused) as refused:
        case.send(TaskCompleted(task=update.task, by="alice", data={}))
    assert refused.value.code == "not_assignee"

    fired = case.pass_time(timedelta(hours=2))
    assert of(fired, UpdateTask)[0].assignees == ["frank"]
    case.send(TaskCompleted(task=update.task, by="frank", data={"notes": "called"}))
    assert case.state.status == "completed"
    assert case.state.outcome == "qualified"
    assert of(case.effects, WriteRecord)[0].fields == {"notes": "called"}


def test_done_in_time_cancels_the_deadline() -> None:
    case = Case(lead_follow_up())
    case.send(Start(by="system"))
    task = case.open_task().task
    effects = case.send(TaskCompleted(task=task, by="alice", data={}))
    assert len([e for e in effects if type(e).__name__ == "CancelTimer"]) == 1
    assert case.state.status == "completed"
    # A late timer (already claimed by the worker) changes nothing.
    with pytest.raises(Refused):
        case.send(TimerFired(timer="c1:timer:3"))


@pytest.mark.parametrize(("amount", "levels"), [(600_000, [1, 2]), (100_000, [1])])
def test_amount_limit_stops_small_discounts_at_the_manager(amount: int, levels: list[int]) -> None:
    case = Case(discount_approval(), amount=amount)
    case.send(Start(by="alice"))
    assert case.open_task().assignees == ["dave"]
    case.send(Decided(task=case.open_task().task, by="dave", decision="approve"))
    if levels == [1, 2]:
        assert case.open_task().level == 2
        assert case.open_task().assignees == ["frank"]  # rank 6 in the east; gina is rank 5
        case.send(Decided(task=case.open_task().task, by="frank", decision="approve"))
    assert [t.level for t in of(case.effects, CreateTask)] == levels
    assert case.state.outcome == "approved"


def test_nobody_approves_their_own_request() -> None:
    case = Case(discount_approval(), amount=600_000)
    case.send(Start(by="frank"))
    case.send(Decided(task=case.open_task().task, by="dave", decision="approve"))
    # frank asked: the director level goes to his manager, there is none, so
    # the level has nobody -> an incident names it.
    assert of(case.effects, RaiseIncident)[0].code == "no_approver"

    directors = Snapshot.of(
        [*PEOPLE.members.values(), Member(username="hugo", roles=frozenset({"director"}), rank=7)]
    )
    case = Case(discount_approval(), people=directors, amount=600_000)
    case.send(Start(by="frank"))
    case.send(Decided(task=case.open_task().task, by="dave", decision="approve"))
    task = case.open_task()
    assert task.assignees == ["hugo"]
    with pytest.raises(Refused) as refused:
        case.send(Decided(task=task.task, by="frank", decision="approve"))
    assert refused.value.status == 403
    assert refused.value.code == "self_approval"
    assert "levels/1/allow_self_approval" in refused.value.params["rule"]


def test_rank_is_checked_when_deciding() -> None:
    case = Case(discount_approval(), amount=600_000)
    case.send(Start(by="alice"))
    case.send(Decided(task=case.open_task().task, by="dave", decision="approve"))
    task = case.open_task()
    demoted = Snapshot.of(
        [
            *(m for m in PEOPLE.members.values() if m.username != "frank"),
            Member(username="frank", roles=frozenset({"director"}), rank=5, region="east"),
        ]
    )
    with pytest.raises(Refused) as refused:
        advance(
            case.plan,
            case.state,
            Decided(task=task.task, by="frank", decision="approve"),
            case.now,
            demoted,
        )
    assert refused.value.code == "rank_too_low"
    with pytest.raises(Refused) as refused:
        case.send(Decided(task=task.task, by="carol", decision="approve"))
    assert refused.value.code == "not_assignee"


def test_return_reject_and_unknown_task() -> None:
    case = Case(discount_approval(), amount=900_000)
    case.send(Start(by="alice"))
    case.send(Decided(task=case.open_task().task, by="dave", decision="approve"))
    case.send(Decided(task=case.open_task().task, by="frank", decision="return", level=1))
    assert case.open_task().level == 1 and case.open_task().assignees == ["dave"]
    with pytest.raises(Refused) as refused:
        case.send(Decided(task=case.open_task().task, by="dave", decision="return", level=3))
    assert refused.value.code == "bad_return_level"
    case.send(Decided(task=case.open_task().task, by="dave", decision="reject"))
    assert case.state.outcome == "rejected"
    with pytest.raises(Refused) as refused:
        case.send(Decided(task="nope", by="dave", decision="approve"))
    assert refused.value.code == "not_running"


def test_delegate_decides_while_the_manager_is_away() -> None:
    away = Snapshot.of(
        PEOPLE.members.values(),
        [Delegation(user="dave", delegate="erin", starts_at=T0, ends_at=T0 + timedelta(days=3))],
    )
    case = Case(discount_approval(), people=away, amount=100_000)
    case.send(Start(by="alice"))
    assert case.open_task().assignees == ["dave", "erin"]
    case.send(Decided(task=case.open_task().task, by="erin", decision="approve"))
    assert case.state.outcome == "approved"


def test_advance_is_pure_and_deterministic() -> None:
    plan = plan_of(discount_approval())
    state = InstanceState(id="x", record=record(amount=600_000))
    frozen = msgspec.json.encode(state)
    first = advance(plan, state, Start(by="alice"), T0, PEOPLE)
    second = advance(plan, state, Start(by="alice"), T0, PEOPLE)
    assert msgspec.json.encode(state) == frozen
    assert msgspec.json.encode(first) == msgspec.json.encode(second)


def _flow(nodes: list[dict[str, Any]], edges: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "kind": "workflow",
        "schema_version": 2,
        "key": "flow",
        "title": {"en": "Flow"},
        "nodes": nodes,
        "edges": edges,
        **extra,
    }


def test_decision_set_and_history_of_conditions() -> None:
    document = _flow(
        [
            node("start", "start"),
            node("set", "set", assignments=[{"target": "vars.big", "expression": "vars['n'] > 5"}]),
            node("check", "decision"),
            node("big", "end", outcome="big"),
            node("small", "end", outcome="small"),
        ],
        [
            edge("e1", "start", "set"),
            edge("e2", "set", "check"),
            edge("e3", "check", "big", condition="vars['big']"),
            edge("e4", "check", "small", default=True),
        ],
    )
    state, effects = advance(plan_of(document), InstanceState(id="d"), Start(data={"n": 9}), T0)
    assert state.outcome == "big"
    assert [n.data for n in notes(effects, "condition")] == [
        {"edge": "e3", "value": True, "reads": []}
    ]
    state, _ = advance(plan_of(document), InstanceState(id="d"), Start(data={"n": 1}), T0)
    assert state.outcome == "small"


def test_a_failing_condition_is_an_incident_and_retryable() -> None:
    document = _flow(
        [node("start", "start"), node("check", "decision"), node("a", "end"), node("b", "end")],
        [
            edge("e1", "start", "check"),
            edge("e2", "check", "a", condition="vars['n'] / vars['d'] > 1"),
            edge("e3", "check", "b", default=True),
        ],
    )
    plan = plan_of(document)
    state, effects = advance(plan, InstanceState(id="i"), Start(data={"n": 1, "d": 0}), T0)
    incident = of(effects, RaiseIncident)[0]
    assert incident.code == "expression_failed" and "ZeroDivisionError" in incident.message
    state.variables["d"] = 2
    state, _ = advance(plan, state, Retry(token=incident.token, by="admin"), T0)
    assert state.status == "completed"


def test_parallel_join_any_withdraws_the_other_branch() -> None:
    task = {"form": "deal", "assignee": {"by": "role", "role": "manager"}}
    document = _flow(
        [
            node("start", "start"),
            node("split", "parallel"),
            node("east", "form_task", **{**task, "assignee": {"by": "user", "user": "dave"}}),
            node("south", "form_task", **{**task, "assignee": {"by": "user", "user": "erin"}}),
            node("join", "join", mode="any"),
            node("end", "end", outcome="done"),
        ],
        [
            edge("e1", "start", "split"),
            edge("e2", "split", "east"),
            edge("e3", "split", "south"),
            edge("e4", "east", "join"),
            edge("e5", "south", "join"),
            edge("e6", "join", "end"),
        ],
        record_form="deal",
    )
    case = Case(document, amount=1)
    case.send(Start(by="alice"))
    created = of(case.effects, CreateTask)
    assert [t.assignees for t in created] == [["dave"], ["erin"]]
    effects = case.send(TaskCompleted(task=created[1].task, by="erin", data={}))
    cancelled = [e for e in of(effects, CloseTask) if e.status == "cancelled"]
    assert [c.task for c in cancelled] == [created[0].task]
    assert case.state.status == "completed"


def test_parallel_join_all_waits_for_every_branch() -> None:
    document = _flow(
        [
            node("start", "start"),
            node("split", "parallel"),
            node("w1", "wait", duration="PT1H"),
            node("w2", "wait", duration="PT2H"),
            node("join", "join"),
            node("end", "end"),
        ],
        [
            edge("e1", "start", "split"),
            edge("e2", "split", "w1"),
            edge("e3", "split", "w2"),
            edge("e4", "w1", "join"),
            edge("e5", "w2", "join"),
            edge("e6", "join", "end"),
        ],
    )
    case = Case(document)
    case.send(Start())
    case.pass_time(timedelta(hours=1))
    assert case.state.status == "running"
    case.pass_time(timedelta(hours=1))
    assert case.state.status == "completed"


def test_wait_for_event_or_timeout() -> None:
    document = _flow(
        [
            node("start", "start"),
            node("wait", "wait", until="event", event="contract.signed", timeout="P7D"),
            node("won", "end", outcome="won"),
            node("lost", "end", outcome="lost"),
        ],
        [
            edge("e1", "start", "wait"),
            edge("e2", "wait", "won"),
            edge("e3", "wait", "lost", source_port="timeout"),
        ],
    )
    case = Case(document)
    case.send(Start())
    case.send(Signal(name="other"))
    assert case.state.status == "running"
    case.send(Signal(name="contract.signed", payload={"value": 5}))
    assert case.state.outcome == "won"
    assert case.state.variables["contract.signed"] == {"value": 5}

    case = Case(document)
    case.send(Start())
    case.pass_time(timedelta(days=7))
    assert case.state.outcome == "lost"


def test_script_waits_for_the_worker_and_fails_into_an_incident() -> None:
    document = _flow(
        [
            node("start", "start"),
            node("calc", "script", code="total = price * 2", inputs=["price"], outputs=["total"]),
            node("end", "end"),
        ],
        [edge("e1", "start", "calc"), edge("e2", "calc", "end")],
    )
    case = Case(document)
    effects = case.send(Start(data={"price": 3}))
    job = of(effects, RunScript)[0]
    assert job.inputs == {"price": 3}
    case.send(JobFinished(job=job.job, ok=False, error="timeout"))
    incident = of(case.effects, RaiseIncident)[0]
    assert incident.code == "script_failed"
    effects = case.send(Retry(token=incident.token, by="admin"))
    job = of(effects, RunScript)[0]
    case.send(JobFinished(job=job.job, ok=True, outputs={"total": 6, "extra": 1}))
    assert case.state.variables["total"] == 6 and "extra" not in case.state.variables
    assert case.state.status == "completed"


def test_transition_lock_refuses_until_it_holds() -> None:
    document = _flow(
        [
            node("start", "start"),
            node(
                "quote",
                "form_task",
                form="deal",
                assignee={"by": "requester"},
                lock="record['contract'] is not None",
            ),
            node("end", "end"),
        ],
        [edge("e1", "start", "quote"), edge("e2", "quote", "end")],
        record_form="deal",
    )
    case = Case(document, amount=1)
    case.send(Start(by="alice"))
    task = case.open_task().task
    with pytest.raises(Refused) as refused:
        case.send(TaskCompleted(task=task, by="alice", data={"amount": 2}))
    assert refused.value.code == "transition_lock"
    case.send(TaskCompleted(task=task, by="alice", data={"contract": 7}))
    assert case.state.status == "completed"


def test_cancel_withdraws_tasks_and_timers() -> None:
    case = Case(lead_follow_up())
    case.send(Start(by="system"))
    effects = case.send(Cancel(by="admin", reason="duplicate lead"))
    assert of(effects, CloseTask)[0].status == "cancelled"
    assert of(effects, Ended)[0].status == "cancelled"
    with pytest.raises(Refused):
        case.send(Cancel(by="admin"))


def test_deadline_from_a_formula_and_the_earlier_of_two() -> None:
    sla = {"due": "PT48H", "due_at": "record['close_date']"}
    document = _flow(
        [
            node("start", "start"),
            node("call", "form_task", form="deal", assignee={"by": "requester"}, sla=sla),
            node("end", "end"),
        ],
        [edge("e1", "start", "call"), edge("e2", "call", "end")],
        record_form="deal",
    )
    soon = Case(document, close_date=(T0 + timedelta(hours=5)).isoformat())
    soon.send(Start(by="alice"))
    assert soon.open_task().due == T0 + timedelta(hours=5)
    later = Case(document, close_date="2026-04-30")
    later.send(Start(by="alice"))
    assert later.open_task().due == T0 + timedelta(hours=48)
    broken = Case(document, close_date="next week")
    broken.send(Start(by="alice"))
    assert of(broken.effects, RaiseIncident)[0].code == "expression_failed"


def test_deadline_sends_back_auto_approves_and_reminds() -> None:
    fill = {
        "form": "deal",
        "assignee": {"by": "requester"},
    }
    approve_sla = {
        "due": "PT24H",
        "reminders": ["PT20H"],
        "on_timeout": [
            {"action": "notify", "cc": [{"by": "user", "user": "frank"}], "due": "PT4H"},
            {"action": "auto_approve"},
        ],
    }
    back_sla = {"due": "PT8H", "on_timeout": [{"action": "return"}]}
    document = _flow(
        [
            node("start", "start"),
            node("prepare", "form_task", **fill),
            node(
                "review",
                "form_task",
                form="deal",
                assignee={"by": "user", "user": "dave"},
                sla=back_sla,
            ),
            node("approve", "approval", levels=[{"role": "manager", "sla": approve_sla}]),
            node("yes", "end", outcome="approved"),
            node("no", "end", outcome="rejected"),
        ],
        [
            edge("e1", "start", "prepare"),
            edge("e2", "prepare", "review"),
            edge("e3", "review", "approve"),
            edge("e4", "approve", "yes", source_port="approved"),
            edge("e5", "approve", "no", source_port="rejected"),
        ],
        record_form="deal",
    )
    case = Case(document, amount=1)
    case.send(Start(by="alice"))
    case.send(TaskCompleted(task=case.open_task().task, by="alice", data={}))
    assert case.open_task().assignees == ["dave"]
    case.pass_time(timedelta(hours=8))  # dave let it run out: back to alice
    assert case.open_task().node == "prepare" and case.open_task().assignees == ["alice"]
    case.send(TaskCompleted(task=case.open_task().task, by="alice", data={}))
    case.send(TaskCompleted(task=case.open_task().task, by="dave", data={}))
    assert case.open_task().node == "approve"
    reminded = case.pass_time(timedelta(hours=20))
    assert [n.to for n in of(reminded, Notify)] == [["dave"]]
    told = case.pass_time(timedelta(hours=4))
    assert [n.to for n in of(told, Notify)] == [["dave", "frank"]]
    case.pass_time(timedelta(hours=4))  # nobody decided: approved by the rule
    assert case.state.outcome == "approved"
    decision = [n for n in notes(case.effects, "decision")][-1]
    assert decision.data["by"] is None and decision.data["comment"] == "deadline passed"


def test_a_hand_off_lock_holds_an_automatic_step_until_the_record_allows() -> None:
    document = _flow(
        [
            node("start", "start"),
            node(
                "book",
                "set",
                assignments=[{"target": "vars.booked", "expression": "True"}],
                lock="record['contract'] is not None",
            ),
            node("end", "end", outcome="booked"),
        ],
        [edge("e1", "start", "book"), edge("e2", "book", "end")],
        record_form="deal",
    )
    case = Case(document, amount=1)
    case.send(Start(by="alice"))
    assert case.state.status == "running"
    assert case.state.tokens[0].wait == {"locked": ["e2"]}
    assert notes(case.effects, "locked")[0].data["reads"] == ["contract"]
    case.send(Recheck(reason="record changed"))  # still no contract
    assert case.state.status == "running"
    assert case.state.record is not None
    case.state.record.data["contract"] = 42
    case.send(Recheck(reason="record changed"))
    assert case.state.outcome == "booked" and case.state.variables["booked"] is True
