"""A form's fields as the record screens show and edit them: pure.

The form document (its live version) says each field's type, label, options and
rules; the records API says which fields the caller sees and may write. This
module turns both into what a screen needs: the text of a value in the user's
language, the value an input holds and what it parses to, and whether a field is
shown and required while someone edits (the form's ``show_when`` and
``require_when``, evaluated on the values typed so far; the API checks again).

``INPUTS`` and ``ORDERING`` say how the studio edits, filters and sorts each
field type of ``components/field_types.py``; a test keeps them in step with it.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from studio.labels import text

__all__ = [
    "INPUTS",
    "ORDERING",
    "Option",
    "Rule",
    "context",
    "field_map",
    "fields_of",
    "input_text",
    "label",
    "live_rules",
    "option_label",
    "options",
    "ordering",
    "parse",
    "reasons",
    "rule_fields",
    "schema_rules",
    "shown_text",
    "unit",
]

# Field type -> the input that edits it.
INPUTS: Mapping[str, str] = {
    "text": "text",
    "long_text": "long_text",
    "number": "number",
    "money": "number",
    "percent": "percent",
    "date": "date",
    "datetime": "datetime",
    "select": "select",
    "multi_select": "multi_select",
    "user": "text",
    "team": "text",
    "region": "text",
    "phone": "text",
    "email": "text",
    "url": "text",
    "file": "file",
    "computed": "computed",
}
# Field type -> how the records API compares it: as numbers, as text, or not at all
# (then a list can only be filtered with "empty", and not sorted by it).
ORDERING: Mapping[str, str] = {
    **dict.fromkeys(INPUTS, "text"),
    **dict.fromkeys(("number", "money", "percent"), "number"),
    **dict.fromkeys(("long_text", "multi_select", "file", "computed"), "none"),
}
NUMBERS = ("number", "money", "percent")


@dataclass
class Option:
    value: str
    label: str


def localized(value: Any, language: str) -> str:
    if isinstance(value, Mapping):
        return str(value.get(language) or value.get("en") or "")
    return str(value or "")


def fields_of(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The form's fields, in the form's order."""
    return [
        f
        for f in document.get("fields") or []
        if isinstance(f, dict) and isinstance(f.get("key"), str)
    ]


def field_map(document: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {str(f["key"]): f for f in fields_of(document)}


def label(field: Mapping[str, Any], language: str) -> str:
    return localized(field.get("label"), language) or str(field.get("key", ""))


def ordering(field: Mapping[str, Any]) -> str:
    return ORDERING.get(str(field.get("type")), "none")


def options(field: Mapping[str, Any], language: str) -> list[Option]:
    return [
        Option(value=str(o["value"]), label=localized(o.get("label"), language) or str(o["value"]))
        for o in field.get("options") or []
        if isinstance(o, dict) and "value" in o
    ]


def reasons(document: Mapping[str, Any], language: str) -> list[Option]:
    """The reasons a field may be skipped for (the form's ``exemption_reasons``)."""
    return options({"options": document.get("exemption_reasons") or []}, language)


def option_label(field: Mapping[str, Any], value: Any, language: str) -> str:
    for option in options(field, language):
        if option.value == value:
            return option.label
    return str(value)


def unit(field: Mapping[str, Any]) -> str:
    """What a number is counted in: the currency of money, % of a percent."""
    if field.get("type") == "money":
        return str(field.get("currency") or "")
    return "%" if field.get("type") == "percent" else ""


def _number(value: float) -> str:
    """A number as people write it: no ``.0``, no float noise (0.07 × 100)."""
    if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.10g}"


def _grouped(value: float) -> str:
    if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.10g}" if abs(value) >= 1000 else _number(value)


def shown_text(field: Mapping[str, Any], value: Any, language: str) -> str:
    """A stored value as a read-only screen shows it ("" for no value)."""
    if value is None or value == "" or value == []:
        return ""
    kind = field.get("type")
    if isinstance(value, bool):
        return str(value).lower()
    if kind in NUMBERS and isinstance(value, (int, float)):
        if kind == "percent":
            return f"{_number(value * 100)} %"
        money = field.get("currency")
        return f"{_grouped(value)} {money}" if kind == "money" and money else _grouped(value)
    if kind == "select":
        return option_label(field, value, language)
    if kind == "file":  # attachment ids; the files themselves open elsewhere
        count = len(value) if isinstance(value, list) else 1
        return text(language, "records.file_one" if count == 1 else "records.files", n=count)
    if isinstance(value, list):
        if kind == "multi_select":
            return ", ".join(option_label(field, v, language) for v in value)
        return ", ".join(str(v) for v in value)
    if isinstance(value, (int, float)):  # a computed number
        return _grouped(value)
    return str(value)


