"""Issue 5's "done when", end to end against a real ``trellis serve`` on
SQLite and PostgreSQL: an admin designs the deal form and the sales matrix,
grants the finance analyst commission for 14 days, previews as each role,
publishes both as one change set; a rep and a manager then see exactly what
the preview promised."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.serve import ROOT, run_cli, served

pytestmark = pytest.mark.server

DEMO = ROOT / "runtime" / "demo"


def login(api: str, username: str, password: str) -> httpx.Client:
    response = httpx.post(f"{api}/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return httpx.Client(
        base_url=api, headers={"Authorization": f"Bearer {response.json()['token']}"}
    )


def visible(preview: dict[str, Any]) -> set[str]:
    return {f["key"] for f in preview["fields"] if f["access"] != "hidden" and f["shown"]}


def test_design_preview_publish_and_see_what_was_promised(
    database_url: str, tmp_path: Path
) -> None:
    assert run_cli(database_url, "db", "upgrade").returncode == 0
    demo = run_cli(database_url, "demo", "--password-file", str(tmp_path / "pw"))
    assert demo.returncode == 0, demo.stderr
    found = re.search(r"demo login: admin / (\S+)", demo.stdout)
    assert found, demo.stdout
    password = found.group(1)
    with served(database_url) as base:
        api = f"{base}/api/v1"
        admin = login(api, "admin", password)

        # The admin designs the form: a key-account-only field, required there.
        form = json.loads((DEMO / "deal.form.json").read_text(encoding="utf-8"))
        form["fields"].append(
            {
                "key": "ka_tier",
                "type": "select",
                "label": {"en": "Account tier", "zh-CN": "大客户等级"},
                "options": [
                    {"value": "gold", "label": {"en": "Gold", "zh-CN": "金牌"}},
                    {"value": "silver", "label": {"en": "Silver", "zh-CN": "银牌"}},
                ],
                "show_when": {"field": "customer_type", "in": ["key_account"]},
                "require_when": {"field": "customer_type", "in": ["key_account"]},
            }
        )
        saved = admin.put("/documents/form/deal/draft", json=form)
        assert saved.status_code == 200 and saved.json()["valid"], saved.text

        # The matrix: reps see the value but not the margin, managers their region,
        # the finance analyst commission for 14 days from now.
        matrix = json.loads((DEMO / "sales.permission_matrix.json").read_text(encoding="utf-8"))
        now = datetime.now(UTC)
        matrix["grants"] = [
            {
                "user": "fiona",
                "starts_at": now.isoformat(),
                "ends_at": (now + timedelta(days=14)).isoformat(),
                "reason": "Quarter-end commission review",
                "forms": [
                    {
                        "form": "deal",
                        "access": "hidden",
                        "row_scope": "all",
                        "fields": {"commission": "read"},
                    }
                ],
            }
        ]
        saved = admin.put("/documents/permission_matrix/sales/draft", json=matrix)
        assert saved.status_code == 200 and saved.json()["valid"], saved.text

        # Previews of the drafts, per role and customer type.
        def preview(**params: str) -> dict[str, Any]:
            answer = admin.get(
                "/permissions/preview", params={"form": "deal", "source": "draft", **params}
            )
            assert answer.status_code == 200, answer.text
            body: dict[str, Any] = answer.json()
            return body

        rep_ka = preview(role="rep", when="customer_type:key_account")
        rep_smb = preview(role="rep", when="customer_type:smb")
        manager = preview(role="manager", when="customer_type:key_account")
        fiona = preview(user="fiona")
        assert "amount" in visible(rep_ka) and "margin" not in visible(rep_ka)
        assert "ka_tier" in visible(rep_ka) and "ka_tier" not in visible(rep_smb)
        assert rep_ka["row_scope"] == "own" and manager["row_scope"] == "region"
        assert "margin" in visible(manager) and "commission" not in visible(manager)
        assert {f["key"] for f in fiona["fields"] if f["access"] != "hidden"} == {
            "name",
            "stage",
            "amount",
            "region",
            "commission",
        }
        live = admin.get("/permissions/preview", params={"form": "deal", "role": "rep"}).json()
        assert "ka_tier" not in {f["key"] for f in live["fields"]}  # not published yet

        # Both as one change set, live at once.
        changeset = admin.post(
            "/changesets",
            json={
                "title": "KA tier and quarter-end access",
                "items": [
                    {"kind": "form", "key": "deal"},
                    {"kind": "permission_matrix", "key": "sales"},
                ],
            },
        )
        assert changeset.status_code == 201, changeset.text
        published = admin.post(
            f"/changesets/{changeset.json()['id']}/publish",
            json={"message": "quarter end", "activate": "default"},
        )
        assert published.status_code == 200, published.text

        # A rep and a manager see what the preview promised.
        alice, dave = login(api, "alice", password), login(api, "dave", password)
        mine = alice.get("/records/deal", params={"limit": 500}).json()["items"]
        assert mine and {r["owner"] for r in mine} == {"alice"}
        for record in mine:
            promised = rep_ka if record["data"]["customer_type"] == "key_account" else rep_smb
            assert set(record["data"]) <= visible(promised) | {
                f["key"] for f in promised["fields"] if f["access"] != "hidden"
            }
            assert "margin" not in record["data"] and "commission" not in record["data"]
        big = {
            "data": {
                "name": "Big one",
                "customer_type": "key_account",
                "stage": "qualify",
                "amount": 600000,
                "sponsor": "CFO",
            },
            "exemptions": {"budget": "not_disclosed"},
        }
        new = alice.post("/records/deal", json=big)
        assert new.status_code == 422  # the published form requires the tier for key accounts
        assert [e["pointer"] for e in new.json()["errors"]] == ["/data/ka_tier"]
        big["data"]["ka_tier"] = "gold"
        done = alice.post("/records/deal", json=big)
        assert done.status_code == 201, done.text  # owner and region are alice's own
        assert (done.json()["owner"], done.json()["region"]) == ("alice", "east")
        region = dave.get("/records/deal", params={"limit": 500}).json()["items"]
        assert region and {r["region"] for r in region} == {"east"}
        assert any("margin" in r["data"] for r in region)
        assert not any("commission" in r["data"] for r in region)
        south = admin.get("/records/deal", params={"filter": "region:eq:south", "limit": 1}).json()
        assert dave.get(f"/records/deal/{south['items'][0]['id']}").status_code == 404
        fin = (
            login(api, "fiona", password)
            .get("/records/deal", params={"limit": 5, "sort": "-commission"})
            .json()
        )
        assert all(
            set(r["data"]) <= {"name", "stage", "amount", "region", "commission"}
            for r in fin["items"]
        )
        commissions = [r["data"]["commission"] for r in fin["items"]]
        assert commissions == sorted(commissions, reverse=True)  # her grant covers every deal
    assert run_cli(database_url, "audit", "verify").returncode == 0
