"""The manual clock's time in the database, so that the API process that
moves it and the worker processes that fire timers agree on "now"."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from runtime.clock import Clock, ManualClock
from runtime.store.db import transaction
from runtime.store.engine_models import ClockSetting

__all__ = ["current_time", "store_time", "stored_time"]


def stored_time(session: Session) -> datetime | None:
    row = session.get(ClockSetting, 1)
    return row.now if row is not None else None


def store_time(session: Session, now: datetime) -> None:
    row = session.get(ClockSetting, 1)
    if row is None:
        session.add(ClockSetting(id=1, now=now))
    else:
        row.now = now


def current_time(factory: sessionmaker[Session], clock: Clock) -> datetime:
    """The time for a worker: a manual clock follows what the API stored."""
    if isinstance(clock, ManualClock):
        with transaction(factory) as session:
            stored = stored_time(session)
        if stored is not None and stored > clock.now():
            clock.advance(stored - clock.now())
    return clock.now()
