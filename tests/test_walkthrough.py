"""The issue's "done when", end to end against a real ``trellis serve`` process
over real HTTP, on SQLite and PostgreSQL, as the README walks through it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest

from tests.documents import api_example
from tests.serve import run_cli, served

pytestmark = pytest.mark.server


def test_new_user_walkthrough(database_url: str, tmp_path: Path) -> None:
    # `make run` = db upgrade + demo + serve; the demo prints the admin password.
    assert run_cli(database_url, "db", "upgrade").returncode == 0
    demo = run_cli(database_url, "demo", "--password-file", str(tmp_path / "pw.txt"))
    assert demo.returncode == 0, demo.stderr
    password = re.search(r"demo login: admin / (\S+)", demo.stdout)
    assert password, demo.stdout

    with served(database_url) as base:
        api = f"{base}/api/v1"
        login = httpx.post(
            f"{api}/auth/login", json={"username": "admin", "password": password.group(1)}
        )
        assert login.status_code == 200, login.text
        assert "trellis_session" in login.cookies
        http = httpx.Client(
            base_url=api, headers={"Authorization": f"Bearer {login.json()['token']}"}
        )
        draft = "/documents/workflow/discount-approval/draft"

        # The example from API.md with a broken edge: saved, with a pointed error.
        broken = api_example()
        broken["edges"][3]["target"] = "finish"
        saved = http.put(draft, json=broken)
        assert saved.status_code == 201
        assert saved.json()["valid"] is False
        assert [e["pointer"] for e in saved.json()["errors"]] == ["/edges/3/target"]
        refused = http.post("/documents/workflow/discount-approval/publish", json={})
        assert refused.status_code == 422
        assert refused.headers["content-type"].startswith("application/problem+json")

        # Fixed, saved against the revision it was edited from, published as v1.
        fixed = http.put(draft, json=api_example(), headers={"If-Match": '"1"'})
        assert fixed.json() == {"revision": 2, "valid": True, "errors": []}
        v1 = http.post(
            "/documents/workflow/discount-approval/publish",
            json={"message": "first", "revision": 2},
        )
        assert (v1.status_code, v1.json()["version"]) == (201, 1)

        # A stricter threshold becomes v2.
        stricter = api_example()
        stricter["edges"][1]["condition"] = "record['discount'] > 0.2"
        http.put(draft, json=stricter, headers={"If-Match": '"2"'})
        v2 = http.post(
            "/documents/workflow/discount-approval/publish", json={"message": "stricter"}
        )
        assert (v2.status_code, v2.json()["version"]) == (201, 2)

        diff = http.get(
            "/documents/workflow/discount-approval/diff", params={"from": 1, "to": 2}
        ).json()
        assert [(c["op"], c["path"]) for c in diff["changes"]] == [
            ("changed", "/edges/e2/condition")
        ]
        assert "0.2" in diff["changes"][0]["summary"]["en"]

        active = "/documents/workflow/discount-approval/active"
        assert http.put(f"{active}/east", json={"version": 2}).status_code == 200
        assert http.put(f"{active}/south", json={"version": 1}).status_code == 200
        rolled = http.put(f"{active}/east", json={"version": 1, "reason": "too strict"}).json()
        assert {v: p["version"] for v, p in rolled["variants"].items()} == {"east": 1, "south": 1}
        assert rolled["history"][0]["action"] == "rollback"
        assert len(http.get("/documents/workflow/discount-approval/versions").json()["items"]) == 2

        # The served OpenAPI document describes the contract.
        spec = httpx.get(f"{api}/schema/openapi.json").json()
        assert "/api/v1/documents/{kind}/{key}/active/{variant}" in spec["paths"]

    exported = run_cli(database_url, "export", str(tmp_path / "export"))
    assert exported.returncode == 0, exported.stdout + exported.stderr
    version_file = tmp_path / "export" / "workflow" / "discount-approval" / "versions" / "2.json"
    assert json.loads(version_file.read_text(encoding="utf-8"))["version"] == 2
    verified = run_cli(database_url, "audit", "verify")
    assert verified.returncode == 0, verified.stdout
    assert "audit chain intact" in verified.stdout
