"""The field types as the form designer shows them: icon, and which settings apply.

The type names are ``schemas.form.FIELD_TYPES`` and the words are
``components/field_types.py``'s (the labels ``forms.type_<name>``); the API does
not serve that catalogue yet, so the studio keeps this one table, and
``tests/browser/test_forms_model.py`` fails the moment the two drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CHOICES", "FIELD_TYPES", "SETTINGS", "TYPES", "FieldType", "applies", "bounds", "icon"]

# Settings of a field beside key, label, help, type and the rules.
SETTINGS = (
    "required",
    "unique",
    "min",
    "max",
    "pattern",
    "currency",
    "options",
    "expression",
    "multiple",
    "accept",
    "require_when",
    "exemptible",
)

CHOICES = ("select", "multi_select")  # the types a rule's condition may name


@dataclass(frozen=True)
class FieldType:
    name: str
    icon: str  # a lucide icon
    settings: frozenset[str]
    # What min / max bound: the value, its length, or the number of choices.
    bounds: str = ""


_VALUE = frozenset({"required", "unique", "require_when", "exemptible"})
_BOUNDED = _VALUE | {"min", "max"}

TYPES: tuple[FieldType, ...] = (
    FieldType("text", "type", _BOUNDED | {"pattern"}, "length"),
    FieldType(
        "long_text",
        "align-left",
        frozenset({"required", "min", "max", "pattern", "require_when", "exemptible"}),
        "length",
    ),
    FieldType("number", "hash", _BOUNDED, "value"),
    FieldType("money", "banknote", _BOUNDED | {"currency"}, "value"),
    FieldType("percent", "percent", _BOUNDED, "value"),
    FieldType("date", "calendar", _VALUE),
    FieldType("datetime", "calendar-clock", _VALUE),
    FieldType("select", "circle-dot", _VALUE | {"options"}),
    FieldType(
        "multi_select",
        "list-checks",
        frozenset({"required", "min", "max", "options", "require_when", "exemptible"}),
        "choices",
    ),
    FieldType("user", "user", _VALUE),
    FieldType("team", "users", _VALUE),
    FieldType("region", "map-pin", _VALUE),
    FieldType("phone", "phone", _VALUE),
    FieldType("email", "mail", _VALUE),
    FieldType("url", "link", _VALUE),
    FieldType(
        "file",
        "paperclip",
        frozenset({"required", "multiple", "accept", "require_when", "exemptible"}),
    ),
    # Computed by the server from its expression: nobody fills it in.
    FieldType("computed", "sigma", frozenset({"expression"})),
)

FIELD_TYPES: tuple[str, ...] = tuple(t.name for t in TYPES)
_BY_NAME = {t.name: t for t in TYPES}


def applies(field_type: str, setting: str) -> bool:
    """Whether ``setting`` means anything for a field of ``field_type``."""
    found = _BY_NAME.get(field_type)
    return found is not None and setting in found.settings


def icon(field_type: str) -> str:
    found = _BY_NAME.get(field_type)
    return found.icon if found else "circle-help"


def bounds(field_type: str) -> str:
    found = _BY_NAME.get(field_type)
    return found.bounds if found else ""
