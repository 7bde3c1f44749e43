"""The interpreter against SpiffWorkflow: the same process, in one Python process.

The lead-approval process (``bench/lead_approval.py``) runs start to end in
both engines: Trellis through the pure ``advance()`` on a compiled plan,
SpiffWorkflow through ``BpmnWorkflow`` on a parsed BPMN spec (both compiled
once, as a runtime would). Half the amounts are above 500,000 (three tasks
and a director), half below (two tasks).

1. Instances run start to end per second in each engine, in alternating
   rounds of the same run, counting finished instances only. Goal: Trellis
   at least 50x SpiffWorkflow.
2. Memory per waiting instance (at the first task): tracemalloc's retained
   size of 20,000 ``InstanceState`` objects (goal <= 2 KiB), and of 2,000
   SpiffWorkflow workflows for reference; also the state as each engine
   stores it (Trellis: the runtime's JSON column; SpiffWorkflow: its
   serializer's JSON, which includes the spec).
"""

from __future__ import annotations

import gc
import sys
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec
from SpiffWorkflow.bpmn.parser import BpmnParser
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

sys.path.insert(0, str(Path(__file__).parent.parent))

from bench.lead_approval import BPMN, KEY, PEOPLE, amounts, lead_approval
from builder.advance import advance
from builder.canonical import content_hash
from builder.plan import compile_plan
from builder.validate import validate
from components.engine import (
    CreateTask,
    Decided,
    Effect,
    InstanceState,
    Plan,
    Start,
    TaskCompleted,
)
from runtime.engine.cases import encode_state

ROUNDS = 6
ROUND_SECONDS = 2.0
WAITING = 20_000
SPIFF_WAITING = 2_000
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def trellis_plan() -> Plan:
    document = lead_approval()
    errors = validate(document)
    assert errors == [], errors
    return compile_plan(document, key=KEY, version=1, hash=content_hash(document))


def spiff_spec() -> Any:
    parser = BpmnParser()
    parser.add_bpmn_str(BPMN.encode())
    return parser.get_spec("lead_approval")


def open_task(effects: list[Effect]) -> CreateTask:
    return next(e for e in reversed(effects) if isinstance(e, CreateTask))


def trellis_case(plan: Plan, case_id: str, amount: int) -> bool:
    """One case start to end: the rep qualifies, each approver approves."""
    state, effects = advance(
        plan, InstanceState(id=case_id), Start(by="alice", data={"amount": amount}), NOW, PEOPLE
    )
    while state.status == "running":
        task = open_task(effects)
        event: TaskCompleted | Decided = (
            TaskCompleted(task=task.task, by="alice", data={"notes": "called"})
            if task.kind == "form"
            else Decided(task=task.task, by=task.assignees[0], decision="approve")
        )
        state, effects = advance(plan, state, event, NOW, PEOPLE)
    return state.status == "completed" and state.outcome == "approved"


def spiff_waiting(spec: Any, amount: int) -> Any:
    workflow = BpmnWorkflow(spec)
    workflow.task_tree.set_data(amount=amount)
    workflow.do_engine_steps()
    return workflow


def spiff_case(spec: Any, amount: int) -> bool:
    """The same case: complete each ready user task, then run the engine steps."""
    workflow = spiff_waiting(spec, amount)
    while not workflow.is_completed():
        ready = workflow.get_tasks(state=TaskState.READY, manual=True)
        if not ready:
            return False
        for task in ready:
            task.set_data(notes="called", approved=True)
            task.run()
        workflow.do_engine_steps()
    return bool(workflow.is_completed())


