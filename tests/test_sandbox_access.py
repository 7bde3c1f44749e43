# ruff: noqa: F811
"""Who may replay and read a sandbox run (issue 7): the matrix's
``run_sandbox`` per workflow decides asking for a run, reading it, its cases
and its report, and cancelling it; a value summed per outcome must be a
field the requester reads on every record."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.engine import Engine

from runtime.sandbox.perform import perform_queued
from runtime.store.db import make_sessionmaker, transaction
from runtime.store.models import User
from tests.cases import Org, matrix, publish
from tests.test_runtime_api import (  # noqa: F401 (fixtures)
    decide,
    manual,
    org,
    start_discount,
    tasks,
)
from tests.workflows import discount_approval

API = "/api/v1"


def editors(engine: Engine, *names: str) -> None:
    """Give these business users the platform's editor role (sandbox.use)."""
    with transaction(make_sessionmaker(engine)) as session:
        session.execute(update(User).where(User.username.in_(names)).values(role="editor"))


def test_run_sandbox_decides_asking_reading_cancelling_and_the_value_field(
    org: Org, manual: Any, engine: Engine
) -> None:
    rules = matrix()
    for role in rules["roles"]:
        if role["role"] in ("rep", "director"):
            role["actions"] = [*role["actions"], "run_sandbox"]
    publish(org.admin, rules)
    publish(org.admin, discount_approval())
    case = start_discount(org, "alice", 600_000)
    for task in tasks(org["dave"]):
        decide(org, "dave", task)
    editors(engine, "alice", "dave", "frank")
    body = {
        "candidate": {"workflow": "discount-approval", "version": 1},
        "baseline": {"version": 1},
    }

    # A rep may replay, but not sum a field hidden to reps (margin).
    hidden = org["alice"].post(
        f"{API}/sandbox/runs", json={**body, "window": {}, "value_field": "margin"}
    )
    assert hidden.status_code == 422 and hidden.json()["errors"][0]["pointer"] == "/value_field"
    naive = org["alice"].post(
        f"{API}/sandbox/runs", json={**body, "window": {"since": "2020-01-01T00:00:00"}}
    )
    assert naive.status_code == 422  # a time without an offset is refused, at its pointer
    assert naive.json()["errors"][0]["pointer"] == "/window/since"
    asked = org["frank"].post(
        f"{API}/sandbox/runs", json={**body, "window": {}, "value_field": "margin"}
    )
    assert asked.status_code == 202, asked.text
    run_id = asked.json()["id"]
    assert perform_queued(manual) == 1
    report = org["frank"].get(f"{API}/sandbox/runs/{run_id}").json()["report"]
    assert report["cases"] == 1 and report["inputs"]["history"]["window"] == {
        "since": None,
        "until": None,
    }
    assert case["id"] in org["frank"].get(f"{API}/sandbox/runs/{run_id}/cases").text

    # A manager holds no run_sandbox: the run, its cases, report and cancel are closed to them.
    dave = org["dave"]
    for path in ("", "/cases", "/report.md"):
        assert dave.get(f"{API}/sandbox/runs/{run_id}{path}").status_code == 403, path
    assert dave.post(f"{API}/sandbox/runs/{run_id}/cancel").status_code == 403
    assert dave.get(f"{API}/sandbox/runs").json()["items"] == []
    assert [r["id"] for r in org["frank"].get(f"{API}/sandbox/runs").json()["items"]] == [run_id]
    assert dave.post(f"{API}/sandbox/runs", json={**body, "window": {}}).status_code == 403
