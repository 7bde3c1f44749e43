"""A simulation's report and cases in the user's words and as bar lengths. Pure.

The API's report (``GET /sandbox/runs/{id}``, once completed) holds the figures;
here they become lines to show: numbers with thousands separators, changes with
their sign and whether they went down or up, cycle times in hours or days, paths
with the steps' labels instead of their ids, and bar lengths as percentages of the
largest value in the same chart (so baseline and candidate are drawn to one scale).
Steps are named by the labels of the candidate's document, else the baseline's.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from studio.labels import LABELS, text
from studio.sandbox.client import RunCase
from studio.sandbox.model import localized

__all__ = [
    "DIVERGENCE",
    "PATH",
    "ApprovalRow",
    "Bin",
    "CaseRow",
    "CaseView",
    "Headline",
    "OutcomeRow",
    "PathChange",
    "WorkloadRow",
    "approval_rows",
    "bins",
    "case_row",
    "case_view",
    "disclosure",
    "edit_lines",
    "headline",
    "hours",
    "marks",
    "names",
    "number",
    "outcome_rows",
    "path_changes",
    "path_of",
    "signed",
    "tier_label",
    "workload_rows",
]

PATH = "path"  # a step or connection the case passed through
DIVERGENCE = "divergence"  # where the two sides first part
SEP = " > "  # how the report joins a path's steps
MAX_WORKLOAD = 15  # the busiest people (roles, teams) shown


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def number(value: Any) -> str:
    """10164 -> "10,164"; 0.5 -> "0.5"; nothing -> "–"."""
    found = _num(value)
    if found is None:
        return "–"
    if found == int(found):
        return f"{int(found):,}"
    return f"{found:,.2f}".rstrip("0").rstrip(".")


def signed(value: Any) -> str:
    """A change with its sign: "+6", "−169", "0"."""
    found = _num(value)
    if found is None:
        return "–"
    shown = number(abs(found))
    return f"+{shown}" if found > 0 else f"−{shown}" if found < 0 else "0"


def _tone(value: Any) -> str:
    found = _num(value) or 0.0
    return "down" if found < 0 else "up" if found > 0 else "same"


def hours(value: Any, language: str) -> str:
    """A duration in hours, in days from two days on: "5.5 h", "7.3 d"."""
    found = _num(value)
    if found is None:
        return "–"
    if abs(found) >= 48:
        return text(language, "sandbox.days", n=f"{found / 24:,.1f}")
    return text(language, "sandbox.hours", n=f"{found:,.1f}".replace(".0", ""))


def _signed_hours(value: Any, language: str) -> str:
    found = _num(value)
    if found is None:
        return "–"
    shown = hours(abs(found), language)
    return f"+{shown}" if found > 0 else f"−{shown}" if found < 0 else shown


def _interval(pair: Any, shown: Any = number) -> str:
    if not isinstance(pair, Sequence) or len(pair) != 2:
        return ""
    return f"{shown(pair[0])} – {shown(pair[1])}"


def _pct(value: Any, top: float) -> int:
    found = _num(value) or 0.0
    if top <= 0 or found <= 0:
        return 0
    return max(1, min(100, round(100 * found / top)))


def names(*documents: Mapping[str, Any], language: str) -> dict[str, str]:
    """Step id -> label, the first document's label winning."""
    found: dict[str, str] = {}
    for document in reversed(documents):
        for node in document.get("nodes") or []:
            if isinstance(node, Mapping) and node.get("id") is not None:
                node_id = str(node["id"])
                found[node_id] = localized(node.get("label"), language) or node_id
    return found


def _outcome(outcome: Any, documents: Sequence[Mapping[str, Any]], language: str) -> str:
    """An outcome in words: "open" and the engine's own, else the label of the end step
    that gives it ("paid" -> "Paid"), else as it is."""
    if outcome is None or outcome == "":
        return text(language, "sandbox.outcome_none")
    key = f"sandbox.outcome_{outcome}"
    if key in LABELS:
        return text(language, key)
    for document in documents:
        for node in document.get("nodes") or []:
            if not isinstance(node, Mapping) or node.get("type") != "end":
                continue
            config = node.get("config") or {}
            if isinstance(config, Mapping) and config.get("outcome") == outcome:
                return localized(node.get("label"), language) or str(outcome)
    key = f"tasks.outcome_{outcome}"
    return text(language, key) if key in LABELS else str(outcome)


