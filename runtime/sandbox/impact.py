"""One case, baseline against candidate: did the baseline reproduce its
history, did the candidate take another way, where did it first leave the
baseline and which edits of the draft are at that place.

Pure: simulated runs in, a compact result out (what a run stores per case
and what the report adds up). Times are kept as whole seconds so that sums
come out the same whatever order the partitions finish in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Literal

import msgspec

from builder.diff import Change
from builder.simulate import CaseRun, History

__all__ = [
    "CaseResult",
    "Divergence",
    "Mismatch",
    "Side",
    "TaskLine",
    "compare",
    "edits_by_node",
    "side_of",
]

Tier = Literal["A", "B", "C"]


class TaskLine(msgspec.Struct, gc=False):
    node: str
    level: int | None
    role: str | None
    by: str | None
    seconds: int | None
    decision: str | None
    source: str
    breached: bool
    escalated: int


class Side(msgspec.Struct, omit_defaults=True, gc=False):
    status: str
    outcome: str | None = None
    path: list[str] = msgspec.field(default_factory=list)
    cycle_seconds: int | None = None
    tasks: list[TaskLine] = msgspec.field(default_factory=list)
    captured: dict[str, int] = msgspec.field(default_factory=dict)
    assumed_jobs: int = 0
    policy_nodes: list[str] = msgspec.field(default_factory=list)
    waiting_at: str | None = None  # where an unfinished case stays
    violations: list[str] = msgspec.field(default_factory=list)  # compliance rule ids


class Mismatch(msgspec.Struct, omit_defaults=True, gc=False):
    """Where replaying the baseline first left its history."""

    reason: Literal["not_asked", "no_answer", "timing", "assignee", "refused", "loop"]
    at: datetime | None = None
    event: str | None = None  # the recorded event's name
    index: int | None = None  # its position in the case
    node: str | None = None
    detail: str = ""


class Divergence(msgspec.Struct, omit_defaults=True, gc=False):
    index: int  # position in the path
    at: datetime | None = None
    baseline: str | None = None  # the node each side went to (None: it stopped)
    candidate: str | None = None
    causes: list[int] = msgspec.field(default_factory=list)  # indexes into the edits


class CaseResult(msgspec.Struct, omit_defaults=True, gc=False):
    key: str
    tier: Tier
    changed: bool
    reproduced: bool
    baseline: Side
    candidate: Side
    mismatch: Mismatch | None = None
    divergence: Divergence | None = None
    value: float | None = None  # the record's value field, for outcome sums
    missing_policy: str | None = None  # a step the candidate reached that needs one


# The result types hold no reference cycles (gc=False): decoding a million
# of them would otherwise spend most of its time in the cycle collector.


def _seconds(value: float | None) -> int | None:
    return None if value is None else round(value * 3600)


def side_of(run: CaseRun) -> Side:
    return Side(
        status=run.status,
        outcome=run.outcome,
        path=list(run.path),
        cycle_seconds=_seconds(run.cycle_hours),
        tasks=[
            TaskLine(
                node=t.node,
                level=t.level,
                role=t.role,
                by=t.by,
                seconds=_seconds(t.hours),
                decision=t.decision,
                source=t.source,
                breached=t.breached,
                escalated=t.escalated,
            )
            for t in run.tasks
        ],
        captured=dict(sorted(run.captured.items())),
        assumed_jobs=run.assumed_jobs,
        policy_nodes=list(run.policy_nodes),
        waiting_at=run.path[-1] if run.status == "running" and run.path else None,
    )


def _mismatch(history: History, run: CaseRun) -> Mismatch | None:
    if run.refused:
        return Mismatch(reason="refused", detail=run.refused)
    if run.looped:
        return Mismatch(reason="loop", detail="the case went round a loop without end")
    expected = [i for i, h in enumerate(history.happenings) if h.kind != "other"]
    for position, want in enumerate(expected):
        got = run.used[position] if position < len(run.used) else None
        happening = history.happenings[want]
        if got != want:
            if got is None and run.unanswered:
                return Mismatch(
                    reason="no_answer",
                    node=run.unanswered,
                    at=happening.at,
                    event=happening.name or None,
                    index=want,
                    detail=f"the version waits at {run.unanswered}; "
                    "history has no event that answers it",
                )
            return Mismatch(
                reason="not_asked",
                at=happening.at,
                event=happening.name or happening.signal or happening.kind,
                index=want,
                detail=f"history has {happening.name or happening.kind}"
                + (f" by {happening.role}" if happening.role else "")
                + " where the version does not ask for it",
            )
        moment = run.used_at[position]
        if abs((moment - happening.at).total_seconds()) > 1:
            return Mismatch(
                reason="timing",
                at=happening.at,
                event=happening.name or None,
                index=want,
                detail=f"replayed at {moment.isoformat()}",
            )
    if run.unanswered:
        return Mismatch(reason="no_answer", node=run.unanswered, detail="history ends first")
    if run.substituted:
        happening = history.happenings[run.substituted[0]]
        return Mismatch(
            reason="assignee",
            at=happening.at,
            event=happening.name or None,
            index=run.substituted[0],
            detail=f"history says {happening.actor} decided; the version does not ask them",
        )
    return None


def edits_by_node(
    changes: Sequence[Change], before: Mapping[str, Any], after: Mapping[str, Any]
) -> dict[str, list[int]]:
    """Node id -> the logic edits that touch it: its own settings, and the
    connections into or out of it (in either version)."""
    ends: dict[str, set[str]] = {}
    for document in (before, after):
        for edge in document.get("edges", []) or []:
            if isinstance(edge, dict) and isinstance(edge.get("id"), str):
                ends.setdefault(edge["id"], set()).update(
                    str(edge.get(k)) for k in ("source", "target") if edge.get(k)
                )
    found: dict[str, list[int]] = {}
    for index, change in enumerate(changes):
        if change.aspect != "logic":
            continue
        parts = change.path.split("/")
        touched: set[str] = set()
        if len(parts) > 2 and parts[1] == "nodes":
            touched.add(parts[2])
        elif len(parts) > 2 and parts[1] == "edges":
            touched |= ends.get(parts[2], set())
        for node in touched:
            found.setdefault(node, []).append(index)
    return found


def _divergence(
    baseline: CaseRun,
    candidate: CaseRun,
    edits: Mapping[str, list[int]],
    routing: frozenset[str],
) -> Divergence | None:
    """Where the two ways through first differ, compared on the steps that
    do something (routing steps such as decisions only choose the way: a
    case passing one more of them has not changed). The edits named are
    those touching any node between the last common step and the first
    different ones, on either side."""
    a = [(i, n) for i, n in enumerate(baseline.path) if n not in routing]
    b = [(i, n) for i, n in enumerate(candidate.path) if n not in routing]
    for k in range(max(len(a), len(b))):
        left = a[k] if k < len(a) else None
        right = b[k] if k < len(b) else None
        if (left and left[1]) == (right and right[1]):
            continue
        since_a, since_b = (a[k - 1][0], b[k - 1][0]) if k else (0, 0)
        upto_a = left[0] if left else len(baseline.path) - 1
        upto_b = right[0] if right else len(candidate.path) - 1
        places = set(baseline.path[since_a : upto_a + 1]) | set(
            candidate.path[since_b : upto_b + 1]
        )
        if right is not None:
            index, at = right[0], candidate.path_at[right[0]]
        elif left is not None:
            index, at = left[0], baseline.path_at[left[0]]
        else:  # pragma: no cover - both None cannot differ
            index, at = 0, None
        return Divergence(
            index=index,
            at=at,
            baseline=left[1] if left else None,
            candidate=right[1] if right else None,
            causes=sorted({i for n in places for i in edits.get(n, [])}),
        )
    # The same steps; a different person or decision on them?
    for one, two in zip(baseline.tasks, candidate.tasks, strict=False):
        if (one.node, one.level, one.by, one.decision) != (
            two.node,
            two.level,
            two.by,
            two.decision,
        ):
            index = candidate.path.index(two.node) if two.node in candidate.path else 0
            return Divergence(
                index, two.opened, one.node, two.node, sorted(edits.get(two.node, []))
            )
    if len(baseline.tasks) != len(candidate.tasks) or baseline.outcome != candidate.outcome:
        return Divergence(len(candidate.path), candidate.ended, None, None, [])
    return None


def compare(
    history: History,
    baseline: CaseRun,
    candidate: CaseRun,
    edits: Mapping[str, list[int]],
    *,
    routing: frozenset[str] = frozenset(),
    value_field: str | None = None,
) -> CaseResult:
    """``routing``: the ids of steps that only choose the way (decisions,
    gateways), left out when the two paths are compared."""
    divergence = _divergence(baseline, candidate, edits, routing)
    changed = divergence is not None
    tier: Tier = "C" if candidate.policy_nodes else "B" if changed else "A"
    mismatch = _mismatch(history, baseline)
    value = None
    if value_field and history.record is not None:
        raw = history.record.data.get(value_field)
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            value = float(raw)
    return CaseResult(
        key=history.key,
        tier=tier,
        changed=changed,
        reproduced=mismatch is None,
        baseline=side_of(baseline),
        candidate=side_of(candidate),
        mismatch=mismatch,
        divergence=divergence,
        value=value,
    )
