"""The words the config panel shows, in English and Chinese, for every setting,
choice and output port of every component.

The panel is generated from each component's config schema, so the schema's
property names, enum values and port names are its only keys: one table here
covers all node types, and a new component whose names are not in it fails
``tests/test_vocabulary.py``. Words follow ``GLOSSARY.md`` and are written for
sales-ops staff, not developers. The settings' labels are in
:mod:`components.words`; choices, ports and the rest are here.

A name means the same thing wherever it appears (``role`` in a level and in an
assignee), so one entry serves all. Where a component uses a name differently
(``mode`` of a join counts branches, not approvers), ``FIELDS_BY_TYPE`` and
``CHOICES_BY_TYPE`` hold its own words. ``NODE_FIELDS`` and ``EDGE_FIELDS``
name what the step and connection panels show beside a config.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from components.component import Component, Text
from components.words import FIELDS, Words, words

__all__ = [
    "CHOICES",
    "CHOICES_BY_TYPE",
    "EDGE_FIELDS",
    "FIELDS",
    "FIELDS_BY_TYPE",
    "NODE_FIELDS",
    "PORTS",
    "Names",
    "Vocabulary",
    "Words",
    "choice_label",
    "field_label",
    "for_component",
    "names_in",
]


# Names a component uses in its own sense.
FIELDS_BY_TYPE: dict[str, dict[str, Words]] = {
    "join": {
        "mode": words(
            ("Continue when", "继续条件"),
            ("When the flow goes on after the branches.", "分支汇聚后何时继续。"),
        ),
    },
    "notify": {
        "to": words(
            ("Recipients", "接收人"),
            ("Who receives the message.", "接收消息的人员。"),
            item=("Recipient {n}", "接收人 {n}"),
        ),
    },
    "set": {
        "expression": words(
            ("Value", "值"),
            (
                "A formula for the value, e.g. record['amount'] * 0.1.",
                "计算值的公式，例如 record['amount'] * 0.1。",
            ),
        ),
    },
}

# enum value -> words, for every choice of every component's config.
CHOICES: dict[str, Text] = {
    # approval mode
    "any": Text("Any one of them", "任一人批准"),
    "all": Text("All of them", "全部批准"),
    # assign by
    "user": Text("A named person", "指定人员"),
    "role": Text("Anyone with a role", "指定角色"),
    "role_in_region": Text("A role in the record's region", "记录所属区域的角色"),
    "manager_of_previous": Text("The previous assignee's manager", "上一处理人的上级"),
    "expression": Text("A formula", "公式计算"),
    "current_assignee": Text("Whoever holds the task now", "当前处理人"),
    "requester": Text("The person who started the case", "流程发起人"),
    # when time runs out
    "escalate": Text("Escalate: hand over to someone else", "升级：转交他人"),
    "return": Text("Send back", "退回"),
    "auto_approve": Text("Approve automatically", "自动批准"),
    "auto_reject": Text("Reject automatically", "自动驳回"),
    "notify": Text("Only notify", "仅通知"),
    # notification channels
    "inbox": Text("Trellis inbox", "站内信"),
    "email": Text("E-mail", "邮件"),
    "wecom": Text("WeCom", "企业微信"),
    "dingtalk": Text("DingTalk", "钉钉"),
    "sms": Text("Text message (SMS)", "短信"),
    # start triggers
    "manual": Text("Started by hand", "手动发起"),
    "record_created": Text("A record is created", "记录创建时"),
    "record_updated": Text("A record is changed", "记录更新时"),
    "schedule": Text("On a schedule", "定时"),
    "webhook": Text("Another system calls in (webhook)", "外部系统调用（Webhook）"),
    # wait until
    "duration": Text("A length of time", "一段时间"),
    "date": Text("A date", "某个日期"),
    "event": Text("An event", "某个事件"),
    # webhook methods: the technical word stays, the plain one explains it
    "GET": Text("GET (read)", "GET（读取）"),
    "POST": Text("POST (send)", "POST（提交）"),
    "PUT": Text("PUT (replace)", "PUT（替换）"),
    "PATCH": Text("PATCH (change)", "PATCH（修改）"),
    "DELETE": Text("DELETE (remove)", "DELETE（删除）"),
}

CHOICES_BY_TYPE: dict[str, dict[str, Text]] = {
    "join": {
        "all": Text("All branches have arrived", "全部分支到达"),
        "any": Text("The first branch arrives", "任一分支到达"),
        "n_of_m": Text("A number of branches have arrived", "指定数量的分支到达"),
    },
}

# output port -> words, for every port of every component.
PORTS: dict[str, Text] = {
    "out": Text("Next", "下一步"),
    "approved": Text("Approved", "已批准"),
    "rejected": Text("Rejected", "已驳回"),
    "timeout": Text("Timed out", "超时"),
}

# The step's own settings in its panel, beside its config.
NODE_FIELDS: dict[str, Words] = {
    "label": words(
        ("Name", "名称"), ("The step's name on the canvas.", "节点在画布上显示的名称。")
    ),
    "en": FIELDS["en"],
    "zh-CN": FIELDS["zh-CN"],
}

# A connection's settings in its panel.
EDGE_FIELDS: dict[str, Words] = {
    "condition": words(
        ("Condition", "条件"),
        (
            "The case takes this connection when the condition is true; "
            "connections are checked in order.",
            "条件成立时走这条连线；按连线顺序逐一检查。",
        ),
    ),
    "default": words(
        ("Default connection", "默认连线"),
        ("Taken when no condition is true.", "所有条件都不成立时走这条连线。"),
    ),
    "label": words(("Name", "名称"), ("Shown on the connection.", "显示在连线上。")),
    "en": FIELDS["en"],
    "zh-CN": FIELDS["zh-CN"],
}


@dataclass(frozen=True)
class Names:
    """The property names and enum values a schema uses."""

    fields: frozenset[str]
    choices: frozenset[str]


@dataclass(frozen=True)
class Vocabulary:
    """The words of one component's panel: only the names it uses."""

    fields: dict[str, Words]
    choices: dict[str, Text]
    ports: dict[str, Text]