# ---- the headline ------------------------------------------------------------------


@dataclass
class Headline:
    cases: str
    reproduced: str  # "10,164 of 10,357"
    share: str  # "98.1 %"
    mismatched: str  # "193 mismatched"
    mismatches: int
    reasons: str  # "not asked 161 · no answer 32"
    changed: str
    changed_share: str
    tier_a: str
    tier_b: str
    tier_c: str
    approvals: str  # "22,673 → 12,612"
    approvals_change: str
    approvals_tone: str
    approvals_interval: str
    median: str  # "7.3 d → 6.2 d"
    median_change: str
    median_tone: str
    median_interval: str
    p90: str
    p90_change: str
    p90_tone: str
    p90_interval: str
    escalations: str
    breaches: str


def _share(value: Any) -> str:
    found = _num(value)
    return "–" if found is None else f"{100 * found:.1f} %"


def headline(report: Mapping[str, Any], language: str) -> Headline:
    repro = report.get("baseline_reproduction") or {}
    changed = report.get("changed") or {}
    tiers = changed.get("tiers") or {}
    total = report.get("approvals_total") or {}
    cycle = report.get("cycle_time") or {}
    before, after = cycle.get("baseline") or {}, cycle.get("candidate") or {}
    change = cycle.get("change") or {}
    intervals = cycle.get("intervals") or {}
    sla = report.get("sla") or {}
    sla_before, sla_after = sla.get("baseline") or {}, sla.get("candidate") or {}
    reasons = repro.get("by_reason") or {}

    def hour(value: Any) -> str:
        return hours(value, language)

    def exact(value: Any) -> str:  # an interval is often narrower than a tenth of a day
        return text(language, "sandbox.hours", n=number(value))

    def moved(one: Any, other: Any, shown: Any = number) -> str:
        return f"{shown(one)} → {shown(other)}"

    return Headline(
        cases=number(report.get("cases")),
        reproduced=text(
            language,
            "sandbox.reproduced_of",
            n=number(repro.get("reproduced")),
            total=number(repro.get("cases")),
        ),
        share=_share(repro.get("share_reproduced")),
        mismatched=text(language, "sandbox.mismatched", n=number(repro.get("mismatched"))),
        mismatches=int(_num(repro.get("mismatched")) or 0),
        reasons=" · ".join(
            f"{_reason(reason, language)} {number(count)}"
            for reason, count in sorted(reasons.items(), key=lambda item: -(item[1] or 0))
        ),
        changed=number(changed.get("cases")),
        changed_share=_share(changed.get("share")),
        tier_a=number(tiers.get("A", 0)),
        tier_b=number(tiers.get("B", 0)),
        tier_c=number(tiers.get("C", 0)),
        approvals=moved(total.get("baseline"), total.get("candidate")),
        approvals_change=signed(_diff(total.get("baseline"), total.get("candidate"))),
        approvals_tone=_tone(_diff(total.get("baseline"), total.get("candidate"))),
        approvals_interval=_interval(total.get("interval")),
        median=moved(before.get("median_hours"), after.get("median_hours"), hour),
        median_change=_signed_hours(change.get("median_hours"), language),
        median_tone=_tone(change.get("median_hours")),
        median_interval=_interval(intervals.get("median_hours"), exact),
        p90=moved(before.get("p90_hours"), after.get("p90_hours"), hour),
        p90_change=_signed_hours(change.get("p90_hours"), language),
        p90_tone=_tone(change.get("p90_hours")),
        p90_interval=_interval(intervals.get("p90_hours"), exact),
        escalations=moved(sla_before.get("escalations"), sla_after.get("escalations")),
        breaches=moved(sla_before.get("breaches"), sla_after.get("breaches")),
    )


def _diff(before: Any, after: Any) -> float | None:
    one, other = _num(before), _num(after)
    return None if one is None or other is None else other - one


def _reason(reason: str, language: str) -> str:
    key = f"sandbox.reason_{reason}"
    return text(language, key) if key in LABELS else reason


# ---- approvals and outcomes -----------------------------------------------------------


