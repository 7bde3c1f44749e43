"""One task completion persisted: the runtime shell on SQLite and PostgreSQL.

A step is ``Runner(session, now).send(instance, TaskCompleted(...), actor)``
inside ``transaction(sessionmaker)``: the instance row locked and read, the
interpreter's step, the state, the history lines, the task closed and the
next one opened with its assignees, and the audit entry, committed together.
Cases of the lead-approval workflow (``bench/lead_approval.py``) are started
before the clock runs; only committed steps are counted.

1. SQLite (a migrated temp database): the rep's completion of the qualify
   task against a bare two-statement SQLAlchemy Core transaction (an UPDATE
   and an INSERT on a small table) on the same database, in alternating
   rounds of the same run. Goal: a step costs at most 1.5x the bare one.
2. PostgreSQL (own schema, dropped after): 4 worker processes, each driving
   its own cases through every task (qualify, then the approvals): steps/s;
   then the same 4 processes running the bare transaction, for reference.
"""

from __future__ import annotations

import multiprocessing
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections import deque
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import Column, DateTime, Engine, Integer, MetaData, String, Table, text
from sqlalchemy import insert as core_insert
from sqlalchemy import select as core_select
from sqlalchemy import update as core_update
from sqlalchemy.orm import Session, sessionmaker

sys.path.insert(0, str(Path(__file__).parent.parent))

from bench.lead_approval import KEY, amounts, seed
from components.engine import Decided, Event, TaskCompleted
from runtime.engine.cases import Runner
from runtime.store.db import make_engine, make_sessionmaker, transaction
from runtime.store.engine_models import Task

