"""``python -m runtime.sandbox.perform``: the worker's sandbox loop, run in a
process of its own so that its process pool forks from a single-threaded
parent, and a long replay never holds up timers or deliveries."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading

from runtime.clock import make_clock
from runtime.config import Settings
from runtime.engine.clock_store import current_time
from runtime.sandbox.runs import claim_run, perform_run
from runtime.store.db import make_engine, make_sessionmaker, transaction

__all__ = ["perform_queued", "watch_runs"]

log = logging.getLogger("trellis.sandbox")


def perform_queued(settings: Settings) -> int:
    """Claim and perform queued runs until none is left; how many ran."""
    engine = make_engine(settings.database_url)
    sessions = make_sessionmaker(engine)
    clock = make_clock(settings.clock)
    performed = 0
    try:
        while True:
            with transaction(sessions) as session:
                run_id = claim_run(session, current_time(sessions, clock))
            if run_id is None:
                return performed
            status = perform_run(sessions, run_id, clock=lambda: current_time(sessions, clock))
            log.info("sandbox run %s %s", run_id, status)
            performed += 1
    finally:
        engine.dispose()


def watch_runs(settings: Settings, stop: threading.Event, poll_seconds: float = 1.0) -> None:
    """The worker's thread: when a run is queued, perform it in a child process."""
    from sqlalchemy import select

    from runtime.store.sandbox_models import SandboxRun

    engine = make_engine(settings.database_url)
    sessions = make_sessionmaker(engine)
    clock = make_clock(settings.clock)
    try:
        while not stop.is_set():
            try:
                now = current_time(sessions, clock)
                with sessions() as session:
                    # Queued, or claimed by a worker whose claim ran out (it died).
                    waiting = session.scalar(
                        select(SandboxRun.id)
                        .where(
                            (SandboxRun.status == "queued")
                            | ((SandboxRun.status == "running") & (SandboxRun.claimed_until < now))
                        )
                        .limit(1)
                    )
                if waiting is not None:
                    subprocess.run([sys.executable, "-m", "runtime.sandbox.perform"], check=False)
                    continue
            except Exception:  # the database went away for a moment: try again
                log.exception("sandbox watch failed")
            stop.wait(poll_seconds)
    finally:
        engine.dispose()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    perform_queued(Settings.from_env())
