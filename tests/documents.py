"""Sample documents for tests, built fresh for each use so tests can mutate them."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

DEMO = Path(__file__).parent.parent / "runtime" / "demo"

EXAMPLES = Path(__file__).parent.parent / "docs" / "examples"
# The example from ../shared/API.md, verbatim (schema_version 1); the README
# walkthrough uses the same file.
API_EXAMPLE: dict[str, Any] = json.loads(
    (EXAMPLES / "discount-approval.workflow.json").read_text(encoding="utf-8")
)

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
