"""Firing due timers: deadlines, reminders and waits.

A timer is claimed and fired in one transaction: the row is deleted and the
case advanced together, so a crash fires it again later and never twice.
On PostgreSQL several workers claim with ``FOR UPDATE SKIP LOCKED`` and
never take the same timer; each batch is worked in instance order so that
two workers always lock cases in the same order (no deadlock)."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from components.engine import Refused, TimerFired
from runtime.engine.cases import CaseError, Runner
from runtime.store.db import transaction
from runtime.store.engine_models import Incident, Timer

__all__ = ["fire_due_timers"]

log = logging.getLogger("trellis.worker")

BATCH = 50


def _claim(session: Session, now: datetime) -> list[tuple[str, str]]:
    """(timer id, instance id) of a batch of due timers, locked for this worker."""
    query = (
        select(Timer.id, Timer.instance_id, Timer.due_at)
        .where(Timer.due_at <= now)
        .order_by(Timer.due_at, Timer.id)
        .limit(BATCH)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = sorted(session.execute(query), key=lambda r: (r.instance_id, r.due_at, r.id))
    return [(row.id, row.instance_id) for row in rows]


def fire_due_timers(factory: sessionmaker[Session], now: datetime, *, limit: int = 10_000) -> int:
    """Fire every timer due at ``now`` (up to ``limit``); returns how many."""
    fired = 0
    while fired < limit:
        with transaction(factory) as session:
            timers = _claim(session, now)
            if not timers:
                break
            runner = Runner(session, now)
            for handle, instance_id in timers:
                gone = session.execute(delete(Timer).where(Timer.id == handle))
                if not gone.rowcount:  # type: ignore[attr-defined]
                    continue  # cancelled by an earlier timer of the same case
                savepoint = session.begin_nested()
                try:
                    runner.send(instance_id, TimerFired(timer=handle), actor=None)
                    savepoint.commit()
                except (Refused, CaseError):
                    savepoint.rollback()  # the case ended or is gone: nothing to do
                except Exception as exc:  # one broken case must not stop the others
                    savepoint.rollback()
                    log.exception("timer %s of case %s failed", handle, instance_id)
                    session.add(
                        Incident(
                            id=f"{handle}:failed",
                            instance_id=instance_id,
                            code="timer_failed",
                            message=f"{type(exc).__name__}: {exc}",
                            status="open",
                            retries=0,
                            created_at=now,
                        )
                    )
                fired += 1
    return fired
