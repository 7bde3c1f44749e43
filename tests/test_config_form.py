"""The config panel's rows and edits (``studio.editor.config_form``), on the real
schemas and words that GET /api/v1/components serves, built in-process."""

from __future__ import annotations

import copy
from typing import Any

import msgspec
import pytest

from builder import check
from runtime.api.components import catalogue
from studio.editor.config_form import (
    FieldRow,
    add_item,
    add_optional,
    remove_item,
    rows,
    set_value,
)
from studio.editor.config_values import format_duration, parse_duration
from tests.documents import api_example

CATALOGUE: dict[str, dict[str, Any]] = {
    item["type"]: item for item in msgspec.to_builtins(catalogue())["items"]
}
INPUTS = {"text", "number", "integer", "boolean", "select", "duration", "expression"}
INPUTS |= {"role", "user", "form"}

TWO_LEVELS: dict[str, Any] = {
    "levels": [
        {
            "role": "manager",
            "sla": {
                "due": "PT48H",
                "reminders": ["PT24H"],
                "on_timeout": [
                    {
                        "to": {"by": "role_in_region", "role": "director"},
                        "due": "P1D",
                        "cc": [{"by": "user"}],
                    }
                ],
            },
        },
        {"users": ["ann", "bo"], "mode": "all", "amount_limit": 50000},
    ],
    "amount": "record['amount']",
}


def schema(node_type: str) -> dict[str, Any]:
    config_schema: dict[str, Any] = CATALOGUE[node_type]["config_schema"]
    return config_schema


def panel(
    node_type: str, config: dict[str, Any], errors: dict[str, str] | None = None, lang: str = "en"
) -> dict[str, FieldRow]:
    item = CATALOGUE[node_type]
    found = rows(item["config_schema"], config, errors or {}, item["vocabulary"], lang)
    assert len({r.pointer for r in found}) == len(found), "one row per pointer"
    return {row.pointer: row for row in found}


def builder_errors(node_type: str, config: dict[str, Any], lang: str) -> dict[str, str]:
    """The builder's errors of a step with ``config``, relative to the config,
    as the editor hands them to the panel."""
    document = api_example()
    document["nodes"][2].update(type=node_type, config=config)
    prefix = "/nodes/2/config"
    return {
        e.pointer.removeprefix(prefix): e.message[lang]
        for e in check(document, kind="workflow", key=document["key"]).errors
        if e.pointer.startswith(prefix)
    }


def test_approval_with_two_levels_and_an_escalation() -> None:
    got = panel("approval", TWO_LEVELS)
    levels = got["/levels"]
    assert (levels.kind, levels.label, levels.depth) == ("list", "Approval levels", 0)
    assert levels.required and levels.can_add and not levels.removable
    first, second = got["/levels/0"], got["/levels/1"]
    assert (first.kind, first.label, first.depth, first.removable) == ("item", "Level 1", 1, True)
    assert (second.label, second.removable) == ("Level 2", True)
    assert (got["/levels/0/role"].kind, got["/levels/0/role"].value) == ("role", "manager")
    assert got["/levels/0/role"].depth == 2
    sla = got["/levels/0/sla"]
    assert (sla.kind, sla.label, sla.removable) == ("group", "Deadline", True)
    due = got["/levels/0/sla/due"]
    assert (due.kind, due.value, due.unit, due.required) == ("duration", "48", "hours", True)
    reminder = got["/levels/0/sla/reminders/0"]
    assert (reminder.kind, reminder.label, reminder.value) == ("duration", "Reminder 1", "24")
    escalation = got["/levels/0/sla/on_timeout/0"]
    assert (escalation.kind, escalation.label, escalation.depth) == ("item", "Escalation 1", 4)
    action = got["/levels/0/sla/on_timeout/0/action"]
    assert (action.kind, action.value) == ("select", "escalate")  # the default, shown
    assert "" not in [o.value for o in action.options]  # it has a default: no "not set"
    assert {o.value: o.label for o in action.options}["auto_approve"] == "Approve automatically"
    assert got["/levels/0/sla/on_timeout/0/to"].kind == "group"
    assert got["/levels/0/sla/on_timeout/0/to/role"].value == "director"
    new_due = got["/levels/0/sla/on_timeout/0/due"]
    assert (new_due.value, new_due.unit) == ("1", "days")
    assert got["/levels/0/sla/on_timeout/0/cc/0"].label == "Copy 1"
    assert got["/levels/0/sla/on_timeout/0/cc/0/by"].value == "user"
    assert got["/levels/1/sla"].kind == "optional" and got["/levels/1/sla"].can_add
    people = [got["/levels/1/users/0"], got["/levels/1/users/1"]]
    assert [(r.kind, r.label, r.value, r.removable) for r in people] == [
        ("user", "Person 1", "ann", True),
        ("user", "Person 2", "bo", True),
    ]
    assert got["/levels/1/mode"].value == "all"
    assert got["/levels/1/amount_limit"].value == "50000"
    assert got["/levels/1/allow_self_approval"].value == "false"
    assert got["/levels/1/min_rank"].kind == "integer" and got["/levels/1/min_rank"].value == ""
    assert got["/amount"].kind == "expression" and got["/lock"].label == "Hand-off lock"
    assert all(r.kind in INPUTS | {"list", "item", "group", "optional"} for r in got.values())