def throughput(plan: Plan, spec: Any) -> tuple[float, float, int, int]:
    """Finished instances per second, Trellis and SpiffWorkflow, alternating."""
    mix = amounts(1000)
    done = {"trellis": 0, "spiff": 0}
    spent = {"trellis": 0.0, "spiff": 0.0}
    n = 0
    for _ in range(ROUNDS):
        start = time.perf_counter()
        while time.perf_counter() - start < ROUND_SECONDS:
            for amount in mix[:100]:
                n += 1
                done["trellis"] += trellis_case(plan, f"{n:032x}", amount)
        spent["trellis"] += time.perf_counter() - start
        start = time.perf_counter()
        while time.perf_counter() - start < ROUND_SECONDS:
            for amount in mix[:10]:
                done["spiff"] += spiff_case(spec, amount)
        spent["spiff"] += time.perf_counter() - start
    return (
        done["trellis"] / spent["trellis"],
        done["spiff"] / spent["spiff"],
        done["trellis"],
        done["spiff"],
    )


def retained_per_instance(make: Any, count: int) -> tuple[float, list[Any]]:
    """Bytes still allocated per instance after making ``count`` of them
    (the list holding them included: 8 bytes a slot)."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    held = [make(i) for i in range(count)]
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return (after - before) / count, held


def main() -> None:
    plan, spec = trellis_plan(), spiff_spec()
    assert trellis_case(plan, "check-big", 600_000) and trellis_case(plan, "check-small", 1)
    assert spiff_case(spec, 600_000) and spiff_case(spec, 1)

    trellis_rate, spiff_rate, trellis_done, spiff_done = throughput(plan, spec)

    ids = [f"{i:032x}" for i in range(WAITING)]  # uuid4().hex-sized, as the runtime's

    def trellis_waiting(i: int) -> InstanceState:
        state, _ = advance(
            plan, InstanceState(id=ids[i]), Start(by="alice", data={"amount": 600_000}), NOW, PEOPLE
        )
        return state

    trellis_bytes, states = retained_per_instance(trellis_waiting, WAITING)
    assert all(s.tokens[0].node == "qualify" for s in states)
    stored = [len(msgspec.json.encode(encode_state(s))) for s in states]
    stored_mean = sum(stored) / len(stored)
    del states

    spiff_bytes, workflows = retained_per_instance(
        lambda _: spiff_waiting(spec, 600_000), SPIFF_WAITING
    )
    serializer = BpmnWorkflowSerializer()
    spiff_json = serializer.to_dict(workflows[0])
    spiff_stored = len(serializer.serialize_json(workflows[0]))
    spiff_spec_part = len(msgspec.json.encode(spiff_json["spec"]))
    del workflows

    ratio = trellis_rate / spiff_rate
    rows = [
        (
            "instances start->end/s, Trellis advance()",
            f"{trellis_rate:,.0f}/s ({trellis_done:,} done)",
            "",
        ),
        (
            "instances start->end/s, SpiffWorkflow 3",
            f"{spiff_rate:,.0f}/s ({spiff_done:,} done)",
            "",
        ),
        (
            "Trellis / SpiffWorkflow",
            f"{ratio:.1f}x",
            ">= 50x" + ("" if ratio >= 50 else f"  MISSED ({50 / ratio:.1f}x short)"),
        ),
        (
            f"retained per waiting instance, Trellis ({WAITING:,})",
            f"{trellis_bytes:,.0f} B",
            "<= 2,048 B" + ("" if trellis_bytes <= 2048 else "  MISSED"),
        ),
        ("stored state per waiting instance, Trellis (JSON)", f"{stored_mean:,.0f} B", ""),
        (
            f"retained per waiting instance, SpiffWorkflow ({SPIFF_WAITING:,})",
            f"{spiff_bytes:,.0f} B",
            "reference",
        ),
        (
            "serialized per waiting instance, SpiffWorkflow (JSON)",
            f"{spiff_stored:,} B ({spiff_spec_part:,} B of it the spec)",
            "reference",
        ),
    ]
    print("engine: lead approval, Trellis against SpiffWorkflow (one process)")
    width = max(len(r[0]) for r in rows)
    value_width = max(len(r[1]) for r in rows)
    for label, value, goal in rows:
        print(f"  {label:<{width}}  {value:>{value_width}}  {goal}")


if __name__ == "__main__":
    main()
