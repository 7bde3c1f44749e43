"""Every setting, choice and port of every component has words in both
languages, so a new component without them fails here; and GET /components
serves them beside each config schema."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from litestar.testing import TestClient

from builder.schema import schemas
from components.catalogue import CATALOGUE
from components.component import Component, Text
from components.vocabulary import (
    CHOICES,
    CHOICES_BY_TYPE,
    EDGE_FIELDS,
    FIELDS,
    FIELDS_BY_TYPE,
    NODE_FIELDS,
    PORTS,
    Words,
    for_component,
    names_in,
)
from runtime.api.components import _config_schema

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _texts(words: Words) -> Iterator[Text]:
    yield words.label
    if words.help is not None:
        yield words.help
    if words.item is not None:
        yield words.item


def _bilingual(text: Text, what: str) -> None:
    assert text.en.strip() and text.zh_CN.strip(), what
    assert CHINESE.search(text.zh_CN), f"{what}: {text.zh_CN!r} has no Chinese"


@pytest.mark.parametrize("component", CATALOGUE.values(), ids=list(CATALOGUE))
def test_every_setting_choice_and_port_has_words_in_both_languages(component: Component) -> None:
    schema = _config_schema(component.type)
    names = names_in(schema)
    words = for_component(component, schema)
    assert sorted(names.fields - words.fields.keys()) == [], "settings without words"
    assert sorted(names.choices - words.choices.keys()) == [], "choices without words"
    assert [p for p in component.outputs if p not in words.ports] == [], "ports without words"
    for name, entry in words.fields.items():
        for text in _texts(entry):
            _bilingual(text, f"{component.type}: {name}")
        if entry.item is not None:
            assert "{n}" in entry.item.en and "{n}" in entry.item.zh_CN, name
    for value, text in [*words.choices.items(), *words.ports.items()]:
        _bilingual(text, f"{component.type}: {value}")


def test_the_panel_of_a_step_and_of_a_connection_has_words() -> None:
    defs = schemas()["workflow"]["$defs"]
    label = set(defs["Label"]["properties"])
    assert set(NODE_FIELDS) <= set(defs["Node"]["properties"]) | label
    assert set(EDGE_FIELDS) <= set(defs["Edge"]["properties"]) | label
    assert {"condition", "default", "label", "en", "zh-CN"} <= set(EDGE_FIELDS)
    assert {"label", "en", "zh-CN"} <= set(NODE_FIELDS)
    for name, entry in [*NODE_FIELDS.items(), *EDGE_FIELDS.items()]:
        for text in _texts(entry):
            _bilingual(text, name)


def test_no_words_for_names_nothing_uses() -> None:
    """A misspelt name would leave the real one unlabelled; this catches it."""
    used = [(c, names_in(_config_schema(c.type))) for c in CATALOGUE.values()]
    all_fields = set().union(*(names.fields for _, names in used))
    all_choices = set().union(*(names.choices for _, names in used))
    assert sorted(FIELDS.keys() - all_fields) == []
    assert sorted(CHOICES.keys() - all_choices) == []
    assert sorted(PORTS.keys() - {p for c in CATALOGUE.values() for p in c.outputs}) == []
    for component, names in used:
        assert FIELDS_BY_TYPE.get(component.type, {}).keys() <= names.fields, component.type
        assert CHOICES_BY_TYPE.get(component.type, {}).keys() <= names.choices, component.type
    assert FIELDS_BY_TYPE.keys() <= CATALOGUE.keys()
    assert CHOICES_BY_TYPE.keys() <= CATALOGUE.keys()


@pytest.mark.parametrize(
    ("name", "en", "zh"),
    [
        ("sla", "Deadline", "时限"),
        ("cc", "Copy to", "抄送"),
        ("lock", "Hand-off lock", "交接锁"),
        ("assignee", "Assignee", "处理人"),
        ("levels", "Approval levels", "审批级别"),
        ("min_rank", "rank", "职级"),
        ("form", "Form", "表单"),
        ("variant", "Variant", "变体"),
    ],
)
def test_words_follow_the_glossary(name: str, en: str, zh: str) -> None:
    label = FIELDS[name].label
    assert en in label.en and zh in label.zh_CN


def test_a_component_gets_only_the_words_it_uses() -> None:
    start = for_component(CATALOGUE["start"], _config_schema("start"))
    assert set(start.fields) == {"trigger", "condition", "schedule"}
    assert "levels" not in start.fields and "any" not in start.choices
    join = for_component(CATALOGUE["join"], _config_schema("join"))
    approval = for_component(CATALOGUE["approval"], _config_schema("approval"))
    assert join.fields["mode"] != approval.fields["mode"]  # branches, not approvers
    assert join.choices["all"].en == "All branches have arrived"
    assert approval.choices["all"].en == "All of them"


def test_components_endpoint_serves_the_vocabulary(
    as_role: Callable[[str], TestClient[Any]],
) -> None:
    body = as_role("viewer").get("/api/v1/components").json()
    by_type = {item["type"]: item for item in body["items"]}
    approval = by_type["approval"]["vocabulary"]
    assert approval["fields"]["levels"]["label"] == {"en": "Approval levels", "zh-CN": "审批级别"}
    assert approval["fields"]["levels"]["item"] == {"en": "Level {n}", "zh-CN": "第 {n} 级"}
    assert approval["fields"]["mode"]["help"]["zh-CN"]
    assert "help" not in by_type["wait"]["vocabulary"]["fields"]["until"]
    assert {"due", "on_timeout", "by", "cc"} <= approval["fields"].keys()
    assert approval["choices"]["role_in_region"]["zh-CN"] == "记录所属区域的角色"
    assert approval["ports"] == {
        "approved": {"en": "Approved", "zh-CN": "已批准"},
        "rejected": {"en": "Rejected", "zh-CN": "已驳回"},
    }
    assert "levels" not in by_type["start"]["vocabulary"]["fields"]
    assert by_type["end"]["vocabulary"]["ports"] == {}
    # A decision's only setting is its hand-off lock (conditions live on edges).
    assert by_type["decision"]["vocabulary"]["fields"].keys() == {"lock"}
    assert by_type["decision"]["vocabulary"]["choices"] == {}
    assert by_type["decision"]["vocabulary"]["ports"] == {"out": {"en": "Next", "zh-CN": "下一步"}}
    assert body["edge_vocabulary"]["fields"]["default"]["label"]["zh-CN"] == "默认连线"
    assert body["node_vocabulary"]["fields"]["zh-CN"]["label"] == {"en": "Chinese", "zh-CN": "中文"}