POSTGRES_URL = os.environ.get(
    "TRELLIS_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
ROUNDS = 12
STEPS_PER_ROUND = 60
WORKERS = 4
PG_SECONDS = 15.0
PG_BARE_SECONDS = 5.0
CASES_PER_WORKER = 300
# Who acts on each task of the workflow.
ACTORS = {"qualify": "alice", "manager": "dave", "manager_big": "dave", "director": "frank"}

reference_metadata = MetaData()
counters = Table(
    "bench_counters",
    reference_metadata,
    Column("id", Integer, primary_key=True),
    Column("n", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True)),
)
entries = Table(
    "bench_entries",
    reference_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("counter_id", Integer, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("note", String(100), nullable=False),
)


def start_cases(factory: sessionmaker[Session], count: int, offset: int = 0) -> list[str]:
    """Start ``count`` cases (set-up: 50 a transaction), mixed amounts."""
    mix = amounts(count + offset)[offset:]
    ids: list[str] = []
    for first in range(0, count, 50):
        with transaction(factory) as session:
            runner = Runner(session, datetime.now(UTC))
            for amount in mix[first : first + 50]:
                ids.append(runner.start(KEY, data={"amount": amount}, by="alice").id)
    return ids


def open_tasks(factory: sessionmaker[Session], instances: list[str]) -> dict[str, tuple[str, str]]:
    """The open task of each case: (task id, node)."""
    with factory() as session:
        rows = session.execute(
            core_select(Task.instance_id, Task.id, Task.node).where(Task.status == "open")
        ).all()
    wanted = set(instances)
    return {row[0]: (row[1], row[2]) for row in rows if row[0] in wanted}


def event_for(task: str, node: str) -> tuple[Event, str]:
    actor = ACTORS[node]
    if node == "qualify":
        return TaskCompleted(task=task, by=actor, data={"notes": "called"}), actor
    return Decided(task=task, by=actor, decision="approve"), actor


def step(
    factory: sessionmaker[Session], instance_id: str, task: str, node: str
) -> tuple[str, str] | None:
    """One committed step; the case's next open task (id, node), if any."""
    event, actor = event_for(task, node)
    with transaction(factory) as session:
        instance = Runner(session, datetime.now(UTC)).send(instance_id, event, actor)
        state = instance.state
    if state.get("status", "running") != "running":
        return None
    wait = state["tokens"][0]
    return wait["wait"]["task"], wait["node"]


def bare(engine: Engine, n: int, counter: int) -> None:
    """The reference: UPDATE a counter and INSERT a line, one transaction."""
    with engine.begin() as conn:
        now = datetime.now(UTC)
        conn.execute(
            core_update(counters)
            .where(counters.c.id == counter)
            .values(n=counters.c.n + 1, updated_at=now)
        )
        conn.execute(core_insert(entries).values(counter_id=counter, at=now, note=f"step {n}"))


def reference_tables(engine: Engine) -> None:
    reference_metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(core_insert(counters), [{"id": i, "n": 0} for i in range(1, 11)])


def sqlite_ratio() -> tuple[float, float, int, int]:
    """Median ms per committed step (Trellis, bare) and how many of each."""
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        seed(engine)
        reference_tables(engine)
        factory = make_sessionmaker(engine)
        cases = start_cases(factory, ROUNDS * STEPS_PER_ROUND)
        tasks = open_tasks(factory, cases)
        queue = deque(cases)
        ours: list[float] = []
        theirs: list[float] = []
        done = bare_done = 0
        for _ in range(ROUNDS):  # alternate, so drift hits both alike
            start = time.perf_counter()
            for _ in range(STEPS_PER_ROUND):
                instance = queue.popleft()
                task, node = tasks[instance]
                assert node == "qualify"
                step(factory, instance, task, node)
                done += 1
            ours.append((time.perf_counter() - start) / STEPS_PER_ROUND)
            start = time.perf_counter()
            for _ in range(STEPS_PER_ROUND):
                bare(engine, bare_done, bare_done % 10 + 1)
                bare_done += 1
            theirs.append((time.perf_counter() - start) / STEPS_PER_ROUND)
        with factory() as session:
            closed = session.scalar(
                text("SELECT count(*) FROM tasks WHERE node = 'qualify' AND status = 'completed'")
            )
            assert closed == done, (closed, done)
        engine.dispose()
    return statistics.median(ours) * 1000, statistics.median(theirs) * 1000, done, bare_done


class Report(NamedTuple):
    worker: int
    steps: int
    seconds: float
    cases_left: int
    bare: int
    bare_seconds: float


def worker(url: str, index: int, barrier: Any, results: Any) -> None:
    """Start this worker's cases and wait for the others; drive the cases
    (each next step goes to another case) until the time is up; wait for the
    others again, then run bare transactions on this worker's own counter."""
    engine = make_engine(url)
    factory = make_sessionmaker(engine)
    cases = start_cases(factory, CASES_PER_WORKER, offset=index)
    tasks = open_tasks(factory, cases)
    queue = deque((instance, *tasks[instance]) for instance in cases)
    barrier.wait(timeout=300)
    done, start = 0, time.perf_counter()
    while queue and time.perf_counter() - start < PG_SECONDS:
        instance, task, node = queue.popleft()
        following = step(factory, instance, task, node)
        done += 1
        if following is not None:
            queue.append((instance, *following))
    elapsed = time.perf_counter() - start
    barrier.wait(timeout=300)
    bare_done, start = 0, time.perf_counter()
    while time.perf_counter() - start < PG_BARE_SECONDS:
        bare(engine, bare_done, index + 1)
        bare_done += 1
    results.put(Report(index, done, elapsed, len(queue), bare_done, time.perf_counter() - start))
    engine.dispose()


def postgres_rates() -> tuple[float, float, list[Report]] | str:
    """Steps/s and bare transactions/s of WORKERS processes, on a schema of
    our own (dropped after)."""
    schema = f"bench_persist_{os.getpid()}_{secrets.token_hex(4)}"
    admin = make_engine(POSTGRES_URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:
        admin.dispose()
        return f"PostgreSQL unreachable ({type(exc).__name__}): skipped"
    separator = "&" if "?" in POSTGRES_URL else "?"
    url = f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    context = multiprocessing.get_context("spawn")
    processes: list[Any] = []
    try:
        engine = make_engine(url)
        seed(engine)
        reference_tables(engine)
        engine.dispose()
        barrier = context.Barrier(WORKERS)
        results = context.Queue()
        processes = [
            context.Process(target=worker, args=(url, i, barrier, results)) for i in range(WORKERS)
        ]
        for process in processes:
            process.start()
        reports = sorted(results.get(timeout=600) for _ in processes)
        for process in processes:
            process.join()
        steps = sum(r.steps for r in reports) / max(r.seconds for r in reports)
        bare_rate = sum(r.bare for r in reports) / max(r.bare_seconds for r in reports)
        return steps, bare_rate, reports
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main() -> None:
    ours, theirs, done, bare_done = sqlite_ratio()
    ratio = ours / theirs
    print("persist: one task completion committed (state + history + task + audit)")
    print(
        f"  SQLite, Runner.send(TaskCompleted) in transaction(): {ours:.2f} ms/step "
        f"({done} committed)"
    )
    print(f"  SQLite, bare UPDATE + INSERT transaction:            {theirs:.2f} ms ({bare_done})")
    print(
        f"  SQLite, step / bare:                                 {ratio:.1f}x   goal <= 1.5x"
        + ("" if ratio <= 1.5 else f"  MISSED ({ratio / 1.5:.1f}x over)")
    )
    outcome = postgres_rates()
    if isinstance(outcome, str):
        print(f"  PostgreSQL: {outcome}")
        return
    steps, bare_rate, reports = outcome
    per_worker = ", ".join(str(r.steps) for r in reports)
    print(
        f"  PostgreSQL, {WORKERS} processes, every task of their own cases: {steps:.0f} steps/s "
        f"committed (per worker: {per_worker} in {PG_SECONDS:.0f} s)"
    )
    print(
        f"  PostgreSQL, {WORKERS} processes, bare UPDATE + INSERT:           {bare_rate:.0f}/s "
        f"(step / bare: {bare_rate / steps:.1f}x, for reference)"
    )
    if any(r.cases_left == 0 for r in reports):
        print("  (a worker ran out of cases before the time was up: raise CASES_PER_WORKER)")


if __name__ == "__main__":
    main()