def test_chinese_labels_headings_and_choices() -> None:
    got = panel("approval", TWO_LEVELS, lang="zh-CN")
    assert got["/levels"].label == "审批级别"
    assert got["/levels/1"].label == "第 2 级"
    assert got["/levels/0/sla"].label == "时限"
    assert got["/levels/0/sla/on_timeout/0/cc"].label == "抄送"
    assert got["/levels/0/sla/on_timeout/0"].label == "第 1 次升级"
    by = got["/levels/0/sla/on_timeout/0/to/by"]
    assert {o.value: o.label for o in by.options}["role_in_region"] == "记录所属区域的角色"
    assert got["/levels/0/mode"].help.startswith("有多位审批人时")


def test_every_input_round_trips_unchanged() -> None:
    """Storing what each input shows changes nothing: rows and set_value agree
    on every format, and shown defaults are not written back."""
    for node_type, config in [
        ("approval", TWO_LEVELS),
        ("form_task", {"form": "deal", "assignee": {"by": "user", "user": "ann"}}),
        ("wait", {"until": "event", "event": "contract.signed", "timeout": "P2D"}),
        ("notify", {"message": {"en": "Hi", "zh-CN": "你好"}, "to": [{"role": "rep"}]}),
        ("webhook", {"url": "https://x.test", "headers": {"A": "1", "B": "two: 2"}}),
        ("script", {"code": "x = 1", "timeout_seconds": 2.5, "outputs": ["x"]}),
    ]:
        for row in panel(node_type, config).values():
            if row.kind in INPUTS:
                again = set_value(schema(node_type), config, row.pointer, row.value, row.unit)
                assert again == config, (node_type, row.pointer, row.value)


def test_set_value_coerces_by_the_schema() -> None:
    s = schema("approval")
    one: dict[str, Any] = {"levels": [{}]}
    assert set_value(s, one, "/levels/0/min_rank", "3") == {"levels": [{"min_rank": 3}]}
    assert set_value(s, one, "/levels/0/amount_limit", "5000") == {
        "levels": [{"amount_limit": 5000}]
    }
    assert set_value(s, one, "/levels/0/amount_limit", "0.5") == {"levels": [{"amount_limit": 0.5}]}
    assert set_value(s, one, "/levels/0/allow_self_approval", "true") == {
        "levels": [{"allow_self_approval": True}]
    }
    assert set_value(s, one, "/levels/0/mode", "all") == {"levels": [{"mode": "all"}]}
    for amount, unit, iso in [
        ("48", "hours", "PT48H"),
        ("2", "days", "P2D"),
        ("30", "minutes", "PT30M"),
        ("1", "weeks", "P1W"),
    ]:
        got = set_value(s, one, "/levels/0/sla/due", amount, unit)
        assert got == {"levels": [{"sla": {"due": iso}}]}
    assert one == {"levels": [{}]}  # the argument is never touched


