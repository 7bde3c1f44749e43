"""The Sandbox part of the API, for the studio: histories, simulations and their cases.

Calls go through the studio's one HTTP client (:mod:`studio.api`): the same pooled
connection, bearer token and :class:`~studio.api.ApiError` with the problem+json
body, so a refused simulation (422) comes back with the pointers of what is wrong
(``/policies/nodes/<step>``, ``/baseline/version``, ``/candidate/...``).

A run's ``report`` and a case's ``result`` stay the API's JSON (plain dicts); the
pure functions of :mod:`studio.sandbox.report` read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from studio.api import _call

__all__ = [
    "TERMINAL",
    "Dataset",
    "Run",
    "RunCase",
    "RunCasePage",
    "RunSummary",
    "cancel_run",
    "create_run",
    "datasets",
    "run",
    "run_cases",
    "runs",
]

PAGE_SIZE = 500
# A run in one of these states changes no more.
TERMINAL = ("completed", "cancelled", "failed")


def _int(value: Any, default: int = 0) -> int:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else default


def _dict(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, dict) else {}


@dataclass(frozen=True)
class Dataset:
    """One imported history (``GET /sandbox/datasets``)."""

    id: int
    name: str
    cases: int
    events: int
    hash: str
    created_at: str = ""

    @classmethod
    def decode(cls, body: dict[str, Any]) -> Dataset:
        return cls(
            id=int(body["id"]),
            name=str(body.get("name") or f"#{body['id']}"),
            cases=_int(body.get("cases")),
            events=_int(body.get("events")),
            hash=str(body.get("hash", "")),
            created_at=str(body.get("created_at") or ""),
        )


@dataclass(frozen=True)
class Run:
    """One simulation as ``GET /sandbox/runs/{id}`` gives it; ``report`` once completed,
    ``error`` ({message, errors}) once failed."""

    id: int
    workflow: str
    status: str  # queued / running / completed / cancelled / failed
    done: int
    total: int
    candidate: str  # the API's own words: "version 2", "draft revision 7"
    candidate_hash: str
    baseline_version: int
    history: dict[str, Any]
    policies: dict[str, Any]
    seed: int
    created_by: str = ""
    created_at: str = ""
    finished_at: str = ""
    report: dict[str, Any] | None = None
    error: dict[str, Any] | None = None

    @property
    def finished(self) -> bool:
        return self.status in TERMINAL

    @classmethod
    def decode(cls, body: dict[str, Any]) -> Run:
        progress = _dict(body.get("progress"))
        report = body.get("report")
        error = body.get("error")
        return cls(
            id=int(body["id"]),
            workflow=str(body.get("workflow", "")),
            status=str(body.get("status", "")),
            done=_int(progress.get("done")),
            total=_int(progress.get("total")),
            candidate=str(body.get("candidate") or ""),
            candidate_hash=str(body.get("candidate_hash", "")),
            baseline_version=_int(body.get("baseline_version")),
            history=_dict(body.get("history")),
            policies=_dict(body.get("policies")),
            seed=_int(body.get("seed")),
            created_by=str(body.get("created_by") or ""),
            created_at=str(body.get("created_at") or ""),
            finished_at=str(body.get("finished_at") or ""),
            report=dict(report) if isinstance(report, dict) else None,
            error=dict(error) if isinstance(error, dict) else None,
        )


@dataclass(frozen=True)
class RunSummary:
    """One line of ``GET /sandbox/runs`` (newest first)."""

    id: int
    workflow: str
    status: str
    done: int
    total: int
    candidate_hash: str
    baseline_version: int
    created_by: str
    created_at: str

    @classmethod
    def decode(cls, body: dict[str, Any]) -> RunSummary:
        progress = _dict(body.get("progress"))
        return cls(
            id=int(body["id"]),
            workflow=str(body.get("workflow", "")),
            status=str(body.get("status", "")),
            done=_int(progress.get("done")),
            total=_int(progress.get("total")),
            candidate_hash=str(body.get("candidate_hash", "")),
            baseline_version=_int(body.get("baseline_version")),
            created_by=str(body.get("created_by") or ""),
            created_at=str(body.get("created_at") or ""),
        )


@dataclass(frozen=True)
class RunCase:
    """One replayed case: both sides' ``result`` (``baseline``, ``candidate``, each with
    ``status``, ``outcome``, ``path``, ``cycle_seconds``), and ``divergence``."""

    case: str
    changed: bool
    reproduced: bool
    tier: str
    result: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def decode(cls, body: dict[str, Any]) -> RunCase:
        return cls(
            case=str(body["case"]),
            changed=bool(body.get("changed")),
            reproduced=bool(body.get("reproduced")),
            tier=str(body.get("tier", "")),
            result=_dict(body.get("result")),
        )


@dataclass(frozen=True)
class RunCasePage:
    items: list[RunCase]
    next_cursor: str | None


async def datasets(token: str) -> list[Dataset]:
    """Every imported history, newest first, following the pages."""
    items: list[Dataset] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": PAGE_SIZE}
        if cursor:
            params["cursor"] = cursor
        page = await _call("GET", "/sandbox/datasets", token, params=params)
        items.extend(Dataset.decode(item) for item in page["items"] if isinstance(item, dict))
        cursor = page.get("next_cursor")
        if not cursor:
            return items


async def create_run(token: str, body: dict[str, Any]) -> int:
    """Ask for a simulation (a worker performs it); its id. A candidate that does not
    validate, an unknown baseline or a step with no policy is a 422 with pointers."""
    created = await _call("POST", "/sandbox/runs", token, json=body)
    return int(created["id"])


async def run(token: str, run_id: int) -> Run:
    return Run.decode(await _call("GET", f"/sandbox/runs/{int(run_id)}", token))


async def cancel_run(token: str, run_id: int) -> Run:
    """Cancel a queued or running simulation (a finished one stays as it is)."""
    return Run.decode(await _call("POST", f"/sandbox/runs/{int(run_id)}/cancel", token))


async def runs(token: str, workflow: str, limit: int = 10) -> list[RunSummary]:
    """The newest simulations of ``workflow``."""
    page = await _call(
        "GET", "/sandbox/runs", token, params={"workflow": workflow, "limit": int(limit)}
    )
    return [RunSummary.decode(item) for item in page["items"] if isinstance(item, dict)]


async def run_cases(
    token: str,
    run_id: int,
    *,
    changed: bool | None = None,
    tier: str | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> RunCasePage:
    """One page of a completed simulation's cases, in the history's order."""
    params: dict[str, Any] = {"limit": int(limit)}
    if changed is not None:
        params["changed"] = "true" if changed else "false"
    if tier:
        params["tier"] = tier
    if cursor:
        params["cursor"] = cursor
    body = await _call("GET", f"/sandbox/runs/{int(run_id)}/cases", token, params=params)
    return RunCasePage(
        items=[RunCase.decode(item) for item in body["items"] if isinstance(item, dict)],
        next_cursor=body.get("next_cursor") or None,
    )
