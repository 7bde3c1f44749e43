"""The studio's record screens without a browser: how values are shown, typed and
parsed, the form's rules while someone edits, the list's columns, sorts and filters,
what a save sends, where the API's errors are pinned, and the history timeline."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from components.field_types import FIELD_CATALOGUE
from frontend.launch import FRONTEND
from studio.api import HistoryItem
from studio.labels import LABELS, text
from studio.records import fields, query
from studio.records.edits import changed, field_of, pinned
from studio.records.fields import Rule
from studio.records.timeline import timeline

DEAL: dict[str, Any] = {
    "kind": "form",
    "key": "deal",
    "title": {"en": "Deal", "zh-CN": "商机"},
    "stage_field": "stage",
    "exemption_reasons": [
        {
            "value": "not_disclosed",
            "label": {"en": "Customer did not disclose", "zh-CN": "客户未透露"},
        }
    ],
    "fields": [
        {"key": "name", "type": "text", "label": {"en": "Deal name", "zh-CN": "商机名称"}},
        {
            "key": "customer_type",
            "type": "select",
            "label": {"en": "Customer type", "zh-CN": "客户类型"},
            "options": [
                {"value": "key_account", "label": {"en": "Key account", "zh-CN": "大客户"}},
                {"value": "smb", "label": {"en": "Small business", "zh-CN": "小微客户"}},
            ],
        },
        {"key": "amount", "type": "money", "label": {"en": "Amount"}, "currency": "CNY"},
        {"key": "discount", "type": "percent", "label": {"en": "Discount", "zh-CN": "折扣"}},
        {"key": "margin", "type": "percent", "label": {"en": "Margin"}},
        {"key": "notes", "type": "long_text", "label": {"en": "Notes"}},
        {
            "key": "sponsor",
            "type": "text",
            "label": {"en": "Executive sponsor"},
            "show_when": {"field": "customer_type", "in": ["key_account"]},
            "require_when": {"field": "customer_type", "in": ["key_account"]},
        },
        {
            "key": "budget",
            "type": "money",
            "label": {"en": "Budget"},
            "exemptible": True,
            "require_when": {"field": "customer_type", "in": ["key_account"], "roles": ["rep"]},
        },
        {"key": "net_amount", "type": "computed", "label": {"en": "Net amount"}},
    ],
}


def spec(key: str) -> dict[str, Any]:
    return fields.field_map(DEAL)[key]


# ---- field types and values ----------------------------------------------------------


def test_the_studio_knows_every_field_type_as_the_catalogue_does() -> None:
    assert set(fields.INPUTS) == set(FIELD_CATALOGUE) == set(fields.ORDERING)
    for name, kind in FIELD_CATALOGUE.items():
        assert fields.ORDERING[name] == kind.ordering, name
        assert (fields.INPUTS[name] == "computed") == (not kind.writable), name


def test_values_are_shown_in_the_users_words() -> None:
    assert fields.shown_text(spec("amount"), 1234567, "en") == "1,234,567 CNY"
    assert fields.shown_text(spec("amount"), 1234.5, "en") == "1,234.5 CNY"
    assert fields.shown_text(spec("discount"), 0.07, "en") == "7 %"
    assert fields.shown_text(spec("customer_type"), "smb", "zh-CN") == "小微客户"
    assert fields.shown_text(spec("customer_type"), "gone", "en") == "gone"
    assert fields.shown_text(spec("name"), None, "en") == ""
    assert fields.shown_text(spec("net_amount"), 23750.0, "en") == "23,750"
    assert fields.shown_text({"type": "file"}, [3, 4], "zh-CN") == "2 个附件"
    assert fields.shown_text({"type": "file"}, 3, "en") == "1 attachment"
    multi = {"type": "multi_select", "options": spec("customer_type")["options"]}
    assert fields.shown_text(multi, ["smb", "key_account"], "en") == "Small business, Key account"


def test_inputs_hold_and_parse_values() -> None:
    assert fields.input_text(spec("discount"), 0.07) == "7"
    assert fields.parse(spec("discount"), "7") == 0.07
    assert fields.parse(spec("discount"), "12.5 %") == 0.125
    assert fields.parse(spec("amount"), "1,500") == 1500
    assert isinstance(fields.parse(spec("amount"), "1500"), int)
    assert fields.parse(spec("amount"), "2.5") == 2.5
    # Not a number: sent as typed, for the API to point at.
    assert fields.parse(spec("amount"), "lots") == "lots"
    assert fields.parse(spec("amount"), "  ") is None
    assert fields.parse(spec("name"), "  Acme ") == "Acme"
    assert fields.parse(spec("notes"), " two\nlines ") == " two\nlines "
    assert fields.input_text(spec("amount"), 1500.0) == "1500"
    assert fields.input_text(spec("name"), None) == ""


# ---- the form's rules while someone edits ---------------------------------------------


def test_rules_follow_the_values_typed() -> None:
    small = fields.live_rules(DEAL, {"customer_type": "smb"})
    assert small["sponsor"] == Rule(shown=False, required=False)
    big = fields.live_rules(DEAL, {"customer_type": "key_account"})
    assert big["sponsor"] == Rule(shown=True, required=True)
    # A rule naming roles: without them the screen asks for the field (the API decides).
    assert big["budget"].required
    assert not fields.live_rules(DEAL, {})["budget"].required
    assert fields.live_rules(DEAL, {})["net_amount"] == Rule(shown=True, required=False)


def test_the_role_part_of_a_rule_is_read_off_the_apis_answer() -> None:
    stored = {"customer_type": "key_account"}
    # The API said budget is not required on the stored key account: the viewer does
    # not hold the role, and stays without it whatever is typed.
    answered = {"budget": Rule(shown=True, required=False)}
    rules = fields.live_rules(
        DEAL, {"customer_type": "key_account"}, stored=stored, answered=answered
    )
    assert not rules["budget"].required
    # Where the stored values did not decide it, the screen asks for the field.
    answered_small = {"budget": Rule(shown=True, required=False)}
    rules = fields.live_rules(
        DEAL,
        {"customer_type": "key_account"},
        stored={"customer_type": "smb"},
        answered=answered_small,
    )
    assert rules["budget"].required


def test_a_new_record_asks_the_api_with_the_values_its_rules_depend_on() -> None:
    assert fields.rule_fields(DEAL) == ["customer_type"]
    assert fields.rule_fields({**DEAL, "stage_field": "name"}) == ["name", "customer_type"]
    values = {"customer_type": "key_account", "amount": 5, "name": "Acme"}
    assert fields.context(DEAL, values) == {"customer_type": "key_account"}
    assert fields.context(DEAL, {"customer_type": None}) == {}
    schema = {
        "properties": {"name": {}, "sponsor": {}, "net_amount": {"readOnly": True}},
        "required": ["name", "sponsor"],
    }
    rules, access = fields.schema_rules(schema)
    assert rules["sponsor"] == Rule(shown=True, required=True)
    assert rules["net_amount"] == Rule(shown=True, required=False)
    assert access == {"name": "write", "sponsor": "write", "net_amount": "read"}
    assert "margin" not in rules


# ---- the list ------------------------------------------------------------------------


def item(data: dict[str, Any], shown: dict[str, bool]) -> Any:
    return SimpleNamespace(
        data=data, fields={k: SimpleNamespace(shown=v) for k, v in shown.items()}
    )


def test_columns_are_the_fields_the_records_bring_in_form_order() -> None:
    items = [
        item({"amount": 5, "name": "A"}, {"amount": True, "name": True, "sponsor": False}),
        item({"name": "B", "discount": 0.1}, {"name": True, "discount": True}),
    ]
    # margin is in no record (hidden from this caller), sponsor is shown on none.
    assert query.columns(DEAL, items) == ["name", "amount", "discount"]
    assert query.columns(DEAL, []) == []


def test_sorting_by_a_column() -> None:
    assert query.next_sort("", "amount") == "amount"
    assert query.next_sort("amount", "amount") == "-amount"
    assert query.next_sort("-amount", "amount") == "amount"
    assert query.sort_direction("-amount", "amount") == "desc"
    assert query.sort_direction("amount", "name") == ""
    assert query.sortable(spec("amount")) and query.sortable(spec("name"))
    assert not query.sortable(spec("notes")) and not query.sortable(spec("net_amount"))


def test_filters_become_the_apis_parameters() -> None:
    assert query.filter_param(spec("amount"), "ge", " 200 ") == "amount:ge:200"
    assert query.filter_param(spec("discount"), "gt", "10") == "discount:gt:0.1"
    assert query.filter_param(spec("customer_type"), "in", "smb, key_account") == (
        "customer_type:in:smb|key_account"
    )
    assert query.filter_param(spec("notes"), "empty", "") == "notes:empty:true"
    assert query.filter_param(spec("notes"), "filled", "x") == "notes:empty:false"
    assert query.filter_param(spec("name"), "contains", "acme") == "name:contains:acme"
    assert query.operators(spec("notes")) == ["empty", "filled"]
    assert "contains" not in query.operators(spec("amount"))
    assert query.operators(spec("customer_type")) == ["eq", "ne", "in", "empty", "filled"]
    words = {k: v[0] for k, v in LABELS.items()}
    assert query.describe(spec("amount"), "ge", "200", "en", words) == "Amount ≥ 200"
    assert query.describe(spec("customer_type"), "in", "smb|key_account", "en", words) == (
        "Customer type is one of Small business, Key account"
    )
    assert query.describe(spec("notes"), "empty", "", "en", words) == "Notes is empty"
    assert query.search_field(DEAL, ["amount", "name"]) == "name"
    assert query.search_field(DEAL, ["amount"]) == ""


# ---- saving ----------------------------------------------------------------------------


def test_a_save_sends_what_changed() -> None:
    stored = {"name": "Acme", "amount": 1000, "budget": 5}
    draft = {"name": "Acme", "amount": 2000, "budget": None, "discount": None}
    data, skips = changed(stored, draft, {}, {"budget": "not_disclosed"})
    assert data == {"amount": 2000, "budget": None}
    assert skips == {"budget": "not_disclosed"}
    assert changed(stored, dict(stored), {"x": "r"}, {}) == ({}, {"x": None})


def test_errors_are_pinned_to_the_field_they_point_at() -> None:
    errors = [
        {"pointer": "/data/amount", "message": {"en": "too small", "zh-CN": "太小"}},
        {"pointer": "/exemptions/budget", "message": {"en": "bad reason"}},
        {"pointer": "/data/a~1b", "code": "odd"},
        {"pointer": "", "message": {"en": "whole record"}},
    ]
    by_field, rest = pinned(errors, "zh-CN")
    assert by_field == {"amount": "太小", "budget": "bad reason", "a/b": "odd"}
    assert rest == ["whole record"]
    assert field_of({"pointer": "/filter/0"}) == ""


# ---- the history timeline ---------------------------------------------------------------


def entry(seq: int, **body: Any) -> HistoryItem:
    return HistoryItem.decode({"seq": seq, "at": f"2026-12-01T10:0{seq}:00+00:00", **body})


def test_the_timeline_is_newest_first_in_the_users_words() -> None:
    items = [
        entry(
            1,
            actor="alice",
            action="record.create",
            form_version=1,
            changes={"name": {"before": None, "after": "Acme"}},
        ),
        entry(2, actor="dave", action="record.update", changes={}, masked=["margin", "net_amount"]),
        entry(
            3,
            actor="alice",
            action="record.update",
            changes={
                "discount": {"before": 0.05, "after": 0.1},
                "amount": {"before": 1000, "after": 2000},
            },
            exemptions={"budget": {"before": None, "after": "not_disclosed"}},
            masked=["margin"],
        ),
    ]
    rows = timeline(items, DEAL, "en")
    assert [r.seq for r in rows] == [3, 2, 1]
    newest = rows[0]
    assert newest.action == "changed the record"
    assert [(c.name, c.before, c.after) for c in newest.changes] == [
        ("Amount", "1,000 CNY", "2,000 CNY"),
        ("Discount", "5 %", "10 %"),
        ("Budget", "—", "skipped (Customer did not disclose)"),
    ]
    assert newest.hidden == "1 hidden change"
    assert rows[1].changes == [] and rows[1].hidden == "2 hidden changes"
    # Masked changes are counted, never named.
    assert "margin" not in repr(rows).lower()
    assert rows[2].version == "form version 1"
    assert [(c.name, c.before, c.after) for c in rows[2].changes] == [("Deal name", "", "Acme")]
    chinese = timeline(items, DEAL, "zh-CN")
    assert chinese[0].hidden == "1 项隐藏的变更"
    assert chinese[0].changes[2].after == "免填（客户未透露）"


# ---- labels ----------------------------------------------------------------------------


def _constants(path: Path) -> set[str]:
    return {
        node.value
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


def test_every_records_label_exists_in_both_languages() -> None:
    used = set()
    for path in (FRONTEND / "studio" / "records").glob("*.py"):
        used |= {s for s in _constants(path) if re.fullmatch(r"records\.[a-z_]+", s)}
    used |= {f"records.op_{op}" for op in query.OPERATORS}
    used.discard("records.op_")
    assert used and sorted(used - LABELS.keys()) == []
    assert text("zh-CN", "records.nav") == "记录"
    assert text("zh-CN", "records.exempt") == "免填此字段"


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_operator_words_exist(language: str) -> None:
    for op in query.OPERATORS:
        assert text(language, f"records.op_{op}")
