"""The Runtime section through the HTTP API, on SQLite and PostgreSQL, with
the manual clock: the Done-when of the engine issue and its bad input."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import Engine, update

from runtime.api.app import create_app
from runtime.config import Settings
from runtime.engine.worker import work_once
from runtime.store.db import make_sessionmaker
from runtime.store.models import Role
from tests.cases import DEAL, LEAD, Org, Receiver, build_org, matrix, publish, receiver, signed_in
from tests.workflows import discount_approval, lead_follow_up

API = "/api/v1"


@pytest.fixture
def manual(settings: Settings) -> Settings:
    return replace(settings, clock="manual")


@pytest.fixture
def robot() -> Iterator[Receiver]:
    yield from receiver()


@pytest.fixture
def org(manual: Settings, engine: Engine, password_hash: str, make_user: Any) -> Iterator[Org]:
    ids = build_org(engine, password_hash)
    with TestClient(app=create_app(manual)) as client:
        clients = {name: signed_in(client, engine, name) for name in ids}
        admin = signed_in(client, engine, make_user("admin", "root"))
        publish(admin, LEAD)
        publish(admin, DEAL)
        publish(admin, matrix())
        yield Org(clients=clients, ids=ids, admin=admin)


def tasks(client: Any, **params: str) -> list[dict[str, Any]]:
    response = client.get(f"{API}/tasks", params=params)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def inbox(client: Any) -> list[dict[str, Any]]:
    response = client.get(f"{API}/notifications")
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def advance_clock(org: Org, duration: str) -> dict[str, Any]:
    response = org.admin.post(f"{API}/admin/clock", json={"advance": duration})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_unanswered_lead_escalates_to_rep_b_and_copies_rep_a_the_director_and_wecom(
    org: Org, robot: Receiver, manual: Settings
) -> None:
    publish(org.admin, lead_follow_up(robot.url))
    created = org.admin.post(
        f"{API}/records/lead", json={"data": {"company": "Acme", "owner": "alice", "margin": 0.4}}
    )
    assert created.status_code == 201, created.text
    [task] = tasks(org["alice"])
    assert task["node"] == "call" and task["assignees"] == ["alice"]
    assert tasks(org["bob"]) == []

    assert advance_clock(org, "PT47H")["fired"] == 0
    assert tasks(org["alice"])[0]["overdue"] is False
    assert advance_clock(org, "PT1H")["fired"] == 1

    assert tasks(org["alice"]) == []
    [escalated] = tasks(org["bob"])
    assert escalated["id"] == task["id"] and escalated["assignees"] == ["bob"]
    assert escalated["due_at"] > task["due_at"]
    for person in ("alice", "frank"):
        [notice] = inbox(org[person])
        assert "bob" in notice["message"]["en"] and notice["task_id"] == task["id"]
    assert inbox(org["gina"]) == []  # the south's director is not copied

    assert work_once(manual) >= 1  # the worker drains the outbox
    [message] = robot.received
    assert message["json"]["msgtype"] == "text"
    assert "bob" in message["json"]["text"]["content"]
    assert message["headers"].get("Idempotency-Key") is None  # robots get plain JSON
    sent = org.admin.get(f"{API}/outbox", params={"status": "sent"}).json()["items"]
    assert [job["kind"] for job in sent] == ["robot"]

    # Two more hours without an answer: the director takes it over.
    advance_clock(org, "PT2H")
    [taken] = tasks(org["frank"])
    done = org["frank"].post(f"{API}/tasks/{taken['id']}/complete", json={"data": {"notes": "ok"}})
    assert done.status_code == 200, done.text
    case = org.admin.get(f"{API}/instances/{task['instance_id']}").json()
    assert case["status"] == "completed" and case["outcome"] == "qualified"
    assert case["path"] == ["start", "call", "done"]
    kinds = [line["kind"] for line in case["history"]]
    assert kinds.count("escalated") == 2 and "deadline_passed" in kinds


def test_hidden_fields_never_leak_through_a_task_or_a_timeline(org: Org, robot: Receiver) -> None:
    publish(org.admin, lead_follow_up(robot.url))
    org.admin.post(
        f"{API}/records/lead",
        json={"data": {"company": "Acme", "owner": "alice", "margin": 0.123456}},
    )
    [task] = tasks(org["alice"])
    detail = org["alice"].get(f"{API}/tasks/{task['id']}").json()
    assert detail["values"]["company"] == "Acme" and "margin" not in detail["values"]
    done = org["alice"].post(
        f"{API}/tasks/{task['id']}/complete", json={"data": {"notes": "called"}}
    )
    assert done.status_code == 200, done.text
    as_rep = org["alice"].get(f"{API}/instances/{task['instance_id']}")
    assert as_rep.status_code == 200
    assert "0.123456" not in as_rep.text
    as_director = org["frank"].get(f"{API}/instances/{task['instance_id']}")
    assert as_director.status_code == 200  # the director sees every lead
    refused = org["alice"].post(
        f"{API}/tasks/{task['id']}/complete", json={"data": {"margin": 0.9}}
    )
    assert refused.status_code == 409  # already done
    assert org["carol"].get(f"{API}/instances/{task['instance_id']}").status_code == 404


def start_discount(org: Org, who: str, amount: int) -> dict[str, Any]:
    deal = org[who].post(
        f"{API}/records/deal", json={"data": {"company": f"Deal {amount}", "amount": amount}}
    )
    assert deal.status_code == 201, deal.text
    case = org[who].post(
        f"{API}/instances", json={"workflow": "discount-approval", "record_id": deal.json()["id"]}
    )
    assert case.status_code == 201, case.text
    body: dict[str, Any] = case.json()
    return body


def decide(org: Org, who: str, task: dict[str, Any], decision: str = "approve") -> Any:
    return org[who].post(
        f"{API}/tasks/{task['id']}/decide", json={"decision": decision, "comment": "fine"}
    )


@pytest.mark.parametrize(
    ("amount", "approvers"), [(600_000, ["dave", "frank"]), (100_000, ["dave"])]
)
def test_discount_passes_the_levels_its_amount_needs(
    org: Org, amount: int, approvers: list[str]
) -> None:
    publish(org.admin, discount_approval())
    case = start_discount(org, "alice", amount)
    for who in approvers:
        [task] = tasks(org[who])
        assert decide(org, who, task).status_code == 200
    final = org.admin.get(f"{API}/instances/{case['id']}").json()
    assert final["status"] == "completed" and final["outcome"] == "approved"
    assert [t["closed_by"] for t in final["tasks"]] == approvers
    assert tasks(org["frank"]) == []


def test_the_director_cannot_approve_their_own_request(org: Org) -> None:
    publish(org.admin, discount_approval())
    case = start_discount(org, "frank", 600_000)
    [first] = tasks(org["dave"])
    assert decide(org, "dave", first).status_code == 200
    [second] = tasks(org["gina"])  # frank asked: another director decides
    assert tasks(org["frank"]) == []
    refused = decide(org, "frank", second)
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["code"] == "self_approval"
    assert "self-approval" in refused.json()["detail"]
    assert decide(org, "gina", second).status_code == 200
    assert org.admin.get(f"{API}/instances/{case['id']}").json()["outcome"] == "approved"


def test_rank_too_low_others_task_twice_and_concurrently(org: Org, engine: Engine) -> None:
    publish(org.admin, discount_approval())
    start_discount(org, "alice", 600_000)
    [first] = tasks(org["dave"])
    assert decide(org, "bob", first).status_code == 404  # not his: he cannot even see it
    assert (
        org["alice"]
        .post(f"{API}/tasks/{first['id']}/decide", json={"decision": "approve"})
        .status_code
        == 403
    )
    results: list[int] = []

    def approve() -> None:
        results.append(decide(org, "dave", first).status_code)

    threads = [threading.Thread(target=approve) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [200, 409]
    [second] = tasks(org["frank"])
    with make_sessionmaker(engine)() as session, session.begin():
        session.execute(update(Role).where(Role.key == "director").values(rank=5))
    refused = decide(org, "frank", second)
    assert refused.status_code == 403 and refused.json()["errors"][0]["code"] == "rank_too_low"


def test_form_data_is_validated_before_anything_changes(org: Org, robot: Receiver) -> None:
    publish(org.admin, lead_follow_up(robot.url))
    org.admin.post(f"{API}/records/lead", json={"data": {"company": "Acme", "owner": "alice"}})
    [task] = tasks(org["alice"])
    before = org.admin.get(f"{API}/instances/{task['instance_id']}").json()
    bad = org["alice"].post(f"{API}/tasks/{task['id']}/complete", json={"data": {"amount": -5}})
    assert bad.status_code == 422, bad.text
    assert bad.json()["errors"][0]["pointer"] == "/data/amount"
    hidden = org["alice"].post(f"{API}/tasks/{task['id']}/complete", json={"data": {"margin": 1}})
    assert hidden.status_code == 403
    after = org.admin.get(f"{API}/instances/{task['instance_id']}").json()
    assert after["history"] == before["history"] and after["status"] == "running"
    other = org["bob"].post(f"{API}/tasks/{task['id']}/complete", json={"data": {}})
    assert other.status_code == 404  # bob holds no part of it


def test_events_unknown_case_and_idempotency(org: Org) -> None:
    document = {
        "kind": "workflow",
        "schema_version": 2,
        "key": "wait-signature",
        "title": {"en": "Wait for signature"},
        "nodes": [
            {"id": "start", "type": "start"},
            {
                "id": "wait",
                "type": "wait",
                "config": {"until": "event", "event": "contract.signed"},
            },
            {"id": "done", "type": "end", "config": {"outcome": "won"}},
        ],
        "edges": [
            {"id": "e1", "source": "start", "target": "wait"},
            {"id": "e2", "source": "wait", "target": "done"},
        ],
    }
    publish(org.admin, document)
    case = org.admin.post(f"{API}/instances", json={"workflow": "wait-signature"}).json()
    missing = org.admin.post(
        f"{API}/instances/nope/events", json={"name": "contract.signed", "idempotency_key": "k"}
    )
    assert missing.status_code == 404
    event = {"name": "contract.signed", "payload": {"by": "x"}, "idempotency_key": "sig-1"}
    first = org.admin.post(f"{API}/instances/{case['id']}/events", json=event)
    second = org.admin.post(f"{API}/instances/{case['id']}/events", json=event)
    assert first.status_code == 200 and first.json()["applied"] is True
    assert second.status_code == 200 and second.json()["applied"] is False
    final = second.json()["instance"]
    assert final["outcome"] == "won"
    assert [line["kind"] for line in final["history"]].count("event") == 2  # start + one signal


def test_start_needs_the_matrix_action_and_a_live_version(
    org: Org, engine: Engine, make_user: Any, manual: Settings
) -> None:
    publish(org.admin, discount_approval())
    nope = org.admin.post(f"{API}/instances", json={"workflow": "no-such-flow"})
    assert nope.status_code == 404
    nobody = signed_in(org.admin._client, engine, make_user("viewer"))
    refused = nobody.post(f"{API}/instances", json={"workflow": "discount-approval"})
    assert refused.status_code == 403 and "'start' on discount-approval" in refused.text
    unknown = org["alice"].post(
        f"{API}/instances", json={"workflow": "discount-approval", "record_id": 999999}
    )
    assert unknown.status_code == 404 and unknown.json()["errors"][0]["pointer"] == "/record_id"


def test_webhook_target_down_retries_then_incident_and_retry(
    org: Org, robot: Receiver, manual: Settings, engine: Engine
) -> None:
    robot.status = 503
    document = {
        "kind": "workflow",
        "schema_version": 2,
        "key": "crm-sync",
        "title": {"en": "CRM sync"},
        "nodes": [
            {"id": "start", "type": "start"},
            {
                "id": "push",
                "type": "webhook",
                "config": {"url": robot.url, "retries": 2, "response": {"crm_id": "/id"}},
            },
            {"id": "done", "type": "end"},
        ],
        "edges": [
            {"id": "e1", "source": "start", "target": "push"},
            {"id": "e2", "source": "push", "target": "done"},
        ],
    }
    publish(org.admin, document)
    case = org.admin.post(f"{API}/instances", json={"workflow": "crm-sync"}).json()
    for _ in range(3):
        work_once(manual)
        advance_clock(org, "PT2H")  # past the backoff
    assert len(robot.received) == 3
    keys = {r["headers"]["Idempotency-Key"] for r in robot.received}
    assert len(keys) == 1 and keys.pop().startswith(f"{case['id']}:job:")
    [incident] = org.admin.get(f"{API}/incidents").json()["items"]
    assert incident["code"] == "webhook_failed" and incident["instance_id"] == case["id"]
    robot.status, robot.answer = 200, {"id": "CRM-7"}
    retried = org.admin.post(f"{API}/incidents/{incident['id']}/retry")
    assert retried.status_code == 200, retried.text
    assert org.admin.post(f"{API}/incidents/{incident['id']}/retry").status_code == 409
    work_once(manual)
    final = org.admin.get(f"{API}/instances/{case['id']}").json()
    assert final["status"] == "completed" and final["variables"]["crm_id"] == "CRM-7"


def _one_step(key: str, start: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": "workflow",
        "schema_version": 2,
        "key": key,
        "title": {"en": key},
        "nodes": [
            {"id": "begin", "type": "start", "config": start},
            {"id": "done", "type": "end", "config": {"outcome": "sent"}},
        ],
        "edges": [{"id": "e1", "source": "begin", "target": "done"}],
    }


def test_scheduled_and_webhook_starts(org: Org, manual: Settings) -> None:
    bad = _one_step("daily-digest", {"trigger": "schedule", "schedule": "9 * *"})
    refused = org.admin.post(f"{API}/validate", json=bad).json()
    assert not refused["valid"]
    assert any(e["pointer"] == "/nodes/0/config/schedule" for e in refused["errors"])
    publish(org.admin, _one_step("daily-digest", {"trigger": "schedule", "schedule": "0 9 * * *"}))
    publish(org.admin, _one_step("crm-hook", {"trigger": "webhook"}))

    def cases(key: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = org.admin.get(
            f"{API}/instances", params={"workflow": key}
        ).json()["items"]
        return found

    work_once(manual)  # first sight of the schedule: noted, nothing started
    assert cases("daily-digest") == []
    advance_clock(org, "P1D")
    work_once(manual)
    work_once(manual)
    [scheduled] = cases("daily-digest")
    assert scheduled["outcome"] == "sent" and "scheduled_for" in scheduled["variables"]

    hooked = org.admin.post(
        f"{API}/instances", json={"workflow": "crm-hook", "start": "begin", "data": {"n": 1}}
    )
    assert hooked.status_code == 201, hooked.text
    wrong = org.admin.post(f"{API}/instances", json={"workflow": "daily-digest", "start": "begin"})
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["pointer"] == "/start"


def test_a_subflow_runs_and_its_end_moves_the_parent_on(org: Org) -> None:
    child = {
        "kind": "workflow",
        "schema_version": 2,
        "key": "credit-check",
        "title": {"en": "Credit check"},
        "nodes": [
            {"id": "start", "type": "start"},
            {
                "id": "check",
                "type": "form_task",
                "config": {"form": "lead", "assignee": {"by": "user", "user": "alice"}},
            },
            {"id": "ok", "type": "end", "config": {"outcome": "passed"}},
        ],
        "edges": [
            {"id": "e1", "source": "start", "target": "check"},
            {"id": "e2", "source": "check", "target": "ok"},
        ],
    }
    parent = {
        "kind": "workflow",
        "schema_version": 2,
        "key": "onboarding",
        "title": {"en": "Onboarding"},
        "nodes": [
            {"id": "start", "type": "start"},
            {"id": "credit", "type": "subflow", "config": {"workflow": "credit-check"}},
            {"id": "done", "type": "end", "config": {"outcome": "onboarded"}},
        ],
        "edges": [
            {"id": "e1", "source": "start", "target": "credit"},
            {"id": "e2", "source": "credit", "target": "done"},
        ],
    }
    publish(org.admin, child)
    publish(org.admin, parent)
    case = org.admin.post(f"{API}/instances", json={"workflow": "onboarding", "data": {"x": 1}})
    assert case.status_code == 201, case.text
    assert case.json()["current"][0]["waiting_for"] == "subflow"
    [task] = tasks(org["alice"])
    assert task["workflow"] == "credit-check"
    done = org["alice"].post(f"{API}/tasks/{task['id']}/complete", json={"data": {"notes": "ok"}})
    assert done.status_code == 200, done.text
    final = org.admin.get(f"{API}/instances/{case.json()['id']}").json()
    assert final["status"] == "completed" and final["outcome"] == "onboarded"
    assert final["variables"]["credit"]["outcome"] == "passed"
    assert final["variables"]["credit"]["notes"] == "ok"


def test_a_delegate_decides_while_the_manager_is_away(org: Org) -> None:
    publish(org.admin, discount_approval())
    now = datetime.fromisoformat(advance_clock(org, "PT1S")["now"])
    away = {
        "delegate": "erin",
        "starts_at": now.isoformat(),
        "ends_at": (now + timedelta(days=7)).isoformat(),
        "reason": "holiday",
    }
    assert org["dave"].post(f"{API}/delegations", json=away).status_code == 201
    bad = org["dave"].post(f"{API}/delegations", json={**away, "delegate": "dave"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["pointer"] == "/delegate"
    other = org["alice"].post(f"{API}/delegations", json={**away, "user": "dave"})
    assert other.status_code == 403
    start_discount(org, "alice", 100_000)
    [task] = tasks(org["erin"])  # stands in for dave
    assert task["assignees"] == ["dave", "erin"]
    assert decide(org, "erin", task).status_code == 200
    case = org.admin.get(f"{API}/instances/{task['instance_id']}").json()
    assert case["outcome"] == "approved" and case["tasks"][0]["closed_by"] == "erin"
    assert [line["kind"] for line in case["history"]].count("delegated") == 1


def test_case_and_task_lists_page_with_cursors(org: Org) -> None:
    publish(org.admin, discount_approval())
    started = {start_discount(org, "alice", 1000 + i)["id"] for i in range(3)}

    def walk(url: str, client: Any) -> list[str]:
        seen: list[str] = []
        cursor = None
        while True:
            params: dict[str, Any] = {"limit": 1, **({"cursor": cursor} if cursor else {})}
            body = client.get(url, params=params).json()
            seen += [item["id"] for item in body["items"]]
            cursor = body["next_cursor"]
            if cursor is None:
                return seen

    cases = walk(f"{API}/instances", org["alice"])
    assert len(cases) == 3 and set(cases) == started
    assert len(set(walk(f"{API}/tasks", org["dave"]))) == 3
    forged = org["alice"].get(f"{API}/instances", params={"cursor": "bm9wZQ"})
    assert forged.status_code == 400


def test_a_locked_step_waits_for_the_record_and_moves_when_it_is_filled(org: Org) -> None:
    document = {
        "kind": "workflow",
        "schema_version": 2,
        "key": "book-deal",
        "title": {"en": "Book a deal"},
        "record_form": "deal",
        "nodes": [
            {"id": "start", "type": "start"},
            {
                "id": "book",
                "type": "set",
                "config": {
                    "assignments": [{"target": "vars.booked", "expression": "True"}],
                    "lock": "record['notes'] is not None",
                },
            },
            {"id": "done", "type": "end", "config": {"outcome": "booked"}},
        ],
        "edges": [
            {"id": "e1", "source": "start", "target": "book"},
            {"id": "e2", "source": "book", "target": "done"},
        ],
    }
    publish(org.admin, document)
    deal = org["alice"].post(f"{API}/records/deal", json={"data": {"company": "Lock Ltd"}})
    case = (
        org["alice"]
        .post(f"{API}/instances", json={"workflow": "book-deal", "record_id": deal.json()["id"]})
        .json()
    )
    assert case["status"] == "running" and case["current"][0]["waiting_for"] == "lock"
    changed = org["alice"].patch(
        f"{API}/records/deal/{deal.json()['id']}", json={"data": {"notes": "signed"}}
    )
    assert changed.status_code == 200, changed.text
    final = org["alice"].get(f"{API}/instances/{case['id']}").json()
    assert final["status"] == "completed" and final["outcome"] == "booked"


def test_claim_cancel_and_retry_refuse_what_they_cannot_do(org: Org) -> None:
    shared = {
        "kind": "workflow",
        "schema_version": 2,
        "key": "shared-call",
        "title": {"en": "Shared call"},
        "record_form": "lead",
        "nodes": [
            {"id": "start", "type": "start"},
            {
                "id": "call",
                "type": "form_task",
                "config": {"form": "lead", "assignee": {"by": "role_in_region", "role": "rep"}},
            },
            {"id": "done", "type": "end"},
        ],
        "edges": [
            {"id": "e1", "source": "start", "target": "call"},
            {"id": "e2", "source": "call", "target": "done"},
        ],
    }
    publish(org.admin, shared)
    lead = org["alice"].post(f"{API}/records/lead", json={"data": {"company": "Pool"}})
    case = (
        org["alice"]
        .post(f"{API}/instances", json={"workflow": "shared-call", "record_id": lead.json()["id"]})
        .json()
    )
    [task] = tasks(org["alice"])
    assert task["assignees"] == ["alice", "bob"]
    assert org["dave"].post(f"{API}/tasks/{task['id']}/claim").status_code == 404
    assert org["bob"].post(f"{API}/tasks/{task['id']}/claim").status_code == 200
    again = org["alice"].post(f"{API}/tasks/{task['id']}/claim")
    assert again.status_code == 409 and "bob" in again.text
    taken = org["alice"].post(f"{API}/tasks/{task['id']}/complete", json={"data": {}})
    assert taken.status_code == 403 and "bob" in taken.text

    assert org["bob"].post(f"{API}/instances/{case['id']}/cancel").status_code == 403
    assert org["alice"].post(f"{API}/instances/{case['id']}/cancel").status_code == 200
    twice = org["alice"].post(f"{API}/instances/{case['id']}/cancel")
    assert twice.status_code == 409 and twice.json()["errors"][0]["code"] == "not_running"
    assert org.admin.post(f"{API}/incidents/nope/retry").status_code == 404
