"""``trellis worker``: starts scheduled cases, fires due timers and drains
the outbox, for ever; a thread beside the loop performs queued sandbox
runs (each in a child process, so a long replay holds up nothing).

Several workers may run against one PostgreSQL (claims skip locked rows);
SQLite runs one. SIGTERM and SIGINT stop the loop between two batches."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

from runtime.clock import make_clock
from runtime.config import Settings
from runtime.engine.clock_store import current_time
from runtime.engine.outbox import drain_outbox
from runtime.engine.schedules import start_scheduled
from runtime.engine.timers import fire_due_timers
from runtime.store.db import make_engine, make_sessionmaker

__all__ = ["run_worker", "work_once"]

log = logging.getLogger("trellis.worker")


def work_once(settings: Settings) -> int:
    """One round (timers, then a batch of jobs); returns how much was done."""
    engine = make_engine(settings.database_url)
    try:
        sessions = make_sessionmaker(engine)
        clock = make_clock(settings.clock)
        now = current_time(sessions, clock)
        return (
            start_scheduled(sessions, now)
            + fire_due_timers(sessions, now)
            + drain_outbox(sessions, now)
        )
    finally:
        engine.dispose()


def run_worker(
    settings: Settings, *, poll_seconds: float = 0.5, stop: threading.Event | None = None
) -> None:
    stop = stop or threading.Event()

    def _stop(signum: int, _frame: FrameType | None) -> None:
        log.info("worker stopping (signal %s)", signum)
        stop.set()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
    from runtime.sandbox.perform import watch_runs

    sandbox = threading.Thread(
        target=watch_runs, args=(settings, stop), name="sandbox-runs", daemon=True
    )
    sandbox.start()
    engine = make_engine(settings.database_url)
    sessions = make_sessionmaker(engine)
    clock = make_clock(settings.clock)
    log.info("worker started on %s (clock: %s)", engine.url.render_as_string(), settings.clock)
    try:
        while not stop.is_set():
            try:
                now = current_time(sessions, clock)
                done = (
                    start_scheduled(sessions, now)
                    + fire_due_timers(sessions, now)
                    + drain_outbox(sessions, now)
                )
            except Exception:  # the database went away for a moment: try again
                log.exception("worker round failed")
                done = 0
            if not done:
                stop.wait(poll_seconds)
    finally:
        engine.dispose()
        sandbox.join(timeout=5)
