"""Replay a history through the baseline and the candidate, case by case, in
partitions: in this process, over a process pool (the default) or on Ray.

Cases are independent, so a partition is just a slice of them; results
come back in case order whatever finished first, and every random draw is
seeded by (seed, replicate, case, task), so the report is the same for any
executor and any number of partitions.
"""

from __future__ import annotations

import math
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from typing import Any, Literal

import msgspec

from builder.diff import Change, diff
from builder.directory import Snapshot
from builder.plan import compile_plan
from builder.simulate import (
    ApproveRate,
    CaseRun,
    History,
    MissingPolicy,
    Policies,
    Resampled,
    RoleStats,
    role_stats,
    simulate,
    waits_of,
)
from components.catalogue import CATALOGUE
from components.engine import Plan
from runtime.sandbox.compliance import RuleSet, case_violations
from runtime.sandbox.impact import (
    CaseResult,
    Side,
    compare,
    edits_by_node,
    side_of,
)

__all__ = [
    "Executor",
    "Outcome",
    "RunCancelled",
    "RunSpec",
    "replay_all",
]

Executor = Literal["inline", "process", "ray"]


class RunSpec(msgspec.Struct, kw_only=True):
    """Everything a run depends on (stored with it: the same spec over the
    same history gives the same report)."""

    workflow: str
    candidate: dict[str, Any]
    candidate_hash: str
    baseline: dict[str, Any]
    baseline_version: int
    baseline_hash: str
    policies: Policies = msgspec.field(default_factory=Policies)
    seed: int = 0
    replicates: int = 50
    value_field: str | None = None
    rules: RuleSet | None = None  # the workflow's compliance rules, as they were
    fresh: list[str] = msgspec.field(default_factory=list)  # steps history cannot answer


class RunCancelled(Exception):
    pass


@dataclass(frozen=True)
class Outcome:
    results: list[CaseResult]
    replicates: list[dict[str, Side]]
    edits: list[Change]


# -- one partition (runs in a pool's process: module-level state) ---------------


@dataclass(frozen=True)
class _Context:
    baseline: Plan
    candidate: Plan
    people: Snapshot
    stats: dict[str, RoleStats]
    edits: dict[str, list[int]]
    routing: frozenset[str]
    spec: RunSpec


_CONTEXT: _Context | None = None
# The history, set before a forked pool starts so that partitions travel as
# index ranges instead of pickled cases.
_HISTORIES: Sequence[History] = ()


def _context(spec: RunSpec, people: Snapshot, stats: dict[str, RoleStats]) -> _Context:
    edits = edits_by_node(diff(spec.baseline, spec.candidate), spec.baseline, spec.candidate)
    routing = frozenset(
        str(node.get("id"))
        for document in (spec.baseline, spec.candidate)
        for node in document.get("nodes", [])
        if isinstance(node, dict)
        and CATALOGUE.get(str(node.get("type"))) is not None
        and CATALOGUE[str(node.get("type"))].category == "logic"
    )
    return _Context(
        baseline=compile_plan(
            spec.baseline, key=spec.workflow, version=spec.baseline_version, hash=spec.baseline_hash
        ),
        candidate=compile_plan(
            spec.candidate, key=spec.workflow, version=0, hash=spec.candidate_hash
        ),
        people=people,
        stats=stats,
        edits=edits,
        routing=routing,
        spec=spec,
    )


def _install(
    spec: RunSpec,
    people: Snapshot,
    stats: dict[str, RoleStats],
    histories: Sequence[History] | None = None,
) -> None:
    global _CONTEXT, _HISTORIES
    _CONTEXT = _context(spec, people, stats)
    if histories is not None:
        _HISTORIES = histories


def _delays(before: CaseRun, history: History) -> dict[int, float]:
    """Each answer's delay after its question, as the baseline replay found
    it: a case the candidate leaves unchanged then comes out exactly as the
    baseline did, even where the baseline did not reproduce history (the
    report counts those apart)."""
    return waits_of(before, history)


