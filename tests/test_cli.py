"""The ``trellis`` command: offline validation, argument errors, audit
verification against tampering, user creation, schema drift check."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import Engine, text

from runtime.api.app import create_app
from runtime.store import audit, documents
from runtime.store.db import make_sessionmaker, transaction
from tests.documents import api_example, deal_form
from tests.serve import run_cli


def write(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def test_validate_valid_files(tmp_path: Path) -> None:
    form = write(tmp_path / "deal.json", deal_form())
    flow = write(tmp_path / "flow.json", api_example())
    result = run_cli("sqlite://", "validate", str(form), str(flow))
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines() == [f"{form}: valid", f"{flow}: valid"]


def test_validate_reports_pointers_and_exits_1(tmp_path: Path) -> None:
    broken = api_example()
    broken["edges"][1]["condition"] = "record['discount'] >"
    broken["edges"][3]["target"] = "nowhere"
    flow = write(tmp_path / "flow.json", broken)
    garbage = tmp_path / "garbage.json"
    garbage.write_text('{"kind": "workflow",\n  "nodes": [', encoding="utf-8")
    result = run_cli(
        "sqlite://", "validate", str(flow), str(garbage), str(tmp_path / "missing.json")
    )
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert f"{flow}: /edges/1/condition: expression_syntax: " in "\n".join(lines)
    assert any(line.startswith(f"{flow}: /edges/3/target: missing_node: ") for line in lines)
    assert any(line.startswith(f"{garbage}: not valid JSON") and "line 2" in line for line in lines)
    assert f"{tmp_path / 'missing.json'}: file not found" in lines


def test_form_in_the_same_call_is_used_as_reference(tmp_path: Path) -> None:
    flow = api_example()
    flow["edges"][1]["condition"] = "record['discout'] > 0.1"
    result = run_cli(
        "sqlite://",
        "validate",
        str(write(tmp_path / "deal.json", deal_form())),
        str(write(tmp_path / "flow.json", flow)),
    )
    assert result.returncode == 1
    assert "unknown_record_field" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["serve", "--port", "eighty"],
        ["frobnicate"],
        ["validate"],
        ["db"],
        ["users", "create", "--username", "x"],
    ],
)
def test_bad_arguments_exit_2_with_one_line(args: list[str]) -> None:
    result = run_cli("sqlite://", *args)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("trellis")


def _fill_audit(engine: Engine) -> None:
    now = datetime.now(UTC)
    with transaction(make_sessionmaker(engine)) as session:
        documents.save_draft(
            session, "form", "deal", deal_form(), expected_revision=None, actor="tester", now=now
        )
        documents.publish(
            session, "form", "deal", message="one", expected_revision=None, actor="tester", now=now
        )
        for i in range(3):
            audit.append(session, at=now, actor="tester", action="test.event", detail={"i": i})


def test_audit_verify_intact(database_url: str, engine: Engine) -> None:
    _fill_audit(engine)
    result = run_cli(database_url, "audit", "verify")
    assert result.returncode == 0
    assert result.stdout.strip() == "audit chain intact: 5 entries"


@pytest.mark.parametrize(
    ("tamper", "seq", "problem"),
    [
        ("UPDATE audit_entries SET actor = 'mallory' WHERE seq = 3", 3, "content was changed"),
        ("DELETE FROM audit_entries WHERE seq = 2", 3, "missing"),
        # swap the bodies of entries 2 and 3, keeping their sequence numbers
        (
            "UPDATE audit_entries SET seq = CASE seq WHEN 2 THEN 3 ELSE 2 END WHERE seq IN (2, 3)",
            2,
            "does not link",
        ),
    ],
)
def test_audit_verify_names_the_tampered_entry(
    database_url: str, engine: Engine, tamper: str, seq: int, problem: str
) -> None:
    _fill_audit(engine)
    with engine.begin() as conn:
        if "CASE" in tamper:
            # two steps, so the primary key never holds the same value twice
            conn.execute(text("UPDATE audit_entries SET seq = -seq WHERE seq IN (2, 3)"))
            conn.execute(
                text(
                    "UPDATE audit_entries SET seq = CASE seq WHEN -2 THEN 3 ELSE 2 END "
                    "WHERE seq IN (-2, -3)"
                )
            )
        else:
            conn.execute(text(tamper))
    result = run_cli(database_url, "audit", "verify")
    assert result.returncode == 1
    assert any(
        line.startswith(f"entry {seq}: ") and problem in line for line in result.stdout.splitlines()
    ), result.stdout
    assert "audit chain BROKEN" in result.stdout


def test_users_create(database_url: str) -> None:
    ok = run_cli(
        database_url,
        "users",
        "create",
        "--username",
        "ada",
        "--password",
        "long enough password",
        "--role",
        "publisher",
    )
    assert ok.returncode == 0, ok.stderr
    again = run_cli(
        database_url,
        "users",
        "create",
        "--username",
        "ada",
        "--password",
        "long enough password",
        "--role",
        "publisher",
    )
    assert again.returncode == 1 and len(again.stderr.strip().splitlines()) == 1
    short = run_cli(
        database_url, "users", "create", "--username", "bob", "--password", "x", "--role", "viewer"
    )
    assert short.returncode == 1
    bad_role = run_cli(
        database_url,
        "users",
        "create",
        "--username",
        "eve",
        "--password",
        "long enough password",
        "--role",
        "emperor",
    )
    assert bad_role.returncode in (1, 2)


def test_users_set_role_applies_to_open_sessions(database_url: str, settings: Any) -> None:
    created = run_cli(
        database_url, "users", "create", "--username", "ann", "--password", "long enough pw",
        "--role", "publisher",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    with TestClient(app=create_app(settings)) as client:
        signed_in = client.post(
            "/api/v1/auth/login", json={"username": "ann", "password": "long enough pw"}
        )
        client.headers["Authorization"] = f"Bearer {signed_in.json()['token']}"
        assert "documents.publish" in client.get("/api/v1/me").json()["actions"]
        demoted = run_cli(
            database_url, "users", "set-role", "--username", "ann", "--role", "viewer"
        )
        assert demoted.returncode == 0, demoted.stderr
        assert demoted.stdout.strip() == "user ann: role publisher -> viewer"
        me = client.get("/api/v1/me").json()
        assert me["role"] == "viewer"
        assert "documents.publish" not in me["actions"]
    for bad in (["--username", "nobody", "--role", "viewer"], ["--username", "ann", "--role", "x"]):
        refused = run_cli(database_url, "users", "set-role", *bad)
        assert refused.returncode == 1
        assert len(refused.stderr.strip().splitlines()) == 1
    verified = run_cli(database_url, "audit", "verify")
    assert verified.returncode == 0, verified.stdout


def test_schemas_check_detects_drift(tmp_path: Path) -> None:
    assert run_cli("sqlite://", "schemas", "--check").returncode == 0
    written = run_cli("sqlite://", "schemas", "--out", str(tmp_path))
    assert written.returncode == 0
    (tmp_path / "form.schema.json").write_text("{}", encoding="utf-8")
    drift = run_cli("sqlite://", "schemas", "--check", "--out", str(tmp_path))
    assert drift.returncode == 1 and "form.schema.json" in drift.stdout


def test_validate_refuses_nan_and_folders(tmp_path: Path) -> None:
    nan = tmp_path / "nan.json"
    nan.write_text(json.dumps(api_example()).replace('"x": 0', '"x": NaN', 1), encoding="utf-8")
    result = run_cli("sqlite://", "validate", str(nan), str(tmp_path))
    assert result.returncode == 1
    assert f"{nan}: not valid JSON: NaN is not a JSON number" in result.stdout
    assert f"{tmp_path}: is a folder, not a file" in result.stdout
    assert "Traceback" not in result.stderr


def test_audit_verify_notices_the_newest_entries_deleted(database_url: str, engine: Engine) -> None:
    _fill_audit(engine)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entries WHERE seq >= 4"))
    result = run_cli(database_url, "audit", "verify")
    assert result.returncode == 1
    assert "entry 5: entries 4..5 at the end are missing" in result.stdout