def test_what_does_not_parse_is_kept_for_the_validator_to_point_at() -> None:
    s = schema("approval")
    one: dict[str, Any] = {"levels": [{"role": "manager"}]}
    for pointer, raw, unit in [
        ("/levels/0/min_rank", "3.5", ""),
        ("/levels/0/min_rank", "three", ""),
        ("/levels/0/amount_limit", "lots", ""),
        ("/levels/0/sla/due", "soon", "hours"),
        ("/levels/0/sla/due", "1.3", "minutes"),
    ]:
        got = set_value(s, one, pointer, raw, unit)
        assert builder_errors("approval", got, "en").keys() == {pointer}, (pointer, raw, got)


def test_empty_text_and_defaults_are_left_out() -> None:
    s = schema("approval")
    full: dict[str, Any] = {
        "levels": [{"role": "manager", "mode": "all", "allow_self_approval": True}],
        "lock": "x",
    }
    assert set_value(s, full, "/lock", "") == {"levels": full["levels"]}
    assert set_value(s, full, "/levels/0/role", "  ")["levels"][0] == {
        "mode": "all",
        "allow_self_approval": True,
    }
    assert "mode" not in set_value(s, full, "/levels/0/mode", "any")["levels"][0]
    assert (
        "allow_self_approval"
        not in set_value(s, full, "/levels/0/allow_self_approval", "false")["levels"][0]
    )
    script = schema("script")
    assert set_value(script, {"code": "x"}, "/timeout_seconds", "5") == {"code": "x"}


def test_parts_on_the_way_are_made_and_lists_of_people_take_commas() -> None:
    form_task = schema("form_task")
    got = set_value(form_task, {"form": "deal"}, "/assignee/role", "rep")
    assert got == {"form": "deal", "assignee": {"role": "rep"}}
    approval = schema("approval")
    people = set_value(approval, {"levels": [{}]}, "/levels/0/users", "ann, bo,, cy ")
    assert people == {"levels": [{"users": ["ann", "bo", "cy"]}]}
    assert set_value(approval, people, "/levels/0/users", "") == {"levels": [{}]}
    assert set_value(approval, people, "/levels/0/users/1", "dee")["levels"][0]["users"] == [
        "ann",
        "dee",
        "cy",
    ]
    # An element cleared in place keeps its place; removing it is remove_item's job.
    assert set_value(approval, people, "/levels/0/users/0", "")["levels"][0]["users"][0] == ""
    # Objects are not typed as text.
    assert set_value(approval, people, "/levels", "x") == people


def test_add_item_fills_defaults_and_stops_at_max_items() -> None:
    s = schema("approval")
    assert add_item(s, {}, "/levels") == {"levels": [{}]}
    six = {"levels": [{"role": f"r{i}"} for i in range(6)]}
    seven = add_item(s, six, "/levels")
    assert len(seven["levels"]) == 7 and seven["levels"][6] == {}
    assert panel("approval", six)["/levels"].can_add
    assert not panel("approval", seven)["/levels"].can_add
    assert add_item(s, seven, "/levels") == seven
    sla = add_item(s, {"levels": [{"sla": {"due": "P1D"}}]}, "/levels/0/sla/reminders")
    assert sla["levels"][0]["sla"]["reminders"] == [""]
    timed = set_value(s, sla, "/levels/0/sla/reminders/0", "24", "hours")
    assert timed["levels"][0]["sla"]["reminders"] == ["PT24H"]
    escalations = add_item(s, timed, "/levels/0/sla/on_timeout")
    assert escalations["levels"][0]["sla"]["on_timeout"] == [{}]
    assert add_item(s, {}, "/amount") == {}  # not a list


def test_remove_item_and_add_optional() -> None:
    s = schema("approval")
    assert remove_item(TWO_LEVELS, "/levels/0")["levels"] == [TWO_LEVELS["levels"][1]]
    only_level = panel("approval", {"levels": [{"role": "a"}]})["/levels/0"]
    assert not only_level.removable  # minItems is 1
    no_sla = remove_item(TWO_LEVELS, "/levels/0/sla")
    assert "sla" not in no_sla["levels"][0] and "sla" in TWO_LEVELS["levels"][0]
    no_reminder = remove_item(TWO_LEVELS, "/levels/0/sla/reminders/0")
    assert "reminders" not in no_reminder["levels"][0]["sla"]  # an empty list is left out
    assert remove_item(TWO_LEVELS, "/levels/1/users/0")["levels"][1]["users"] == ["bo"]
    with_sla = add_optional(s, TWO_LEVELS, "/levels/1/sla")
    assert with_sla["levels"][1]["sla"] == {}
    assert add_optional(s, with_sla, "/levels/1/sla") == with_sla
    got = panel("approval", with_sla, builder_errors("approval", with_sla, "en"))
    assert got["/levels/1/sla"].kind == "group" and got["/levels/1/sla"].removable
    assert got["/levels/1/sla/due"].error == "due is required."