def _replay(histories: Sequence[History]) -> list[CaseResult]:
    context = _CONTEXT
    assert context is not None
    spec = context.spec
    found = []
    fresh = frozenset(spec.fresh)
    for history in histories:
        before = simulate(context.baseline, history, context.people, as_recorded=True)
        after = simulate(
            context.candidate,
            history,
            context.people,
            policies=spec.policies,
            stats=context.stats,
            seed=spec.seed,
            finished=before.status in ("completed", "cancelled"),
            fresh=fresh,
            waits=_delays(before, history),
        )
        result = compare(
            history,
            before,
            after,
            context.edits,
            routing=context.routing,
            value_field=spec.value_field,
        )
        if after.unanswered and after.unanswered != before.unanswered:
            # (History that cannot answer the baseline either is a baseline
            # mismatch, reported as such, not a policy the run lacks.)
            result.missing_policy = after.unanswered
        if spec.rules is not None and spec.rules.rules:
            result.baseline.violations = case_violations(
                spec.rules.rules, history.record, result.baseline
            )
            result.candidate.violations = case_violations(
                spec.rules.rules, history.record, result.candidate
            )
        found.append(result)
    return found


def _replicate(replicate: int, histories: Sequence[History]) -> dict[str, Side]:
    """The candidate again over tier-C cases, the policy's inputs drawn
    again from history (a bootstrap replicate)."""
    context = _CONTEXT
    assert context is not None
    stats = Resampled(context.stats, context.spec.seed, replicate)
    found: dict[str, Side] = {}
    for history in histories:
        # As in the first pass: the baseline tells whether history finished
        # and how long each answer took.
        before = simulate(context.baseline, history, context.people, as_recorded=True)
        found[history.key] = side_of(
            simulate(
                context.candidate,
                history,
                context.people,
                policies=context.spec.policies,
                stats=stats,
                seed=context.spec.seed,
                replicate=replicate,
                finished=before.status in ("completed", "cancelled"),
                fresh=frozenset(context.spec.fresh),
                waits=_delays(before, history),
            )
        )
    return found


_RESULTS = msgspec.msgpack.Encoder()


def _run_job(job: tuple[str, int, Sequence[int]]) -> Any:
    kind, number, positions = job
    histories = [_HISTORIES[i] for i in positions]
    return _replay(histories) if kind == "replay" else _replicate(number, histories)


def _work(job: tuple[str, int, Sequence[int]]) -> bytes:
    """One partition in another process: case positions in, msgpack results
    out (cheaper to send back than pickled objects)."""
    return _RESULTS.encode(_run_job(job))


_AS_RESULTS = msgspec.msgpack.Decoder(list[CaseResult])
_AS_SIDES = msgspec.msgpack.Decoder(dict[str, Side])


def _decode(kind: str, blob: bytes) -> Any:
    return _AS_RESULTS.decode(blob) if kind == "replay" else _AS_SIDES.decode(blob)


# -- executors ---------------------------------------------------------------------


Progress = Callable[[int, int], bool]  # (done, total) -> go on?


Job = tuple[str, int, Sequence[int]]  # (replay | replicate, replicate number, case positions)


def _chunks(positions: Sequence[int], parts: int) -> list[Sequence[int]]:
    size = max(1, math.ceil(len(positions) / max(1, parts)))
    return [positions[i : i + size] for i in range(0, len(positions), size)]


class _Inline:
    def __init__(
        self,
        spec: RunSpec,
        people: Snapshot,
        stats: dict[str, RoleStats],
        histories: Sequence[History],
    ) -> None:
        _install(spec, people, stats, histories)

    def map(self, jobs: list[Job], tick: Callable[[int], bool]) -> list[Any]:
        out = []
        for job in jobs:
            out.append(_run_job(job))  # in this process: nothing to encode
            if not tick(len(job[2])):
                raise RunCancelled
        return out

    def close(self) -> None:
        pass


