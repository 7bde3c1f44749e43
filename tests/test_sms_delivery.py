"""SMS notices end to end, in-process, on SQLite and PostgreSQL: a ``notify``
node on the sms channel queues a job per recipient, the outbox reads the
recipient's phone number when it takes the job and hands the rendered text
to the configured provider (here the generic HTTP gateway, a real local
server); without a number on file the job fails with an incident."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import Engine

from runtime.api.app import create_app
from runtime.config import Settings
from runtime.engine.outbox import Claimed, drain_outbox, perform
from runtime.store.db import make_sessionmaker
from tests.cases import DEAL, LEAD, Org, Receiver, build_org, matrix, publish, receiver, signed_in

API = "/api/v1"
PHONE = "+86 138-0013-8000"
WORKFLOW: dict[str, Any] = {
    "kind": "workflow",
    "schema_version": 2,
    "key": "lead-text",
    "title": {"en": "Text the rep"},
    "record_form": "lead",
    "nodes": [
        {"id": "start", "type": "start", "config": {}, "position": {"x": 0, "y": 0}},
        {
            "id": "text",
            "type": "notify",
            "config": {
                "channel": "sms",
                "to": [{"by": "user", "user": "alice"}],
                "message": {"en": "Hi {company}"},
            },
            "position": {"x": 200, "y": 0},
        },
        {"id": "done", "type": "end", "config": {}, "position": {"x": 400, "y": 0}},
    ],
    "edges": [
        {"id": "e1", "source": "start", "target": "text"},
        {"id": "e2", "source": "text", "target": "done"},
    ],
}


@pytest.fixture
def gateway() -> Iterator[Receiver]:
    yield from receiver()


@pytest.fixture
def org(settings: Settings, engine: Engine, password_hash: str, make_user: Any) -> Iterator[Org]:
    ids = build_org(engine, password_hash)
    with TestClient(app=create_app(settings)) as client:
        clients = {name: signed_in(client, engine, name) for name in ids}
        admin = signed_in(client, engine, make_user("admin", "root"))
        publish(admin, LEAD)
        publish(admin, DEAL)  # the matrix names both forms
        publish(admin, matrix())
        publish(admin, WORKFLOW)
        yield Org(clients=clients, ids=ids, admin=admin)


def start_case(org: Org) -> str:
    lead = org.admin.post(
        f"{API}/records/lead",
        json={"data": {"company": "Acme", "owner": "alice", "region": "east"}},
    )
    assert lead.status_code == 201, lead.text
    case = org.admin.post(
        f"{API}/instances", json={"workflow": "lead-text", "record_id": lead.json()["id"]}
    )
    assert case.status_code == 201, case.text
    instance: str = case.json()["id"]
    return instance


def drain(engine: Engine, gateway: Receiver) -> int:
    env = {"TRELLIS_SMS_URL": gateway.url, "TRELLIS_SMS_TOKEN": "t"}
    return drain_outbox(make_sessionmaker(engine), datetime.now(UTC), env=env)


def test_an_sms_notice_reaches_the_recipients_phone(
    org: Org, engine: Engine, gateway: Receiver
) -> None:
    patched = org.admin.patch(f"{API}/users/alice", json={"phone": PHONE})
    assert patched.status_code == 200, patched.text
    case = start_case(org)

    assert drain(engine, gateway) == 1
    [message] = gateway.received
    assert message["json"] == {"to": PHONE, "text": "Hi Acme"}
    assert message["headers"]["Authorization"] == "Bearer t"
    [job] = org.admin.get(f"{API}/outbox", params={"status": "sent"}).json()["items"]
    assert job["kind"] == "sms" and job["instance_id"] == case
    assert org.admin.get(f"{API}/incidents").json()["items"] == []
    assert drain(engine, gateway) == 0  # sent once


def test_without_a_phone_number_the_job_fails_with_an_incident(
    org: Org, engine: Engine, gateway: Receiver
) -> None:
    case = start_case(org)

    assert drain(engine, gateway) == 1
    assert gateway.received == []
    [job] = org.admin.get(f"{API}/outbox", params={"status": "failed"}).json()["items"]
    assert job["kind"] == "sms"
    [incident] = org.admin.get(f"{API}/incidents").json()["items"]
    assert incident["code"] == "sms_failed" and incident["instance_id"] == case
    assert incident["message"] == "alice has no phone number on file"


def test_the_chinese_text_is_sent_when_there_is_one(gateway: Receiver) -> None:
    job = Claimed(
        id="case:notice:alice",
        kind="sms",
        payload={"to": "alice", "message": {"en": "Hi Acme", "zh-CN": "你好 Acme"}},
        attempts=1,
        max_attempts=5,
        lease_token="lease",
        instance_id=None,
        address=PHONE,
    )
    sent = perform(job, datetime.now(UTC), {"TRELLIS_SMS_URL": gateway.url})
    assert sent.ok, sent.error
    [message] = gateway.received
    assert message["json"] == {"to": PHONE, "text": "你好 Acme"}
    assert "Authorization" not in message["headers"]
