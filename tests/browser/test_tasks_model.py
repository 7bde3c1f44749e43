"""The task and case screens' pure parts, without a browser: a case's history in words
and its path as canvas marks, the inbox's order, a form task's inputs from the form's
compiled schema, and the labels they name.

The bodies are what the API answers (``GET /instances/{id}``, ``GET /tasks/{id}``,
``GET /records/deal/schema``) for the demo's discount approval and a deal check.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

from frontend.launch import FRONTEND
from studio import api
from studio.cases.story import HERE, PATH, WAITING, highlight, story, waiting
from studio.labels import LABELS
from studio.tasks.form import payload, task_fields
from studio.tasks.model import inbox_order, kind_label, task_id_of, task_route, task_row

AT = "2026-12-01T09:00:00Z"


def entry(seq: int, kind: str, node: str | None, actor: str, **data: Any) -> dict[str, Any]:
    return {"seq": seq, "at": AT, "kind": kind, "node": node, "actor": actor, "data": data}


def task_body(**extra: Any) -> dict[str, Any]:
    return {
        "id": "c1:task:2",
        "instance_id": "c1",
        "workflow": "quote-discount",
        "node": "mgr",
        "title": {"en": "Manager approval", "zh-CN": "经理审批"},
        "kind": "approval",
        "status": "open",
        "assignees": ["dave"],
        "created_at": AT,
        "level": 1,
        "levels": 2,
        "record": {"form": "deal", "id": 61},
        **extra,
    }


CASE: dict[str, Any] = {
    "id": "c1",
    "workflow": "quote-discount",
    "variant": "default",
    "version": 1,
    "status": "running",
    "created_at": AT,
    "updated_at": AT,
    "record": {"form": "deal", "id": 61},
    "started_by": "alice",
    "current": [{"token": "c1:token:1", "node": "mgr", "since": AT, "waiting_for": "task"}],
    "path": ["start", "check", "mgr"],
    "tasks": [task_body()],
    "history": [
        entry(1, "event", None, "alice", type="start", by="alice"),
        entry(2, "entered", "start", "alice", edge=None),
        entry(3, "entered", "check", "alice", edge="e1"),
        entry(4, "condition", "check", "alice", edge="e2", value=True, reads=["discount"]),
        entry(5, "entered", "mgr", "alice", edge="e2"),
        entry(6, "assigned", "mgr", "alice", task="c1:task:2", assignees=["dave"], level=1),
        entry(7, "event", None, "dave", type="decided", decision="approve", by="dave"),
        entry(8, "decision", "mgr", "dave", by="dave", decision="approve", comment="ok", level=1),
        entry(9, "deadline_passed", "mgr", None, assignees=["frank"]),
        entry(10, "escalated", "mgr", None, before=["frank"], after=["gina"]),
        entry(11, "completed", "fill", "alice", by="alice", data={"amount": 2500}),
        entry(12, "ended", "done", "alice", outcome="approved"),
        entry(13, "timer_ignored", None, None, timer="t1"),
    ],
}
NAMES = {"start": "Start", "check": "Discount above 10%?", "mgr": "Manager approval"}


def test_a_history_reads_as_sentences_in_both_languages() -> None:
    case = api.CaseItem.decode(CASE)
    lines = story(case.history, NAMES, "en")
    assert [line.text for line in lines] == [
        "alice started the case",
        "Reached Start",
        "Reached Discount above 10%?",
        "Discount above 10%?: a condition held",
        "Reached Manager approval",
        "Manager approval: level 1 assigned to dave",
        # The "decided" event only repeats the decision that follows: left out.
        "dave approved (level 1)",
        "Manager approval: the deadline passed",
        "Manager approval: escalated from frank to gina",
        "alice completed fill",
        "The case ended: Approved",
        "Trellis: timer_ignored",
    ]
    assert lines[6].detail == "ok" and lines[9].detail == "amount = 2500"
    chinese = [line.text for line in story(case.history, NAMES, "zh-CN")]
    assert chinese[0] == "alice 发起了流程实例"
    assert chinese[6] == "dave 批准（第 1 级）"
    assert chinese[8] == "Manager approval：已从 frank 升级转交给 gina"
    assert chinese[10] == "流程实例结束：已批准"


def test_the_path_and_the_position_mark_the_canvas() -> None:
    marks = highlight(api.CaseItem.decode(CASE))
    assert marks == {"start": PATH, "check": PATH, "e1": PATH, "e2": PATH, "mgr": HERE}
    assert waiting("task", "en") == "for a person (task)"
    assert waiting("unheard-of", "zh-CN") == "继续执行中"


def test_the_inbox_puts_overdue_work_first_and_history_newest_first() -> None:
    late = api.TaskItem.decode(task_body(id="a", due_at="2026-12-03T00:00:00Z", overdue=True))
    soon = api.TaskItem.decode(task_body(id="b", due_at="2026-12-02T00:00:00Z"))
    never = api.TaskItem.decode(task_body(id="c", created_at="2026-11-01T00:00:00Z"))
    assert [t.id for t in inbox_order([never, soon, late], history=False)] == ["a", "b", "c"]
    assert [t.id for t in inbox_order([never, soon, late], history=True)][-1] == "c"
    row = task_row(late, "zh-CN", {"quote-discount": {"en": "Quote", "zh-CN": "报价折扣审批"}})
    assert (row.title, row.workflow, row.kind_label) == (
        "经理审批",
        "报价折扣审批",
        "审批 · 第 1/2 级",
    )
    assert (row.record, row.record_route, row.case_route) == (
        "deal #61",
        "/records/deal/61",
        "/cases/c1",
    )
    form = api.TaskItem.decode(task_body(kind="form", level=None, levels=None))
    assert kind_label(form, "en") == "Form task"
    assert task_route("c1:task:2") == "/tasks/c1:task:2"
    assert task_id_of("c1%3Atask%3A2") == task_id_of("c1:task:2") == "c1:task:2"


DEAL_FORM: dict[str, Any] = {
    "fields": [
        {"key": "amount", "type": "money", "label": {"en": "Amount", "zh-CN": "金额"}},
        {"key": "discount", "type": "percent", "label": {"en": "Discount"}},
        {
            "key": "stage",
            "type": "select",
            "label": {"en": "Stage"},
            "options": [{"value": "qualify", "label": {"en": "Qualify", "zh-CN": "资格确认"}}],
        },
        {"key": "region", "type": "region", "label": {"en": "Region"}},
    ]
}
SCHEMA: dict[str, Any] = {
    "properties": {
        "amount": {"type": "number", "minimum": 0},
        "discount": {"type": "number", "minimum": 0, "maximum": 1},
        "stage": {"type": "string", "enum": ["qualify", "won"]},
        "region": {"type": "string", "readOnly": True},
    },
    "required": ["amount", "stage"],
}


def test_a_form_tasks_inputs_follow_the_compiled_schema() -> None:
    names = ["amount", "discount", "stage", "region", "margin"]
    values = {"amount": 1000, "discount": 0.15, "stage": "qualify", "region": "east"}
    rows = task_fields(names, DEAL_FORM, SCHEMA, values, {}, {"amount": "too small"}, "zh-CN")
    kinds = {r.key: r.kind for r in rows}
    # margin is hidden from the user (absent from their schema): shown, never typed into.
    assert kinds == {
        "amount": "number",
        "discount": "number",
        "stage": "select",
        "region": "read",
        "margin": "read",
    }
    amount, discount, stage, region, _ = rows
    assert (amount.label, amount.value, amount.unit, amount.required) == ("金额", "1000", "", True)
    assert amount.error == "too small"
    assert (discount.value, discount.unit) == ("15", "%")
    assert [o.label for o in stage.options] == ["资格确认"]
    assert region.shown == "east"
    # What a completion sends: the fields the user may change that hold a value.
    assert payload(rows, {**values, "discount": None}) == {"amount": 1000, "stage": "qualify"}
    # Without the form document the schema's types still decide the inputs.
    bare = task_fields(["amount", "stage"], {}, SCHEMA, {}, {}, {}, "en")
    assert [(r.kind, [o.value for o in r.options]) for r in bare] == [
        ("number", []),
        ("select", ["qualify", "won"]),
    ]


def _constants(path: Path) -> set[str]:
    return {
        node.value
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


def test_every_label_the_runtime_screens_name_exists() -> None:
    key = re.compile(r"^(tasks|cases|notices)\.[a-z_]*[a-z]$")  # "cases.status_" is a prefix
    used: set[str] = set()
    for folder in ("tasks", "cases"):
        for path in (FRONTEND / "studio" / folder).glob("*.py"):
            used |= {s for s in _constants(path) if key.match(s)}
    assert "tasks.complete" in used
    # The families looked up by a name the API gives.
    used |= {f"tasks.status_{s}" for s in ("open", "completed", "cancelled")}
    used |= {f"tasks.outcome_{s}" for s in ("approved", "rejected", "returned")}
    used |= {f"cases.status_{s}" for s in ("running", "completed", "cancelled")}
    used |= {f"cases.waiting_{s}" for s in (*WAITING, "other")}
    used |= {f"cases.story_{s}" for s in ("approve", "reject", "return", "script_done")}
    assert sorted(used - LABELS.keys()) == []