class _Pool:
    def __init__(
        self,
        spec: RunSpec,
        people: Snapshot,
        stats: dict[str, RoleStats],
        histories: Sequence[History],
        workers: int,
    ) -> None:
        methods = multiprocessing.get_all_start_methods()
        if "fork" in methods:
            # Forked workers inherit the history: nothing to pickle.
            global _HISTORIES
            _HISTORIES = histories
            context = multiprocessing.get_context("fork")
            args: tuple[Any, ...] = (spec, people, stats)
        else:
            context = multiprocessing.get_context()
            args = (spec, people, stats, histories)
        self.pool = ProcessPoolExecutor(
            workers, mp_context=context, initializer=_install, initargs=args
        )

    def map(self, jobs: list[Job], tick: Callable[[int], bool]) -> list[Any]:
        futures: dict[Future[Any], int] = {
            self.pool.submit(_work, job): i for i, job in enumerate(jobs)
        }
        out: list[Any] = [None] * len(jobs)
        pending = set(futures)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                index = futures[future]
                out[index] = _decode(jobs[index][0], future.result())
                if not tick(len(jobs[index][2])):
                    for other in pending:
                        other.cancel()
                    raise RunCancelled
        return out

    def close(self) -> None:
        self.pool.shutdown(cancel_futures=True)


def _executor(
    kind: Executor,
    spec: RunSpec,
    people: Snapshot,
    stats: dict[str, RoleStats],
    histories: Sequence[History],
    workers: int,
) -> Any:
    if kind == "inline" or (kind == "process" and workers <= 1):
        return _Inline(spec, people, stats, histories)
    if kind == "ray":
        from runtime.sandbox.ray_executor import RayExecutor

        return RayExecutor(spec, people, stats, histories, workers)
    return _Pool(spec, people, stats, histories, workers)


def replay_all(
    spec: RunSpec,
    histories: Sequence[History],
    people: Snapshot,
    *,
    executor: Executor = "process",
    workers: int | None = None,
    partitions: int | None = None,
    progress: Progress | None = None,
) -> Outcome:
    """Every case through both versions, then the bootstrap replicates of the
    cases that depend on the policy. ``progress`` returning False cancels."""
    workers = workers or min(os.cpu_count() or 1, 8)
    parts = partitions or workers * 4
    # Only an approve-rate policy reads the roles' statistics (a pass over
    # every recorded decision: seconds for a million cases).
    wanted = [spec.policies.default, *spec.policies.nodes.values()]
    stats = role_stats(histories) if any(isinstance(p, ApproveRate) for p in wanted) else {}
    runner = _executor(executor, spec, people, stats, histories, workers)
    total = len(histories)
    done = 0

    def tick(count: int) -> bool:
        nonlocal done
        done += count
        return progress(done, total) if progress is not None else True

    try:
        chunks = _chunks(range(len(histories)), parts)
        results = [r for part in runner.map([("replay", 0, c) for c in chunks], tick) for r in part]
        needing = next((r for r in results if r.missing_policy), None)
        if needing is not None and needing.missing_policy is not None:
            # The first such case in history's order, whatever finished first.
            raise MissingPolicy(needing.missing_policy, needing.key)
        dependent = [i for i, r in enumerate(results) if r.tier == "C"]
        replicates: list[dict[str, Side]] = []
        if dependent and spec.replicates:
            total += len(dependent) * spec.replicates
            jobs = [
                ("replicate", number, chunk)
                for number in range(1, spec.replicates + 1)
                for chunk in _chunks(dependent, max(1, parts // spec.replicates))
            ]
            merged: dict[int, dict[str, Side]] = {}
            for (_, number, _), part in zip(jobs, runner.map(jobs, tick), strict=True):
                merged.setdefault(number, {}).update(part)
            replicates = [merged[n] for n in sorted(merged)]
    finally:
        runner.close()
    edits = diff(spec.baseline, spec.candidate)
    return Outcome(results=results, replicates=replicates, edits=edits)