def _subschemas(schema: Mapping[str, Any], defs: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """Every schema reachable from ``schema`` through properties, items,
    combinators and ``$ref`` into ``defs`` (each definition once)."""
    stack, seen = [schema], set()
    while stack:
        current = stack.pop()
        ref = current.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            name = ref.removeprefix("#/$defs/")
            if name not in seen and isinstance(defs.get(name), Mapping):
                seen.add(name)
                stack.append(defs[name])
        yield current
        for key in ("properties", "patternProperties"):
            stack.extend(s for s in (current.get(key) or {}).values() if isinstance(s, Mapping))
        for key in ("items", "additionalProperties", "not"):
            if isinstance(current.get(key), Mapping):
                stack.append(current[key])
        for key in ("anyOf", "oneOf", "allOf", "prefixItems"):
            stack.extend(s for s in current.get(key) or () if isinstance(s, Mapping))


def names_in(schema: Mapping[str, Any]) -> Names:
    """The property names and enum values of ``schema`` and of every definition
    it refers to; definitions it never refers to are not counted (a component's
    schema carries the whole workflow's ``$defs``)."""
    defs = schema.get("$defs") or {}
    fields: set[str] = set()
    choices: set[str] = set()
    for part in _subschemas(schema, defs):
        fields.update(part.get("properties") or {})
        choices.update(str(value) for value in part.get("enum") or ())
    return Names(frozenset(fields), frozenset(choices))


def for_component(component: Component, schema: Mapping[str, Any]) -> Vocabulary:
    """The words for ``component`` whose config schema is ``schema``. A name
    without words is left out (the panel then shows the name itself); the test
    suite makes sure there is none."""
    names = names_in(schema)
    fields = {**FIELDS, **FIELDS_BY_TYPE.get(component.type, {})}
    choices = {**CHOICES, **CHOICES_BY_TYPE.get(component.type, {})}
    return Vocabulary(
        fields={name: fields[name] for name in sorted(names.fields) if name in fields},
        choices={value: choices[value] for value in sorted(names.choices) if value in choices},
        ports={port: PORTS[port] for port in component.outputs if port in PORTS},
    )


def field_label(component_type: str, name: str) -> Text:
    """The words for setting ``name`` of a ``component_type`` step (the name itself
    when it has none, which the vocabulary test does not allow to happen)."""
    words = FIELDS_BY_TYPE.get(component_type, {}).get(name) or FIELDS.get(name)
    return words.label if words else Text(name, name)


def choice_label(component_type: str, value: str) -> Text:
    """The words for choice ``value`` of a ``component_type`` step's setting."""
    return (
        CHOICES_BY_TYPE.get(component_type, {}).get(value)
        or CHOICES.get(value)
        or Text(value, value)
    )
