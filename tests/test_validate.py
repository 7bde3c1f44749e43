"""builder.validate: structure from jsonschema, meaning from the checks; every
error points at what is wrong."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from builder import References, check, validate
from builder.errors import MESSAGES
from tests.documents import api_example, deal_form, demo

DEAL = References(forms={"deal": ["amount", "discount"]})


NO_REFS = References()


def codes(document: Any, refs: References = NO_REFS) -> set[tuple[str, str]]:
    return {(e.pointer, e.code) for e in validate(document, refs)}


def test_api_example_is_valid_and_upgraded() -> None:
    checked = check(api_example(), DEAL)
    assert checked.errors == []
    assert checked.document is not None and checked.document["schema_version"] == 2


@pytest.mark.parametrize(
    "name",
    [
        "deal.form.json",
        "lead.form.json",
        "quote-discount.workflow.json",
        "lead-follow-up.workflow.json",
        "sales.permission_matrix.json",
    ],
)
def test_demo_documents_are_valid(name: str) -> None:
    refs = References(
        forms={
            "deal": [f["key"] for f in demo("deal.form.json")["fields"]],
            "lead": [f["key"] for f in demo("lead.form.json")["fields"]],
        }
    )
    assert validate(demo(name), refs) == []


def test_every_error_has_both_languages() -> None:
    for en, zh in MESSAGES.values():
        assert en and zh
    doc = api_example()
    doc["edges"][1]["target"] = "nowhere"
    for e in validate(doc):
        assert e.message["en"] and e.message["zh-CN"] and e.pointer.startswith("/")


def test_not_an_object_and_unknown_kind() -> None:
    assert codes([1, 2]) == {("", "not_an_object")}
    assert codes({"kind": "spreadsheet"}) == {("/kind", "unknown_kind")}


def test_unsupported_schema_version() -> None:
    doc = api_example()
    doc["schema_version"] = 99
    assert codes(doc) == {("/schema_version", "unsupported_schema_version")}


def test_kind_and_key_expected_by_caller() -> None:
    assert check(api_example(), kind="form").errors[0].code == "kind_mismatch"
    errors = check(api_example(), DEAL, key="other-key").errors
    assert [(e.pointer, e.code) for e in errors] == [("/key", "key_mismatch")]


def test_unknown_node_type_points_at_type() -> None:
    doc = api_example()
    doc["nodes"][1]["type"] = "teleport"
    assert ("/nodes/1/type", "unknown_node_type") in codes(doc)


def test_config_errors_point_into_config() -> None:
    doc = api_example()
    doc["nodes"][2]["config"] = {"levels": [{"role": "manager", "min_rank": 9}], "colour": "red"}
    found = codes(doc, DEAL)
    assert ("/nodes/2/config/levels/0/min_rank", "too_large") in found
    assert ("/nodes/2/config/colour", "unknown_field") in found


def test_approval_needs_one_to_seven_levels() -> None:
    doc = api_example()
    doc["nodes"][2]["config"] = {"levels": []}
    assert ("/nodes/2/config/levels", "too_short") in codes(doc, DEAL)
    doc["nodes"][2]["config"] = {"levels": [{"role": "manager"}] * 8}
    assert ("/nodes/2/config/levels", "too_long") in codes(doc, DEAL)
    doc["nodes"][2]["config"] = {}
    assert ("/nodes/2/config/levels", "required") in codes(doc, DEAL)


def test_missing_required_field_points_at_it() -> None:
    doc = api_example()
    del doc["nodes"][0]["id"]
    assert ("/nodes/0/id", "required") in codes(doc)


def test_wrong_type_and_bad_key() -> None:
    doc = api_example()
    doc["key"] = "Bad Key!"
    doc["nodes"][0]["position"] = {"x": "left", "y": 0}
    found = codes(doc)
    assert ("/key", "pattern_mismatch") in found
    assert ("/nodes/0/position/x", "wrong_type") in found


def test_duplicate_ids() -> None:
    doc = api_example()
    doc["nodes"].append(dict(doc["nodes"][3]))
    doc["edges"].append(dict(doc["edges"][0]))
    found = codes(doc, DEAL)
    assert ("/nodes/4/id", "duplicate_id") in found
    assert ("/edges/4/id", "duplicate_id") in found


def test_edge_to_missing_node() -> None:
    doc = api_example()
    doc["edges"][3]["target"] = "finish"
    doc["edges"][0]["source"] = "begin"
    found = codes(doc, DEAL)
    assert ("/edges/3/target", "missing_node") in found
    assert ("/edges/0/source", "missing_node") in found


def test_start_count() -> None:
    doc = api_example()
    doc["nodes"][0]["type"] = "set"
    doc["nodes"][0]["config"] = {"assignments": [{"target": "vars.x", "expression": "1"}]}
    assert ("/nodes", "no_start") in codes(doc, DEAL)
    doc = api_example()
    doc["nodes"].append({"id": "start2", "type": "start"})
    doc["edges"].append({"id": "e9", "source": "start2", "target": "done"})
    assert ("/nodes/4", "several_starts") in codes(doc, DEAL)


def test_no_end() -> None:
    doc = api_example()
    doc["nodes"][3]["type"] = "wait"
    doc["nodes"][3]["config"] = {"duration": "PT1H"}
    assert ("/nodes", "no_end") in codes(doc, DEAL)


def test_unreachable_and_dead_end() -> None:
    doc = api_example()
    doc["nodes"].append({"id": "island", "type": "end"})
    doc["nodes"].append({"id": "stuck", "type": "wait", "config": {"duration": "PT1H"}})
    doc["edges"].append({"id": "e5", "source": "mgr", "target": "stuck", "source_port": "rejected"})
    found = codes(doc, DEAL)
    assert ("/nodes/4", "unreachable") in found
    assert ("/nodes/5", "dead_end") in found


def test_decision_needs_a_default_and_conditions() -> None:
    doc = api_example()
    doc["edges"][2]["default"] = False
    found = codes(doc, DEAL)
    assert ("/nodes/1", "no_default_edge") in found
    assert ("/edges/2", "missing_condition") in found
    doc = api_example()
    doc["edges"][1] = {"id": "e2", "source": "check", "target": "mgr", "default": True}
    assert ("/edges/2/default", "several_default_edges") in codes(doc, DEAL)


def test_default_only_on_decisions() -> None:
    doc = api_example()
    doc["edges"][0]["default"] = True
    assert ("/edges/0/default", "default_not_on_decision") in codes(doc, DEAL)


def test_condition_syntax_error_points_into_the_edge() -> None:
    doc = api_example()
    doc["edges"][1]["condition"] = "record['discount'] >"
    errors = [e for e in validate(doc, DEAL) if e.code == "expression_syntax"]
    assert [e.pointer for e in errors] == ["/edges/1/condition"]
    assert "line 1" in errors[0].message["en"] and "column 21" in errors[0].message["en"]


def test_condition_forbidden_and_unknown_names() -> None:
    doc = api_example()
    doc["edges"][1]["condition"] = "__import__('os').system('rm -rf /')"
    assert ("/edges/1/condition", "expression_forbidden") in codes(doc, DEAL)
    doc["edges"][1]["condition"] = "open('/etc/passwd')"
    assert ("/edges/1/condition", "unknown_name") in codes(doc, DEAL)
    doc["edges"][1]["condition"] = "hours_since(record['amount']) > 2 and len(vars) < 3"
    assert codes(doc, DEAL) == set()


def test_unknown_record_field_when_form_is_known() -> None:
    doc = api_example()
    doc["edges"][1]["condition"] = "record['discout'] > 0.1"
    assert ("/edges/1/condition", "unknown_record_field") in codes(doc, DEAL)
    # Offline (no lookup) the field cannot be checked, and is not an error.
    assert ("/edges/1/condition", "unknown_record_field") not in codes(doc)


def test_unknown_form_and_role_given_a_lookup() -> None:
    doc = api_example()
    refs = References(forms={"lead": ["company"]}, roles=["director"])
    found = codes(doc, refs)
    assert ("/record_form", "unknown_form") in found
    assert ("/nodes/2/config/levels/0/role", "unknown_role") in found


def test_expression_in_config_is_compiled() -> None:
    doc = api_example()
    doc["nodes"][2]["config"]["amount"] = "record['amount'] *"
    assert ("/nodes/2/config/amount", "expression_syntax") in codes(doc, DEAL)


def test_unknown_output_port() -> None:
    doc = api_example()
    doc["edges"][3]["source_port"] = "maybe"
    assert ("/edges/3/source_port", "unknown_port") in codes(doc, DEAL)


def test_edges_into_start_and_out_of_end() -> None:
    doc = api_example()
    doc["edges"].append({"id": "e8", "source": "done", "target": "start"})
    found = codes(doc, DEAL)
    assert ("/edges/4/target", "edge_into_start") in found
    assert ("/edges/4/source", "edge_out_of_end") in found


def test_loop_without_wait_is_refused_but_a_loop_with_a_task_is_fine() -> None:
    doc = api_example()
    doc["nodes"].append(
        {
            "id": "again",
            "type": "set",
            "config": {"assignments": [{"target": "vars.n", "expression": "1"}]},
        }
    )
    doc["edges"][1]["target"] = "again"
    doc["edges"].append({"id": "e5", "source": "again", "target": "check"})
    assert ("/nodes/1", "loop_without_wait") in codes(doc, DEAL)
    doc = api_example()
    doc["edges"].append({"id": "e5", "source": "mgr", "source_port": "rejected", "target": "check"})
    assert not any(code == "loop_without_wait" for _, code in codes(doc, DEAL))


def test_form_checks() -> None:
    form = deal_form()
    form["fields"] += [
        {"key": "amount", "type": "number", "label": {"en": "Again"}},
        {"key": "stage", "type": "select", "label": {"en": "Stage"}},
        {"key": "size", "type": "number", "label": {"en": "Size"}, "min": 10, "max": 1},
        {"key": "code", "type": "text", "label": {"en": "Code"}, "pattern": "("},
        {
            "key": "net",
            "type": "computed",
            "label": {"en": "Net"},
            "expression": "record['amount'] - record['rebate']",
        },
        {
            "key": "tier",
            "type": "multi_select",
            "label": {"en": "Tier"},
            "options": [
                {"value": "a", "label": {"en": "A"}},
                {"value": "a", "label": {"en": "A again"}},
            ],
        },
    ]
    found = codes(form)
    assert {
        ("/fields/2/key", "duplicate_id"),
        ("/fields/3/options", "select_without_options"),
        ("/fields/4/min", "min_above_max"),
        ("/fields/5/pattern", "bad_pattern"),
        ("/fields/6/expression", "unknown_record_field"),
        ("/fields/7/options/1/value", "duplicate_option"),
    } <= found


def test_unknown_field_type() -> None:
    form = deal_form()
    form["fields"][0]["type"] = "hologram"
    assert ("/fields/0/type", "not_allowed_value") in codes(form)


def test_permission_matrix_references() -> None:
    matrix = demo("sales.permission_matrix.json")
    refs = References(forms={"deal": ["amount"], "lead": ["company"]}, roles=["rep", "manager"])
    found = codes(matrix, refs)
    assert ("/roles/0/forms/0/fields/margin", "unknown_record_field") in found
    assert ("/roles/2/role", "unknown_role") in found
    matrix["roles"].append({"role": "rep"})
    last = len(matrix["roles"]) - 1
    assert (f"/roles/{last}/role", "duplicate_role") in codes(matrix)


def test_template_validates_bundled_documents_in_one_pass() -> None:
    workflow = api_example()
    workflow["edges"][3]["target"] = "nowhere"
    template = {
        "kind": "template",
        "schema_version": 2,
        "key": "discounts",
        "title": {"en": "Discounts"},
        "parameters": [{"name": "threshold", "type": "number", "label": {"en": "Threshold"}}],
        "forms": [deal_form()],
        "workflows": [workflow],
    }
    found = codes(template, References(forms={}))
    assert ("/workflows/0/edges/3/target", "missing_node") in found
    # the bundled form counts as existing for the bundled workflow
    assert not any(code == "unknown_form" for _, code in found)
    template["forms"][0]["fields"][0]["type"] = "hologram"
    assert ("/forms/0/fields/0/type", "not_allowed_value") in codes(template)


def test_plain_string_title_of_version_1_is_upgraded() -> None:
    doc = api_example()
    doc["title"] = "Discount approval"
    checked = check(doc, DEAL)
    assert checked.errors == []
    assert checked.document is not None
    assert checked.document["title"] == {"en": "Discount approval"}


def test_template_library_is_valid() -> None:
    folder = Path(__file__).parent.parent / "templates"
    templates = sorted(folder.glob("*.template.json"))
    assert templates
    for path in templates:
        assert validate(json.loads(path.read_text(encoding="utf-8"))) == [], path.name


def test_nul_characters_are_refused_with_their_pointer() -> None:
    doc = api_example()
    doc["nodes"][1]["label"] = {"en": "bad\x00label"}
    doc["edges"][0]["x\x00"] = 1
    checked = check(doc, DEAL)
    assert checked.document is None
    assert {(e.pointer, e.code) for e in checked.errors} == {
        ("/nodes/1/label/en", "nul_character"),
        ("/edges/0/x\x00", "nul_character"),
    }


def test_leading_blanks_in_expressions_are_fine_and_columns_count_them() -> None:
    doc = api_example()
    doc["edges"][1]["condition"] = "  record['discount'] > 0.1"
    assert codes(doc, DEAL) == set()
    doc["edges"][1]["condition"] = "  record['discount'] >"
    [problem] = [e for e in validate(doc, DEAL) if e.code == "expression_syntax"]
    assert "column 23" in problem.message["en"]


def test_absurd_input_is_an_error_not_a_crash() -> None:
    doc = api_example()
    doc["edges"][1]["condition"] = "-" * 2000 + "1"
    assert ("/edges/1/condition", "expression_forbidden") in codes(doc, DEAL)
    form = deal_form()
    form["fields"][0]["pattern"] = "a{4294967296}"
    assert ("/fields/0/pattern", "bad_pattern") in codes(form)
    deep: dict[str, Any] = {}
    doc = api_example()
    doc["nodes"][0]["config"] = deep
    for _ in range(100):
        deep["x"] = {}
        deep = deep["x"]
    assert {code for _, code in codes(doc)} == {"too_deep"}


def test_trailing_newline_in_a_key_or_id_is_invalid() -> None:
    doc = api_example()
    doc["key"] = "discount-approval\n"
    assert ("/key", "invalid") in codes(doc, DEAL) or ("/key", "pattern_mismatch") in codes(
        doc, DEAL
    )


def test_blank_condition_on_a_decision_is_missing() -> None:
    doc = api_example()
    doc["edges"][1]["condition"] = "   "
    assert ("/edges/1", "missing_condition") in codes(doc, DEAL)


def test_expressions_and_assignees_are_found_wherever_they_sit() -> None:
    doc = demo("lead-follow-up.workflow.json")
    contact = doc["nodes"][1]["config"]
    contact["sla"]["on_timeout"][0]["cc"][0] = {"by": "expression", "expression": "1 +"}
    contact["sla"]["on_timeout"][0]["to"] = {"by": "role_in_region"}
    doc["nodes"][2]["config"]["to"] = [{"by": "user"}]
    found = codes(doc)
    assert ("/nodes/1/config/sla/on_timeout/0/cc/0/expression", "expression_syntax") in found
    assert ("/nodes/1/config/sla/on_timeout/0/to/role", "missing_setting") in found
    assert ("/nodes/2/config/to/0/user", "missing_setting") in found


def test_settings_required_by_other_settings() -> None:
    doc = api_example()
    doc["nodes"][2]["config"] = {"levels": [{"role": "manager"}, {"mode": "all"}]}
    doc["nodes"].append({"id": "pause", "type": "wait", "config": {"until": "event"}})
    doc["nodes"].append({"id": "gather", "type": "join", "config": {"mode": "n_of_m"}})
    found = codes(doc, DEAL)
    assert ("/nodes/2/config/levels/1", "level_without_approver") in found
    assert ("/nodes/4/config/event", "missing_setting") in found
    assert ("/nodes/5/config/n", "missing_setting") in found


def test_settings_are_named_in_the_users_words_in_both_languages() -> None:
    doc = api_example()
    doc["nodes"][2]["config"] = {"levels": [{"mode": "all"}]}
    doc["nodes"].append({"id": "gather", "type": "join", "config": {"mode": "n_of_m"}})
    doc["nodes"].append(
        {"id": "ask", "type": "form_task", "config": {"form": "deal", "assignee": {"by": "user"}}}
    )
    found = {e.pointer: e.message for e in check(doc, DEAL).errors}
    assert found["/nodes/2/config/levels/0"]["zh-CN"] == (
        "第 1 级必须指定审批人：角色、最低职级、逐级上级或指定人员。"
    )
    assert found["/nodes/4/config/n"] == {
        "en": "“Number of branches” must be set when “Continue when” is "
        "“A number of branches have arrived”.",
        "zh-CN": "“继续条件”为“指定数量的分支到达”时必须设置“分支数量”。",
    }
    assert found["/nodes/5/config/assignee/user"]["zh-CN"] == (
        "“分配方式”为“指定人员”时必须设置“人员”。"
    )
