"""The Sandbox screens' pure modules, without a browser: what ``Run`` sends, where the
API's errors are shown, and how a report and a case read on the screen."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest

from frontend.launch import FRONTEND
from studio.labels import LABELS, text
from studio.sandbox import labels as sandbox_labels
from studio.sandbox import model, report
from studio.sandbox.client import RunCase

SANDBOX = FRONTEND / "studio" / "sandbox"
KEY = re.compile(r"^sandbox\.[a-z_A-Z0-9]*[a-zA-Z0-9]$")  # "sandbox.tier_" starts an f-string
# Families of keys the modules build from the API's words.
FAMILIES = {
    "sandbox.status_": ("queued", "running", "completed", "cancelled", "failed"),
    "sandbox.tier_": ("A", "B", "C", "A_short", "B_short", "C_short", "all"),
    "sandbox.policy_": model.POLICIES,
    "sandbox.reason_": ("not_asked", "no_answer", "timing", "refused"),
    "sandbox.workload_": ("people", "roles", "teams"),
    "sandbox.bad_": ("seed", "replicates", "hours"),
    "sandbox.outcome_": ("open", "none"),
}


def _strings(path: Path) -> set[str]:
    return {
        node.value
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


def test_every_sandbox_label_is_in_both_languages_and_in_the_one_table() -> None:
    for key, (en, zh) in sandbox_labels.SANDBOX_LABELS.items():
        assert key.startswith("sandbox."), key
        assert en.strip() and zh.strip(), key
        assert sorted(re.findall(r"{(\w+)}", en)) == sorted(re.findall(r"{(\w+)}", zh)), key
        assert LABELS[key] == (en, zh), key  # joined to the table SessionState.t reads
    used = set().union(*(_strings(path) for path in SANDBOX.glob("*.py")))
    named = {s for s in used if KEY.match(s)} - {"sandbox.use"}  # an action, not a label
    named |= {prefix + name for prefix, names in FAMILIES.items() for name in names}
    assert sorted(named - LABELS.keys()) == []
    assert text("zh-CN", "sandbox.nav") == "沙盒"


# ---- setting a simulation up --------------------------------------------------------


def _body(**changes: Any) -> tuple[dict[str, Any], dict[str, str]]:
    fields: dict[str, Any] = {
        "workflow": "travel-declaration",
        "candidate": model.DRAFT,
        "baseline": "1",
        "dataset": "3",
        "default": "",
        "default_hours": "",
        "steps": {},
        "seed": "0",
        "replicates": "50",
    }
    fields.update(changes)
    return model.request_body(**fields)


def test_run_sends_the_draft_or_a_version_against_a_baseline_with_the_policies() -> None:
    body, problems = _body()
    assert problems == {}
    assert body == {
        "candidate": {"workflow": "travel-declaration", "version": None},
        "baseline": {"version": 1},
        "dataset": 3,
        "policies": {},
        "seed": 0,
        "replicates": 50,
    }
    body, problems = _body(
        candidate="2",
        default="approve",
        default_hours="4",
        steps={"finance": ("reject", "1.5"), "pre": ("", ""), "owner": ("next_recorded", "9")},
        seed="7",
    )
    assert problems == {}
    assert body["candidate"] == {"workflow": "travel-declaration", "version": 2}
    assert body["seed"] == 7
    assert body["policies"] == {
        "default": {"kind": "fixed", "decision": "approve", "after": "PT4H"},
        "nodes": {
            "finance": {"kind": "fixed", "decision": "reject", "after": "PT90M"},
            "owner": {"kind": "next_recorded"},  # "pre" follows the default
        },
    }
    body, _ = _body(default="approve_rate")
    assert body["policies"] == {"default": {"kind": "approve_rate"}}
    body, _ = _body(default="reject")
    assert body["policies"]["default"]["after"] == "PT0S"  # decided at once
    body, problems = _body(dataset=model.OWN_HISTORY)
    assert problems == {} and body["window"] == {} and "dataset" not in body


def test_what_cannot_be_sent_as_typed_is_said_at_its_field() -> None:
    _, problems = _body(
        default="approve",
        default_hours="soon",
        steps={"finance": ("approve", "-2")},
        seed="x",
        replicates="5000",
        dataset="",
    )
    assert problems == {
        "policy": "sandbox.bad_hours",
        "node:finance": "sandbox.bad_hours",
        "seed": "sandbox.bad_seed",
        "replicates": "sandbox.bad_replicates",
        "dataset": "sandbox.need_dataset",
    }
    assert model.duration("") is None
    assert model.hours_of("PT4H") == 4
    assert model.hours_of("P1DT30M") == 24.5
    assert model.hours_of("PT") is None and model.hours_of("4h") is None
    assert model.duration("0,5") == "PT30M"
    with pytest.raises(ValueError):
        model.duration("inf")


def test_the_apis_errors_are_pinned_at_the_field_they_point_to() -> None:
    assert model.field_of("/policies/nodes/finance") == "node:finance"
    assert model.field_of("/policies/nodes/a~1b") == "node:a/b"
    assert model.field_of("/policies/default/kind") == "policy"
    assert model.field_of("/baseline/version") == "baseline"
    assert model.field_of("/candidate/nodes/3/config/levels") == "candidate"
    assert model.field_of("/window/since") == "dataset"
    assert model.field_of("/somewhere") == ""
    errors = [
        {
            "pointer": "/policies/nodes/finance",
            "code": "policy_required",
            "message": {"en": "Step finance needs a policy.", "zh-CN": "步骤 finance 需要策略。"},
        },
        *[
            {"pointer": f"/candidate/nodes/{i}", "code": "x", "message": {"en": f"Error {i}."}}
            for i in range(5)
        ],
        {"pointer": "", "code": "other", "message": {"en": "Something else."}},
    ]
    by_field, rest = model.pinned(errors, "zh-CN")
    assert by_field["node:finance"] == "步骤 finance 需要策略。"
    assert by_field["candidate"] == "Error 0. Error 1. Error 2. （另有 2 项）"
    assert rest == ["Something else."]


CATALOGUE = {
    "approval": {"category": "human", "label": {"en": "Approval", "zh-CN": "审批"}},
    "form_task": {"category": "human", "label": {"en": "Fill in a form"}},
    "decision": {"category": "logic", "label": {"en": "Decision"}},
}


def test_the_candidates_human_steps_may_have_a_policy_and_new_ones_are_marked() -> None:
    baseline = {
        "nodes": [{"id": "supervisor", "type": "approval"}, {"id": "fill", "type": "form_task"}]
    }
    candidate = {
        "nodes": [
            {"id": "route", "type": "decision"},
            {
                "id": "supervisor",
                "type": "approval",
                "label": {"en": "Supervisor", "zh-CN": "主管"},
            },
            {"id": "finance", "type": "approval"},
            {"id": "fill", "type": "approval"},  # the same id, another type: new too
        ]
    }
    steps = model.human_steps(candidate, CATALOGUE, baseline, "zh-CN")
    assert [(s.id, s.label, s.type_label, s.new) for s in steps] == [
        ("supervisor", "主管", "审批", False),
        ("finance", "finance", "审批", True),
        ("fill", "fill", "审批", True),
    ]
    assert model.default_baseline([3, 2, 1], {"default": 2}) == "2"
    assert model.default_baseline([3, 2, 1], {"east": 1}) == "1"
    assert model.default_baseline([3, 2, 1], {}) == "3"
    assert model.default_baseline([], {}) == ""
    assert [c.value for c in model.candidate_choices(True, [2, 1], "en")] == ["draft", "2", "1"]
    assert [c.label for c in model.baseline_choices([2, 1], {"default": 1}, "en")] == [
        "Version 2",
        "Version 1 (live)",
    ]


# ---- the report ---------------------------------------------------------------------------

DOCUMENT = {
    "nodes": [
        {"id": "start", "type": "start", "label": {"en": "Submitted"}},
        {"id": "small", "type": "decision", "label": {"en": "Under 500?", "zh-CN": "低于 500？"}},
        {"id": "supervisor", "type": "approval", "label": {"en": "Supervisor"}},
        {"id": "request", "type": "wait", "label": {"en": "Payment requested"}},
        {
            "id": "paid",
            "type": "end",
            "label": {"en": "Paid", "zh-CN": "已付款"},
            "config": {"outcome": "paid"},
        },
    ],
    "edges": [
        {"id": "e1", "source": "start", "target": "small"},
        {"id": "e2", "source": "small", "target": "supervisor"},
        {"id": "e3", "source": "small", "target": "request"},
        {"id": "e4", "source": "supervisor", "target": "request"},
        {"id": "e5", "source": "request", "target": "paid"},
    ],
}

REPORT: dict[str, Any] = {
    "cases": 20,
    "baseline_reproduction": {
        "cases": 20,
        "reproduced": 19,
        "mismatched": 1,
        "share_reproduced": 0.95,
        "by_reason": {"not_asked": 1},
    },
    "changed": {"cases": 10, "share": 0.5, "tiers": {"A": 10, "B": 9, "C": 1}},
    "approvals": [
        {
            "node": "supervisor",
            "level": 1,
            "role": "supervisor",
            "baseline": 20,
            "candidate": 10,
            "approved": {"baseline": 19, "candidate": 9},
            "delta": -10,
        },
    ],
    "approvals_total": {"baseline": 20, "candidate": 10, "interval": [9.0, 11.0]},
    "cycle_time": {
        "baseline": {
            "median_hours": 80.0,
            "p90_hours": 100.0,
            "histogram": [
                {"up_to_hours": 24, "cases": 0},
                {"up_to_hours": 72, "cases": 5},
                {"up_to_hours": None, "cases": 15},
            ],
        },
        "candidate": {
            "median_hours": 50.5,
            "p90_hours": 100.0,
            "histogram": [
                {"up_to_hours": 24, "cases": 2},
                {"up_to_hours": 72, "cases": 8},
                {"up_to_hours": None, "cases": 10},
            ],
        },
        "change": {"median_hours": -29.5, "p90_hours": 0.0},
        "intervals": {"median_hours": [49.25, 51.5]},
    },
    "outcomes": [
        {
            "outcome": "paid",
            "baseline": 20,
            "candidate": 18,
            "delta": -2,
            "interval": [16.0, 20.0],
            "tiers": {"A": 10, "B": 7, "C": 1},
        },
        {
            "outcome": "open",
            "baseline": 0,
            "candidate": 2,
            "delta": 2,
            "interval": None,
            "tiers": {"A": 0, "B": 2, "C": 0},
        },
    ],
    "paths": {
        "changes": [
            {
                "from": "start > small > supervisor > request > paid",
                "to": "start > small > request > paid",
                "cases": 9,
            },
        ]
    },
    "workload": {
        "people": [
            {
                "name": "ann",
                "baseline": {"tasks": 4, "hours": 10},
                "candidate": {"tasks": 4, "hours": 10},
                "delta_tasks": 0,
            },
            {
                "name": "bob",
                "baseline": {"tasks": 20, "hours": 60},
                "candidate": {"tasks": 10, "hours": 30},
                "delta_tasks": -10,
            },
        ]
    },
    "edits": [
        {"index": 0, "summary": {"en": "Step “Under 500?” added.", "zh-CN": "新增节点。"}},
        {"index": 1, "summary": {"en": "Connection e3 added."}},
    ],
    "disclosure": [{"en": "Nothing was sent.", "zh-CN": "未发送任何内容。"}],
}


def test_the_headline_says_the_figures_with_their_changes_and_intervals() -> None:
    h = report.headline(REPORT, "en")
    assert (h.reproduced, h.share, h.mismatched, h.mismatches) == (
        "19 of 20",
        "95.0 %",
        "1 mismatched",
        1,
    )
    assert h.reasons == "not asked 1"
    assert (h.changed, h.tier_a, h.tier_b, h.tier_c) == ("10", "10", "9", "1")
    assert (h.approvals, h.approvals_change, h.approvals_tone) == ("20 → 10", "−10", "down")
    assert h.approvals_interval == "9 – 11"
    assert (h.median, h.median_change, h.median_tone) == ("3.3 d → 2.1 d", "−29.5 h", "down")
    assert h.median_interval == "49.25 h – 51.5 h"
    assert (h.p90_change, h.p90_tone, h.p90_interval) == ("0 h", "same", "")
    zh = report.headline(REPORT, "zh-CN")
    assert zh.reproduced == "20 个中 19 个"
    assert zh.median == "3.3 天 → 2.1 天"


def test_approvals_outcomes_and_paths_read_with_the_steps_labels() -> None:
    steps = report.names(DOCUMENT, language="en")
    (row,) = report.approval_rows(REPORT, steps, "en")
    assert (row.step, row.level, row.before, row.after, row.delta, row.tone) == (
        "Supervisor",
        "1",
        "20",
        "10",
        "−10",
        "down",
    )
    assert row.approved == "19 → 9"
    paid, still = report.outcome_rows(REPORT, [DOCUMENT], "zh-CN")
    assert (paid.label, paid.interval, paid.tiers) == ("已付款", "16 – 20", "A 10 · B 7 · C 1")
    assert (paid.before_pct, paid.after_pct, paid.low_pct, paid.high_pct) == (100, 90, 80, 100)
    assert (still.label, still.before_pct, still.after_pct, still.interval) == (
        "仍未完成",
        0,
        100,
        "",
    )
    (change,) = report.path_changes(REPORT, steps)
    assert change.before == "Submitted → Under 500? → Supervisor → Payment requested → Paid"
    assert (change.removed, change.added, change.cases) == ("Supervisor", "", "9")


def test_workload_and_cycle_time_share_one_scale_per_chart() -> None:
    bob, ann = report.workload_rows(REPORT, "people", "en")
    assert (bob.name, bob.before_pct, bob.after_pct, bob.delta) == ("bob", 100, 50, "−10")
    assert (ann.before_pct, ann.after_pct, ann.tone) == (20, 20, "same")
    assert bob.before_hours == "2.5 d"
    assert report.workload_rows(REPORT, "teams", "en") == []
    assert [
        (b.label, b.before, b.after, b.before_pct, b.after_pct) for b in report.bins(REPORT, "en")
    ] == [
        ("≤ 24 h", "0", "2", 0, 13),
        ("≤ 3 d", "5", "8", 33, 53),
        ("> 3 d", "15", "10", 100, 67),
    ]
    assert report.disclosure(REPORT, "zh-CN") == ["未发送任何内容。"]
    assert report.edit_lines(REPORT, "en")[0] == "Step “Under 500?” added."


CASE = RunCase(
    case="declaration 1000",
    changed=True,
    reproduced=True,
    tier="B",
    result={
        "baseline": {
            "status": "completed",
            "outcome": "paid",
            "cycle_seconds": 288000,
            "path": ["start", "small", "supervisor", "request", "paid"],
        },
        "candidate": {
            "status": "completed",
            "outcome": "paid",
            "cycle_seconds": 180000,
            "path": ["start", "small", "request", "paid"],
        },
        "divergence": {
            "index": 2,
            "baseline": "supervisor",
            "candidate": "request",
            "causes": [0, 1],
        },
    },
)


def test_a_case_shows_both_paths_and_marks_where_they_part() -> None:
    steps = report.names(DOCUMENT, language="en")
    row = report.case_row(CASE, steps, [DOCUMENT], "en")
    assert (row.before, row.after, row.before_time, row.after_time) == (
        "Paid",
        "Paid",
        "3.3 d",
        "2.1 d",
    )
    assert row.difference == "Supervisor → Payment requested"
    assert row.tier_label == "B: another way, all from history"
    view = report.case_view(CASE, steps, REPORT["edits"], "en")
    assert view.divergence == (
        "First difference: the baseline goes to Supervisor, the candidate to Payment requested."
    )
    assert view.causes == ["Step “Under 500?” added.", "Connection e3 added."]
    assert view.candidate_path == "Submitted → Under 500? → Payment requested → Paid"
    assert report.marks(DOCUMENT, report.path_of(CASE, "candidate"), view.candidate_at) == {
        "start": "path",
        "small": "path",
        "request": "divergence",
        "paid": "path",
        "e1": "path",
        "e3": "path",
        "e5": "path",
    }
    baseline = report.marks(DOCUMENT, report.path_of(CASE, "baseline"), view.baseline_at)
    assert baseline["supervisor"] == "divergence" and "e3" not in baseline