def test_errors_land_on_their_rows_in_the_panels_language() -> None:
    config: dict[str, Any] = {
        "levels": [{"role": "manager", "min_rank": 9, "sla": {}}, {"mode": "all"}],
        "lock": "record[",
        "colour": "red",
    }
    for lang in ("en", "zh-CN"):
        errors = builder_errors("approval", config, lang)
        got = panel("approval", config, errors, lang)
        assert got["/levels/0/min_rank"].error == errors["/levels/0/min_rank"]
        assert got["/levels/0/sla/due"].error == errors["/levels/0/sla/due"]  # missing child
        assert got["/levels/1"].error == errors["/levels/1"]  # a level naming no approver
        assert got["/lock"].error == errors["/lock"]
        unknown = got["/colour"]
        assert unknown.error == errors["/colour"] and unknown.removable
        assert unknown.label == "Colour" and unknown.value == "red"
        assert got["/levels/0/role"].error == ""
        pinned = sum(bool(r.error) for r in got.values())
        assert pinned == len(errors), errors
    assert "大于最大值" in builder_errors("approval", config, "zh-CN")["/levels/0/min_rank"]


def test_an_absent_required_list_and_orphan_errors_find_a_row() -> None:
    errors = builder_errors("approval", {}, "en")
    assert errors == {"/levels": "levels is required."}
    got = panel("approval", {}, errors)
    assert got["/levels"].error == "levels is required." and got["/levels"].can_add
    deep = panel("approval", {"levels": [{}]}, {"/levels/0/sla/due": "x", "/nowhere/1": "y"})
    assert deep["/levels/0/sla"].error == "x"  # the nearest row above the missing part
    assert deep[""].kind == "group" and deep[""].error == "y"  # no row at all: on top
    assert deep[""].label == "Settings"
    assert next(iter(deep)) == ""


def test_form_task_has_a_required_assignee_group() -> None:
    got = panel("form_task", {"form": "deal"})
    assert got["/form"].kind == "form" and got["/form"].required
    assignee = got["/assignee"]
    assert (assignee.kind, assignee.required, assignee.removable) == ("group", True, False)
    assert got["/assignee/by"].value == "role"
    assert got["/fields"].kind == "list" and got["/sla"].kind == "optional"
    assert got["/lock"].kind == "expression"
    assert got["/assignee/user"].kind == "user"


def test_wait_durations_and_choices() -> None:
    s = schema("wait")
    got = panel("wait", {"duration": "P1DT2H"})
    until = got["/until"]
    assert [o.value for o in until.options] == ["date", "duration", "event"]
    assert until.value == "duration"
    assert (got["/duration"].value, got["/duration"].unit) == ("26", "hours")
    timeout = got["/timeout"]  # unset: an empty amount, in the unit most deadlines use
    assert (timeout.kind, timeout.value, timeout.unit) == ("duration", "", "hours")
    assert set_value(s, {}, "/duration", "2", "days") == {"duration": "P2D"}
    assert set_value(s, {}, "/duration", "1.5", "days") == {"duration": "PT36H"}
    assert set_value(s, {}, "/duration", "P1M", "") == {"duration": "P1M"}
    # A duration of mixed units is stored in its display unit once edited.
    assert set_value(s, {"duration": "P1DT2H"}, "/duration", "26", "hours") == {"duration": "PT26H"}
    month = panel("wait", {"duration": "P1M"})["/duration"]
    assert (month.kind, month.value, month.unit) == ("duration", "P1M", "")
    assert panel("wait", {}, lang="zh-CN")["/timeout"].label == "超时时长"


