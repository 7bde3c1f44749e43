"""Sandbox runs on Ray, in a local instance: the partitions give the same
report as replaying in this process, and a run cancelled midway stops.

Ray is an optional extra, so a developer without it skips these; CI
installs it, and there a missing Ray fails rather than skips."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator

import msgspec
import pytest

from builder.simulate import Policies
from runtime.sandbox.execute import Outcome, RunCancelled, replay_all
from runtime.sandbox.report import build_report
from tests.test_sandbox_runs import (
    histories,
    roles_named,
    skip_supervisor_under,
    spec,
    synthetic_people,
    with_finance_check,
)

if os.environ.get("CI") == "true":
    import ray
else:
    ray = pytest.importorskip("ray")


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    """One local instance for the module (starting Ray takes seconds)."""
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def encoded(outcome: Outcome) -> bytes:
    report = build_report(
        outcome.results, inputs={}, edits=outcome.edits, teams={}, replicates=outcome.replicates
    )
    return json.dumps(report, sort_keys=True, default=str).encode()


def test_partitions_on_ray_give_the_inline_report_byte_for_byte(local_ray: None) -> None:
    cases = histories()
    policies = msgspec.convert({"default": {"kind": "approve_rate"}}, Policies)
    one = spec(with_finance_check(), policies=policies, seed=11, replicates=10)
    people = synthetic_people(cases, roles_named(with_finance_check()))
    inline = replay_all(one, cases, people, executor="inline")
    on_ray = replay_all(one, cases, people, executor="ray", workers=2, partitions=3)
    assert len(on_ray.replicates) == 10
    assert [r.key for r in on_ray.results] == [h.key for h in cases]
    assert encoded(on_ray) == encoded(inline)
    # The caller's Ray is the caller's: the executor did not shut it down.
    assert ray.is_initialized()


def test_a_run_on_ray_cancelled_midway_raises(local_ray: None) -> None:
    cases = histories()
    seen: list[tuple[int, int]] = []

    def stop_after_first(done: int, total: int) -> bool:
        seen.append((done, total))
        return len(seen) < 2

    with pytest.raises(RunCancelled):
        replay_all(
            spec(skip_supervisor_under(500)),
            cases,
            synthetic_people(cases),
            executor="ray",
            workers=2,
            partitions=3,
            progress=stop_after_first,
        )
    assert len(seen) == 2 and seen[-1][0] < len(cases)  # stopped before the last partition
    assert ray.is_initialized()


def test_without_ray_the_executor_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # as if not installed
    monkeypatch.delitem(sys.modules, "runtime.sandbox.ray_executor", raising=False)
    cases = histories()
    with pytest.raises(ImportError, match=r"pip install 'trellis\[ray\]'"):
        replay_all(spec(skip_supervisor_under(500)), cases, synthetic_people(cases), executor="ray")
