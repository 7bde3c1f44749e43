"""Completing a task over real HTTP on SQLite, against a trivial endpoint.

``POST /api/v1/tasks/{id}/complete`` with a bearer token, through a real
``trellis serve``: the token resolved, the task found and checked (whose it
is, open, the form data against the task's fields, the permission matrix
and the form), the case's step committed (state, history, the next task,
audit) and the task returned. The cases of the lead-approval workflow
(``bench/lead_approval.py``) are started before the clock runs; requests are
sent one after another on one keep-alive connection and counted only when
they answered 200 with the task completed. The reference is a trivial
Litestar endpoint served by the same uvicorn in the same run (as in
``bench/records.py``). Goal: at least 35 % of the trivial rate.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent.parent))

from bench.lead_approval import seed
from bench.persist import open_tasks, start_cases
from bench.publish_roundtrip import reference_requests_per_second
from runtime.store.db import make_engine, make_sessionmaker
from tests.serve import served

SECONDS = 10.0
CASES = 1200
GOAL = 0.35


def completions_per_second(folder: Path) -> tuple[float, int, int]:
    """Completed tasks per second, how many, and how many requests failed."""
    url = f"sqlite:///{folder / 'bench.db'}"
    engine = make_engine(url)
    tokens = seed(engine)
    factory = make_sessionmaker(engine)
    cases = start_cases(factory, CASES)
    tasks = [task for task, node in open_tasks(factory, cases).values() if node == "qualify"]
    engine.dispose()
    done = failed = 0
    with (
        served(url, TRELLIS_FILES_DIR=str(folder / "files")) as base,
        httpx.Client(
            base_url=f"{base}/api/v1",
            headers={"Authorization": f"Bearer {tokens['alice']}"},
            timeout=30,
        ) as http,
    ):
        first = http.post(f"/tasks/{tasks.pop()}/complete", json={"data": {"notes": "called"}})
        assert first.status_code == 200, first.text  # and the server is warm
        start = time.perf_counter()
        while tasks and time.perf_counter() - start < SECONDS:
            response = http.post(
                f"/tasks/{tasks.pop()}/complete", json={"data": {"notes": "called"}}
            )
            if response.status_code == 200 and response.json()["status"] == "completed":
                done += 1
            else:
                failed += 1
        elapsed = time.perf_counter() - start
        if not tasks:
            print(f"  (ran out of tasks after {elapsed:.1f} s: raise CASES)")
    return done / elapsed, done, failed


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        rate, done, failed = completions_per_second(Path(folder))
    reference = reference_requests_per_second(SECONDS)
    share = rate / reference
    print("tasks over HTTP: POST /api/v1/tasks/{id}/complete, bearer token, SQLite")
    print(f"  task completions:         {rate:7.0f} requests/s ({done} completed, {failed} failed)")
    print(f"  trivial Litestar /ping:   {reference:7.0f} requests/s")
    print(
        f"  completions / trivial:    {share:7.1%}        goal >= {GOAL:.0%}"
        + ("" if share >= GOAL else f"  MISSED ({GOAL / share:.1f}x short)")
    )


if __name__ == "__main__":
    main()
