"""``trellis worker`` as a real process: scripts that misbehave, a worker
killed (-9) between claim and commit, and two workers sharing 2,000 due
timers on PostgreSQL."""

from __future__ import annotations

import itertools
import os
import signal
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from threading import Event
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import Engine, func, select

from runtime.api.app import create_app
from runtime.config import Settings
from runtime.engine.cases import Runner
from runtime.engine.clock_store import store_time
from runtime.store.db import make_sessionmaker, transaction
from runtime.store.engine_models import HistoryEntry, Incident, Instance, OutboxJob, Timer
from tests.cases import Receiver, publish, receiver, signed_in
from tests.serve import worker

pytestmark = pytest.mark.server

API = "/api/v1"


def flow(key: str, *middle: dict[str, Any]) -> dict[str, Any]:
    nodes = [{"id": "start", "type": "start"}, *middle, {"id": "end", "type": "end"}]
    ids = [n["id"] for n in nodes]
    return {
        "kind": "workflow",
        "schema_version": 2,
        "key": key,
        "title": {"en": key},
        "nodes": nodes,
        "edges": [
            {"id": f"e{i}", "source": a, "target": b}
            for i, (a, b) in enumerate(itertools.pairwise(ids))
        ],
    }


def eventually(check: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("not within the time allowed")
        time.sleep(0.1)


@pytest.fixture
def admin(settings: Settings, engine: Engine, make_user: Any) -> Iterator[Any]:
    with TestClient(app=create_app(settings)) as client:
        yield signed_in(client, engine, make_user("admin", "root"))


@pytest.fixture
def robot() -> Iterator[Receiver]:
    yield from receiver()


SCRIPTS = {
    "loops": "while True:\n    pass",
    "bombs": "x = [0] * (10 ** 9)",
    "imports": "total = __import__('os').getcwd()",
    "escapes": "total = ().__class__.__bases__[0].__subclasses__()",
    "works": "total = price * 2",
}


def test_misbehaving_scripts_become_incidents_and_the_worker_lives(
    admin: Any, database_url: str, engine: Engine
) -> None:
    cases = {}
    for name, code in SCRIPTS.items():
        script = {
            "code": code,
            "inputs": ["price"],
            "outputs": ["total"],
            "timeout_seconds": 1,
            "memory_mb": 64,
        }
        publish(admin, flow(f"script-{name}", {"id": "run", "type": "script", "config": script}))
        started = admin.post(
            f"{API}/instances", json={"workflow": f"script-{name}", "data": {"price": 21}}
        )
        assert started.status_code == 201, started.text
        cases[name] = started.json()["id"]
    with worker(database_url) as process:

        def settled() -> bool:
            states = [admin.get(f"{API}/instances/{i}").json() for i in cases.values()]
            return all(s["status"] == "completed" or s["open_incidents"] for s in states)

        eventually(settled, 90)
        assert process.poll() is None, "the worker died"
    incidents = {
        i["instance_id"]: i["message"] for i in admin.get(f"{API}/incidents").json()["items"]
    }
    assert "timeout" in incidents[cases["loops"]]
    assert "memory" in incidents[cases["bombs"]]
    assert "forbidden" in incidents[cases["imports"]]
    assert "forbidden" in incidents[cases["escapes"]]
    works = admin.get(f"{API}/instances/{cases['works']}").json()
    assert works["status"] == "completed" and works["variables"]["total"] == 42


def test_a_worker_killed_between_claim_and_commit_loses_nothing_and_records_once(
    admin: Any, database_url: str, engine: Engine, robot: Receiver
) -> None:
    sessions = make_sessionmaker(engine)
    robot.hold = Event()
    notify = {
        "message": {"en": "New case"},
        "channel": "wecom",
        "robot_url": robot.url,
    }
    publish(admin, flow("tell-group", {"id": "tell", "type": "notify", "config": notify}))
    assert admin.post(f"{API}/instances", json={"workflow": "tell-group"}).status_code == 201
    start = datetime.now(UTC) + timedelta(seconds=5)
    with transaction(sessions) as session:
        store_time(session, start)
    manual = {"TRELLIS_CLOCK": "manual"}
    with worker(database_url, **manual) as first:
        assert robot.arrived.wait(60), "the first worker never delivered"
        os.kill(first.pid, signal.SIGKILL)  # while the receiver holds its answer
        first.wait(10)
    robot.hold.set()
    with sessions() as session:
        [job] = session.scalars(select(OutboxJob)).all()
        assert (job.status, job.attempts) == ("running", 1)
    with transaction(sessions) as session:
        store_time(session, start + timedelta(minutes=5))  # the lease has run out
    with worker(database_url, **manual):

        def sent() -> bool:
            with sessions() as session:
                return session.scalar(select(OutboxJob.status)) == "sent"

        eventually(sent)
    with sessions() as session:
        jobs = session.scalars(select(OutboxJob)).all()
    assert [(j.status, j.attempts) for j in jobs] == [("sent", 2)]
    assert len(robot.received) == 2  # delivered at least once, recorded exactly once


def test_two_workers_fire_2000_due_timers_each_once(
    admin: Any, database_url: str, engine: Engine
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("several workers side by side need PostgreSQL (SQLite runs one)")
    publish(
        admin, flow("wait-hour", {"id": "wait", "type": "wait", "config": {"duration": "PT1H"}})
    )
    sessions = make_sessionmaker(engine)
    now = datetime.now(UTC)
    with transaction(sessions) as session:
        runner = Runner(session, now)
        for _ in range(2000):
            runner.start("wait-hour", by="root")
        store_time(session, now + timedelta(hours=2))
    manual = {"TRELLIS_CLOCK": "manual"}
    with worker(database_url, **manual) as one, worker(database_url, **manual) as two:

        def drained() -> bool:
            with sessions() as session:
                return not session.scalar(select(func.count()).select_from(Timer))

        eventually(drained, 180)
        assert one.poll() is None and two.poll() is None
    with sessions() as session:
        statuses = session.execute(
            select(Instance.status, func.count()).group_by(Instance.status)
        ).all()
        fired = session.execute(
            select(HistoryEntry.instance_id, func.count())
            .where(
                HistoryEntry.kind == "event", HistoryEntry.data["type"].as_string() == "timer_fired"
            )
            .group_by(HistoryEntry.instance_id)
        ).all()
        incidents = session.scalar(select(func.count()).select_from(Incident))
    assert dict(statuses) == {"completed": 2000}
    assert len(fired) == 2000 and {count for _, count in fired} == {1}
    assert incidents == 0