def input_text(field: Mapping[str, Any], value: Any) -> str:
    """A stored value as an input holds it (a percent in %, numbers without noise)."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _number(value * 100 if field.get("type") == "percent" else value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def parse(field: Mapping[str, Any], raw: str) -> Any:
    """What an input's text stands for: ``None`` when empty; a number for number
    fields. Text that is not a number is sent as typed, for the API to point at."""
    text = raw.strip()
    if not text:
        return None
    if field.get("type") not in NUMBERS:
        return raw if field.get("type") == "long_text" else text
    try:
        number = float(text.replace(",", "").replace(" ", "").removesuffix("%"))
    except ValueError:
        return text
    if not math.isfinite(number):
        return text
    if field.get("type") == "percent":
        number = round(number / 100, 12)
    return int(number) if number == int(number) and abs(number) < 2**53 else number


# ---- the form's rules while someone edits ---------------------------------------------


@dataclass(frozen=True)
class Rule:
    """A field's state on the screen: shown at all, required there."""

    shown: bool
    required: bool


def _field_part(condition: Mapping[str, Any], values: Mapping[str, Any]) -> bool:
    """The record part of a rule (``field`` holds one of ``in``); true without one."""
    name = condition.get("field")
    if name is None:
        return True
    value = values.get(str(name))
    chosen = value if isinstance(value, list) else [value]
    allowed = condition.get("in") or []
    return any(isinstance(v, str) and v in allowed for v in chosen)


def _role_part(condition: Mapping[str, Any], roles: Collection[str] | None) -> bool | None:
    """The viewer part of a rule (one of ``roles``); ``None`` when the roles are unknown."""
    wanted = condition.get("roles") or []
    if not wanted:
        return True
    return None if roles is None else any(r in roles for r in wanted)


def live_rules(
    document: Mapping[str, Any],
    values: Mapping[str, Any],
    *,
    stored: Mapping[str, Any] | None = None,
    answered: Mapping[str, Rule] | None = None,
    roles: Collection[str] | None = None,
) -> dict[str, Rule]:
    """Each field's state for ``values`` (what is typed so far).

    The studio does not know the viewer's business roles (``roles`` is ``None``),
    so the role part of a rule is read off the API's answer for the ``stored``
    values (``answered``) where that answer decided it, and taken to hold
    otherwise: the screen then shows a field the API may still refuse, never
    hides one it would ask for."""
    result = {}
    for field in fields_of(document):
        key = str(field["key"])
        then = answered.get(key) if answered is not None else None
        show_when = field.get("show_when")
        shown = True
        if isinstance(show_when, Mapping):
            roles_hold = _role_part(show_when, roles)
            if roles_hold is None:
                decided = then is not None and _field_part(show_when, stored or {})
                roles_hold = then.shown if decided and then is not None else True
            shown = _field_part(show_when, values) and roles_hold
        required = bool(field.get("required"))
        require_when = field.get("require_when")
        if not required and isinstance(require_when, Mapping):
            roles_hold = _role_part(require_when, roles)
            if roles_hold is None:
                decided = (
                    then is not None and then.shown and _field_part(require_when, stored or {})
                )
                roles_hold = then.required if decided and then is not None else True
            required = _field_part(require_when, values) and roles_hold
        writable = field.get("type") != "computed"
        result[key] = Rule(shown=shown, required=shown and required and writable)
    return result


def rule_fields(document: Mapping[str, Any]) -> list[str]:
    """The fields the form's rules depend on (and the stage field): a change of one
    may show, hide or require others."""
    named = {str(document["stage_field"])} if document.get("stage_field") else set()
    for field in fields_of(document):
        for rule in (field.get("show_when"), field.get("require_when")):
            if isinstance(rule, Mapping) and rule.get("field"):
                named.add(str(rule["field"]))
    return [str(f["key"]) for f in fields_of(document) if f["key"] in named]


def context(document: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, str]:
    """The values the form's rules depend on, as the API's ``when=field:value``
    takes them (one value each: the first of several choices)."""
    found = {}
    for key in rule_fields(document):
        value = values.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, str) and value and len(value) <= 200:
            found[key] = value
    return found


def schema_rules(schema: Mapping[str, Any]) -> tuple[dict[str, Rule], dict[str, str]]:
    """What the API's compiled schema of a new record says: each field shown there
    (and whether required), and the caller's access to it (read when ``readOnly``)."""
    properties = schema.get("properties") or {}
    required = set(schema.get("required") or [])
    rules = {str(k): Rule(shown=True, required=k in required) for k in properties}
    access = {
        str(k): "read" if isinstance(v, Mapping) and v.get("readOnly") else "write"
        for k, v in properties.items()
    }
    return rules, access
