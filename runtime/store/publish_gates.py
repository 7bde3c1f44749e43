"""Publish gates: a variant of a workflow may require a completed sandbox
run of exactly the content being made live (matched by content hash, so a
run on the draft counts for the version published from it, and a draft
changed since is stale). Rolling back is never gated: it returns to
content that already ran."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from builder.canonical import content_hash
from builder.errors import error
from builder.validate import check
from runtime.store import audit, documents
from runtime.store.errors import ConflictError
from runtime.store.sandbox_models import PublishGate, SandboxRun

__all__ = ["gate_status", "latest_run_for", "require_sandbox_report", "set_gate"]


def latest_run_for(session: Session, workflow: str, digest: str) -> SandboxRun | None:
    """The newest completed run whose candidate was exactly this content and
    that replayed at least one case (an empty window proves nothing)."""
    runs = session.scalars(
        select(SandboxRun)
        .where(
            SandboxRun.workflow == workflow,
            SandboxRun.candidate_hash == digest,
            SandboxRun.status == "completed",
        )
        .order_by(SandboxRun.id.desc())
        .limit(20)
    )
    return next((run for run in runs if (run.report or {}).get("cases")), None)


def _summary(run: SandboxRun | None) -> dict[str, Any] | None:
    if run is None:
        return None
    report = run.report or {}
    repro = report.get("baseline_reproduction", {})
    changed = report.get("changed", {})
    return {
        "id": run.id,
        "candidate_hash": run.candidate_hash,
        "baseline_version": run.baseline_version,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "cases": report.get("cases"),
        "reproduced": repro.get("reproduced"),
        "mismatched": repro.get("mismatched"),
        "changed": changed.get("cases"),
        "tiers": changed.get("tiers"),
        "compliance_new_violations": sum(
            row.get("new", {}).get("violations", 0) for row in report.get("compliance", [])
        ),
    }


def gate_status(session: Session, workflow: str) -> dict[str, Any]:
    """For the publish dialog: the draft's hash, the latest report for exactly
    it, the latest report of any content (stale when it is not the draft's),
    and which variants require a report."""
    documents.require_document(session, "workflow", workflow)
    digest = None
    try:
        _document, draft = documents.get_draft(session, "workflow", workflow)
    except documents.NotFoundError:
        draft = None
    if draft is not None:
        checked = check(draft.content, kind="workflow", key=workflow)
        if checked.document is not None and not checked.errors:
            digest = content_hash(checked.document)
    newest = session.scalars(
        select(SandboxRun)
        .where(SandboxRun.workflow == workflow, SandboxRun.status == "completed")
        .order_by(SandboxRun.id.desc())
        .limit(1)
    ).first()
    current = latest_run_for(session, workflow, digest) if digest else None
    gates = session.scalars(select(PublishGate).where(PublishGate.workflow == workflow))
    return {
        "workflow": workflow,
        "draft_hash": digest,
        "report": _summary(current),
        "latest": _summary(newest),
        "stale": newest is not None and (digest is None or newest.candidate_hash != digest),
        "gates": {g.variant: g.require_sandbox for g in gates},
    }


def set_gate(
    session: Session, workflow: str, variant: str, required: bool, *, actor: str, now: datetime
) -> None:
    documents.require_document(session, "workflow", workflow)
    gate = session.get(PublishGate, (workflow, variant))
    if gate is None:
        gate = PublishGate(workflow=workflow, variant=variant, require_sandbox=required)
        session.add(gate)
    gate.require_sandbox, gate.updated_by, gate.updated_at = required, actor, now
    audit.append(
        session,
        at=now,
        actor=actor,
        action="document.gate",
        subject=f"workflow:{workflow}",
        detail={"variant": variant, "require_sandbox": required},
    )


def require_sandbox_report(session: Session, workflow: str, variant: str, digest: str) -> None:
    """409 unless ``variant`` needs no report or one exists for ``digest``."""
    gate = session.get(PublishGate, (workflow, variant))
    if gate is None or not gate.require_sandbox:
        return
    if latest_run_for(session, workflow, digest) is None:
        raise ConflictError(
            f"Variant {variant!r} of {workflow!r} goes live only after a completed sandbox run "
            f"of exactly this content ({digest}); run the sandbox on it first.",
            [error("/version", "sandbox_required", variant=variant, hash=digest)],
        )
