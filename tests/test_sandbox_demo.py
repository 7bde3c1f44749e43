"""The demo's generated declaration history: seeded, readable through the BPIC
2020 mapping, reproduced by the travel-declaration workflow it was made for,
shaped like the real log, and loaded once by ``trellis demo``."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path

import msgspec
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from builder.canonical import content_hash
from builder.plan import compile_plan
from builder.simulate import simulate
from runtime.config import Settings
from runtime.demo import DEMO_DATASET, load_demo
from runtime.sandbox import demo_history
from runtime.sandbox.datasets import FieldMapping, parse_history
from runtime.sandbox.impact import compare
from runtime.sandbox.sources import imported_history, synthetic_people
from runtime.store.db import make_sessionmaker, transaction
from runtime.store.sandbox_models import Dataset, DatasetCase

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = json.loads((ROOT / "runtime/demo/travel-declaration.workflow.json").read_text())
MAPPING = msgspec.json.decode(
    (ROOT / "docs/sandbox/bpic2020.mapping.json").read_bytes(), type=FieldMapping
)
APPROVERS = ("PRE_APPROVER", "ADMINISTRATION", "BUDGET OWNER", "SUPERVISOR")


@pytest.fixture(scope="module")
def text() -> str:
    return demo_history.generate()


def by_case(text: str) -> dict[str, list[dict[str, str]]]:
    cases: dict[str, list[dict[str, str]]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        cases.setdefault(row["case_id"], []).append(row)
    return cases


def test_the_same_seed_gives_the_same_bytes(text: str) -> None:
    assert demo_history.generate() == text
    assert demo_history.generate(seed=7) != text
    assert text.splitlines()[0] == ",".join(demo_history.HEADER)
    cases = by_case(text)
    assert list(cases)[:3] == ["declaration 1", "declaration 2", "declaration 3"]
    starts = [events[0]["timestamp"] for events in cases.values()]
    assert starts == sorted(starts)  # numbered in order of submission


def test_it_reads_through_the_bpic_mapping_as_written(text: str) -> None:
    parsed = parse_history(text, MAPPING)
    assert parsed.report()["cases"] == 2000
    assert (parsed.reordered, parsed.duplicates) == (0, 0)
    first = parsed.cases[0]
    assert set(first.fields) == {"amount", "pre_approval", "admin_check", "budget_owner_check"}


def test_the_travel_declaration_workflow_reproduces_every_case(text: str) -> None:
    parsed = parse_history(text, MAPPING)
    histories = [imported_history(c.key, c.fields, c.events, "declaration") for c in parsed.cases]
    people = synthetic_people(histories)
    # Plans are cached by hash: this content's own, not a placeholder another test uses.
    plan = compile_plan(WORKFLOW, key="travel-declaration", version=1, hash=content_hash(WORKFLOW))
    results = []
    for history in histories:
        run = simulate(plan, history, people)
        results.append(compare(history, run, run, {}))
    failed = [(r.key, r.mismatch) for r in results if not r.reproduced]
    assert len(failed) <= len(results) // 100, failed[:5]
    outcomes = Counter((r.baseline.status, r.baseline.outcome) for r in results)
    # Paid, or left by the employee after a rejection (waiting to be resubmitted).
    assert set(outcomes) == {("completed", "paid"), ("running", None)}
    assert outcomes["completed", "paid"] > 0.95 * len(results)


def test_routes_rejections_and_amounts_are_shaped_like_the_log(text: str) -> None:
    cases = by_case(text)
    routes = Counter(
        tuple(role for role in APPROVERS if any(e["role"] == role for e in events))
        for events in cases.values()
    )
    for route, share in demo_history.ROUTE_SHARES:
        assert abs(routes[route] / len(cases) - share) < 0.05, (route, routes[route])
    rejected = sum(
        any("REJECTED" in e["activity"] and e["role"] != "EMPLOYEE" for e in events)
        for events in cases.values()
    )
    # 12.5 % of the log's submitted declarations saw a rejection by an approver.
    assert abs(rejected / len(cases) - 0.125) < 0.05
    amounts = sorted(float(events[0]["amount"]) for events in cases.values())
    assert 30 < amounts[len(amounts) // 2] < 60
    # "Skip the supervisor under 500" must change some cases, not all.
    assert 0.005 < sum(a >= 500 for a in amounts) / len(amounts) < 0.05
    assert amounts[-1] > 1000
    # Named people, so that workload per person means something.
    approvers = {
        e["resource"] for events in cases.values() for e in events if e["role"] in APPROVERS
    }
    assert len(approvers) == 12 and "STAFF MEMBER" not in approvers


def test_the_demo_loads_the_dataset_once(
    settings: Settings, engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    password = tmp_path / "pw"
    assert load_demo(settings, password_file=password) == 0
    assert "dataset:demo-declarations" in capsys.readouterr().out
    assert load_demo(settings, password_file=password) == 0
    assert "dataset:demo-declarations" not in capsys.readouterr().out
    with transaction(make_sessionmaker(engine)) as session:
        datasets = session.scalars(select(Dataset).where(Dataset.name == DEMO_DATASET)).all()
        assert len(datasets) == 1
        [dataset] = datasets
        assert (dataset.cases, dataset.created_by) == (2000, "demo")
        assert dataset.report["reordered_cases"] == 0
        stored = session.scalar(
            select(func.count())
            .select_from(DatasetCase)
            .where(DatasetCase.dataset_id == dataset.id)
        )
        assert stored == 2000
