"""Sample documents for tests, built fresh for each use so tests can mutate them."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

DEMO = Path(__file__).parent.parent / "runtime" / "demo"

# The example from ../shared/API.md, verbatim (schema_version 1).
API_EXAMPLE: dict[str, Any] = {
    "kind": "workflow",
    "schema_version": 1,
    "key": "discount-approval",
    "title": {"en": "Discount approval", "zh-CN": "折扣审批"},
    "record_form": "deal",
    "nodes": [
        {"id": "start", "type": "start", "config": {}, "position": {"x": 0, "y": 0}},
        {"id": "check", "type": "decision", "config": {}, "position": {"x": 200, "y": 0}},
        {
            "id": "mgr",
            "type": "approval",
            "config": {"levels": [{"role": "manager"}]},
            "position": {"x": 400, "y": -80},
        },
        {"id": "done", "type": "end", "config": {}, "position": {"x": 600, "y": 0}},
    ],
    "edges": [
        {"id": "e1", "source": "start", "target": "check"},
        {"id": "e2", "source": "check", "target": "mgr", "condition": "record['discount'] > 0.1"},
        {"id": "e3", "source": "check", "target": "done", "default": True},
        {"id": "e4", "source": "mgr", "target": "done"},
    ],
}

DEAL_FORM: dict[str, Any] = {
    "kind": "form",
    "schema_version": 2,
    "key": "deal",
    "title": {"en": "Deal", "zh-CN": "商机"},
    "fields": [
        {"key": "amount", "type": "money", "label": {"en": "Amount"}, "currency": "CNY"},
        {"key": "discount", "type": "percent", "label": {"en": "Discount"}},
    ],
}


def api_example() -> dict[str, Any]:
    return copy.deepcopy(API_EXAMPLE)


def deal_form() -> dict[str, Any]:
    return copy.deepcopy(DEAL_FORM)


def demo(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((DEMO / name).read_text(encoding="utf-8"))
    return document
