"""Cases started by records: a workflow whose start step listens for its
record form being created or changed starts, in the same transaction as
the write, when the step's condition holds on the record. A workflow
already running on that record is not started a second time by a change."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from builder.evaluate import RecordView, evaluate
from components.engine import Recheck
from runtime.engine.cases import Runner
from runtime.engine.plans import live_workflows
from runtime.store.engine_models import Instance
from runtime.store.models import Record

__all__ = ["recheck_cases", "start_on_record"]


def start_on_record(
    session: Session,
    record: Record,
    change: Literal["record_created", "record_updated"],
    *,
    actor: str,
    now: datetime,
) -> list[Instance]:
    started: list[Instance] = []
    for live in live_workflows(session):
        plan = live.plan
        if plan.record_form != record.form:
            continue
        for node_id in plan.starts:
            config = plan.nodes[node_id].config
            if config.trigger != change:
                continue
            if config.condition:
                view = RecordView(record.data, record.exemptions)
                try:
                    holds = bool(evaluate(plan.expressions[config.condition], record=view, now=now))
                except Exception:  # a condition that cannot be computed on this record
                    holds = False
                if not holds:
                    continue
            if change == "record_updated" and session.scalar(
                select(Instance.id).where(
                    Instance.workflow == live.key,
                    Instance.record_id == record.id,
                    Instance.status == "running",
                )
            ):
                continue
            runner = Runner(session, now)
            started.append(
                runner.start(live.key, record_id=record.id, by=actor, start_node=node_id)
            )
    return started


def recheck_cases(session: Session, record: Record, *, now: datetime) -> int:
    """Running cases on ``record`` with a step held by a hand-off lock look
    again, in the same transaction as the record's change."""
    rechecked = 0
    for instance in session.scalars(
        select(Instance).where(Instance.record_id == record.id, Instance.status == "running")
    ):
        tokens = (instance.state or {}).get("tokens") or []
        if any("locked" in (token.get("wait") or {}) for token in tokens):
            Runner(session, now).send(instance.id, Recheck(reason="record changed"), actor=None)
            rechecked += 1
    return rechecked
