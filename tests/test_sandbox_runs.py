"""Sandbox runs (issue 7): history drives the same advance() through the
baseline and a candidate; the baseline reproduces its history, the
candidate's changes are attributed to its edits, policies fill what history
cannot tell, and a run is refused, cancelled or completed as a whole."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
from litestar.testing import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from builder.canonical import content_hash
from builder.plan import compile_plan
from builder.simulate import Policies, simulate
from runtime.api.app import create_app
from runtime.config import Settings
from runtime.sandbox.datasets import FieldMapping, parse_history
from runtime.sandbox.execute import RunSpec, replay_all
from runtime.sandbox.impact import compare
from runtime.sandbox.perform import perform_queued
from runtime.sandbox.report import build_report
from runtime.sandbox.runs import perform_run, request_cancel
from runtime.sandbox.sources import imported_history, roles_named, synthetic_people
from runtime.store.db import make_sessionmaker, transaction
from runtime.store.sandbox_models import SandboxRun, SandboxRunCase
from tests.cases import publish, signed_in

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = json.loads((ROOT / "runtime/demo/travel-declaration.workflow.json").read_text())
FORM = json.loads((ROOT / "runtime/demo/declaration.form.json").read_text())
MAPPING_JSON = json.loads((ROOT / "docs/sandbox/bpic2020.mapping.json").read_text())
MAPPING = msgspec.convert(MAPPING_JSON, FieldMapping)
API = "/api/v1"

# Five declarations in the shape of BPIC 2020 (invented, not copied): two
# small ones through administration and the supervisor, a large one through
# the budget owner too, one rejected by the supervisor and resubmitted, one
# only saved.
HISTORY = """case_id,activity,timestamp,role,resource,amount
d1,Declaration SUBMITTED by EMPLOYEE,2024-01-08T09:00:00Z,EMPLOYEE,Ann,120
d1,Declaration APPROVED by ADMINISTRATION,2024-01-08T15:00:00Z,ADMINISTRATION,Ben,120
d1,Declaration FINAL_APPROVED by SUPERVISOR,2024-01-10T09:00:00Z,SUPERVISOR,Cy,120
d1,Request Payment,2024-01-11T09:00:00Z,UNDEFINED,SYSTEM,120
d1,Payment Handled,2024-01-13T09:00:00Z,UNDEFINED,SYSTEM,120
d2,Declaration SUBMITTED by EMPLOYEE,2024-01-09T09:00:00Z,EMPLOYEE,Dee,80
d2,Declaration APPROVED by ADMINISTRATION,2024-01-09T10:00:00Z,ADMINISTRATION,Ben,80
d2,Declaration FINAL_APPROVED by SUPERVISOR,2024-01-12T10:00:00Z,SUPERVISOR,Cy,80
d2,Request Payment,2024-01-12T12:00:00Z,UNDEFINED,SYSTEM,80
d2,Payment Handled,2024-01-15T12:00:00Z,UNDEFINED,SYSTEM,80
d3,Declaration SUBMITTED by EMPLOYEE,2024-01-10T09:00:00Z,EMPLOYEE,Ann,2400
d3,Declaration APPROVED by ADMINISTRATION,2024-01-10T11:00:00Z,ADMINISTRATION,Ben,2400
d3,Declaration APPROVED by BUDGET OWNER,2024-01-11T11:00:00Z,BUDGET OWNER,Eve,2400
d3,Declaration FINAL_APPROVED by SUPERVISOR,2024-01-12T11:00:00Z,SUPERVISOR,Cy,2400
d3,Request Payment,2024-01-13T11:00:00Z,UNDEFINED,SYSTEM,2400
d3,Payment Handled,2024-01-14T11:00:00Z,UNDEFINED,SYSTEM,2400
d4,Declaration SUBMITTED by EMPLOYEE,2024-01-11T09:00:00Z,EMPLOYEE,Dee,300
d4,Declaration REJECTED by SUPERVISOR,2024-01-12T09:00:00Z,SUPERVISOR,Cy,300
d4,Declaration REJECTED by EMPLOYEE,2024-01-12T10:00:00Z,EMPLOYEE,Dee,300
d4,Declaration SUBMITTED by EMPLOYEE,2024-01-13T10:00:00Z,EMPLOYEE,Dee,300
d4,Declaration FINAL_APPROVED by SUPERVISOR,2024-01-14T10:00:00Z,SUPERVISOR,Cy,300
d4,Request Payment,2024-01-15T10:00:00Z,UNDEFINED,SYSTEM,300
d4,Payment Handled,2024-01-16T10:00:00Z,UNDEFINED,SYSTEM,300
d5,Declaration SAVED by EMPLOYEE,2024-01-12T09:00:00Z,EMPLOYEE,Ann,0
d5,Declaration FOR_INFORMATION by SYSTEM,2024-01-12T10:00:00Z,UNDEFINED,SYSTEM,0
"""


def skip_supervisor_under(limit: int) -> dict[str, Any]:
    """The Done-when's draft: declarations under ``limit`` skip the supervisor."""
    draft = copy.deepcopy(WORKFLOW)
    for edge in draft["edges"]:
        if edge["target"] == "supervisor":
            edge["target"] = "small"
    draft["nodes"].append(
        {"id": "small", "type": "decision", "config": {}, "position": {"x": 1080, "y": 120}}
    )
    draft["edges"] += [
        {
            "id": "e30",
            "source": "small",
            "target": "request",
            "condition": f"record['amount'] < {limit}",
        },
        {"id": "e31", "source": "small", "target": "supervisor", "default": True},
    ]
    return draft


