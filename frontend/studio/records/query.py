"""What a record list asks the API for: its columns, its sort and its filters. Pure.

A list shows the fields the caller sees (the API leaves the others out of every
record), in the form's order. Sorting and filtering are the API's own
(``sort=[-]field``, ``filter=field:op:value``); this module builds those
parameters from what someone picks on the screen, and says which fields can be
sorted or filtered at all. Whether the caller may use a field is the API's to say
(a field hidden on some of their records is refused with a 403).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from studio.records import fields as form_fields

__all__ = [
    "OPERATORS",
    "Filter",
    "columns",
    "describe",
    "filter_param",
    "next_sort",
    "operators",
    "search_field",
    "sort_direction",
    "sortable",
]

# The operators the screen offers; "filled" is the API's ``empty:false``.
OPERATORS = ("contains", "eq", "ne", "lt", "le", "gt", "ge", "in", "empty", "filled")
SYMBOLS = {"eq": "=", "ne": "≠", "lt": "<", "le": "≤", "gt": ">", "ge": "≥"}


class Visible(Protocol):
    """A record's ``fields`` entry: enough to know it is shown."""

    shown: bool


class Listed(Protocol):
    @property
    def data(self) -> Mapping[str, Any]: ...
    @property
    def fields(self) -> Mapping[str, Visible]: ...


@dataclass(frozen=True)
class Filter:
    """One condition picked on the screen: field, operator and the value as typed."""

    field: str
    op: str
    value: str


def columns(document: Mapping[str, Any], items: Iterable[Listed]) -> list[str]:
    """The fields to show as columns: those the caller sees on at least one of the
    records (and that are shown there or hold a value), in the form's order. With
    no records there are no columns: nothing tells which fields the caller sees."""
    seen: set[str] = set()
    for item in items:
        seen |= {
            key
            for key, state in item.fields.items()
            if state.shown or item.data.get(key) is not None
        }
    return [str(f["key"]) for f in form_fields.fields_of(document) if f["key"] in seen]


def sortable(field: Mapping[str, Any]) -> bool:
    return form_fields.ordering(field) != "none"


def next_sort(current: str, key: str) -> str:
    """A click on a column header: ascending first, then descending, then back."""
    return f"-{key}" if current == key else key


def sort_direction(current: str, key: str) -> str:
    """``asc``, ``desc`` or "" for the column ``key`` under the sort ``current``."""
    if current == key:
        return "asc"
    return "desc" if current == f"-{key}" else ""


def operators(field: Mapping[str, Any]) -> list[str]:
    """The operators that make sense for a field (the API refuses the others)."""
    order = form_fields.ordering(field)
    if order == "none":
        return ["empty", "filled"]
    if field.get("type") == "select":
        return ["eq", "ne", "in", "empty", "filled"]
    if order == "number":
        return ["eq", "ne", "lt", "le", "gt", "ge", "in", "empty", "filled"]
    return list(OPERATORS)


def _value(field: Mapping[str, Any], raw: str) -> str:
    """One value as the API compares it (a percent typed in % is a fraction there)."""
    text = raw.strip()
    if field.get("type") == "percent":
        parsed = form_fields.parse(field, text)
        if isinstance(parsed, (int, float)):
            return form_fields.input_text({"type": "number"}, parsed)
    return text


def _values(raw: str) -> list[str]:
    return [v.strip() for v in raw.replace("|", ",").split(",") if v.strip()]


def filter_param(field: Mapping[str, Any], op: str, raw: str) -> str:
    """``field:op:value`` for ``filter=``. ``in`` takes values separated by commas
    (or ``|``); ``empty`` and ``filled`` take none."""
    key = str(field["key"])
    if op in ("empty", "filled"):
        return f"{key}:empty:{'true' if op == 'empty' else 'false'}"
    if op == "in":
        return f"{key}:in:{'|'.join(_value(field, v) for v in _values(raw))}"
    return f"{key}:{op}:{_value(field, raw)}"


def describe(
    field: Mapping[str, Any], op: str, raw: str, language: str, words: Mapping[str, str]
) -> str:
    """A filter in words ("Amount ≥ 200", "Stage is one of Won, Lost"); ``words``
    holds the operators' labels in the user's language (``records.op_*``)."""
    name = form_fields.label(field, language)
    if op in ("empty", "filled"):
        return f"{name} {words[f'records.op_{op}']}"
    values = _values(raw) if op == "in" else [raw.strip()]
    if field.get("type") == "select":
        values = [form_fields.option_label(field, v, language) for v in values]
    shown = ", ".join(values)
    operator = SYMBOLS.get(op) or words[f"records.op_{op}"]
    return f"{name} {operator} {shown}"


def search_field(document: Mapping[str, Any], visible: Sequence[str]) -> str:
    """The field the search box looks in: the first text field the caller sees
    (a deal's name), or "" when there is none."""
    for field in form_fields.fields_of(document):
        if field.get("type") == "text" and field["key"] in visible:
            return str(field["key"])
    return ""
