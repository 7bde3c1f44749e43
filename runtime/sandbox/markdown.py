"""A sandbox report as Markdown, for people who read it outside Trellis (the
CLI writes it next to the JSON). Pure: the report in, text out."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

__all__ = ["headline", "render_markdown"]


def _n(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _signed(value: Any) -> str:
    if value is None:
        return "–"
    return ("+" if value > 0 else "") + _n(value)


def _table(head: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out += [
        "| " + " | ".join(_n(c) if not isinstance(c, str) else c for c in row) + " |"
        for row in rows
    ]
    return [*out, ""]


def _interval(pair: Any) -> str:
    return f"{_n(pair[0])} – {_n(pair[1])}" if pair else "–"


def headline(report: dict[str, Any]) -> list[str]:
    """The figures a reader wants first, one line each."""
    repro = report["baseline_reproduction"]
    changed = report["changed"]
    cycle = report["cycle_time"]
    tiers = changed["tiers"]
    lines = [
        f"Cases replayed: {_n(report['cases'])}",
        f"Baseline reproduced: {_n(repro['reproduced'])} of {_n(repro['cases'])} "
        f"({_n(round(100 * (repro['share_reproduced'] or 0), 2))} %); "
        f"mismatches: {_n(repro['mismatched'])}",
        f"Cases changing path: {_n(changed['cases'])}; over all cases, tier A "
        f"{_n(tiers['A'])} (unchanged), B {_n(tiers['B'])} (changed by logic), "
        f"C {_n(tiers['C'])} (depends on the policy)",
    ]
    for row in report["approvals"]:
        if row["delta"]:
            approved = row["approved"]
            lines.append(
                f"Decisions at {row['node']} level {row['level']} ({row['role'] or 'anyone'}): "
                f"{_n(row['baseline'])} -> {_n(row['candidate'])} ({_signed(row['delta'])}); "
                f"approvals {_n(approved['baseline'])} -> {_n(approved['candidate'])}"
            )
    intervals = cycle.get("intervals") or {}
    median_interval = intervals.get("median_hours")
    lines.append(
        f"Cycle time median: {_n(cycle['baseline']['median_hours'])} h -> "
        f"{_n(cycle['candidate']['median_hours'])} h ({_signed(cycle['change']['median_hours'])} h)"
        + (f", interval {_interval(median_interval)} h" if median_interval else "")
    )
    lines.append(
        f"Cycle time p90: {_n(cycle['baseline']['p90_hours'])} h -> "
        f"{_n(cycle['candidate']['p90_hours'])} h ({_signed(cycle['change']['p90_hours'])} h)"
    )
    for row in report["outcomes"]:
        lines.append(
            f"Outcome {row['outcome']}: {_n(row['baseline'])} -> {_n(row['candidate'])} "
            f"({_signed(row['delta'])})"
            + (f", interval {_interval(row['interval'])}" if row["interval"] else "")
        )
    return lines


def render_markdown(report: dict[str, Any]) -> str:
    inputs = report["inputs"]
    out = [
        f"# Sandbox report: {inputs.get('workflow')}",
        "",
        f"Candidate: {inputs['candidate'].get('what')} (`{inputs['candidate']['hash']}`); "
        f"baseline: version {inputs['baseline']['version']}; seed {inputs.get('seed')}, "
        f"{inputs.get('replicates')} bootstrap replicates.",
        "",
        "## In short",
        "",
        *[f"- {line}" for line in headline(report)],
        "",
        "## What this report cannot know",
        "",
        *[f"- {item['en']}" for item in report["disclosure"]],
        "",
        "## Baseline reproduction",
        "",
    ]
    repro = report["baseline_reproduction"]
    out += _table(["reason", "cases"], sorted(repro["by_reason"].items()))
    if repro["examples"]:
        out += _table(
            ["case", "reason", "at", "detail"],
            [
                (e["case"], e["reason"], e.get("at", ""), e.get("detail", ""))
                for e in repro["examples"][:10]
            ],
        )
    out += ["## Paths", ""]
    out += _table(
        ["baseline path", "cases"], [(p["path"], p["cases"]) for p in report["paths"]["baseline"]]
    )
    out += _table(
        ["candidate path", "cases"], [(p["path"], p["cases"]) for p in report["paths"]["candidate"]]
    )
    out += _table(
        ["from", "to", "cases"],
        [(c["from"], c["to"], c["cases"]) for c in report["paths"]["changes"]],
    )
    out += ["## Decisions per level", ""]
    out += _table(
        ["step", "level", "role", "baseline", "candidate", "change"],
        [
            (
                r["node"],
                r["level"],
                r["role"] or "",
                r["baseline"],
                r["candidate"],
                _signed(r["delta"]),
            )
            for r in report["approvals"]
        ],
    )
    out += ["## Workload per role", ""]
    out += _table(
        ["role", "tasks before", "hours before", "tasks after", "hours after"],
        [
            (
                r["name"],
                r["baseline"]["tasks"],
                r["baseline"]["hours"],
                r["candidate"]["tasks"],
                r["candidate"]["hours"],
            )
            for r in report["workload"]["roles"]
        ],
    )
    sla = report["sla"]
    out += ["## SLA", ""]
    out += _table(
        ["", "baseline", "candidate"],
        [
            ("escalations", sla["baseline"]["escalations"], sla["candidate"]["escalations"]),
            ("breaches", sla["baseline"]["breaches"], sla["candidate"]["breaches"]),
        ],
    )
    cycle = report["cycle_time"]
    out += ["## Cycle time (completed cases, hours)", ""]
    out += _table(
        ["", "baseline", "candidate", "change"],
        [
            (
                k,
                cycle["baseline"][f"{k}_hours"],
                cycle["candidate"][f"{k}_hours"],
                _signed(cycle["change"][f"{k}_hours"]),
            )
            for k in ("median", "p90", "mean")
        ],
    )
    out += _table(
        ["up to (h)", "baseline", "candidate"],
        [
            (_n(b["up_to_hours"]) if b["up_to_hours"] else "more", b["cases"], c["cases"])
            for b, c in zip(
                cycle["baseline"]["histogram"], cycle["candidate"]["histogram"], strict=True
            )
        ],
    )
    out += ["## Outcomes", ""]
    out += _table(
        ["outcome", "baseline", "candidate", "A", "B", "C", "interval (C)"],
        [
            (
                r["outcome"],
                r["baseline"],
                r["candidate"],
                r["tiers"]["A"],
                r["tiers"]["B"],
                r["tiers"]["C"],
                _interval(r["interval"]),
            )
            for r in report["outcomes"]
        ],
    )
    if report["edits"]:
        out += ["## Edits of the candidate", ""]
        out += _table(
            ["#", "change"],
            [
                (e["index"], e.get("summary", {}).get("en") or f"{e['op']} {e['path']}")
                for e in report["edits"]
            ],
        )
    return "\n".join(out).rstrip() + "\n"
