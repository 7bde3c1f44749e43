"""Filters and sorts of record lists, turned into SQL only after the
viewer's rights allow them.

``filter=field:op:value`` (repeatable, all must hold) with ``op`` one of
eq, ne, lt, le, gt, ge, in (values separated by ``|``), contains, empty
(``true``/``false``); ``sort=field`` or ``sort=-field``. A field hidden from
the viewer on any record they see cannot be used: the order or the count of
the results would reveal it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, not_, nulls_last, select
from sqlalchemy.sql.elements import UnaryExpression

from builder.errors import error
from components.field_types import FIELD_CATALOGUE
from runtime.api.problems import Problem
from runtime.api.record_access import Rights
from runtime.store.models import Record

__all__ = ["Query", "parse_query"]

OPS = ("eq", "ne", "lt", "le", "gt", "ge", "in", "contains", "empty")
MAX_FILTERS = 20


@dataclass(frozen=True)
class Query:
    rights: Rights
    where: tuple[ColumnElement[bool], ...]
    order: tuple[UnaryExpression[Any], ...]
    sorted_by: str | None
    described: str  # the filter and sort in words, for export watermarks

    def select(self) -> Select[tuple[Record]]:
        """The records of the form the viewer may see that match, unordered."""
        return select(Record).where(
            Record.form == self.rights.model.key, self.rights.row_clause(), *self.where
        )


def _bad(pointer: str, detail: str) -> Problem:
    return Problem(400, detail, errors=[error(pointer, "invalid", detail=detail)])


def _column(rights: Rights, key: str, as_number: bool) -> ColumnElement[Any]:
    element = Record.data[key]
    return element.as_float() if as_number else element.as_string()


def _number(text: str, pointer: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise _bad(pointer, f"{text!r} is not a number.") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise _bad(pointer, f"{text!r} is not a number.")
    return value


def _condition(rights: Rights, raw: str, pointer: str) -> ColumnElement[bool]:
    key, _, rest = raw.partition(":")
    op, _, value = rest.partition(":")
    if not key or op not in OPS:
        raise _bad(pointer, f"Write a filter as field:op:value with op one of {', '.join(OPS)}.")
    rights.require_listable(key, pointer, "filter")
    field = rights.model.fields[key]
    ordering = FIELD_CATALOGUE[field["type"]].ordering
    if op == "empty":
        if value not in ("true", "false"):
            raise _bad(pointer, "empty takes true or false.")
        blank = Record.data[key].as_string().is_(None)
        return blank if value == "true" else not_(blank)
    if ordering == "none":
        raise _bad(pointer, f"{key!r} can only be filtered with empty.")
    numeric = ordering == "number"
    column = _column(rights, key, numeric)
    if op == "contains":
        if numeric:
            raise _bad(pointer, f"contains needs a text field; {key!r} is a number.")
        return column.icontains(value, autoescape=True)
    if op == "in":
        values = value.split("|")
        return column.in_([_number(v, pointer) for v in values] if numeric else values)
    operand: Any = _number(value, pointer) if numeric else value
    return {
        "eq": column == operand,
        "ne": column != operand,
        "lt": column < operand,
        "le": column <= operand,
        "gt": column > operand,
        "ge": column >= operand,
    }[op]


def parse_query(rights: Rights, filters: Sequence[str], sort: str | None) -> Query:
    if len(filters) > MAX_FILTERS:
        raise _bad("/filter", f"At most {MAX_FILTERS} filters.")
    where = tuple(_condition(rights, raw, f"/filter/{i}") for i, raw in enumerate(filters))
    order: tuple[UnaryExpression[Any], ...] = ()
    sorted_by = None
    if sort:
        key = sort.removeprefix("-")
        rights.require_listable(key, "/sort", "sort")
        ordering = FIELD_CATALOGUE[rights.model.fields[key]["type"]].ordering
        if ordering == "none":
            raise _bad("/sort", f"Records cannot be sorted by {key!r}.")
        column = _column(rights, key, ordering == "number")
        order = (nulls_last(column.desc() if sort.startswith("-") else column.asc()),)
        sorted_by = sort
    words = " and ".join(filters) or "none"
    return Query(
        rights=rights,
        where=(and_(*where),) if where else (),
        order=order,
        sorted_by=sorted_by,
        described=f"filter: {words}; sort: {sort or 'id'}",
    )
