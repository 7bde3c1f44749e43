"""Sandbox replay partitions on Ray (the optional ``ray`` extra).

Cases are independent, so a run's partitions need not share a machine: a
Ray cluster can take them when one machine's process pool is too slow for a
large history. Nothing else changes: the same partitions run the same
``_work`` over the same installed context, results are put back in job
order whatever finished first, and every draw is seeded by (seed,
replicate, case, task), so the report is byte for byte the one the process
pool gives.

The history, spec, people and stats go into the object store once; one
actor per worker installs them once (as a pool's initializer does) and then
replays partition after partition. With ``TRELLIS_RAY_ADDRESS`` unset, and
no Ray already started by the caller, a small local instance is started and
shut down again; a cluster the caller started is left alone. A cluster's
workers need the same Trellis installed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

from builder.directory import Snapshot
from builder.simulate import History, RoleStats
from runtime.sandbox.execute import Job, RunCancelled, RunSpec, _decode, _install, _work

try:
    import ray
    from ray.exceptions import RayTaskError
except ImportError as exc:
    raise ImportError("the Ray executor needs the ray extra: pip install 'trellis[ray]'") from exc

__all__ = ["RayExecutor"]

# Jobs sent ahead to each actor: one running, one waiting, so that an actor
# never idles while the driver decodes a result and sends the next job.
_AHEAD = 2


class _Partitions:
    """One per worker: the run's context installed once, then partitions."""

    def __init__(
        self,
        spec: RunSpec,
        people: Snapshot,
        stats: dict[str, RoleStats],
        histories: Sequence[History],
    ) -> None:
        _install(spec, people, stats, histories)

    def work(self, job: Job) -> bytes:
        return _work(job)


# Each actor holds a CPU while it lives: replaying is CPU-bound.
_Actor = ray.remote(num_cpus=1)(_Partitions)


class RayExecutor:
    """The executor interface of ``runtime.sandbox.execute``: ``map(jobs,
    tick)`` and ``close()``."""

    def __init__(
        self,
        spec: RunSpec,
        people: Snapshot,
        stats: dict[str, RoleStats],
        histories: Sequence[History],
        workers: int,
    ) -> None:
        self.actors: list[Any] = []
        self.started = not ray.is_initialized()
        if self.started:
            address = os.environ.get("TRELLIS_RAY_ADDRESS") or None
            # A cluster has its own CPUs; only a local instance is sized here.
            local = {"num_cpus": workers} if address is None else {}
            ray.init(
                address=address,
                include_dashboard=False,
                log_to_driver=False,
                ignore_reinit_error=True,
                **local,
            )
        try:
            # No more actors than the cluster has CPUs: the rest would wait
            # for a CPU that never frees.
            cpus = int(ray.cluster_resources().get("CPU", 0))
            count = max(1, min(workers, cpus))
            shared = [ray.put(value) for value in (spec, people, stats, histories)]
            self.actors = [_Actor.remote(*shared) for _ in range(count)]
        except BaseException:
            self.close()
            raise

    def map(self, jobs: list[Job], tick: Callable[[int], bool]) -> list[Any]:
        out: list[Any] = [None] * len(jobs)
        waiting = iter(enumerate(jobs))
        running: dict[Any, tuple[int, Any]] = {}

        def send(actor: Any) -> None:
            following = next(waiting, None)
            if following is not None:
                index, job = following
                running[actor.work.remote(job)] = (index, actor)

        try:
            for actor in self.actors * _AHEAD:
                send(actor)
            while running:
                [ref], _ = ray.wait(list(running), num_returns=1)
                index, actor = running.pop(ref)
                out[index] = _decode(jobs[index][0], _result(ref))
                if not tick(len(jobs[index][2])):
                    raise RunCancelled
                send(actor)
        except BaseException:
            for ref in running:
                ray.cancel(ref)
            raise
        return out

    def close(self) -> None:
        for actor in self.actors:
            ray.kill(actor)
        self.actors = []
        if self.started and ray.is_initialized():
            ray.shutdown()
        self.started = False


def _result(ref: Any) -> bytes:
    """The partition's bytes, or the exception it raised as itself (a
    ``MissingPolicy`` stays one, as from the process pool)."""
    try:
        blob: bytes = ray.get(ref)
    except RayTaskError as error:
        cause = getattr(error, "cause", None)
        if isinstance(cause, Exception):
            raise cause from error  # (the chained error carries the remote traceback)
        raise
    return blob