def with_finance_check() -> dict[str, Any]:
    """A new approval step history has never seen: finance after the supervisor."""
    draft = copy.deepcopy(WORKFLOW)
    draft["nodes"].append(
        {
            "id": "finance",
            "type": "approval",
            "config": {"levels": [{"role": "finance"}]},
            "position": {"x": 1320, "y": 120},
        }
    )
    for edge in draft["edges"]:
        if edge["id"] == "e10":
            edge["target"] = "finance"
    draft["edges"] += [
        {"id": "e32", "source": "finance", "target": "request"},
        {"id": "e33", "source": "finance", "source_port": "rejected", "target": "seen"},
    ]
    return draft


def histories() -> list[Any]:
    parsed = parse_history(HISTORY, MAPPING)
    return [imported_history(c.key, c.fields, c.events, "declaration") for c in parsed.cases]


def spec(candidate: dict[str, Any], **more: Any) -> RunSpec:
    return RunSpec(
        workflow="travel-declaration",
        candidate=candidate,
        candidate_hash=content_hash(candidate),  # plans are cached by hash
        baseline=WORKFLOW,
        baseline_version=1,
        baseline_hash=content_hash(WORKFLOW),
        value_field="amount",
        **more,
    )


def test_the_version_that_ran_reproduces_the_imported_history() -> None:
    cases = histories()
    people = synthetic_people(cases)
    plan = compile_plan(WORKFLOW, key="travel-declaration", version=1, hash="b")
    runs = {h.key: simulate(plan, h, people) for h in cases}
    results = {h.key: compare(h, runs[h.key], runs[h.key], {}) for h in cases}
    assert all(r.reproduced for r in results.values()), [r.mismatch for r in results.values()]
    assert runs["d3"].path == [
        "submitted", "route", "admin", "budget", "owner", "supervisor", "request", "payment", "paid"
    ]  # fmt: skip
    assert runs["d4"].path.count("supervisor") == 2  # rejected, resubmitted, approved
    # Only saved (and an event the mapping gives no meaning): open where
    # history ends, asking no policy for the supervisor it never reached.
    assert runs["d5"].status == "running" and runs["d5"].unanswered is None
    # Recorded people decide, at the recorded times.
    [admin, supervisor] = runs["d1"].tasks
    assert (admin.by, supervisor.by) == ("administration:Ben", "supervisor:Cy")
    assert runs["d1"].cycle_hours == 5 * 24
    assert runs["d1"].captured == {}


