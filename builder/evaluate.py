"""Run a compiled expression: the helpers of :data:`builder.expressions.HELPERS`
bound to a given ``now``, and RestrictedPython's guards for item and
attribute access.

Pure: the time comes in as an argument, nothing reads the clock, and the
only objects an expression can touch are the record view, the variables and
the helpers. The engine (conditions, ``set`` steps) and the records API
(computed fields) both evaluate through :func:`evaluate`.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import Any

from RestrictedPython.Eval import default_guarded_getitem
from RestrictedPython.Guards import guarded_iter_unpack_sequence, safer_getattr

from builder.expressions import HELPERS, CompiledExpression
from components.moments import moment_of

__all__ = ["RecordView", "evaluate"]


class RecordView(Mapping[str, Any]):
    """A record as expressions see it: ``record['amount']``, ``record.get('x')``
    and ``record.exempt('budget')`` (whether the field was skipped with a reason)."""

    __slots__ = ("_data", "_exemptions")

    def __init__(self, data: Mapping[str, Any], exemptions: Mapping[str, str] | None = None):
        self._data = data
        self._exemptions = exemptions or {}

    def __getitem__(self, key: str) -> Any:
        return self._data.get(key)  # a missing field reads as None, as in a form

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def exempt(self, key: str) -> bool:
        return key in self._exemptions

    def exemption(self, key: str) -> str | None:
        """The reason ``key`` was skipped, or None."""
        return self._exemptions.get(key)


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return moment_of(value).date() if "T" in str(value) else date.fromisoformat(str(value))


_BOUND: dict[datetime, dict[str, Any]] = {}


def _helpers(now: datetime) -> dict[str, Any]:
    """The helpers bound to ``now``; the last few are kept (a step evaluates
    many expressions at one time)."""
    found = _BOUND.get(now)
    if found is None:
        if len(_BOUND) > 8:
            _BOUND.clear()
        found = _BOUND[now] = _bind(now)
    return found


def _bind(now: datetime) -> dict[str, Any]:
    bound: dict[str, Any] = {
        "now": lambda: now,
        "hours_since": lambda moment: (now - moment_of(moment)).total_seconds() / 3600,
        "days_between": lambda a, b: (_as_date(b) - _as_date(a)).days,
    }
    for name in HELPERS:
        if name not in bound:
            bound[name] = getattr(builtins, name)
    if bound.keys() != HELPERS.keys():
        raise RuntimeError("every helper of builder.expressions.HELPERS needs an implementation")
    return bound


def evaluate(
    compiled: CompiledExpression,
    *,
    record: Mapping[str, Any],
    variables: Mapping[str, Any] | None = None,
    now: datetime,
) -> Any:
    """The value of ``compiled``; exceptions of the expression itself (a
    division by zero, a missing value) propagate for the caller to report."""
    scope: dict[str, Any] = {
        "__builtins__": {},
        "_getitem_": default_guarded_getitem,
        "_getattr_": safer_getattr,
        "_getiter_": iter,
        "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
        **_helpers(now),
        "record": record if isinstance(record, RecordView) else RecordView(record),
        "vars": dict(variables or {}),
    }
    return eval(compiled.code, scope)  # RestrictedPython-compiled, guarded above