@dataclass
class ApprovalRow:
    node: str
    step: str
    level: str
    role: str
    before: str
    after: str
    delta: str
    tone: str
    approved: str = ""  # "9,844 → 212": of the decisions, the approvals


def approval_rows(
    report: Mapping[str, Any], steps: Mapping[str, str], language: str
) -> list[ApprovalRow]:
    """Decisions per step and level, before and after, in the report's order."""
    rows = []
    for row in report.get("approvals") or []:
        if not isinstance(row, Mapping):
            continue
        node = str(row.get("node", ""))
        yes = row.get("approved") if isinstance(row.get("approved"), Mapping) else {}
        rows.append(
            ApprovalRow(
                node=node,
                step=steps.get(node, node),
                level=number(row.get("level")),
                role=str(row.get("role") or text(language, "sandbox.anyone")),
                before=number(row.get("baseline")),
                after=number(row.get("candidate")),
                delta=signed(row.get("delta")),
                tone=_tone(row.get("delta")),
                approved=f"{number(yes.get('baseline'))} → {number(yes.get('candidate'))}"
                if yes
                else "",
            )
        )
    return rows


@dataclass
class OutcomeRow:
    outcome: str
    label: str
    before: str
    after: str
    delta: str
    tone: str
    interval: str  # "9,903 – 9,907", or ""
    tiers: str  # "A 212 · B 9,669 · C 24"
    before_pct: int  # bar lengths, of the largest figure of this outcome
    after_pct: int
    low_pct: int  # the interval's whisker, on the same scale
    high_pct: int


def outcome_rows(
    report: Mapping[str, Any], documents: Sequence[Mapping[str, Any]], language: str
) -> list[OutcomeRow]:
    items = [r for r in report.get("outcomes") or [] if isinstance(r, Mapping)]
    rows = []
    for row in items:
        interval = row.get("interval")
        low, high = interval if isinstance(interval, Sequence) and len(interval) == 2 else (0, 0)
        # Each outcome to its own scale: a rare one's change is as visible as a common one's.
        top = max(_num(v) or 0.0 for v in (row.get("baseline"), row.get("candidate"), high))
        tiers = row.get("tiers") or {}
        rows.append(
            OutcomeRow(
                outcome=str(row.get("outcome", "")),
                label=_outcome(row.get("outcome"), documents, language),
                before=number(row.get("baseline")),
                after=number(row.get("candidate")),
                delta=signed(row.get("delta")),
                tone=_tone(row.get("delta")),
                interval=_interval(interval),
                tiers=" · ".join(f"{t} {number(tiers.get(t, 0))}" for t in ("A", "B", "C")),
                before_pct=_pct(row.get("baseline"), top),
                after_pct=_pct(row.get("candidate"), top),
                low_pct=_pct(low, top),
                high_pct=_pct(high, top),
            )
        )
    return rows


# ---- paths, workload, cycle time ---------------------------------------------------------


@dataclass
class PathChange:
    before: str  # the steps' labels joined by arrows
    after: str
    cases: str
    removed: str  # the steps the candidate no longer passes ("" for none)
    added: str  # the steps it passes newly


def _steps(path: Any) -> list[str]:
    return [p for p in str(path or "").split(SEP) if p]


def _path_text(path: Sequence[str], steps: Mapping[str, str]) -> str:
    return " → ".join(steps.get(p, p) for p in path)


def path_changes(report: Mapping[str, Any], steps: Mapping[str, str]) -> list[PathChange]:
    """The path-change matrix: each (baseline path → candidate path) with its cases,
    most cases first, and which steps it drops and adds."""
    rows = []
    for change in (report.get("paths") or {}).get("changes") or []:
        if not isinstance(change, Mapping):
            continue
        before, after = _steps(change.get("from")), _steps(change.get("to"))
        gone = Counter(before) - Counter(after)
        new = Counter(after) - Counter(before)
        rows.append(
            PathChange(
                before=_path_text(before, steps),
                after=_path_text(after, steps),
                cases=number(change.get("cases")),
                removed=", ".join(steps.get(s, s) for s in gone),
                added=", ".join(steps.get(s, s) for s in new),
            )
        )
    return rows


