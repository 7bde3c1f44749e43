# ruff: noqa: F811
"""Replay through the same advance(): the runtime's own history of a
version reproduces what happened, case by case; a changed plan diverges at
the first line it changes (issue 7, baseline reproduction)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.orm import Session

from builder.canonical import content_hash
from builder.plan import compile_plan
from builder.replay import replay
from runtime.engine.directory import LiveDirectory
from runtime.engine.worker import work_once
from runtime.sandbox.history import recorded_cases, reproduce
from runtime.store.db import make_engine, make_sessionmaker
from tests.cases import Org, Receiver, publish
from tests.test_runtime_api import (  # noqa: F401 (fixtures)
    advance_clock,
    decide,
    manual,
    org,
    robot,
    start_discount,
    tasks,
)
from tests.workflows import discount_approval, lead_follow_up

API = "/api/v1"


@contextmanager
def reading(url: str) -> Iterator[Session]:
    """A session that only reads (no write lock on SQLite), as a replay does."""
    engine = make_engine(url, reads_only=True)
    try:
        with make_sessionmaker(engine)() as session:
            yield session
    finally:
        engine.dispose()


def test_the_version_that_ran_reproduces_its_history(
    org: Org, robot: Receiver, manual: Any, database_url: str
) -> None:
    publish(org.admin, lead_follow_up(robot.url))
    publish(org.admin, discount_approval())
    org.admin.post(f"{API}/records/lead", json={"data": {"company": "Acme", "owner": "alice"}})
    advance_clock(org, "PT48H")  # escalated to bob
    work_once(manual)
    [lead_task] = tasks(org["bob"])
    org["bob"].post(f"{API}/tasks/{lead_task['id']}/complete", json={"data": {"notes": "ok"}})
    big = start_discount(org, "alice", 600_000)
    small = start_discount(org, "alice", 100_000)
    for task in tasks(org["dave"]):
        assert decide(org, "dave", task).status_code == 200
    [director] = tasks(org["frank"])
    assert decide(org, "frank", director, "reject").status_code == 200

    with reading(database_url) as session:
        leads = reproduce(session, "lead-follow-up", 1)
        deals = reproduce(session, "discount-approval", 1)
        assert leads.summary()["reproduced"] == 1, leads.mismatches
        assert deals.summary() == {
            "cases": 2,
            "reproduced": 2,
            "mismatched": 0,
            "share_reproduced": 1.0,
        }
        outcomes = {r.case: r.state.outcome for r in deals.replays}
        assert outcomes == {big["id"]: "rejected", small["id"]: "approved"}
        replayed = {r.case: r for r in deals.replays}
        # Effects were collected, not performed: the same task ids as live.
        live_tasks = {
            t["id"] for t in org.admin.get(f"{API}/instances/{big['id']}").json()["tasks"]
        }
        captured = {e.task for e in replayed[big["id"]].effects if type(e).__name__ == "CreateTask"}
        assert captured == live_tasks

        # A draft where the manager's word is final up to 700,000: the big
        # deal's path changes at the step where dave approved.
        draft = discount_approval()
        draft["nodes"][1]["config"]["levels"][0]["amount_limit"] = 700_000
        plan = compile_plan(draft, key="discount-approval", version=0, hash=content_hash(draft))
        people = LiveDirectory(session)
        by_case = {c.id: c for c in recorded_cases(session, "discount-approval", 1)}
        changed = replay(plan, by_case[big["id"]], people)
        same = replay(plan, by_case[small["id"]], people)
        # The small deal keeps its path; only the reason of the final word differs.
        assert same.path == by_case[small["id"]].path and same.state.outcome == "approved"
        assert same.divergence is not None and same.divergence.got is not None
        assert same.divergence.got.data["limit"] == 700_000
        assert changed.divergence is not None
        assert changed.divergence.step == 1  # dave's decision (step 0 is the start)
        assert changed.state.outcome == "approved"  # no director: history's reject never comes
        assert changed.state.status == "completed" and changed.refused is None
        assert (
            changed.divergence.got is not None and changed.divergence.got.kind == "final_at_level"
        )


def test_an_untouched_copy_of_the_plan_is_the_same_plan(org: Org, database_url: str) -> None:
    publish(org.admin, discount_approval())
    start_discount(org, "alice", 600_000)
    with reading(database_url) as session:
        [case] = recorded_cases(session, "discount-approval", 1)
        draft = copy.deepcopy(discount_approval())
        plan = compile_plan(draft, key="discount-approval", version=0, hash=content_hash(draft))
        result = replay(plan, case, LiveDirectory(session))
        assert result.divergence is None and case.record is not None
        assert case.record.data["amount"] == 600_000
