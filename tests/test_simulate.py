"""builder/simulate.py on small plans (pure): which answers history gives,
when, and when a stated policy must give them instead (issue 7)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec

from builder.canonical import content_hash
from builder.directory import Snapshot
from builder.plan import compile_plan
from builder.simulate import Happening, History, Policies, simulate, waits_of
from components.engine import Member, Plan
from tests.workflows import edge, node

T0 = datetime(2024, 3, 4, 10, 0, tzinfo=UTC)
PEOPLE = Snapshot.of(
    [
        Member("ann", frozenset({"clerk"})),
        Member("boss", frozenset({"boss"})),
        Member("chief", frozenset({"chief"})),
        Member("cfo", frozenset({"finance"})),
    ]
)
FIXED = msgspec.convert(
    {"default": {"kind": "fixed", "decision": "approve", "after": "PT2H"}}, Policies
)


def plan(nodes: list[dict[str, Any]], edges: list[dict[str, Any]]) -> Plan:
    content = {
        "kind": "workflow",
        "schema_version": 2,
        "key": "t",
        "title": {"en": "t"},
        "nodes": nodes,
        "edges": edges,
    }
    return compile_plan(content, key="t", version=1, hash=content_hash(content))


def approvals(*steps: tuple[str, list[dict[str, Any]]]) -> Plan:
    """start -> each approval in turn -> end (rejections end too)."""
    nodes = [node("start", "start")]
    edges = []
    previous = "start"
    for i, (name, levels) in enumerate(steps):
        nodes.append(node(name, "approval", levels=levels))
        edges.append(edge(f"e{i}", previous, name))
        edges.append(edge(f"r{i}", name, "end", source_port="rejected"))
        previous = name
    nodes.append(node("end", "end"))
    edges.append(edge("last", previous, "end"))
    return plan(nodes, edges)


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def start() -> Happening:
    return Happening(at=T0, waited=0, kind="start", actor="ann")


def decision(hours: float, waited: float, role: str, actor: str, **more: Any) -> Happening:
    return Happening(
        at=at(hours),
        waited=waited * 3600,
        kind="decision",
        role=role,
        actor=actor,
        decision=more.pop("decision", "approve"),
        **more,
    )


def test_a_step_added_after_the_last_answer_is_asked_of_the_policy() -> None:
    history = History("c", None, (start(), decision(3, 3, "boss", "boss")))
    after = approvals(("a", [{"role": "boss"}]), ("b", [{"role": "finance"}]))
    # The case finished in history: the new step needs an answer.
    filled = simulate(after, history, PEOPLE, policies=FIXED, finished=True, fresh=frozenset({"b"}))
    assert filled.status == "completed" and filled.policy_nodes == ["b"]
    assert filled.tasks[1].closed == at(5) and filled.tasks[1].by == "cfo"
    unstated = simulate(after, history, PEOPLE, finished=True, fresh=frozenset({"b"}))
    assert unstated.status == "running" and unstated.unanswered == "b"
    # Had history stopped with the case still open, it stays open, asking nothing.
    open_case = simulate(after, history, PEOPLE, fresh=frozenset({"b"}))
    assert open_case.unanswered is None and open_case.status == "running"


def test_a_changed_step_is_never_answered_from_the_old_steps_history() -> None:
    history = History(
        "c", None, (start(), decision(1, 1, "boss", "boss", decision="reject", node="a", level=1))
    )
    changed = approvals(("a", [{"role": "chief"}]))
    as_before = simulate(changed, history, PEOPLE, policies=FIXED)
    assert as_before.tasks[0].source == "history"  # matched on the step and level
    fresh = simulate(
        changed, history, PEOPLE, policies=FIXED, finished=True, fresh=frozenset({"a"})
    )
    assert fresh.tasks[0].source == "policy" and fresh.tasks[0].decision == "approved"
    assert fresh.tasks[0].by == "chief"


def test_a_return_goes_back_to_the_level_history_names() -> None:
    levels = [{"role": "boss"}, {"role": "chief"}, {"role": "finance"}]
    steps = [
        decision(1, 1, "boss", "boss", node="a", level=1),
        decision(2, 1, "chief", "chief", node="a", level=2),
        decision(3, 1, "finance", "cfo", node="a", level=3, decision="return", back_to=1),
        decision(4, 1, "boss", "boss", node="a", level=1),
        decision(5, 1, "chief", "chief", node="a", level=2),
        decision(6, 1, "finance", "cfo", node="a", level=3),
    ]
    run = simulate(approvals(("a", levels)), History("c", None, (start(), *steps)), PEOPLE)
    assert run.status == "completed"
    assert run.used == list(range(7)) and run.used_at[-1] == at(6)
    assert [t.level for t in run.tasks] == [1, 2, 3, 1, 2, 3]


def test_an_answer_found_for_a_wait_that_timed_out_is_given_back() -> None:
    waits = plan(
        [
            node("start", "start"),
            node("first", "wait", until="event", event="a", timeout="PT1H"),
            node("second", "wait", until="event", event="b"),
            node("end", "end"),
        ],
        [
            edge("e1", "start", "first"),
            edge("e2", "first", "end"),
            edge("e3", "first", "second", source_port="timeout"),
            edge("e4", "second", "end"),
        ],
    )
    history = History(
        "c",
        None,
        (
            start(),
            Happening(at=at(2), waited=2 * 3600, kind="signal", signal="a"),
            Happening(at=at(3), waited=3600, kind="signal", signal="b"),
        ),
    )
    run = simulate(waits, history, PEOPLE)
    # "a" came after the timeout (11:00): the case moved on; "b" an hour
    # after the second wait began.
    assert run.path == ["start", "first", "second", "end"]
    assert run.used == [0, 2] and run.used_at == [T0, at(2)]


def test_answers_to_one_question_keep_their_recorded_times() -> None:
    """Two people of an ``all`` level answer an hour and three hours after it
    opened; an imported log measures the second from the first (two hours).
    The baseline replays them when history says, and a candidate keeps each
    answer's delay after its question as the baseline replay found it."""
    both = PEOPLE.of([*PEOPLE.members.values(), Member("deputy", frozenset({"boss"}))])
    level = approvals(("a", [{"role": "boss", "mode": "all"}]))
    history = History(
        "c",
        None,
        (start(), decision(1, 1, "boss", "boss"), decision(3, 2, "boss", "deputy")),
    )
    before = simulate(level, history, both, as_recorded=True)
    assert before.status == "completed" and before.used_at == [T0, at(1), at(3)]
    delays = waits_of(before, history)
    assert delays == {1: 3600.0, 2: 3 * 3600.0}
    after = simulate(level, history, both, waits=delays)
    assert after.used_at == before.used_at
    naive = simulate(level, history, both)  # the log's own delays: the second too early
    assert naive.used_at[-1] == at(2)
