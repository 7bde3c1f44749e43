# ruff: noqa: F811
"""The runtime's own history as a run's source (issue 7): cases that ran
live are replayed through their version and a candidate over a window; the
candidate's escalations are counted, and nothing leaves the sandbox — the
robot that received the live escalation receives nothing from the replay,
and the runtime's tables do not change."""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy import func, select

from runtime.engine.worker import work_once
from runtime.sandbox.perform import perform_queued
from runtime.store.db import make_engine, make_sessionmaker
from runtime.store.engine_models import (
    HistoryEntry,
    Instance,
    Notification,
    OutboxJob,
    Task,
    Timer,
)
from runtime.store.models import AuditEntry, Record
from tests.cases import Org, Receiver, publish
from tests.test_runtime_api import (  # noqa: F401 (fixtures)
    advance_clock,
    manual,
    org,
    robot,
    tasks,
)
from tests.workflows import lead_follow_up

API = "/api/v1"
RUNTIME_TABLES = (Instance, HistoryEntry, Task, Timer, OutboxJob, Notification, Record)


def counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            return {
                table.__tablename__: session.scalar(select(func.count()).select_from(table)) or 0
                for table in RUNTIME_TABLES
            }
    finally:
        engine.dispose()


def test_a_shorter_deadline_replayed_over_live_cases_sends_nothing(
    org: Org, robot: Receiver, manual: Any, database_url: str
) -> None:
    publish(org.admin, lead_follow_up(robot.url))
    org.admin.post(f"{API}/records/lead", json={"data": {"company": "Quick", "owner": "alice"}})
    advance_clock(org, "PT10H")
    [quick] = tasks(org["alice"])
    done = org["alice"].post(f"{API}/tasks/{quick['id']}/complete", json={"data": {"notes": "ok"}})
    assert done.status_code == 200, done.text
    org.admin.post(f"{API}/records/lead", json={"data": {"company": "Slow", "owner": "alice"}})
    advance_clock(org, "PT48H")  # escalated to bob, the robot told
    work_once(manual)
    assert robot.received, "the live escalation reached the robot"
    [slow] = tasks(org["bob"])
    org["bob"].post(f"{API}/tasks/{slow['id']}/complete", json={"data": {"notes": "late"}})
    work_once(manual)
    org.admin.post(f"{API}/records/lead", json={"data": {"company": "Gone", "owner": "alice"}})
    gone = next(
        c for c in org.admin.get(f"{API}/instances").json()["items"] if c["status"] == "running"
    )
    advance_clock(org, "PT5H")
    assert org.admin.post(f"{API}/instances/{gone['id']}/cancel").status_code == 200

    draft = copy.deepcopy(lead_follow_up(robot.url))
    draft["nodes"][1]["config"]["sla"]["due"] = "PT8H"
    saved = org.admin.put(f"{API}/documents/workflow/lead-follow-up/draft", json=draft)
    assert saved.status_code in (200, 201), saved.text
    received, before = len(robot.received), counts(database_url)
    audit_before = _audit(database_url)

    asked = org.admin.post(
        f"{API}/sandbox/runs",
        json={
            "candidate": {"workflow": "lead-follow-up"},
            "baseline": {"version": 1},
            "window": {},
        },
    )
    assert asked.status_code == 202, asked.text
    assert perform_queued(manual) == 1
    run = org.admin.get(f"{API}/sandbox/runs/{asked.json()['id']}").json()
    assert run["status"] == "completed", run.get("error")
    report = run["report"]
    assert report["cases"] == 3
    reproduction = report["baseline_reproduction"]
    assert reproduction["reproduced"] == 3, reproduction["examples"]
    cancelled = [r for r in report["outcomes"] if r["outcome"] == "cancelled"]
    assert cancelled[0]["baseline"] == cancelled[0]["candidate"] == 1  # at 5 h, before 8 h
    # With 8 h both leads run out: bob at 8 h, the director at 10 h (the
    # quick one's answer came at 10 h too; the worker fires timers first).
    assert report["sla"]["baseline"]["escalations"] == 1
    assert report["sla"]["candidate"]["escalations"] == 4
    assert report["captured"]["candidate"]["Notify"] > report["captured"]["baseline"]["Notify"]
    cases = org.admin.get(f"{API}/sandbox/runs/{run['id']}/cases").json()["items"]
    quick_case = next(c for c in cases if not c["result"]["baseline"]["tasks"][0]["escalated"])
    assert quick_case["changed"]  # the director, not alice, now answers it
    assert quick_case["result"]["baseline"]["tasks"][0]["by"] == "alice"
    assert quick_case["result"]["candidate"]["tasks"][0]["by"] == "frank"

    # Nothing left the sandbox and nothing of the runtime changed; only the
    # request itself is in the audit trail.
    work_once(manual)
    assert len(robot.received) == received
    assert counts(database_url) == before
    assert _audit(database_url)[len(audit_before) :] == ["sandbox.run.request"]


def _audit(url: str) -> list[str]:
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))
    finally:
        engine.dispose()
