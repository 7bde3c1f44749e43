"""Scheduled starts: a live workflow whose start step has ``trigger:
schedule`` starts a case each time its cron expression (UTC) comes round.

The worker asks every round. The first time a schedule is seen it is only
noted (no case for times before it went live); afterwards the latest
occurrence that came due starts one case, claimed through a unique row so
that of several workers exactly one starts it. Occurrences missed while no
worker ran are not caught up one by one: the latest stands for them."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from components.cron import Cron, CronError
from runtime.engine.cases import CaseError, Runner
from runtime.engine.plans import live_workflows
from runtime.store.db import transaction
from runtime.store.engine_models import ScheduleRun

__all__ = ["start_scheduled"]

log = logging.getLogger("trellis.worker")


def _due(cron: Cron, last: datetime, now: datetime) -> datetime | None:
    """The latest occurrence after ``last`` and at or before ``now``."""
    found = None
    moment = cron.next_after(last)
    while moment <= now:
        found = moment
        moment = cron.next_after(moment)
    return found


def start_scheduled(factory: sessionmaker[Session], now: datetime) -> int:
    started = 0
    with transaction(factory) as session:
        schedules = [
            (live.key, node_id, str(live.plan.nodes[node_id].config.schedule or ""))
            for live in live_workflows(session)
            for node_id in live.plan.starts
            if live.plan.nodes[node_id].config.trigger == "schedule"
        ]
    for workflow, node, text in schedules:
        try:
            cron = Cron.parse(text)
        except CronError:
            continue  # the builder refuses these at publish; an old version may hold one
        with transaction(factory) as session:
            last = session.scalar(
                select(func.max(ScheduleRun.fire_at)).where(
                    ScheduleRun.workflow == workflow, ScheduleRun.node == node
                )
            )
            if last is None:
                fire_at: datetime | None = now.replace(second=0, microsecond=0)
            else:
                fire_at = _due(cron, last, now)
            if fire_at is None:
                continue
            try:
                with session.begin_nested():
                    run = ScheduleRun(workflow=workflow, node=node, fire_at=fire_at, created_at=now)
                    session.add(run)
                    session.flush()
            except IntegrityError:
                continue  # another worker took this occurrence
            if last is None:
                continue  # first sight: noted, nothing started
            try:
                instance = Runner(session, now).start(
                    workflow, data={"scheduled_for": fire_at.isoformat()}, by=None, start_node=node
                )
            except CaseError as exc:
                log.warning("scheduled start of %s failed: %s", workflow, exc.message)
                continue
            run.instance_id = instance.id
            started += 1
    return started
