"""Config values as the panel's inputs hold them (always a string) and back.

``shown`` turns a stored value into the input's text; ``parsed`` turns what
the user typed into the value to store. Text that does not parse is stored as
typed: the validator then reports it at that very pointer, in the user's
language, and the user sees what they typed rather than a silent revert.

Formats per kind:

- ``number`` / ``integer``: decimal digits (``"5000"``, ``"0.15"``); whole
  numbers are stored as integers.
- ``boolean``: ``"true"`` or ``"false"``.
- ``duration``: an amount and a unit (``minutes``, ``hours``, ``days``,
  ``weeks``), stored as ISO 8601 (``PT30M``, ``PT48H``, ``P2D``, ``P1W``).
  A stored duration shows in its smallest unit (``P1DT2H`` is 26 hours);
  one no unit states exactly (months, odd seconds) shows as its ISO text with
  no unit, and ISO text typed with no unit is stored as it is.
- ``map`` (an object of texts, e.g. HTTP headers): one ``name: value`` a line.
- everything else: the text itself.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

__all__ = ["UNITS", "format_duration", "parse_duration", "parsed", "shown"]

# unit -> minutes, largest last
UNITS = {"minutes": 1, "hours": 60, "days": 24 * 60, "weeks": 7 * 24 * 60}
DEFAULT_UNIT = "hours"  # what an empty deadline offers first: most are "48 hours"
_ISO = re.compile(
    r"^P(?:(?P<Y>\d+)Y)?(?:(?P<MO>\d+)M)?(?:(?P<W>\d+)W)?(?:(?P<D>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<H>\d+)H)?(?:(?P<MI>\d+)M)?(?:(?P<S>\d+)S)?)?$"
)
_PART_UNITS = (("W", "weeks"), ("D", "days"), ("H", "hours"), ("MI", "minutes"))


def parse_duration(text: str) -> tuple[str, str]:
    """``(amount, unit)`` of an ISO 8601 duration, in the smallest unit it
    names; ``(text, "")`` when no single unit states it exactly."""
    match = _ISO.match(text)
    if not match or not any(match.groups()) or match["Y"] or match["MO"]:
        return text, ""
    seconds = int(match["S"] or 0)
    if seconds % 60:
        return text, ""
    minutes = seconds // 60
    named = []  # the units it names, largest first
    for part, name in _PART_UNITS:
        if match[part]:
            minutes += int(match[part]) * UNITS[name]
            named.append(name)
    unit = "minutes" if match["S"] or not named else named[-1]
    return str(minutes // UNITS[unit]), unit


def format_duration(amount: str, unit: str) -> str | None:
    """ISO 8601 for ``amount`` of ``unit``, None if that is not a duration.
    A fraction goes down to the largest unit that states it whole (1.5 days
    is ``PT36H``)."""
    try:
        minutes = Fraction(amount.strip()) * UNITS[unit]
    except (ValueError, ZeroDivisionError, KeyError):
        return None
    if minutes < 0 or minutes.denominator != 1:
        return None
    for name in reversed(UNITS):
        if UNITS[name] <= UNITS[unit] and minutes % UNITS[name] == 0:
            count = int(minutes) // UNITS[name]
            return {
                "weeks": f"P{count}W",
                "days": f"P{count}D",
                "hours": f"PT{count}H",
                "minutes": f"PT{count}M",
            }[name]
    return None


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return str(value)


def shown(kind: str, value: Any) -> tuple[str, str]:
    """The input text of a stored ``value`` (None when unset) and, for a
    duration, its unit."""
    if kind == "duration" and value in (None, ""):
        return "", DEFAULT_UNIT
    if kind == "duration" and isinstance(value, str):
        return parse_duration(value)
    if value is None:
        return ("false" if kind == "boolean" else ""), ""
    if isinstance(value, bool):
        return ("true" if value else "false"), ""
    if isinstance(value, int | float):
        return _number(value), ""
    if isinstance(value, str):
        return value, ""
    if kind == "map" and isinstance(value, Mapping):
        return "\n".join(f"{name}: {text}" for name, text in value.items()), ""
    return json.dumps(value, ensure_ascii=False), ""


def _map(raw: str) -> dict[str, str] | str:
    found = {}
    for line in raw.splitlines():
        if not line.strip():
            continue
        name, colon, text = line.partition(":")
        if not colon or not name.strip():
            return raw
        found[name.strip()] = text.strip()
    return found


def parsed(kind: str, schema: Mapping[str, Any], raw: str, unit: str = "") -> Any:
    """The value to store for the text ``raw`` typed in an input of ``kind``."""
    text = raw.strip()
    if kind == "integer":
        try:
            number = Fraction(text)
        except (ValueError, ZeroDivisionError):
            return raw
        return int(number) if number.denominator == 1 else raw
    if kind == "number":
        try:
            value = float(text)
        except ValueError:
            return raw
        if not math.isfinite(value):
            return raw
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    if kind == "boolean":
        return {"true": True, "false": False}.get(text, raw)
    if kind == "select":
        for choice in schema.get("enum") or ():
            if str(choice) == raw:
                return choice
        return raw
    if kind == "duration":
        if unit in UNITS:
            iso = format_duration(text, unit)
            if iso is not None:
                return iso
        return text if _ISO.match(text) else raw
    if kind == "map":
        return _map(raw)
    return raw
