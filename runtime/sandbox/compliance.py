"""Compliance rules: a short list per workflow that a change must not break,
checked statically against the candidate and dynamically over the replay.

Three kinds, each with an ``id`` the report names:

- ``min_approvals``: cases where ``when`` holds (a restricted expression
  over the record, e.g. ``record['amount'] > 1000``) end with at least
  ``count`` approvals. Statically: the fewest approvals on any way from the
  start to an end, conditions ignored (so a warning, not proof); over the
  replay: the completed cases with fewer, with examples.
- ``must_pass``: cases where ``when`` holds pass step ``node``. Statically:
  the step exists and no way from the start to an end avoids it; over the
  replay: the completed cases that did not pass it.
- ``never_sees``: business role ``role`` never reads ``field`` of ``form``.
  Checked against the live permission matrices (the replay does not
  change who may read what).

Pure: rules, documents and per-case results in, findings out.
"""

from __future__ import annotations

import heapq
from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime
from typing import Annotated, Any

import msgspec

from builder.access import Viewer, form_access
from builder.evaluate import RecordView, evaluate
from builder.expressions import ExpressionError, compile_expression
from components.engine import RecordSnapshot
from runtime.sandbox.impact import Side

__all__ = [
    "MinApprovals",
    "MustPass",
    "NeverSees",
    "Rule",
    "RuleSet",
    "case_violations",
    "check_rules",
    "static_findings",
]

RuleId = Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class _Rule(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, omit_defaults=True):
    id: RuleId
    title: dict[str, str] = msgspec.field(default_factory=dict)


class MinApprovals(_Rule, tag="min_approvals", tag_field="kind"):
    count: Annotated[int, msgspec.Meta(ge=1, le=20)]
    when: str | None = None


class MustPass(_Rule, tag="must_pass", tag_field="kind"):
    node: Name
    when: str | None = None


class NeverSees(_Rule, tag="never_sees", tag_field="kind"):
    role: Name
    form: Name
    field: Name


Rule = MinApprovals | MustPass | NeverSees


class RuleSet(msgspec.Struct, forbid_unknown_fields=True):
    rules: Annotated[list[Rule], msgspec.Meta(max_length=50)]


def check_rules(rules: RuleSet) -> list[tuple[str, str]]:
    """(pointer, problem) for each rule that cannot be used: a duplicate id
    or a ``when`` that does not compile."""
    problems: list[tuple[str, str]] = []
    seen: set[str] = set()
    for index, rule in enumerate(rules.rules):
        if rule.id in seen:
            problems.append((f"/rules/{index}/id", f"the id {rule.id!r} is used twice"))
        seen.add(rule.id)
        when = getattr(rule, "when", None)
        if when:
            try:
                compile_expression(when)
            except ExpressionError as exc:
                problems.append((f"/rules/{index}/when", str(exc)))
    return problems


# -- static --------------------------------------------------------------------------


def _graph(document: Mapping[str, Any]) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    nodes = {str(n.get("id")): n for n in document.get("nodes", []) if isinstance(n, dict)}
    edges = [e for e in document.get("edges", []) if isinstance(e, dict)]
    return nodes, edges


def _fewest_approvals(document: Mapping[str, Any]) -> int | None:
    """The fewest approval levels passed (left by their ``approved`` port) on
    a way from a start to an end, conditions ignored."""
    nodes, edges = _graph(document)
    starts = [i for i, n in nodes.items() if n.get("type") == "start"]
    ends = {i for i, n in nodes.items() if n.get("type") == "end"}
    best: dict[str, int] = {}
    queue = [(0, s) for s in starts]
    while queue:
        cost, node = heapq.heappop(queue)
        if best.get(node, 1 << 30) <= cost:
            continue
        best[node] = cost
        if node in ends:
            return cost
        here = nodes.get(node, {})
        levels = len((here.get("config") or {}).get("levels") or [])
        for edge in edges:
            if edge.get("source") != node:
                continue
            port = edge.get("source_port")
            weight = levels if here.get("type") == "approval" and port in (None, "approved") else 0
            heapq.heappush(queue, (cost + weight, str(edge.get("target"))))
    return None


