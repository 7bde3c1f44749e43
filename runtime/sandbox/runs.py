"""Sandbox runs: asked for (checked, stored with every input), performed by a
worker or the CLI (progress written as it goes, cancellable), and read back.

A run is refused before it starts when its candidate does not validate,
its baseline is not a version of the same workflow, its history does not
exist, or a step the candidate adds (which history cannot have answered)
has no policy. A step that turns out to need one during the run fails the
run and names the step. Only a run that completed has a report; cancelling
or failing leaves none (and no per-case rows).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

import msgspec
from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from builder.canonical import content_hash
from builder.directory import Snapshot
from builder.durations import parse_duration
from builder.errors import error
from builder.plan import compile_plan
from builder.simulate import History, MissingPolicy, Policies
from builder.validate import check
from components.catalogue import CATALOGUE
from runtime.sandbox.compliance import RuleSet, static_findings
from runtime.sandbox.execute import Executor, RunCancelled, RunSpec, replay_all
from runtime.sandbox.report import build_report
from runtime.sandbox.rules import latest_rules
from runtime.sandbox.sources import (
    dataset_histories,
    people_now,
    roles_named,
    runtime_histories,
    synthetic_people,
)
from runtime.store import audit, documents
from runtime.store.db import transaction
from runtime.store.errors import InvalidError, NotFoundError
from runtime.store.matrix_rules import live_matrices
from runtime.store.sandbox_models import Dataset, SandboxRun, SandboxRunCase

__all__ = [
    "RunRequest",
    "claim_run",
    "perform_run",
    "request_cancel",
    "request_run",
]

# A claimed run not finished by then (its worker died) may be claimed again.
LEASE = timedelta(minutes=30)
_BATCH = 1000


class Candidate(msgspec.Struct, forbid_unknown_fields=True):
    workflow: str
    version: int | None = None  # a published version; else the draft


class Baseline(msgspec.Struct, forbid_unknown_fields=True):
    version: int
    workflow: str | None = None  # when given, it must be the candidate's


Moment = Annotated[datetime, msgspec.Meta(tz=True)]


class Window(msgspec.Struct, forbid_unknown_fields=True):
    since: Moment | None = None
    until: Moment | None = None


class RunRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    candidate: Candidate
    baseline: Baseline
    dataset: int | None = None
    window: Window | None = None
    policies: Policies = msgspec.field(default_factory=Policies)
    seed: Annotated[int, msgspec.Meta(ge=0, le=2**31 - 1)] = 0
    replicates: Annotated[int, msgspec.Meta(ge=0, le=1000)] = 50
    value_field: Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]{0,62}$")] | None = None


def _human(node: dict[str, Any]) -> bool:
    component = CATALOGUE.get(str(node.get("type")))
    return component is not None and component.category == "human"


def _needs_policy(baseline: dict[str, Any], candidate: dict[str, Any]) -> list[str]:
    """Human steps of the candidate history cannot have answered: new ones,
    and ones whose levels or assignee changed."""
    before = {n.get("id"): n for n in baseline.get("nodes", []) if isinstance(n, dict)}
    found = []
    for node in candidate.get("nodes", []):
        if not isinstance(node, dict) or not _human(node):
            continue
        old = before.get(node.get("id"))
        config, old_config = node.get("config") or {}, (old or {}).get("config") or {}
        who = [(lvl.get("role"), lvl.get("users")) for lvl in config.get("levels", []) or []]
        was = [(lvl.get("role"), lvl.get("users")) for lvl in old_config.get("levels", []) or []]
        if (
            old is None
            or old.get("type") != node.get("type")
            or who[: len(was)] != was[: len(who)]
            or len(who) > len(was)
            or config.get("assignee") != old_config.get("assignee")
        ):
            found.append(str(node.get("id")))
    return found


def _candidate(session: Session, spec: Candidate) -> tuple[dict[str, Any], str, str]:
    """(content, hash, what it is) of the candidate, validated."""
    if spec.version is not None:
        version = documents.get_version(session, "workflow", spec.workflow, spec.version)
        return version.content, version.hash, f"version {version.version}"
    _document, draft = documents.get_draft(session, "workflow", spec.workflow)
    checked = check(
        draft.content,
        documents.references(session, drafts=True),
        kind="workflow",
        key=spec.workflow,
    )
    if checked.errors or checked.document is None:
        raise InvalidError(
            f"The draft of workflow {spec.workflow!r} does not validate; no run was started.",
            [msgspec.structs.replace(e, pointer="/candidate" + e.pointer) for e in checked.errors],
        )
    return checked.document, content_hash(checked.document), f"draft revision {draft.revision}"


def _check_policies(body: RunRequest, content: dict[str, Any]) -> None:
    """Policies name steps of the candidate, and their durations parse."""
    steps = {str(n.get("id")) for n in content.get("nodes", []) if isinstance(n, dict)}
    problems = [
        error(f"/policies/nodes/{node}", "missing_node", value=node)
        for node in body.policies.nodes
        if node not in steps
    ]
    named = [("/policies/default", body.policies.default)]
    named += [(f"/policies/nodes/{n}", p) for n, p in body.policies.nodes.items()]
    for pointer, policy in named:
        after = getattr(policy, "after", None)
        if after:
            try:
                parse_duration(after)
            except ValueError as exc:
                problems.append(error(f"{pointer}/after", "invalid", detail=str(exc)))
    if problems:
        raise InvalidError("These policies cannot be used; no run was started.", problems)


def _check_value_field(
    body: RunRequest,
    content: dict[str, Any],
    dataset: Dataset | None,
    may_read: Callable[[str, str], bool] | None,
) -> None:
    """The value summed per outcome is a field the cases have, and one the
    requester may read on every record (a run's report is theirs to read)."""
    name = body.value_field
    if name is None:
        return
    if dataset is not None:
        mapping = dataset.mapping or {}
        known = set(mapping.get("fields") or []) | set(mapping.get("flags") or {})
        if name not in known:
            raise InvalidError(
                f"The dataset's cases have no field {name!r}.",
                [error("/value_field", "invalid", detail=f"the cases have no field {name!r}")],
            )
        return
    form = str(content.get("record_form") or "")
    if may_read is not None and not may_read(form, name):
        raise InvalidError(
            f"You may not read {form}.{name} on every record, so it cannot be summed for you.",
            [error("/value_field", "invalid", detail=f"{form}.{name} is hidden to you")],
        )


def request_run(
    session: Session,
    body: RunRequest,
    *,
    actor: str,
    now: datetime,
    may_read: Callable[[str, str], bool] | None = None,
) -> SandboxRun:
    """``may_read(form, field)``: whether the requester may read a field on
    every record (None: everything, as for the command line)."""
    workflow = body.candidate.workflow
    if body.baseline.workflow is not None and body.baseline.workflow != workflow:
        raise InvalidError(
            f"The baseline must be a version of {workflow!r}, not of {body.baseline.workflow!r}.",
            [error("/baseline/workflow", "other_workflow", value=body.baseline.workflow)],
        )
    if (body.dataset is None) == (body.window is None):
        raise InvalidError(
            "Say which history to replay: a dataset or a window of this workflow's own cases.",
            [error("/dataset", "history_required")],
        )
    content, digest, label = _candidate(session, body.candidate)
    try:
        baseline = documents.get_version(session, "workflow", workflow, body.baseline.version)
    except NotFoundError:
        raise InvalidError(
            f"Workflow {workflow!r} has no version {body.baseline.version}.",
            [error("/baseline/version", "unknown_version", value=body.baseline.version)],
        ) from None
    history: dict[str, Any]
    dataset: Dataset | None = None
    if body.dataset is not None:
        dataset = session.get(Dataset, body.dataset)
        if dataset is None:
            raise InvalidError(
                f"There is no dataset {body.dataset}.",
                [error("/dataset", "unknown_dataset", value=body.dataset)],
            )
        history = {
            "dataset": dataset.id,
            "name": dataset.name,
            "hash": dataset.hash,
            "cases": dataset.cases,
            "derived_fields": sorted((dataset.mapping or {}).get("flags", {})),
        }
    else:
        window = body.window or Window()
        history = {"window": msgspec.to_builtins(window), "workflow": workflow}
    _check_policies(body, content)
    _check_value_field(body, content, dataset, may_read)
    fresh = _needs_policy(baseline.content, content)
    missing = [node for node in fresh if body.policies.of(node) is None]
    if missing:
        raise InvalidError(
            "History cannot tell how these steps would have been decided; "
            "state a policy for each (or a default): " + ", ".join(missing),
            [error(f"/policies/nodes/{node}", "policy_required", node=node) for node in missing],
        )
    rule_row = latest_rules(session, workflow)
    rules = msgspec.convert(rule_row.rules, RuleSet) if rule_row is not None else None
    compliance = (
        {
            "version": rule_row.version,
            "static": static_findings(rules, content, live_matrices(session)),
        }
        if rule_row is not None and rules is not None
        else None
    )
    spec = RunSpec(
        workflow=workflow,
        candidate=content,
        candidate_hash=digest,
        baseline=baseline.content,
        baseline_version=baseline.version,
        baseline_hash=baseline.hash,
        policies=body.policies,
        seed=body.seed,
        replicates=body.replicates,
        value_field=body.value_field,
        rules=rules,
        fresh=fresh,
    )
    run = SandboxRun(
        workflow=workflow,
        candidate_hash=digest,
        baseline_version=baseline.version,
        status="queued",
        spec={
            "run": msgspec.to_builtins(spec),
            "history": history,
            "candidate_label": label,
            "compliance": compliance,
        },
        done=0,
        total=0,
        cancel_requested=False,
        created_by=actor,
        created_at=now,
    )
    session.add(run)
    session.flush()
    audit.append(
        session,
        at=now,
        actor=actor,
        action="sandbox.run.request",
        subject=f"sandbox_run:{run.id}",
        detail={"workflow": workflow, "candidate": digest, "baseline": baseline.version, **history},
    )
    return run


def request_cancel(session: Session, run_id: int, *, actor: str, now: datetime) -> SandboxRun:
    run = session.get(SandboxRun, run_id, with_for_update=True)
    if run is None:
        raise NotFoundError(f"There is no sandbox run {run_id}.")
    if run.status in ("queued", "running"):
        run.cancel_requested = True
        if run.status == "queued":
            run.status = "cancelled"
            run.finished_at = now
        audit.append(
            session,
            at=now,
            actor=actor,
            action="sandbox.run.cancel",
            subject=f"sandbox_run:{run.id}",
            detail={},
        )
    return run


def claim_run(session: Session, now: datetime, run_id: int | None = None) -> int | None:
    """The oldest queued run (or one whose worker's lease ran out), or run
    ``run_id`` if it is waiting (the CLI performs the one it asked for), now ours."""
    query = (
        select(SandboxRun.id)
        .where(
            or_(
                SandboxRun.status == "queued",
                (SandboxRun.status == "running") & (SandboxRun.claimed_until < now),
            )
        )
        .order_by(SandboxRun.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if run_id is not None:
        query = query.where(SandboxRun.id == run_id)
    claimed = session.scalar(query)
    if claimed is None:
        return None
    session.execute(
        update(SandboxRun)
        .where(SandboxRun.id == claimed)
        .values(status="running", started_at=now, claimed_until=now + LEASE, done=0)
    )
    return claimed


def _histories(
    session: Session, history: dict[str, Any], spec: RunSpec
) -> tuple[list[History], Snapshot]:
    form = spec.candidate.get("record_form")
    if "dataset" in history:
        dataset = session.get(Dataset, history["dataset"])
        if dataset is None or dataset.hash != history["hash"]:
            raise RuntimeError("the dataset is gone or changed since the run was asked for")
        found = dataset_histories(session, dataset.id, form)
        return found, synthetic_people(found, roles_named(spec.baseline, spec.candidate))
    window = msgspec.convert(history["window"], Window)
    plan = compile_plan(
        spec.baseline, key=spec.workflow, version=spec.baseline_version, hash=spec.baseline_hash
    )
    found = runtime_histories(
        session,
        spec.workflow,
        spec.baseline_version,
        since=window.since,
        until=window.until,
        plan=plan,
    )
    return found, people_now(session)


def perform_run(
    factory: sessionmaker[Session],
    run_id: int,
    *,
    clock: Callable[[], datetime],
    executor: Executor = "process",
    workers: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> Literal["completed", "cancelled", "failed"]:
    """Perform a claimed run: progress written as it goes (each write renews
    the claim); the report and the per-case rows stored together at the end,
    or nothing at all. Whatever goes wrong, the run ends failed with the
    reason, never left running."""
    try:
        return _perform(factory, run_id, clock, executor, workers, on_progress)
    except RunCancelled:
        return _finish(factory, run_id, "cancelled", clock(), None)
    except MissingPolicy as exc:
        problem = error(
            f"/policies/nodes/{exc.node}", "policy_required", node=exc.node, case=exc.case
        )
        message = (
            f"Step {exc.node} needs a decision history cannot tell (first in case "
            f"{exc.case}); state a policy for it."
        )
        return _finish(
            factory,
            run_id,
            "failed",
            clock(),
            {"message": message, "errors": [msgspec.to_builtins(problem)]},
        )
    except Exception as exc:  # the run failed; say why instead of hanging "running"
        return _finish(
            factory, run_id, "failed", clock(), {"message": f"{type(exc).__name__}: {exc}"}
        )


def _perform(
    factory: sessionmaker[Session],
    run_id: int,
    clock: Callable[[], datetime],
    executor: Executor,
    workers: int | None,
    on_progress: Callable[[int, int], None] | None,
) -> Literal["completed", "cancelled"]:
    with transaction(factory) as session:
        run = session.get(SandboxRun, run_id)
        if run is None:
            raise NotFoundError(f"There is no sandbox run {run_id}.")
        spec = msgspec.convert(run.spec["run"], RunSpec)
        history = dict(run.spec["history"])
        label = run.spec.get("candidate_label")
        compliance = run.spec.get("compliance") or {}
        histories, people = _histories(session, history, spec)
        session.execute(
            update(SandboxRun).where(SandboxRun.id == run_id).values(total=len(histories))
        )

    def progress(done: int, total: int) -> bool:
        if on_progress is not None:
            on_progress(done, total)
        moment = clock()
        with transaction(factory) as session:
            session.execute(
                update(SandboxRun)
                .where(SandboxRun.id == run_id)
                .values(done=done, total=total, claimed_until=moment + LEASE)
            )
            wanted = session.scalar(
                select(SandboxRun.cancel_requested).where(SandboxRun.id == run_id)
            )
        return not wanted

    outcome = replay_all(
        spec, histories, people, executor=executor, workers=workers, progress=progress
    )
    inputs = {
        "workflow": spec.workflow,
        # What the candidate is (draft or version), not the draft's revision:
        # the same content must give the same report.
        "candidate": {"hash": spec.candidate_hash, "what": str(label or "").split(" revision")[0]},
        "baseline": {"version": spec.baseline_version, "hash": spec.baseline_hash},
        "history": history,
        "policies": msgspec.to_builtins(spec.policies),
        "seed": spec.seed,
        "replicates": spec.replicates,
        "rules_version": compliance.get("version"),
    }
    teams = {name: member.team for name, member in people.members.items()}
    report = build_report(
        outcome.results,
        inputs=inputs,
        edits=outcome.edits,
        teams=teams,
        replicates=outcome.replicates,
        derived_fields=history.get("derived_fields", ()),
        compliance=compliance.get("static", ()),
    )
    finished = clock()  # read before the write transaction (the manual clock reads the database)
    with transaction(factory) as session:
        run = session.get(SandboxRun, run_id, with_for_update=True)
        if run is None or run.cancel_requested:
            # Cancelled after the last partition: still no report.
            session.execute(
                update(SandboxRun)
                .where(SandboxRun.id == run_id)
                .values(status="cancelled", finished_at=finished, claimed_until=None)
            )
            return "cancelled"
        rows = [
            {
                "run_id": run_id,
                "position": position,
                "case_key": result.key,
                "changed": result.changed,
                "reproduced": result.reproduced,
                "tier": result.tier,
                "result": msgspec.to_builtins(result),
            }
            for position, result in enumerate(outcome.results)
        ]
        session.execute(delete(SandboxRunCase).where(SandboxRunCase.run_id == run_id))
        for start in range(0, len(rows), _BATCH):
            session.execute(insert(SandboxRunCase), rows[start : start + _BATCH])
        session.execute(
            update(SandboxRun)
            .where(SandboxRun.id == run_id)
            .values(status="completed", report=report, finished_at=finished, claimed_until=None)
        )
    return "completed"


def _finish(
    factory: sessionmaker[Session],
    run_id: int,
    status: Literal["cancelled", "failed"],
    now: datetime,
    problem: dict[str, Any] | None,
) -> Literal["cancelled", "failed"]:
    with transaction(factory) as session:
        session.execute(delete(SandboxRunCase).where(SandboxRunCase.run_id == run_id))
        session.execute(
            update(SandboxRun)
            .where(SandboxRun.id == run_id)
            .values(status=status, report=None, error=problem, finished_at=now, claimed_until=None)
        )
    return status
