"""Issue 6's "done when", end to end: a real ``trellis serve`` and a real
``trellis worker`` with the manual clock, on SQLite and PostgreSQL, over the
demo organisation.

A lead arrives, rep A (alice) gets a task; 48 hours pass; rep B (bob) gets
it with 2 hours, alice and the director get in-app notices and a WeCom
message reaches a local receiver. A 600,000 discount passes the manager and
the director, a 100,000 one only the manager; the director cannot approve
his own request."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.cases import Receiver, receiver
from tests.serve import run_cli, served, worker
from tests.workflows import discount_approval, lead_follow_up

pytestmark = pytest.mark.server


@pytest.fixture
def robot() -> Iterator[Receiver]:
    yield from receiver()


def login(api: str, username: str, password: str) -> httpx.Client:
    response = httpx.post(f"{api}/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    token = response.json()["token"]
    return httpx.Client(base_url=api, headers={"Authorization": f"Bearer {token}"}, timeout=30)


def publish(admin: httpx.Client, document: dict[str, Any]) -> None:
    base = f"/documents/workflow/{document['key']}"
    assert admin.put(f"{base}/draft", json=document).json()["valid"]
    version = admin.post(f"{base}/publish", json={"message": "issue 6"}).json()["version"]
    assert admin.put(f"{base}/active/default", json={"version": version}).status_code == 200


def open_tasks(client: httpx.Client) -> list[dict[str, Any]]:
    response = client.get("/tasks", params={"scope": "mine", "status": "open"})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def eventually(check: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.1)


def test_escalation_and_approvals_through_the_real_api(
    database_url: str, tmp_path: Path, robot: Receiver
) -> None:
    assert run_cli(database_url, "db", "upgrade").returncode == 0
    demo = run_cli(database_url, "demo", "--password-file", str(tmp_path / "pw"))
    assert demo.returncode == 0, demo.stderr
    found = re.search(r"demo login: admin / (\S+)", demo.stdout)
    assert found, demo.stdout
    password = found.group(1)
    manual = {"TRELLIS_CLOCK": "manual"}
    with served(database_url, **manual) as base, worker(database_url, **manual) as process:
        api = f"{base}/api/v1"
        admin = login(api, "admin", password)
        people = {name: login(api, name, password) for name in ("alice", "bob", "dave", "frank")}

        # -- a lead nobody answers for 48 hours -------------------------------
        lead_flow = lead_follow_up(robot.url)
        escalation = lead_flow["nodes"][1]["config"]["sla"]["on_timeout"][0]
        escalation["cc"][1] = {"by": "role", "role": "director"}  # the demo's director
        publish(admin, lead_flow)
        lead = admin.post("/records/lead", json={"data": {"company": "Acme", "region": "east"}})
        assert lead.status_code == 201, lead.text
        [task] = open_tasks(people["alice"])
        assert task["assignees"] == ["alice"] and open_tasks(people["bob"]) == []

        moved = admin.post("/admin/clock", json={"advance": "PT48H"})
        assert moved.status_code == 200 and moved.json()["fired"] >= 1
        # Sessions last 12 hours, on the same clock: everyone signs in again.
        admin = login(api, "admin", password)
        people = {name: login(api, name, password) for name in people}
        [handed] = open_tasks(people["bob"])
        assert handed["id"] == task["id"] and handed["assignees"] == ["bob"]
        assert open_tasks(people["alice"]) == []
        for name in ("alice", "frank"):
            notices = people[name].get("/notifications").json()["items"]
            assert any("bob" in n["message"]["en"] for n in notices), (name, notices)
        eventually(lambda: len(robot.received) == 1)
        message = robot.received[0]["json"]
        assert message["msgtype"] == "text" and "bob" in message["text"]["content"]

        # -- discounts: 600,000 needs the director, 100,000 only the manager ---
        flow = discount_approval()
        flow["key"] = "quote-discount"  # the demo matrix lets reps start this one
        flow["nodes"][1]["config"]["levels"][1].pop("min_rank")  # the demo director is rank 5
        publish(admin, flow)

        def deal(client: httpx.Client, amount: int) -> int:
            made = client.post(
                "/records/deal",
                json={
                    "data": {
                        "name": f"Discount {amount}",
                        "customer_type": "smb",
                        "stage": "negotiate",
                        "amount": amount,
                    }
                },
            )
            assert made.status_code == 201, made.text
            record_id: int = made.json()["id"]
            return record_id

        def start(client: httpx.Client, record_id: int) -> str:
            case = client.post(
                "/instances", json={"workflow": "quote-discount", "record_id": record_id}
            )
            assert case.status_code == 201, case.text
            case_id: str = case.json()["id"]
            return case_id

        def approve(who: str, case_id: str) -> Any:
            # The demo has started cases of its own: take this case's task.
            [approval] = [t for t in open_tasks(people[who]) if t["instance_id"] == case_id]
            return people[who].post(
                f"/tasks/{approval['id']}/decide", json={"decision": "approve", "comment": "ok"}
            )

        big = start(people["alice"], deal(people["alice"], 600_000))
        assert approve("dave", big).status_code == 200
        assert approve("frank", big).status_code == 200
        assert admin.get(f"/instances/{big}").json()["outcome"] == "approved"

        small = start(people["alice"], deal(people["alice"], 100_000))
        assert approve("dave", small).status_code == 200
        assert [t for t in open_tasks(people["frank"]) if t["instance_id"] == small] == []
        assert admin.get(f"/instances/{small}").json()["outcome"] == "approved"

        # -- the director's own request goes to another director ---------------
        hired = admin.post(
            "/users",
            json={
                "username": "gina",
                "password": password,
                "roles": ["director"],
                "display_name": "Gina Director",
            },
        )
        assert hired.status_code == 201, hired.text
        gina = login(api, "gina", password)
        own = start(people["frank"], deal(people["alice"], 700_000))
        assert approve("dave", own).status_code == 200
        [second] = [t for t in open_tasks(gina) if t["instance_id"] == own]
        refused = people["frank"].post(
            f"/tasks/{second['id']}/decide", json={"decision": "approve"}
        )
        assert refused.status_code == 403, refused.text
        assert refused.json()["errors"][0]["code"] == "self_approval"
        assert (
            gina.post(f"/tasks/{second['id']}/decide", json={"decision": "approve"}).status_code
            == 200
        )
        assert admin.get(f"/instances/{own}").json()["outcome"] == "approved"
        assert process.poll() is None