def _avoidable(document: Mapping[str, Any], node: str) -> bool:
    """Whether an end can be reached from a start without passing ``node``."""
    nodes, edges = _graph(document)
    ends = {i for i, n in nodes.items() if n.get("type") == "end"}
    todo = [i for i, n in nodes.items() if n.get("type") == "start" and i != node]
    seen: set[str] = set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        if current in ends:
            return True
        todo += [
            str(e.get("target"))
            for e in edges
            if e.get("source") == current and e.get("target") != node
        ]
    return False


def static_findings(
    rules: RuleSet,
    candidate: Mapping[str, Any],
    matrices: Collection[Mapping[str, Any]],
) -> list[dict[str, Any]]:
    """Per rule: whether the candidate can break it, judged from its drawing
    (and, for ``never_sees``, from the live permission matrices)."""
    found: list[dict[str, Any]] = []
    for rule in rules.rules:
        if isinstance(rule, MinApprovals):
            fewest = _fewest_approvals(candidate)
            ok = fewest is not None and fewest >= rule.count
            detail = (
                f"every way to an end passes at least {fewest} approvals"
                if ok
                else f"a way to an end passes only {fewest} approvals "
                "(conditions ignored: the replay shows whether cases take it)"
            )
        elif isinstance(rule, MustPass):
            nodes, _ = _graph(candidate)
            if rule.node not in nodes:
                ok, detail = False, f"the candidate has no step {rule.node}"
            elif _avoidable(candidate, rule.node):
                ok = rule.when is not None  # conditional rules: the replay decides
                detail = f"a way to an end avoids {rule.node}" + (
                    " (the rule applies only when its condition holds: see the replay)"
                    if rule.when
                    else ""
                )
            else:
                ok, detail = True, f"every way to an end passes {rule.node}"
        else:
            viewer = Viewer(user_id=0, username=f"{rule.role}:anyone", roles=frozenset([rule.role]))
            access = form_access(matrices, rule.form, viewer, datetime.now(UTC))
            ok = not access.readable_somewhere(rule.field)
            detail = (
                f"the live permission matrices let {rule.role} read {rule.form}.{rule.field}"
                if not ok
                else f"{rule.role} cannot read {rule.form}.{rule.field}"
            )
        found.append({"rule": rule.id, "kind": type(rule).__name__, "ok": ok, "detail": detail})
    return found


# -- over the replay ---------------------------------------------------------------


def _holds(when: str | None, record: RecordSnapshot | None, cache: dict[str, Any]) -> bool:
    if not when:
        return True
    compiled = cache.get(when) or cache.setdefault(when, compile_expression(when))
    view = RecordView(record.data if record else {}, record.exemptions if record else None)
    try:
        return bool(
            evaluate(compiled, record=view, variables={}, now=datetime(2000, 1, 1, tzinfo=UTC))
        )
    except Exception:  # a record the condition cannot read: the rule does not apply
        return False


def case_violations(rules: Sequence[Rule], record: RecordSnapshot | None, side: Side) -> list[str]:
    """The ids of the rules one completed case breaks."""
    if side.status != "completed":
        return []
    cache: dict[str, Any] = {}
    broken = []
    decided = [t.decision for t in side.tasks if t.level is not None and t.decision]
    rejected = bool(decided) and decided[-1] == "rejected"  # nothing went through
    for rule in rules:
        if isinstance(rule, MinApprovals) and not rejected and _holds(rule.when, record, cache):
            approved = sum(
                1 for t in side.tasks if t.level is not None and t.decision == "approved"
            )
            if approved < rule.count:
                broken.append(rule.id)
        elif (
            isinstance(rule, MustPass)
            and rule.node not in side.path
            and _holds(rule.when, record, cache)
        ):
            broken.append(rule.id)
    return broken