def test_skipping_the_supervisor_is_attributed_to_the_edits_and_shortens_cases() -> None:
    outcome = replay_all(
        spec(skip_supervisor_under(500)),
        histories(),
        synthetic_people(histories()),
        executor="inline",
    )
    by_key = {r.key: r for r in outcome.results}
    # d3 (2,400) passes the new check and goes on as before; d5 was only
    # saved and now waits for payment instead of the supervisor.
    assert {k for k, r in by_key.items() if r.changed} == {"d1", "d2", "d4", "d5"}
    assert by_key["d3"].tier == "A" and by_key["d1"].tier == "B"
    # An unchanged case comes out exactly as the baseline did.
    assert by_key["d3"].candidate.cycle_seconds == by_key["d3"].baseline.cycle_seconds
    divergence = by_key["d1"].divergence
    assert divergence is not None
    assert (divergence.baseline, divergence.candidate) == ("supervisor", "request")
    named = {outcome.edits[i].path for i in divergence.causes}
    assert "/nodes/small" in named and "/edges/e8/target" in named
    # d1: the supervisor took 42 h; the payment request now follows the
    # administration's approval by the recorded 24 h.
    assert by_key["d1"].candidate.cycle_seconds == by_key["d1"].baseline.cycle_seconds - 42 * 3600
    # d4 was rejected by the supervisor: without them it is paid in one round.
    assert by_key["d4"].candidate.path.count("route") == 1
    report = build_report(outcome.results, inputs={}, edits=outcome.edits, teams={})
    supervisor = next(r for r in report["approvals"] if r["node"] == "supervisor")
    assert (supervisor["baseline"], supervisor["candidate"]) == (5, 1)
    assert report["changed"] == {"cases": 4, "share": 0.8, "tiers": {"A": 1, "B": 4, "C": 0}}
    assert report["cycle_time"]["change"]["median_hours"] < 0
    assert report["baseline_reproduction"]["reproduced"] == 5


def test_a_new_step_is_filled_by_the_stated_policy_with_an_interval() -> None:
    cases = histories()
    policies = msgspec.convert(
        {"nodes": {"finance": {"kind": "approve_rate", "after": "PT8H"}}}, Policies
    )
    outcome = replay_all(
        spec(with_finance_check(), policies=policies, seed=3, replicates=40),
        cases,
        synthetic_people(cases, roles_named(with_finance_check())),
        executor="inline",
    )
    tiers = {r.key: r.tier for r in outcome.results}
    assert tiers == {"d1": "C", "d2": "C", "d3": "C", "d4": "C", "d5": "A"}
    assert len(outcome.replicates) == 40
    report = build_report(
        outcome.results, inputs={}, edits=outcome.edits, teams={}, replicates=outcome.replicates
    )
    assert report["approvals_total"]["interval"] is not None
    paid = next(r for r in report["outcomes"] if r["outcome"] == "paid")
    low, high = paid["interval"]
    assert 0 <= low <= high <= 4
    assert any("finance" in d["en"] for d in report["disclosure"])


def test_results_are_the_same_whatever_the_executor_and_partitions() -> None:
    cases = histories() * 1  # distinct keys; a pool of 2 with 3 partitions
    policies = msgspec.convert({"default": {"kind": "approve_rate"}}, Policies)
    one = spec(with_finance_check(), policies=policies, seed=11, replicates=10)
    people = synthetic_people(cases, roles_named(with_finance_check()))
    inline = replay_all(one, cases, people, executor="inline")
    pooled = replay_all(one, cases, people, executor="process", workers=2, partitions=3)

    def encoded(outcome: Any) -> bytes:
        report = build_report(
            outcome.results, inputs={}, edits=outcome.edits, teams={}, replicates=outcome.replicates
        )
        return json.dumps(report, sort_keys=True, default=str).encode()

    assert encoded(inline) == encoded(pooled)
    other = replay_all(
        spec(with_finance_check(), policies=policies, seed=12, replicates=10),
        cases,
        people,
        executor="inline",
    )
    assert encoded(other) != encoded(inline)


# -- through the API, on SQLite and PostgreSQL -----------------------------------------


