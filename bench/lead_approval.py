"""The lead-approval process the engine benchmarks share, in Trellis and in BPMN.

start -> qualify (the rep fills in a form) -> decision on the amount -> the
manager approves -> the director approves -> end; up to 500,000 the
manager's approval is final (the director is skipped). ``seed`` builds a
migrated database with the org of ``tests.cases``, the lead form, the sales
matrix and this workflow published and live, for the runtime benchmarks.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine

from builder.directory import Snapshot
from components.engine import Member
from runtime.store.db import make_sessionmaker, transaction
from runtime.store.documents import activate, publish, save_draft
from runtime.store.migrate import upgrade
from runtime.store.users import create_token, create_user, find_user, hash_password
from tests.cases import DEAL, LEAD, build_org, matrix
from tests.workflows import edge, node

__all__ = ["BPMN", "KEY", "LIMIT", "PEOPLE", "amounts", "lead_approval", "seed"]

KEY = "lead-approval"
LIMIT = 500_000


def lead_approval() -> dict[str, Any]:
    """The Trellis document: the case's data are its variables (no record)."""
    approved = {"source_port": "approved"}
    rejected = {"source_port": "rejected"}
    return {
        "kind": "workflow",
        "schema_version": 2,
        "key": KEY,
        "title": {"en": "Lead approval", "zh-CN": "线索审批"},
        "nodes": [
            node("start", "start"),
            node(
                "qualify",
                "form_task",
                100,
                form="lead",
                assignee={"by": "user", "user": "alice"},
                fields=["notes"],
            ),
            node("check", "decision", 200),
            node("manager_big", "approval", 300, levels=[{"role": "manager"}]),
            node("director", "approval", 400, levels=[{"role": "director"}]),
            node("manager", "approval", 300, levels=[{"role": "manager"}]),
            node("approved", "end", 500, outcome="approved"),
            node("rejected", "end", 500, outcome="rejected"),
        ],
        "edges": [
            edge("e1", "start", "qualify"),
            edge("e2", "qualify", "check"),
            edge("e3", "check", "manager_big", condition=f"vars['amount'] > {LIMIT}"),
            edge("e4", "check", "manager", default=True),
            edge("e5", "manager_big", "director", **approved),
            edge("e6", "manager_big", "rejected", **rejected),
            edge("e7", "director", "approved", **approved),
            edge("e8", "director", "rejected", **rejected),
            edge("e9", "manager", "approved", **approved),
            edge("e10", "manager", "rejected", **rejected),
        ],
    }


# The same process for SpiffWorkflow: user tasks and an exclusive gateway
# whose condition reads the task data's ``amount``.
BPMN = f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    id="lead_approval_definitions" targetNamespace="http://trellis.test/bench">
  <bpmn:process id="lead_approval" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="qualify" name="Qualify">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:exclusiveGateway id="check" default="f4">
      <bpmn:incoming>f2</bpmn:incoming>
      <bpmn:outgoing>f3</bpmn:outgoing><bpmn:outgoing>f4</bpmn:outgoing>
    </bpmn:exclusiveGateway>
    <bpmn:userTask id="manager_big" name="Manager approval">
      <bpmn:incoming>f3</bpmn:incoming><bpmn:outgoing>f5</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:userTask id="director" name="Director approval">
      <bpmn:incoming>f5</bpmn:incoming><bpmn:outgoing>f6</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:userTask id="manager" name="Manager approval">
      <bpmn:incoming>f4</bpmn:incoming><bpmn:outgoing>f7</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="approved">
      <bpmn:incoming>f6</bpmn:incoming><bpmn:incoming>f7</bpmn:incoming>
    </bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="qualify"/>
    <bpmn:sequenceFlow id="f2" sourceRef="qualify" targetRef="check"/>
    <bpmn:sequenceFlow id="f3" sourceRef="check" targetRef="manager_big">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression"
        >amount &gt; {LIMIT}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f4" sourceRef="check" targetRef="manager"/>
    <bpmn:sequenceFlow id="f5" sourceRef="manager_big" targetRef="director"/>
    <bpmn:sequenceFlow id="f6" sourceRef="director" targetRef="approved"/>
    <bpmn:sequenceFlow id="f7" sourceRef="manager" targetRef="approved"/>
  </bpmn:process>
</bpmn:definitions>
"""

# The people the pure interpreter asks (the same names as ``tests.cases``).
PEOPLE = Snapshot.of(
    [
        Member(username="alice", roles=frozenset({"rep"}), rank=2, region="east", manager="dave"),
        Member(
            username="dave", roles=frozenset({"manager"}), rank=4, region="east", manager="frank"
        ),
        Member(username="frank", roles=frozenset({"director"}), rank=6, region="east"),
    ]
)


def amounts(n: int) -> list[int]:
    """Mixed amounts, half of them above the limit (the director decides those)."""
    return [LIMIT + 100_000 if i % 2 else LIMIT - 100_000 for i in range(n)]


def seed(engine: Engine) -> dict[str, str]:
    """Migrate, build the org, publish and activate the lead and deal forms, the sales
    matrix and the lead-approval workflow; API tokens by username."""
    upgrade(engine)
    now = datetime.now(UTC)
    factory = make_sessionmaker(engine)
    with transaction(factory) as session:
        create_user(session, username="bench", password="bench-password", role="admin", now=now)
    build_org(engine, hash_password("bench-password"))
    with transaction(factory) as session:
        for document in (LEAD, DEAL, matrix(), lead_approval()):
            kind, key = document["kind"], document["key"]
            save_draft(session, kind, key, document, expected_revision=None, actor="bench", now=now)
            version, _ = publish(
                session, kind, key, message="bench", expected_revision=None, actor="bench", now=now
            )
            activate(session, kind, key, "default", version.version, actor="bench", now=now)
    tokens = {}
    with transaction(factory) as session:
        for name in ("alice", "dave", "frank"):
            user = find_user(session, name)
            assert user is not None
            tokens[name] = create_token(session, user, "bench", now)[1]
    return tokens
