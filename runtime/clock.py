"""The one place the runtime reads the time.

``TRELLIS_CLOCK=manual`` swaps in a clock that only moves when told to, so a
48-hour escalation is tested in milliseconds."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol, runtime_checkable

__all__ = ["Clock", "ManualClock", "SystemClock", "make_clock"]


@runtime_checkable
class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """Starts at the real time (or ``start``) and moves only by :meth:`advance`."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime.now(UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        with self._lock:
            self._now += delta
            return self._now


def make_clock(kind: str) -> Clock:
    if kind == "manual":
        return ManualClock()
    if kind == "system":
        return SystemClock()
    raise ValueError(f"TRELLIS_CLOCK must be 'system' or 'manual', not {kind!r}")
