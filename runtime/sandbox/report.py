"""The impact report: what the candidate would have changed over the history,
added up from the per-case results, with how much of it to trust.

Tiers: A — the case takes the same way, history reused; B — it changes, but
every answer still comes from history, so logic alone decides it; C — it
depends on an answer history cannot give, filled by the run's stated
policy. For C the report gives a bootstrap interval: the run is repeated
with the policy's inputs (each role's decisions and durations) drawn again
from history, and the figures' 2.5th and 97.5th percentiles are shown.

Pure and deterministic: the same results give the same report, byte for
byte (keys sorted, figures rounded).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from builder.diff import Change
from runtime.sandbox.impact import CaseResult, Side

__all__ = ["HISTOGRAM_HOURS", "build_report", "outcome_of", "percentile"]

# Upper bounds (hours) of the cycle-time histogram's bins; the last is open.
HISTOGRAM_HOURS = (1, 4, 8, 24, 48, 72, 168, 336, 720, 2160)
_TOP_PATHS = 12
_EXAMPLES = 25


def percentile(values: Sequence[float], share: float) -> float | None:
    """Nearest-rank percentile of sorted ``values``."""
    if not values:
        return None
    rank = max(1, min(len(values), -(-int(share * len(values) * 1000) // 1000)))
    return values[rank - 1]


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 2)


def outcome_of(side: Side) -> str:
    if side.status == "completed":
        return side.outcome or "completed"
    if side.status == "running":
        return "open"
    return side.status


def _path(side: Side) -> str:
    return " > ".join(side.path)


def _cycle(sides: Iterable[Side]) -> dict[str, Any]:
    done = sorted(
        s.cycle_seconds for s in sides if s.status == "completed" and s.cycle_seconds is not None
    )
    bins = [0] * (len(HISTOGRAM_HOURS) + 1)
    for seconds in done:
        hours = seconds / 3600
        slot = next(
            (i for i, bound in enumerate(HISTOGRAM_HOURS) if hours <= bound), len(HISTOGRAM_HOURS)
        )
        bins[slot] += 1
    return {
        "completed": len(done),
        "median_hours": _hours(percentile(done, 0.5)),
        "p90_hours": _hours(percentile(done, 0.9)),
        "mean_hours": _hours(sum(done) / len(done)) if done else None,
        "histogram": [
            {"up_to_hours": HISTOGRAM_HOURS[i] if i < len(HISTOGRAM_HOURS) else None, "cases": n}
            for i, n in enumerate(bins)
        ],
    }


def _delta(after: float | None, before: float | None) -> float | None:
    return None if after is None or before is None else round(after - before, 2)


def _work(sides: Iterable[Side], key: Any) -> dict[str, list[int]]:
    """name -> [tasks, seconds] of the finished tasks, grouped by ``key``."""
    found: dict[str, list[int]] = {}
    for side in sides:
        for task in side.tasks:
            if task.seconds is None:
                continue
            name = key(task)
            if name is None:
                continue
            tally = found.setdefault(name, [0, 0])
            tally[0] += 1
            tally[1] += task.seconds
    return found


def _workload(results: Sequence[CaseResult], teams: Mapping[str, str | None]) -> dict[str, Any]:
    def table(key: Any) -> list[dict[str, Any]]:
        before = _work((r.baseline for r in results), key)
        after = _work((r.candidate for r in results), key)
        rows = []
        for name in sorted(set(before) | set(after)):
            b, a = before.get(name, [0, 0]), after.get(name, [0, 0])
            rows.append(
                {
                    "name": name,
                    "baseline": {"tasks": b[0], "hours": _hours(b[1])},
                    "candidate": {"tasks": a[0], "hours": _hours(a[1])},
                    "delta_tasks": a[0] - b[0],
                }
            )
        return rows

    return {
        "people": table(lambda t: t.by),
        "roles": table(lambda t: t.role),
        "teams": table(lambda t: teams.get(t.by or "") or None),
    }


def _approvals(results: Sequence[CaseResult]) -> list[dict[str, Any]]:
    """Decisions per approval step and level, and how many approved."""

    def count(sides: Iterable[Side], approved_only: bool) -> Counter[tuple[str, int, str]]:
        found: Counter[tuple[str, int, str]] = Counter()
        for side in sides:
            for task in side.tasks:
                if task.level is None or task.decision is None:
                    continue
                if approved_only and task.decision != "approved":
                    continue
                found[(task.node, task.level, task.role or "")] += 1
        return found

    before = count((r.baseline for r in results), False)
    after = count((r.candidate for r in results), False)
    yes_before = count((r.baseline for r in results), True)
    yes_after = count((r.candidate for r in results), True)
    return [
        {
            "node": node,
            "level": level,
            "role": role or None,
            "baseline": before[(node, level, role)],
            "candidate": after[(node, level, role)],
            "delta": after[(node, level, role)] - before[(node, level, role)],
            "approved": {
                "baseline": yes_before[(node, level, role)],
                "candidate": yes_after[(node, level, role)],
            },
        }
        for node, level, role in sorted(set(before) | set(after))
    ]


def _paths(results: Sequence[CaseResult]) -> dict[str, Any]:
    before = Counter(_path(r.baseline) for r in results)
    after = Counter(_path(r.candidate) for r in results)
    moves = Counter((_path(r.baseline), _path(r.candidate)) for r in results if r.changed)

    def top(counter: Counter[Any]) -> list[tuple[Any, int]]:
        return sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:_TOP_PATHS]

    return {
        "baseline": [{"path": p, "cases": n} for p, n in top(before)],
        "candidate": [{"path": p, "cases": n} for p, n in top(after)],
        "distinct": {"baseline": len(before), "candidate": len(after)},
        "changes": [{"from": f, "to": t, "cases": n} for (f, t), n in top(moves)],
    }


def _interval(values: Sequence[float]) -> list[float] | None:
    """The 2.5th and 97.5th percentiles (counts stay whole numbers)."""
    ordered = sorted(values)
    if not ordered:
        return None
    low, high = percentile(ordered, 0.025) or 0, percentile(ordered, 0.975) or 0
    if all(isinstance(v, int) for v in ordered):
        return [low, high]
    return [round(float(low), 2), round(float(high), 2)]


def _outcomes(
    results: Sequence[CaseResult], replicates: Sequence[Mapping[str, Side]]
) -> list[dict[str, Any]]:
    names = sorted(
        {outcome_of(r.baseline) for r in results} | {outcome_of(r.candidate) for r in results}
    )
    values = {r.key: r.value for r in results}
    rows = []
    for name in names:
        base = [r for r in results if outcome_of(r.baseline) == name]
        cand = [r for r in results if outcome_of(r.candidate) == name]
        tiers = Counter(r.tier for r in cand)
        row: dict[str, Any] = {
            "outcome": name,
            "baseline": len(base),
            "candidate": len(cand),
            "delta": len(cand) - len(base),
            "tiers": {tier: tiers.get(tier, 0) for tier in ("A", "B", "C")},
            "value": {
                "baseline": round(sum(r.value or 0 for r in base), 2),
                "candidate": round(sum(r.value or 0 for r in cand), 2),
            },
            "interval": None,
        }
        if replicates:
            settled = [r for r in cand if r.tier != "C"]
            counts = [
                len(settled) + sum(1 for side in rep.values() if outcome_of(side) == name)
                for rep in replicates
            ]
            row["interval"] = _interval(counts)
            fixed = sum(r.value or 0 for r in settled)
            sums = [
                fixed
                + sum(values.get(key) or 0 for key, side in rep.items() if outcome_of(side) == name)
                for rep in replicates
            ]
            row["value"]["interval"] = _interval([round(v, 2) for v in sums])
        rows.append(row)
    return rows


def _reproduction(results: Sequence[CaseResult]) -> dict[str, Any]:
    bad = [r for r in results if not r.reproduced]
    reasons = Counter(r.mismatch.reason for r in bad if r.mismatch is not None)
    total = len(results)
    return {
        "cases": total,
        "reproduced": total - len(bad),
        "mismatched": len(bad),
        "share_reproduced": round((total - len(bad)) / total, 4) if total else None,
        "open_at_end": sum(1 for r in results if r.reproduced and r.baseline.status == "running"),
        "by_reason": dict(sorted(reasons.items())),
        "examples": [
            {"case": r.key, **_plain(r.mismatch)} for r in bad[:_EXAMPLES] if r.mismatch is not None
        ],
    }


def _plain(value: Any) -> dict[str, Any]:
    import msgspec

    out: dict[str, Any] = msgspec.to_builtins(value)
    return out


def _sla(results: Sequence[CaseResult]) -> dict[str, Any]:
    def tally(sides: Iterable[Side]) -> dict[str, int]:
        sides = list(sides)
        return {
            "escalations": sum(t.escalated for s in sides for t in s.tasks),
            "breaches": sum(1 for s in sides for t in s.tasks if t.breached),
        }

    return {
        "baseline": tally(r.baseline for r in results),
        "candidate": tally(r.candidate for r in results),
    }


def _captured(results: Sequence[CaseResult]) -> dict[str, dict[str, int]]:
    def tally(sides: Iterable[Side]) -> dict[str, int]:
        found: Counter[str] = Counter()
        for side in sides:
            found.update(side.captured)
            if side.assumed_jobs:
                found["assumed_jobs"] += side.assumed_jobs
        return dict(sorted(found.items()))

    return {
        "baseline": tally(r.baseline for r in results),
        "candidate": tally(r.candidate for r in results),
    }


def _disclosure(
    results: Sequence[CaseResult],
    policies: Mapping[str, Any],
    replicates: int,
    derived: Sequence[str],
) -> list[dict[str, str]]:
    said: list[dict[str, str]] = []
    total = len(results) or 1
    bad = sum(1 for r in results if not r.reproduced)
    said.append(
        {
            "en": f"Replaying the baseline over this history reproduced {total - bad} of "
            f"{len(results)} cases; the other {bad} did not come out as recorded, so their "
            "comparison rests on a history the baseline does not explain.",
            "zh-CN": f"基线版本重放历史：{len(results)} 个流程实例中 {total - bad} 个与记录一致；"
            f"其余 {bad} 个与记录不符，其对比结果可信度较低。",
        }
    )
    dependent = [r for r in results if r.tier == "C"]
    if dependent:
        nodes = sorted({n for r in dependent for n in r.candidate.policy_nodes})
        said.append(
            {
                "en": f"{len(dependent)} cases depend on decisions history cannot tell "
                f"(at {', '.join(nodes)}); they were filled by the stated policy "
                f"{_policy_words(policies)} and their figures carry a bootstrap interval over "
                f"{replicates} replicates (a role history never saw decide is drawn from "
                "everyone's decisions). The interval reflects that policy only: "
                "people may decide differently when the rule really changes.",
                "zh-CN": f"{len(dependent)} 个流程实例依赖历史无法给出的决定"
                f"（{', '.join(nodes)}），"
                f"按所选策略 {_policy_words(policies)} 补全，附 {replicates} 次自助抽样区间"
                "（历史中从未决定过的角色按所有人的决定抽样）；"
                "区间只反映该策略，规则真正改变后人的决定可能不同。",
            }
        )
    said.append(
        {
            "en": "Where the candidate drops a step, the time history spent there is taken out "
            "of the case; later steps keep the waiting times they had. Nobody's behaviour is "
            "assumed to change otherwise (no faster decisions, no extra workload effects).",
            "zh-CN": "候选版本去掉的步骤，其历史耗时从流程实例中扣除；"
            "之后的步骤沿用记录中的等待时间。"
            "除此之外不假设任何人的行为改变。",
        }
    )
    stuck = [
        r for r in results if r.baseline.status == "completed" and r.candidate.status == "running"
    ]
    if stuck:
        places = sorted({r.candidate.waiting_at or "?" for r in stuck})
        said.append(
            {
                "en": f"{len(stuck)} cases that finished in history stay open under the candidate "
                f"(waiting at {', '.join(places)}): history has nothing that answers that step.",
                "zh-CN": f"{len(stuck)} 个在历史中已结束的流程实例在候选版本下仍未完成"
                f"（停在 {', '.join(places)}）：历史中没有能回应该步骤的事件。",
            }
        )
    open_cases = sum(1 for r in results if r.candidate.status == "running")
    if open_cases:
        said.append(
            {
                "en": f"{open_cases} cases were still open where history ends; they count as "
                "open and are left out of cycle times.",
                "zh-CN": f"{open_cases} 个流程实例在历史结束时仍未完成，"
                "计为未完成，不计入周期时间。",
            }
        )
    if any(r.candidate.assumed_jobs or r.baseline.assumed_jobs for r in results):
        said.append(
            {
                "en": "Webhooks, scripts and sub-cases are not run in the sandbox: each is "
                "taken to succeed at once with no outputs.",
                "zh-CN": "沙盒不执行 Webhook、脚本和子流程：均视为立即成功且无输出。",
            }
        )
    if derived:
        said.append(
            {
                "en": "These record fields were derived from the history itself (the log shows "
                f"them only through what happened): {', '.join(derived)}.",
                "zh-CN": "以下记录字段由历史本身推得（日志只通过发生的事件体现）："
                f"{', '.join(derived)}。",
            }
        )
    said.append(
        {
            "en": "Notifications, e-mails, webhooks and record writes were captured and counted, "
            "never sent.",
            "zh-CN": "通知、邮件、Webhook 和记录写入仅被记录和计数，从未发送。",
        }
    )
    return said


def _policy_words(policies: Mapping[str, Any]) -> str:
    import json

    return json.dumps(policies, sort_keys=True, ensure_ascii=False)


def _compliance(
    results: Sequence[CaseResult], static: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    rows = []
    for finding in static:
        rule = finding["rule"]
        before = [r.key for r in results if rule in r.baseline.violations]
        after = [r.key for r in results if rule in r.candidate.violations]
        new = [key for key in after if key not in set(before)]
        rows.append(
            {
                **finding,
                "baseline": {"violations": len(before), "examples": before[:_EXAMPLES]},
                "candidate": {"violations": len(after), "examples": after[:_EXAMPLES]},
                "new": {"violations": len(new), "examples": new[:_EXAMPLES]},
            }
        )
    return rows


def build_report(
    results: Sequence[CaseResult],
    *,
    inputs: Mapping[str, Any],
    edits: Sequence[Change],
    teams: Mapping[str, str | None],
    replicates: Sequence[Mapping[str, Side]] = (),
    derived_fields: Sequence[str] = (),
    compliance: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """``compliance``: the static findings per rule (the replay's
    violations are read from the results)."""
    """``results`` in case order; ``replicates``: per bootstrap replicate,
    the candidate side of each tier-C case."""
    changed = [r for r in results if r.changed]
    tiers = Counter(r.tier for r in results)
    base_cycle = _cycle(r.baseline for r in results)
    cand_cycle = _cycle(r.candidate for r in results)
    cycle_intervals: dict[str, Any] = {}
    if replicates:
        settled = [r.candidate for r in results if r.tier != "C"]
        medians, p90s = [], []
        for rep in replicates:
            done = sorted(
                s.cycle_seconds
                for s in [*settled, *rep.values()]
                if s.status == "completed" and s.cycle_seconds is not None
            )
            medians.append((percentile(done, 0.5) or 0) / 3600)
            p90s.append((percentile(done, 0.9) or 0) / 3600)
        cycle_intervals = {"median_hours": _interval(medians), "p90_hours": _interval(p90s)}
    approvals = _approvals(results)
    approval_interval = None
    if replicates:
        settled_total = sum(
            1
            for r in results
            if r.tier != "C"
            for t in r.candidate.tasks
            if t.level is not None and t.decision
        )
        approval_interval = _interval(
            [
                settled_total
                + sum(
                    1 for s in rep.values() for t in s.tasks if t.level is not None and t.decision
                )
                for rep in replicates
            ]
        )
    import msgspec

    return {
        "inputs": dict(inputs),
        "cases": len(results),
        "baseline_reproduction": _reproduction(results),
        "changed": {
            "cases": len(changed),
            "share": round(len(changed) / len(results), 4) if results else None,
            "tiers": {tier: tiers.get(tier, 0) for tier in ("A", "B", "C")},
        },
        "paths": _paths(results),
        "approvals": approvals,
        "approvals_total": {
            "baseline": sum(row["baseline"] for row in approvals),
            "candidate": sum(row["candidate"] for row in approvals),
            "interval": approval_interval,
        },
        "workload": _workload(results, teams),
        "sla": _sla(results),
        "cycle_time": {
            "baseline": base_cycle,
            "candidate": cand_cycle,
            "change": {
                "median_hours": _delta(cand_cycle["median_hours"], base_cycle["median_hours"]),
                "p90_hours": _delta(cand_cycle["p90_hours"], base_cycle["p90_hours"]),
                "mean_hours": _delta(cand_cycle["mean_hours"], base_cycle["mean_hours"]),
            },
            "intervals": cycle_intervals,
        },
        "outcomes": _outcomes(results, replicates),
        "compliance": _compliance(results, compliance),
        "captured": _captured(results),
        "edits": [
            {"index": i, **msgspec.to_builtins(change)}
            for i, change in enumerate(edits)
            if change.aspect == "logic"
        ],
        "disclosure": _disclosure(
            results, dict(inputs.get("policies") or {}), len(replicates), derived_fields
        ),
    }