def test_notify_message_recipients_and_channel() -> None:
    got = panel("notify", {"message": {"en": "Deal won"}, "to": [{"role": "rep"}, {"by": "user"}]})
    assert got["/message"].kind == "group" and got["/message"].required
    english = got["/message/en"]
    assert (english.label, english.value, english.required) == ("English", "Deal won", True)
    assert english.multiline  # a message may run to several lines
    assert got["/message/zh-CN"].value == "" and not got["/message/zh-CN"].required
    assert got["/to/1"].label == "Recipient 2"
    assert got["/to/1/by"].value == "user"
    channel = got["/channel"]
    assert channel.value == "inbox"
    assert {o.value: o.label for o in channel.options}["sms"] == "Text message (SMS)"
    assert got["/subject"].kind == "optional"
    assert got["/robot_url"].multiline is False


def test_select_without_default_offers_not_set_and_keeps_a_stored_stranger() -> None:
    item = CATALOGUE["approval"]
    mode = rows(item["config_schema"], {"levels": [{"mode": "most"}]}, {}, item["vocabulary"], "en")
    row = next(r for r in mode if r.pointer == "/levels/0/mode")
    assert row.value == "most" and row.options[-1].value == "most"
    optional_enum = {
        "type": "object",
        "properties": {
            "tier": {"anyOf": [{"enum": ["a", "b"]}, {"type": "null"}], "default": None}
        },
    }
    tier = rows(optional_enum, {}, {}, {}, "zh-CN")[0]
    assert [(o.value, o.label) for o in tier.options] == [("", "未设置"), ("a", "a"), ("b", "b")]


def test_words_missing_from_the_vocabulary_fall_back() -> None:
    item = CATALOGUE["approval"]
    english_only = copy.deepcopy(item["vocabulary"])
    del english_only["fields"]["lock"]["label"]["zh-CN"]
    del english_only["fields"]["levels"]
    got = {r.pointer: r for r in rows(item["config_schema"], TWO_LEVELS, {}, english_only, "zh-CN")}
    assert got["/lock"].label == "Hand-off lock"  # English when Chinese is missing
    assert got["/levels"].label == "Levels"  # the name itself when both are
    assert got["/levels/1"].label == "第 2 项"
    assert got["/levels/1/amount_limit"].label == "审批额度"
    bare = rows(item["config_schema"], TWO_LEVELS, {}, {}, "en")
    assert {r.label for r in bare if r.pointer == "/levels/0/min_rank"} == {"Min rank"}


def test_webhook_map_is_edited_as_lines() -> None:
    s = schema("webhook")
    got = panel("webhook", {"url": "https://x.test", "headers": {"X-Token": "abc"}})
    headers = got["/headers"]
    assert (headers.kind, headers.value, headers.multiline) == ("text", "X-Token: abc", True)
    assert "name: value" in headers.help
    both = set_value(s, {"url": "https://x.test"}, "/headers", "A: 1\n\nB: x: y\n")
    assert both["headers"] == {"A": "1", "B": "x: y"}
    assert set_value(s, both, "/headers", "") == {"url": "https://x.test"}
    assert set_value(s, both, "/headers", "no colon")["headers"] == "no colon"
    method = got["/method"]
    assert method.value == "POST" and method.options[0].label == "DELETE (remove)"


@pytest.mark.parametrize(
    ("iso", "amount", "unit"),
    [
        ("PT48H", "48", "hours"),
        ("P2D", "2", "days"),
        ("PT30M", "30", "minutes"),
        ("P1W", "1", "weeks"),
        ("P1DT2H", "26", "hours"),
        ("P1W2D", "9", "days"),
        ("PT120S", "2", "minutes"),
        ("PT90S", "PT90S", ""),
        ("P1Y", "P1Y", ""),
        ("P", "P", ""),
        ("48h", "48h", ""),
    ],
)
def test_durations_show_in_their_smallest_exact_unit(iso: str, amount: str, unit: str) -> None:
    assert parse_duration(iso) == (amount, unit)
    if unit:
        assert parse_duration(format_duration(amount, unit) or "") == (amount, unit)


def test_every_component_panel_builds_in_both_languages() -> None:
    for item in CATALOGUE.values():
        for lang in ("en", "zh-CN"):
            for row in rows(item["config_schema"], {}, {}, item["vocabulary"], lang):
                assert row.label and row.kind in INPUTS | {"list", "group", "optional"}, row