@dataclass
class WorkloadRow:
    name: str
    before: str
    after: str
    delta: str
    tone: str
    before_hours: str
    after_hours: str
    before_pct: int
    after_pct: int


def workload_rows(report: Mapping[str, Any], by: str, language: str) -> list[WorkloadRow]:
    """Tasks per person (``by``: people, roles, teams) before and after, the busiest
    first."""
    items = [r for r in (report.get("workload") or {}).get(by) or [] if isinstance(r, Mapping)]

    def tasks(row: Mapping[str, Any], side: str) -> float:
        return _num((row.get(side) or {}).get("tasks")) or 0.0

    items.sort(
        key=lambda r: (-max(tasks(r, "baseline"), tasks(r, "candidate")), str(r.get("name")))
    )
    items = items[:MAX_WORKLOAD]
    top = max([max(tasks(r, "baseline"), tasks(r, "candidate")) for r in items] or [0.0])
    return [
        WorkloadRow(
            name=str(r.get("name", "")),
            before=number(tasks(r, "baseline")),
            after=number(tasks(r, "candidate")),
            delta=signed(r.get("delta_tasks")),
            tone=_tone(r.get("delta_tasks")),
            before_hours=hours((r.get("baseline") or {}).get("hours"), language),
            after_hours=hours((r.get("candidate") or {}).get("hours"), language),
            before_pct=_pct(tasks(r, "baseline"), top),
            after_pct=_pct(tasks(r, "candidate"), top),
        )
        for r in items
    ]


@dataclass
class Bin:
    label: str  # "≤ 3 d", "> 90 d"
    before: str
    after: str
    before_pct: int
    after_pct: int


def _bound(value: Any, language: str) -> str:
    return hours(value, language).replace(".0 ", " ")


def bins(report: Mapping[str, Any], language: str) -> list[Bin]:
    """The cycle-time histogram, baseline and candidate side by side per bin."""
    cycle = report.get("cycle_time") or {}
    before = [
        b for b in (cycle.get("baseline") or {}).get("histogram") or [] if isinstance(b, Mapping)
    ]
    after = [
        b for b in (cycle.get("candidate") or {}).get("histogram") or [] if isinstance(b, Mapping)
    ]
    counts_after = {b.get("up_to_hours"): b.get("cases") for b in after}
    top = max([_num(b.get("cases")) or 0.0 for b in (*before, *after)] or [0.0])
    rows = []
    last: Any = None
    for item in before or after:
        bound = item.get("up_to_hours")
        if bound is None:
            label = f"> {_bound(last, language)}" if last is not None else "–"
        else:
            label = f"≤ {_bound(bound, language)}"
        last = bound
        base = item.get("cases") if before else None
        cand = counts_after.get(bound)
        rows.append(
            Bin(
                label=label,
                before=number(base or 0),
                after=number(cand or 0),
                before_pct=_pct(base, top),
                after_pct=_pct(cand, top),
            )
        )
    return rows


def disclosure(report: Mapping[str, Any], language: str) -> list[str]:
    """What the figures rest on, as the report says it."""
    return [
        localized(item, language)
        for item in report.get("disclosure") or []
        if localized(item, language)
    ]


def edit_lines(report: Mapping[str, Any], language: str) -> list[str]:
    """The candidate's changes against the baseline, in words, in the report's order."""
    return [
        localized(item.get("summary"), language) or str(item.get("path", ""))
        for item in report.get("edits") or []
        if isinstance(item, Mapping)
    ]


# ---- one case ---------------------------------------------------------------------------


@dataclass
class CaseRow:
    case: str
    tier: str
    tier_label: str
    reproduced: bool
    before: str  # the baseline's outcome
    after: str
    before_time: str
    after_time: str
    difference: str  # "Supervisor (final) → Payment requested", or ""