@pytest.fixture
def admin(settings: Settings, engine: Engine, make_user: Any) -> Iterator[Any]:
    with TestClient(app=create_app(settings)) as client:
        admin = signed_in(client, engine, make_user("admin", "root"))
        publish(admin, FORM)
        publish(admin, WORKFLOW)
        made = admin.post(
            f"{API}/sandbox/datasets",
            files={"file": ("declarations.csv", HISTORY.encode(), "text/csv")},
            data={"mapping": json.dumps(MAPPING_JSON)},
        )
        assert made.status_code == 201, made.text
        yield admin, made.json()["id"]


def save_draft(client: Any, document: dict[str, Any]) -> None:
    saved = client.put(f"{API}/documents/workflow/{document['key']}/draft", json=document)
    assert saved.status_code in (200, 201), saved.text


def ask(client: Any, dataset: int, **more: Any) -> Any:
    body = {
        "candidate": {"workflow": "travel-declaration"},
        "baseline": {"version": 1},
        "dataset": dataset,
    }
    return client.post(f"{API}/sandbox/runs", json={**body, **more})


def test_a_run_through_the_api_reports_and_lists_its_cases(
    admin: Any, settings: Settings, engine: Engine
) -> None:
    client, dataset = admin
    save_draft(client, skip_supervisor_under(500))
    asked = ask(client, dataset, seed=5)
    assert asked.status_code == 202, asked.text
    run_id = asked.json()["id"]
    assert client.get(f"{API}/sandbox/runs/{run_id}").json()["status"] == "queued"
    assert perform_queued(settings) == 1
    run = client.get(f"{API}/sandbox/runs/{run_id}").json()
    assert run["status"] == "completed", run
    assert run["progress"] == {"done": 5, "total": 5}
    report = run["report"]
    assert report["baseline_reproduction"]["mismatched"] == 0
    assert report["changed"]["cases"] == 4
    assert report["inputs"]["history"]["hash"].startswith("sha256:")
    assert report["inputs"]["candidate"]["hash"] == run["candidate_hash"]
    changed = client.get(f"{API}/sandbox/runs/{run_id}/cases", params={"changed": "true"}).json()
    assert [c["case"] for c in changed["items"]] == ["d1", "d2", "d4", "d5"]
    first = changed["items"][0]["result"]
    assert first["divergence"]["baseline"] == "supervisor"
    assert first["baseline"]["path"] != first["candidate"]["path"]
    markdown = client.get(f"{API}/sandbox/runs/{run_id}/report.md")
    assert markdown.status_code == 200 and "Baseline reproduced: 5 of 5" in markdown.text

    # The same inputs again: the same report, byte for byte.
    again = ask(client, dataset, seed=5).json()["id"]
    perform_queued(settings)
    with make_sessionmaker(engine)() as session:
        one, two = session.get(SandboxRun, run_id), session.get(SandboxRun, again)
        assert one is not None and two is not None
        assert json.dumps(one.report, sort_keys=True) == json.dumps(two.report, sort_keys=True)


def test_bad_runs_are_refused_with_pointers_and_nothing_stored(admin: Any, engine: Engine) -> None:
    client, dataset = admin
    save_draft(client, with_finance_check())
    missing = ask(client, dataset)
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["pointer"] == "/policies/nodes/finance"
    other = ask(client, dataset, baseline={"version": 1, "workflow": "lead-follow-up"})
    assert other.status_code == 422 and other.json()["errors"][0]["pointer"] == "/baseline/workflow"
    unknown = ask(client, dataset, baseline={"version": 9})
    assert (
        unknown.status_code == 422 and unknown.json()["errors"][0]["pointer"] == "/baseline/version"
    )
    assert ask(client, 999).json()["errors"][0]["pointer"] == "/dataset"
    broken = copy.deepcopy(WORKFLOW)
    broken["edges"].append({"id": "e99", "source": "route", "target": "nowhere"})
    save_draft(client, broken)
    invalid = ask(client, dataset)
    assert invalid.status_code == 422
    assert all(e["pointer"].startswith("/candidate/") for e in invalid.json()["errors"])
    with make_sessionmaker(engine)() as session:
        assert session.scalar(select(func.count()).select_from(SandboxRun)) == 0


