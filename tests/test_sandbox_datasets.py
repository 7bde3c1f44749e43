"""Imported histories: the reading (pure), the upload through the API on
SQLite and PostgreSQL, and ``trellis sandbox import`` on the real BPIC 2020
log (../shared/data/bpic2020, read from there)."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import Engine, func, select

from runtime.api.app import create_app
from runtime.config import Settings
from runtime.sandbox.datasets import DatasetError, FieldMapping, parse_history
from runtime.store.db import make_sessionmaker
from runtime.store.sandbox_models import Dataset, DatasetCase
from tests.cases import signed_in
from tests.serve import run_cli

# The shared data sits beside the checkout (../shared/data); a clone elsewhere
# names it with TRELLIS_SHARED_DATA.
_CANDIDATES = [
    Path(os.environ["TRELLIS_SHARED_DATA"]) if os.environ.get("TRELLIS_SHARED_DATA") else None,
    Path(__file__).resolve().parents[2] / "shared" / "data",
    Path("/work/shared/data"),
]
BPIC = next(
    (p / "bpic2020" for p in _CANDIDATES if p is not None and (p / "bpic2020").is_dir()),
    Path("shared/data/bpic2020"),
)
EVENTS = BPIC / "domestic_declarations_events.csv"
MAPPING = FieldMapping(case_id="case", timestamp="at", event="what", actor="who", fields=["amount"])
GOOD = """case,at,what,who,amount
A,2020-01-02T09:00:00Z,submitted,ann,120.5
A,2020-01-01T09:00:00Z,saved,ann,120.5
B,2020-01-03T10:00:00+01:00,submitted,bo,80
B,2020-01-03T10:00:00+01:00,submitted,bo,80
A,2020-01-03T09:00:00Z,approved,sam,120.5
"""


def test_reading_orders_events_drops_duplicates_and_hashes_the_cases() -> None:
    parsed = parse_history(GOOD, MAPPING)
    assert parsed.report() == {
        "cases": 2,
        "events": 4,
        "reordered_cases": 1,
        "duplicates_dropped": 1,
    }
    a, b = parsed.cases
    assert [e.name for e in a.events] == ["saved", "submitted", "approved"]
    assert a.fields == {"amount": 120.5} and b.fields == {"amount": 80}
    assert b.events[0].at.isoformat() == "2020-01-03T09:00:00+00:00"
    shuffled = "\n".join([GOOD.splitlines()[0], *reversed(GOOD.splitlines()[1:])])
    assert parse_history(shuffled, MAPPING).hash == parsed.hash
    as_json = json.dumps(
        [
            dict(zip(["case", "at", "what", "who", "amount"], line.split(","), strict=True))
            for line in GOOD.splitlines()[1:]
        ]
    )
    assert parse_history(as_json, MAPPING, "json").hash == parsed.hash


def test_a_missing_column_or_a_bad_time_names_column_and_line() -> None:
    with pytest.raises(DatasetError) as missing:
        parse_history(GOOD, FieldMapping(case_id="case", timestamp="when", event="what"))
    assert [e.pointer for e in missing.value.errors] == ["/mapping/timestamp"]
    assert "'when'" in missing.value.errors[0].message["en"]
    bad = GOOD.replace("2020-01-03T09:00:00Z", "next tuesday").replace(
        "B,2020-01-03T10:00:00+01:00,submitted,bo,80\nB", "B,2020-01-03T10:00:00,submitted,bo,80\nB"
    )
    with pytest.raises(DatasetError) as times:
        parse_history(bad, MAPPING)
    pointers = [e.pointer for e in times.value.errors]
    assert pointers == ["/rows/4/at", "/rows/6/at"]
    assert "line 6, column at: 'next tuesday'" in times.value.errors[1].message["en"]
    assert "offset" in times.value.errors[0].message["en"]
    with pytest.raises(DatasetError) as no_case:
        parse_history(
            "case,at,what\n,2020-01-01T00:00:00Z,x\n",
            MAPPING.__class__(case_id="case", timestamp="at", event="what"),
        )
    assert no_case.value.errors[0].pointer == "/rows/2/case"


@pytest.fixture
def admin(settings: Settings, engine: Engine, make_user: Any) -> Iterator[Any]:
    with TestClient(app=create_app(settings)) as client:
        yield signed_in(client, engine, make_user("admin", "root")), client


def upload(client: Any, text: str, mapping: dict[str, Any], name: str = "h.csv") -> Any:
    return client.post(
        "/api/v1/sandbox/datasets",
        files={"file": (name, text.encode(), "text/csv")},
        data={"mapping": json.dumps(mapping)},
    )


def test_upload_is_all_or_nothing(admin: Any, engine: Engine, make_user: Any) -> None:
    client, raw = admin
    mapping = {"case_id": "case", "timestamp": "at", "event": "what", "fields": ["amount"]}
    made = upload(client, GOOD, mapping)
    assert made.status_code == 201, made.text
    body = made.json()
    assert (body["cases"], body["events"]) == (2, 4)
    assert body["report"]["duplicates_dropped"] == 1
    assert client.get(f"/api/v1/sandbox/datasets/{body['id']}").json()["hash"] == body["hash"]

    bad = upload(client, GOOD.replace("2020-01-03T09:00:00Z", "soon"), mapping)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["pointer"] == "/rows/6/at"
    wrong = upload(client, GOOD, {**mapping, "event": "nope"})
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["pointer"] == "/mapping/event"
    garbled = upload(client, GOOD, {"case_id": "case"})
    assert garbled.status_code == 422
    with make_sessionmaker(engine)() as session:
        assert session.scalar(select(func.count()).select_from(Dataset)) == 1
        assert session.scalar(select(func.count()).select_from(DatasetCase)) == 2
    viewer = signed_in(raw, engine, make_user("viewer"))
    assert upload(viewer, GOOD, mapping).status_code == 403
    assert client.get("/api/v1/sandbox/datasets/999").status_code == 404


@pytest.mark.server
def test_the_bpic_2020_log_imports_from_the_command_line(database_url: str) -> None:
    if not EVENTS.exists():
        pytest.skip(f"{EVENTS} is not on this machine")
    assert run_cli(database_url, "db", "upgrade").returncode == 0
    args = [
        "sandbox",
        "import",
        str(EVENTS),
        "--case-id",
        "case_id",
        "--timestamp",
        "timestamp",
        "--event",
        "activity",
        "--actor",
        "resource",
        "--role",
        "role",
        "--field",
        "amount",
    ]
    first = run_cli(database_url, *args)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "10357 cases, 55628 events" in first.stdout
    again = run_cli(database_url, *args)
    digest = re.search(r"sha256:[0-9a-f]{64}", first.stdout)
    assert digest and digest.group(0) in again.stdout  # the same history, the same hash
    wrong = run_cli(database_url, *args[:6], "when", *args[7:])
    assert wrong.returncode == 1
    assert "mapping:timestamp" in wrong.stdout and "'when'" in wrong.stdout
    missing = run_cli(database_url, "sandbox", "import", str(EVENTS))
    assert missing.returncode == 2
