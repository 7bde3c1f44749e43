"""The form designer's pure parts, without a browser: the field type table, the edits
of a form document, the live preview (against the builder's own rules) and where
errors are pinned."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from builder import check
from builder.forms import form_model, states
from components.field_types import FIELD_CATALOGUE
from schemas.form import FIELD_TYPES
from studio.documents.content import Problem, blank, copied, problems, title
from studio.forms import model, types
from studio.forms.preview import choice_fields, holds, pin, section, shown_fields
from studio.labels import text


def deal_form() -> dict[str, Any]:
    """A deal form of this file's own (the demo's may grow)."""

    def field(key: str, kind: str, **settings: Any) -> dict[str, Any]:
        return {
            "key": key,
            "type": kind,
            "label": {"en": key.replace("_", " ").title()},
            **settings,
        }

    choices = [{"value": v, "label": {"en": v}} for v in ("key_account", "mid_market", "smb")]
    return {
        "kind": "form",
        "schema_version": 2,
        "key": "deal",
        "title": {"en": "Deal", "zh-CN": "商机"},
        "fields": [
            field("name", "text", required=True),
            field("customer_type", "select", required=True, options=choices),
            field("region", "region", required=True),
            field("amount", "money", currency="CNY", min=0, required=True),
            field("discount", "percent", min=0, max=1),
            field("margin", "percent"),
            field("owner", "user"),
            field(
                "net_amount",
                "computed",
                expression="record['amount'] * (1 - (record.get('discount') or 0))",
            ),
        ],
    }


def label(en: str) -> dict[str, str]:
    return {"en": en}


def test_the_field_types_are_the_catalogues_in_its_words() -> None:
    assert types.FIELD_TYPES == FIELD_TYPES
    for name, kind in FIELD_CATALOGUE.items():
        assert text("en", f"forms.type_{name}") == kind.label.en
        assert text("zh-CN", f"forms.type_{name}") == kind.label.zh_CN
    # Nobody fills in a computed field: it has a formula and nothing to require.
    assert types.applies("computed", "expression")
    assert not types.applies("computed", "required")
    assert types.applies("money", "currency") and not types.applies("text", "currency")
    assert types.bounds("text") == "length" and types.bounds("multi_select") == "choices"


def test_new_documents_are_valid_and_copies_keep_the_content() -> None:
    for kind in ("form", "permission_matrix"):
        document = blank(kind, "new-one", title("New one", "新的"))
        assert check(document, kind=kind, key="new-one").errors == []
    copy = copied(deal_form(), "deal-east", None)
    assert copy["key"] == "deal-east" and copy["fields"] == deal_form()["fields"]
    assert copy["title"] == {"en": "Deal (copy)", "zh-CN": "商机（副本）"}


def test_a_designed_form_is_valid() -> None:
    doc = blank("form", "lead", title("Lead", ""))
    for kind in ("text", "select", "money", "computed"):
        doc = model.add_field(doc, kind, None, label(kind.title()), {"en": "Option {n}"})
    keys = [f["key"] for f in doc["fields"]]
    assert keys == ["text", "select", "money", "computed"]
    assert doc["fields"][1]["options"][1] == {"value": "option_2", "label": {"en": "Option 2"}}
    doc = model.update_field(doc, 3, {"expression": "record['money'] * 2"})
    doc = model.update_field(doc, 2, {"currency": "CNY", "min": 0, "required": True})
    doc = model.set_rule(doc, 2, "show_when", on=True)  # about the first choice field
    doc = model.toggle_rule_value(doc, 2, "show_when", "option_2")
    assert doc["fields"][2]["show_when"] == {"field": "select", "in": ["option_2"]}
    assert check(doc, kind="form", key="lead").errors == []
    # A second field of a type gets a key of its own.
    doc = model.add_field(doc, "text", 0, label("Name"))
    assert doc["fields"][0]["key"] == "text_2"


def test_edits_never_change_their_argument() -> None:
    doc = deal_form()
    before = repr(doc)
    model.add_field(doc, "text", 1, label("X"))
    model.remove_field(doc, 0)
    model.move_field(doc, 0, 3)
    model.rename_field(doc, 1, "kind")
    model.set_type(doc, 3, "text")
    model.add_option(doc, 1, label("Option {n}"))
    model.set_option(doc, 1, 0, "value", "big")
    model.remove_option(doc, 1, 0)
    model.set_rule(doc, 4, "show_when", on=True)
    model.set_form(doc, {"stage_field": "customer_type"})
    assert repr(doc) == before


def test_moving_and_removing_fields() -> None:
    doc = deal_form()
    keys = [f["key"] for f in doc["fields"]]
    moved = model.move_field(doc, 5, 0)
    assert [f["key"] for f in moved["fields"]] == [keys[5], *keys[:5], *keys[6:]]
    assert model.move_field(doc, 0, 0) is doc
    staged = model.set_form(doc, {"stage_field": "customer_type", "owner_field": "owner"})
    removed = model.remove_field(staged, 1)
    assert "stage_field" not in removed and removed["owner_field"] == "owner"
    assert model.set_form(staged, {"stage_field": None}).get("stage_field") is None


def test_renaming_a_field_renames_it_in_rules_and_pickers() -> None:
    doc = model.set_form(deal_form(), {"stage_field": "customer_type"})
    doc = model.update_field(doc, 4, {"show_when": {"field": "customer_type", "in": ["smb"]}})
    renamed = model.rename_field(doc, 1, "segment")
    assert renamed["fields"][1]["key"] == "segment"
    assert renamed["fields"][4]["show_when"] == {"field": "segment", "in": ["smb"]}
    assert renamed["stage_field"] == "segment"
    assert check(renamed, kind="form", key="deal").errors == []
    # A changed option value is changed in the rules that name it.
    revalued = model.set_option(renamed, 1, 2, "value", "small")
    assert revalued["fields"][4]["show_when"]["in"] == ["small"]


def test_changing_the_type_drops_what_the_new_type_has_no_use_for() -> None:
    doc = deal_form()
    amount = model.set_type(doc, 3, "text")  # money → text: no currency, keeps min
    assert "currency" not in amount["fields"][3] and amount["fields"][3]["min"] == 0
    computed = model.set_type(doc, 0, "computed")
    assert "required" not in computed["fields"][0]
    multi = model.set_type(doc, 1, "multi_select")
    assert multi["fields"][1]["options"] == doc["fields"][1]["options"]
    chosen = model.set_type(doc, 0, "select")
    assert chosen["fields"][0]["options"]  # a choice field needs one to start with


def test_labels_keep_their_english() -> None:
    assert model.set_label({"en": "Deal"}, "zh-CN", "商机") == {"en": "Deal", "zh-CN": "商机"}
    assert model.set_label({"en": "Deal"}, "en", " ") is None
    assert model.set_label(None, "zh-CN", "商机") == {"zh-CN": "商机", "en": "商机"}


@pytest.fixture
def elastic() -> dict[str, Any]:
    doc = model.set_form(deal_form(), {"stage_field": "stage"})
    doc = model.add_field(doc, "select", None, label("Stage"), {"en": "Stage {n}"})
    doc = model.rename_field(doc, len(doc["fields"]) - 1, "stage")
    doc = model.add_field(doc, "multi_select", None, label("Products"), {"en": "P{n}"})
    rules: list[tuple[int, str, dict[str, Any]]] = [
        (4, "show_when", {"field": "customer_type", "in": ["key_account"]}),
        (5, "show_when", {"roles": ["director"]}),
        (5, "require_when", {"field": "stage", "in": ["option_2"]}),
        (6, "require_when", {"field": "customer_type", "in": ["smb", "mid_market"]}),
        (7, "show_when", {"field": "multi_select", "in": ["option_1"], "roles": ["rep"]}),
    ]
    for index, rule, condition in rules:
        doc = model.update_field(doc, index, {rule: condition, "exemptible": index == 6})
    doc = model.set_form(doc, {"exemption_reasons": [{"value": "gdpr", "label": label("GDPR")}]})
    assert check(doc, kind="form", key="deal").errors == []
    return doc


def test_the_preview_follows_the_rules_as_the_builder_does(elastic: dict[str, Any]) -> None:
    built = form_model(elastic)
    customer = [None, "key_account", "mid_market", "smb"]
    stage = [None, "option_1", "option_2"]
    products: list[Any] = [None, ["option_1"], ["option_2"], ["option_1", "option_2"]]
    roles = [(), ("rep",), ("director",), ("rep", "director")]
    for c, s, p, r in itertools.product(customer, stage, products, roles):
        values = {k: v for k, v in {"customer_type": c, "stage": s, "multi_select": p}.items() if v}
        mine = {f.key: (f.shown, f.required) for f in shown_fields(elastic, values, r)}
        theirs = {k: (v.shown, v.required) for k, v in states(built, values, r).items()}
        assert mine == theirs, (values, r)
    shown = {f.key for f in shown_fields(elastic, {"customer_type": "key_account"}, ()) if f.shown}
    assert "discount" in shown and "margin" not in shown
    assert [f["key"] for f in choice_fields(elastic)] == ["customer_type", "stage", "multi_select"]
    assert holds(None, {}, ()) and not holds({"field": "x", "in": ["a"]}, {}, ())


def test_errors_are_pinned_to_the_field_and_its_setting() -> None:
    found = pin(
        [
            Problem("/fields/3/show_when/in/0", "not an option"),
            Problem("/fields/3/key", "bad key"),
            Problem("/stage_field", "not a choice field"),
        ]
    )
    assert found.fields == {3: [("/show_when/in/0", "not an option"), ("/key", "bad key")]}
    assert found.form == [("/stage_field", "not a choice field")]
    assert section("/show_when/in/0") == "show_when" and section("") == ""
    raw = [{"pointer": "/fields/0", "code": "x", "message": {"en": "E", "zh-CN": "中"}}]
    assert problems(raw, "zh-CN") == [Problem("/fields/0", "中", "x")]


def test_an_invalid_rule_is_pointed_at_by_the_validator(elastic: dict[str, Any]) -> None:
    """What the designer pins: a rule naming a value its field no longer offers."""
    broken = model.remove_option(elastic, 1, 0)  # key_account, which field 4 is shown for
    pointers = [e.pointer for e in check(broken, kind="form", key="deal").errors]
    assert pointers == ["/fields/4/show_when/in/0"]
    assert pin([Problem(p, "") for p in pointers]).fields == {4: [("/show_when/in/0", "")]}