def test_a_run_cancelled_midway_keeps_no_report(
    admin: Any, settings: Settings, engine: Engine
) -> None:
    client, dataset = admin
    save_draft(client, skip_supervisor_under(500))
    run_id = ask(client, dataset).json()["id"]
    sessions = make_sessionmaker(engine)
    from datetime import UTC, datetime

    from runtime.sandbox.runs import claim_run

    with transaction(sessions) as session:
        assert claim_run(session, datetime.now(UTC)) == run_id

    def cancel_at_first_progress(done: int, total: int) -> None:
        with transaction(sessions) as session:
            request_cancel(session, run_id, actor="admin", now=datetime.now(UTC))

    status = perform_run(
        sessions,
        run_id,
        clock=lambda: datetime.now(UTC),
        executor="process",
        workers=2,
        on_progress=cancel_at_first_progress,
    )
    assert status == "cancelled"
    run = client.get(f"{API}/sandbox/runs/{run_id}").json()
    assert run["status"] == "cancelled" and "report" not in run
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(SandboxRunCase)) == 0
    assert client.get(f"{API}/sandbox/runs/{run_id}/report.md").status_code == 409


def test_a_step_that_needs_a_policy_at_run_time_fails_the_run_naming_it(
    admin: Any, settings: Settings
) -> None:
    """The budget owner exists in the baseline (so no policy is asked for up
    front), but the candidate sends every case there: history cannot say
    what they would have decided about the small ones."""
    client, dataset = admin
    draft = copy.deepcopy(WORKFLOW)
    for edge in draft["edges"]:
        if edge["id"] == "e7":
            edge["condition"] = "record['amount'] > 0"
    save_draft(client, draft)
    run_id = ask(client, dataset).json()["id"]
    perform_queued(settings)
    run = client.get(f"{API}/sandbox/runs/{run_id}").json()
    assert run["status"] == "failed" and "report" not in run
    assert run["error"]["errors"][0]["pointer"] == "/policies/nodes/owner"
    assert "owner" in run["error"]["message"]


# -- the command line, as a new user runs it ---------------------------------------------


@pytest.mark.server
def test_trellis_sandbox_run_reports_and_refuses_bad_arguments(
    database_url: str, tmp_path: Path
) -> None:
    from tests.serve import run_cli

    for args in (("db", "upgrade"), ("demo", "--password-file", str(tmp_path / "pw"))):
        done = run_cli(database_url, *args)
        assert done.returncode == 0, done.stderr
    history = tmp_path / "declarations.csv"
    history.write_text(HISTORY, encoding="utf-8")
    mapping = str(ROOT / "docs/sandbox/bpic2020.mapping.json")
    imported = run_cli(database_url, "sandbox", "import", str(history), "--mapping", mapping)
    assert imported.returncode == 0, imported.stderr
    dataset = imported.stdout.split()[1]
    report, markdown = tmp_path / "report.json", tmp_path / "report.md"
    run = run_cli(
        database_url,
        *("sandbox", "run", "--workflow", "travel-declaration", "--candidate", "1"),
        *("--dataset", dataset, "--seed", "5", "--quiet", "--executor", "inline"),
        *("--json", str(report), "--markdown", str(markdown)),
    )
    assert run.returncode == 0, run.stderr
    assert "Baseline reproduced: 5 of 5" in run.stdout
    body = json.loads(report.read_text(encoding="utf-8"))
    assert body["cases"] == 5 and body["inputs"]["seed"] == 5
    assert markdown.read_text(encoding="utf-8").startswith("# Sandbox report: travel-declaration")
    bad = run_cli(database_url, "sandbox", "run", "--workflow", "travel-declaration",
                  "--candidate", "soon", "--dataset", dataset)  # fmt: skip
    assert bad.returncode == 2 and "--candidate" in bad.stderr
    unknown = run_cli(database_url, "sandbox", "run", "--workflow", "travel-declaration",
                      "--dataset", "999")  # fmt: skip
    assert unknown.returncode == 1 and "/dataset" in unknown.stderr
    noisy = run_cli(
        database_url,
        *("sandbox", "run", "--workflow", "travel-declaration", "--dataset", dataset),
        *("--policies", str(history)),  # not JSON
    )
    assert noisy.returncode == 2 and "policies" in noisy.stderr
