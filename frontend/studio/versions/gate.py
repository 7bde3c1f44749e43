"""The sandbox in the versions screen, as pure functions of the API's gate status
(``GET /sandbox/gates/{workflow}``): what the publish dialog's "Sandbox" box says,
which variants go live only with a sandbox report, and whether a refused make-live
was that gate.

A report counts for exactly the content it replayed: the API matches runs by content
hash, so a run on the draft counts for the version published from it, and a draft
changed since has none until it is run again. The screen only puts that in words;
the API decides (a make-live it refuses is a 409, a roll back is never refused).

The texts join the studio's one label table (:data:`studio.labels.LABELS`) when this
module is imported, as the Sandbox screens' do. Words follow ``GLOSSARY.md``:
sandbox = 沙盒, simulation (a sandbox run) = 模拟运行, baseline = 基线,
variant = 变体, live version = 生效版本.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import quote

from studio.labels import LABELS, text
from studio.versions.choice import DEFAULT_VARIANT

__all__ = [
    "GATE_LABELS",
    "SANDBOX_ROUTE",
    "Box",
    "GateStatus",
    "Report",
    "box",
    "has_run_text",
    "refused_by_gate",
    "report_text",
    "required_text",
    "run_route",
    "sandbox_route",
    "variant_label",
]

# The Sandbox page (``studio.sandbox.SANDBOX_ROUTE``); named here so that the versions
# screen does not depend on that package. A run's report is ``/sandbox/<id>``.
SANDBOX_ROUTE = "/sandbox"

# key -> (English, Chinese)
GATE_LABELS: dict[str, tuple[str, str]] = {
    "gate.title": ("Sandbox", "沙盒"),
    "gate.report": (
        "Sandbox run #{id}: {cases} cases, baseline reproduced {reproduced} "
        "({mismatched} mismatches), {changed} change path (A {a} · B {b} · C {c}), "
        "{violations} new compliance violations",
        "模拟运行 #{id}：{cases} 个流程实例，基线重放一致 {reproduced} 个"
        "（{mismatched} 个不一致），{changed} 个路径改变（A {a} · B {b} · C {c}），"
        "新增合规违规 {violations} 项",
    ),
    "gate.stale": (
        "The latest sandbox report is of another version of this draft (stale).",
        "最新的沙盒报告针对的是此草稿的另一个版本（已过时）。",
    ),
    "gate.none": ("No sandbox run of this draft yet.", "此草稿尚无沙盒模拟运行。"),
    "gate.open_report": ("Open the report", "查看报告"),
    "gate.open_stale": ("Open that report", "查看该报告"),
    "gate.open_sandbox": ("Run the sandbox", "运行沙盒"),
    "gate.required": (
        "Going live in {variants} needs a sandbox report of exactly this content.",
        "变体 {variants} 须有针对完全相同内容的沙盒报告才能生效。",
    ),
    "gate.has_run": (
        "Sandbox run #{id} replayed exactly this content.",
        "模拟运行 #{id} 已重放完全相同的内容。",
    ),
    "gate.refused": (
        "Version {n} cannot go live in {variant} yet: it needs a completed sandbox run "
        "of exactly its content.",
        "版本 {n} 暂不能在变体 {variant} 中生效：须先完成针对完全相同内容的沙盒模拟运行。",
    ),
    "gate.toggle": (
        "Require a sandbox report before going live",
        "生效前须有沙盒报告",
    ),
    "gate.toggle_help": (
        "For variant {variant}: a version goes live only after a completed sandbox run "
        "of exactly its content. Rolling back is never held up.",
        "适用于变体 {variant}：版本须在针对完全相同内容的沙盒模拟运行完成后才能生效。"
        "回滚不受此限制。",
    ),
    "gate.toggle_on": (
        "Variant {variant} now goes live only with a sandbox report.",
        "变体 {variant} 现在须有沙盒报告才能生效。",
    ),
    "gate.toggle_off": (
        "Variant {variant} no longer needs a sandbox report to go live.",
        "变体 {variant} 生效不再需要沙盒报告。",
    ),
    "gate.toggle_failed": (
        "The sandbox requirement was not changed.",
        "沙盒要求未更改。",
    ),
}

for _key, _pair in GATE_LABELS.items():
    LABELS.setdefault(_key, _pair)


def _int(value: Any) -> int:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0


@dataclass(frozen=True)
class Report:
    """One completed sandbox run, in the figures the publish dialog names."""

    id: int
    candidate_hash: str
    baseline_version: int | None
    finished_at: str
    cases: int
    reproduced: int
    mismatched: int
    changed: int
    tiers: dict[str, int]
    new_violations: int

    @classmethod
    def decode(cls, body: Any) -> Report | None:
        """``None`` for ``null`` (no such run) or anything that is not a run."""
        if not isinstance(body, Mapping) or not isinstance(body.get("id"), int):
            return None
        tiers = body.get("tiers")
        baseline = body.get("baseline_version")
        return cls(
            id=int(body["id"]),
            candidate_hash=str(body.get("candidate_hash") or ""),
            baseline_version=baseline if isinstance(baseline, int) else None,
            finished_at=str(body.get("finished_at") or ""),
            cases=_int(body.get("cases")),
            reproduced=_int(body.get("reproduced")),
            mismatched=_int(body.get("mismatched")),
            changed=_int(body.get("changed")),
            tiers={
                tier: _int(tiers.get(tier) if isinstance(tiers, Mapping) else 0)
                for tier in ("A", "B", "C")
            },
            new_violations=_int(body.get("compliance_new_violations")),
        )


@dataclass(frozen=True)
class GateStatus:
    """``GET /sandbox/gates/{workflow}``: the report for exactly the draft (``report``),
    the newest of any content (``latest``; ``stale`` when it is not the draft's), and
    which variants go live only with a report of the content made live (``gates``)."""

    workflow: str
    draft_hash: str = ""  # "" when there is no valid draft
    report: Report | None = None
    latest: Report | None = None
    stale: bool = False
    gates: dict[str, bool] = field(default_factory=dict)

    @classmethod
    def decode(cls, body: Any) -> GateStatus:
        body = body if isinstance(body, Mapping) else {}
        gates = body.get("gates")
        return cls(
            workflow=str(body.get("workflow") or ""),
            draft_hash=str(body.get("draft_hash") or ""),
            report=Report.decode(body.get("report")),
            latest=Report.decode(body.get("latest")),
            stale=bool(body.get("stale")),
            gates=(
                {str(k): v is True for k, v in gates.items()} if isinstance(gates, Mapping) else {}
            ),
        )

    def requires(self, variant: str) -> bool:
        return self.gates.get(variant, False)

    def required(self) -> list[str]:
        """The variants that go live only with a report, the default one first."""
        names = [v for v, on in self.gates.items() if on]
        return sorted(names, key=lambda v: (v != DEFAULT_VARIANT, v))

    def run_for(self, digest: str) -> Report | None:
        """A completed run this status knows of whose candidate was exactly ``digest``
        (``None`` says only that this status names none: an older run may exist)."""
        for report in (self.report, self.latest):
            if report is not None and digest and report.candidate_hash == digest:
                return report
        return None


@dataclass(frozen=True)
class Box:
    """What the publish dialog's "Sandbox" box says, and where its link goes."""

    kind: Literal["report", "stale", "none"]
    text: str
    link: str
    link_text: str


def variant_label(variant: str, language: str) -> str:
    """A variant as people read it (as ``state.variant_name``; this module stays pure)."""
    return text(language, "variant.default") if variant == DEFAULT_VARIANT else variant


def run_route(run_id: int) -> str:
    """The studio's page of one sandbox run and its report."""
    return f"{SANDBOX_ROUTE}/{int(run_id)}"


def sandbox_route(workflow: str) -> str:
    """The Sandbox page with ``workflow`` chosen (a page that does not read the query
    simply opens as it always does)."""
    return f"{SANDBOX_ROUTE}?workflow={quote(workflow, safe='')}" if workflow else SANDBOX_ROUTE


def report_text(report: Report, language: str) -> str:
    """ "Sandbox run #7: 20 cases, baseline reproduced 20 (0 mismatches), …"."""
    return text(
        language,
        "gate.report",
        id=report.id,
        cases=report.cases,
        reproduced=report.reproduced,
        mismatched=report.mismatched,
        changed=report.changed,
        a=report.tiers.get("A", 0),
        b=report.tiers.get("B", 0),
        c=report.tiers.get("C", 0),
        violations=report.new_violations,
    )


def box(status: GateStatus, language: str) -> Box:
    """The report of exactly the draft; else the newest report, said to be stale; else
    that there is none yet, with the way to the Sandbox page."""
    if status.report is not None:
        return Box(
            kind="report",
            text=report_text(status.report, language),
            link=run_route(status.report.id),
            link_text=text(language, "gate.open_report"),
        )
    if status.latest is not None:
        return Box(
            kind="stale",
            text=text(language, "gate.stale"),
            link=run_route(status.latest.id),
            link_text=text(language, "gate.open_stale"),
        )
    return Box(
        kind="none",
        text=text(language, "gate.none"),
        link=sandbox_route(status.workflow),
        link_text=text(language, "gate.open_sandbox"),
    )


def required_text(status: GateStatus, language: str) -> str:
    """ "Going live in default, east needs a sandbox report …"; "" when none does."""
    names = [variant_label(v, language) for v in status.required()]
    if not names:
        return ""
    joined = ("、" if language == "zh-CN" else ", ").join(names)
    return text(language, "gate.required", variants=joined)


def has_run_text(status: GateStatus, digest: str, language: str) -> str:
    """Which known run replayed exactly ``digest`` ("" when this status names none)."""
    found = status.run_for(digest)
    return text(language, "gate.has_run", id=found.id) if found is not None else ""


def refused_by_gate(
    status: int, detail: str, errors: Sequence[Mapping[str, Any]] | None = None
) -> bool:
    """Whether a refused make-live was the sandbox gate: the API's 409 with the
    ``sandbox_required`` code (other 409s are concurrent changes). Without the
    errors, the wording tells."""
    if status != 409:
        return False
    if errors:
        return any(e.get("code") == "sandbox_required" for e in errors)
    return "sandbox" in detail.lower()