def _side(result: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    side = result.get(name)
    return side if isinstance(side, Mapping) else {}


def _cycle(side: Mapping[str, Any], language: str) -> str:
    seconds = _num(side.get("cycle_seconds"))
    if seconds is None:
        return text(language, "sandbox.still_open")
    return hours(seconds / 3600, language)


def _outcome_of(
    side: Mapping[str, Any], documents: Sequence[Mapping[str, Any]], language: str
) -> str:
    if side.get("status") == "running" or not side.get("outcome"):
        return _outcome(side.get("outcome") or "open", documents, language)
    return _outcome(side.get("outcome"), documents, language)


def _went(node: Any, steps: Mapping[str, str], language: str) -> str:
    return steps.get(str(node), str(node)) if node else text(language, "sandbox.stopped")


def tier_label(tier: str, language: str) -> str:
    key = f"sandbox.tier_{tier}"
    return text(language, key) if key in LABELS else tier


def case_row(
    item: RunCase,
    steps: Mapping[str, str],
    documents: Sequence[Mapping[str, Any]],
    language: str,
) -> CaseRow:
    """One line of the case list: outcomes, cycle times and where the sides part."""
    result = item.result
    baseline, candidate = _side(result, "baseline"), _side(result, "candidate")
    divergence = result.get("divergence")
    difference = ""
    if isinstance(divergence, Mapping):
        difference = (
            f"{_went(divergence.get('baseline'), steps, language)} → "
            f"{_went(divergence.get('candidate'), steps, language)}"
        )
    return CaseRow(
        case=item.case,
        tier=item.tier,
        tier_label=tier_label(item.tier, language),
        reproduced=item.reproduced,
        before=_outcome_of(baseline, documents, language),
        after=_outcome_of(candidate, documents, language),
        before_time=_cycle(baseline, language),
        after_time=_cycle(candidate, language),
        difference=difference,
    )


@dataclass
class CaseView:
    """One case chosen in the list: both paths in words and where they part."""

    case: str
    tier: str
    tier_label: str
    baseline_path: str
    candidate_path: str
    baseline_at: str  # the step marked on each canvas ("" when that side stopped)
    candidate_at: str
    divergence: str  # the sentence saying where they part, or ""
    causes: list[str]  # the candidate's changes at that place
    mismatch: str  # why the baseline did not reproduce the history, or ""


def case_view(
    item: RunCase,
    steps: Mapping[str, str],
    edits: Sequence[Mapping[str, Any]],
    language: str,
) -> CaseView:
    result = item.result
    baseline, candidate = _side(result, "baseline"), _side(result, "candidate")
    divergence = result.get("divergence")
    said, causes = "", []
    at_before = at_after = ""
    if isinstance(divergence, Mapping):
        at_before = str(divergence.get("baseline") or "")
        at_after = str(divergence.get("candidate") or "")
        said = text(
            language,
            "sandbox.divergence",
            baseline=_went(at_before, steps, language),
            candidate=_went(at_after, steps, language),
        )
        by_index = {
            e.get("index"): localized(e.get("summary"), language)
            for e in edits
            if isinstance(e, Mapping)
        }
        causes = [by_index[c] for c in divergence.get("causes") or [] if by_index.get(c)]
    mismatch = result.get("mismatch")
    return CaseView(
        case=item.case,
        tier=item.tier,
        tier_label=tier_label(item.tier, language),
        baseline_path=_path_text([str(p) for p in baseline.get("path") or []], steps),
        candidate_path=_path_text([str(p) for p in candidate.get("path") or []], steps),
        baseline_at=at_before,
        candidate_at=at_after,
        divergence=said,
        causes=causes,
        mismatch=str(mismatch.get("detail") or mismatch.get("reason") or "")
        if isinstance(mismatch, Mapping)
        else "",
    )


def path_of(item: RunCase, side: str) -> list[str]:
    """The steps ``side`` (baseline, candidate) of the case passed, in order."""
    return [str(p) for p in _side(item.result, side).get("path") or []]


def marks(document: Mapping[str, Any], path: Sequence[str], at: str) -> dict[str, str]:
    """The canvas highlights of one side: the steps of ``path`` and the connections
    taken between them, and ``at`` (the first difference) over the path."""
    found = {str(node): PATH for node in path}
    edges = [e for e in document.get("edges") or [] if isinstance(e, Mapping)]
    between = {(str(e.get("source")), str(e.get("target"))): str(e.get("id")) for e in edges}
    for source, target in itertools.pairwise(path):
        edge = between.get((str(source), str(target)))
        if edge:
            found[edge] = PATH
    if at:
        found[at] = DIVERGENCE
    return found
