"""The catalogue of field types: for each type of schemas.form.FIELD_TYPES,
its labels, the JSON Schema of one value, and how it sorts and filters.

Forms are compiled to JSON Schema (builder/forms.py) from these entries, and
the record API decides which filters and sorts a field takes from them, so a
new field type is registered here once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

from components.component import Text
from schemas.form import FIELD_TYPES

__all__ = ["FIELD_CATALOGUE", "FieldType", "value_schema"]

# How the database compares values of a type: as numbers, as text, or not at all.
Ordering = Literal["number", "text", "none"]

JSON = dict[str, Any]

# Loose on purpose: people type phone numbers with spaces and brackets.
PHONE = r"^\+?[0-9][0-9 ()./-]{3,30}$"
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
URL = r"^https?://[^\s]+$"
DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
# ISO 8601 with an offset, as the API takes every time.
DATETIME = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})$"
)
KEY = r"^[a-z0-9][a-z0-9-]{0,62}$"


def _bounded(schema: JSON, field: Mapping[str, Any], low: str, high: str) -> JSON:
    if isinstance(field.get("min"), (int, float)):
        schema[low] = field["min"]
    if isinstance(field.get("max"), (int, float)):
        schema[high] = field["max"]
    return schema


def _text(limit: int) -> Callable[[Mapping[str, Any]], JSON]:
    def build(field: Mapping[str, Any]) -> JSON:
        schema = _bounded({"type": "string", "maxLength": limit}, field, "minLength", "maxLength")
        schema["maxLength"] = min(int(schema["maxLength"]), limit)
        if isinstance(field.get("pattern"), str):
            schema["pattern"] = field["pattern"]
        return schema

    return build


def _number(field: Mapping[str, Any]) -> JSON:
    return _bounded({"type": "number"}, field, "minimum", "maximum")


def _patterned(pattern: str, limit: int = 254) -> Callable[[Mapping[str, Any]], JSON]:
    return lambda field: {"type": "string", "maxLength": limit, "pattern": pattern}


def _choices(field: Mapping[str, Any]) -> list[str]:
    options = field.get("options")
    return [o["value"] for o in options if isinstance(o, dict)] if isinstance(options, list) else []


def _select(field: Mapping[str, Any]) -> JSON:
    return {"type": "string", "enum": _choices(field)}


def _multi_select(field: Mapping[str, Any]) -> JSON:
    schema: JSON = {
        "type": "array",
        "items": {"type": "string", "enum": _choices(field)},
        "uniqueItems": True,
    }
    return _bounded(schema, field, "minItems", "maxItems")


def _file(field: Mapping[str, Any]) -> JSON:
    one: JSON = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
    if field.get("multiple"):
        return {"type": "array", "items": one, "uniqueItems": True, "maxItems": 50}
    return one


def _computed(field: Mapping[str, Any]) -> JSON:
    return {}


@dataclass(frozen=True)
class FieldType:
    """One field type. ``schema`` builds the JSON Schema of a value from the
    field's settings; ``ordering`` says how lists filter and sort by it;
    ``writable`` is False for values the server computes."""

    name: str
    label: Text
    schema: Callable[[Mapping[str, Any]], JSON]
    ordering: Ordering = "text"
    writable: bool = True
    # A reference to a person, team, region or file the server checks exists.
    refers_to: Literal["user", "team", "region", "file"] | None = None


_TYPES = (
    FieldType("text", Text("Text", "单行文本"), _text(1000)),
    FieldType("long_text", Text("Long text", "多行文本"), _text(100_000), ordering="none"),
    FieldType("number", Text("Number", "数字"), _number, ordering="number"),
    FieldType("money", Text("Money", "金额"), _number, ordering="number"),
    FieldType("percent", Text("Percent", "百分比"), _number, ordering="number"),
    FieldType("date", Text("Date", "日期"), _patterned(DATE, 10)),
    FieldType("datetime", Text("Date and time", "日期时间"), _patterned(DATETIME, 40)),
    FieldType("select", Text("Choice", "单选"), _select),
    FieldType("multi_select", Text("Several choices", "多选"), _multi_select, ordering="none"),
    FieldType(
        "user",
        Text("Person", "人员"),
        _patterned(r"^[A-Za-z0-9_.@-]{1,150}$", 150),
        refers_to="user",
    ),
    FieldType("team", Text("Team", "团队"), _patterned(KEY, 63), refers_to="team"),
    FieldType("region", Text("Region", "区域"), _patterned(KEY, 63), refers_to="region"),
    FieldType("phone", Text("Phone", "电话"), _patterned(PHONE, 40)),
    FieldType("email", Text("E-mail", "邮箱"), _patterned(EMAIL)),
    FieldType("url", Text("Web address", "网址"), _patterned(URL, 2000)),
    FieldType("file", Text("Attachment", "附件"), _file, ordering="none", refers_to="file"),
    FieldType("computed", Text("Computed", "计算字段"), _computed, ordering="none", writable=False),
)

FIELD_CATALOGUE: Mapping[str, FieldType] = MappingProxyType({t.name: t for t in _TYPES})
if tuple(FIELD_CATALOGUE) != FIELD_TYPES:  # one list of field types, in one order
    raise RuntimeError("components.field_types and schemas.form.FIELD_TYPES disagree")


def value_schema(field: Mapping[str, Any]) -> JSON:
    """The JSON Schema of one value of ``field`` (a form field as JSON)."""
    kind = FIELD_CATALOGUE.get(str(field.get("type")))
    return kind.schema(field) if kind is not None else {}
