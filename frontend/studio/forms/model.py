"""Edits of a form document, as pure functions: document in, new document out.

The designer reports what the user did (a field dropped from the palette, a
field dragged elsewhere, a setting typed); these functions turn it into the
next document and never touch the argument, so the designer keeps earlier
documents for undo. Documents leave defaults out (``required: false``, empty
lists), as the API stores them. Renaming a field renames it wherever the form
names it (rules, stage / owner / region field); removing one clears the pickers
that named it and leaves rules naming it for the validator to point at.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from typing import Any

from studio.forms.types import CHOICES, FIELD_TYPES, applies

__all__ = [
    "PICKERS",
    "RULES",
    "add_field",
    "add_option",
    "field_at",
    "fields",
    "move_field",
    "new_key",
    "remove_field",
    "remove_option",
    "rename_field",
    "set_form",
    "set_label",
    "set_option",
    "set_rule",
    "set_type",
    "toggle_rule_value",
    "update_field",
]

Document = dict[str, Any]
RULES = ("show_when", "require_when")
PICKERS = ("stage_field", "owner_field", "region_field")
_KEY = re.compile(r"[^a-z0-9_]+")


def fields(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    found = document.get("fields")
    return [f for f in found if isinstance(f, dict)] if isinstance(found, list) else []


def field_at(document: Mapping[str, Any], index: int) -> dict[str, Any] | None:
    found = document.get("fields")
    if not isinstance(found, list) or not 0 <= index < len(found):
        return None
    item = found[index]
    return item if isinstance(item, dict) else None


def _empty(value: Any) -> bool:
    return value is None or value is False or value in ("", [], {})


def _set(item: dict[str, Any], changes: Mapping[str, Any]) -> None:
    for name, value in changes.items():
        if _empty(value):
            item.pop(name, None)  # documents leave defaults out
        else:
            item[name] = copy.deepcopy(value)


def new_key(document: Mapping[str, Any], base: str) -> str:
    """A field key not taken yet: ``base`` made a key, then ``base_2``, ``base_3``…"""
    stem = _KEY.sub("_", base.lower()).strip("_") or "field"
    if not stem[0].isalpha():
        stem = f"f_{stem}"
    taken = {f.get("key") for f in fields(document)}
    if stem not in taken:
        return stem[:63]
    n = 2
    while f"{stem}_{n}" in taken:
        n += 1
    return f"{stem}_{n}"[:63]


def set_label(label: Any, language: str, value: str) -> dict[str, str] | None:
    """A bilingual label with ``language`` set to ``value`` (None when both are empty;
    a label needs its English text, so a Chinese-only one is copied over)."""
    found = {k: str(v) for k, v in (label or {}).items() if v} if isinstance(label, dict) else {}
    found[language] = value.strip()
    found = {k: v for k, v in found.items() if v}
    if found and "en" not in found:
        found["en"] = found[next(iter(found))]
    return found or None


def add_field(
    document: Document,
    field_type: str,
    at: int | None,
    label: Mapping[str, str],
    option_label: Mapping[str, str] | None = None,
) -> Document:
    """A new field of ``field_type`` at position ``at`` (the end when None), its key
    made from the type, labelled ``label``; a choice field starts with two options."""
    if field_type not in FIELD_TYPES:
        return document
    out = copy.deepcopy(document)
    items = fields(out)
    key = new_key(out, field_type)
    field: dict[str, Any] = {"key": key, "type": field_type, "label": dict(label)}
    if field_type in CHOICES:
        words = option_label or {"en": "Option {n}"}
        field["options"] = [
            {"value": f"option_{n}", "label": {k: v.format(n=n) for k, v in words.items()}}
            for n in (1, 2)
        ]
    position = len(items) if at is None else max(0, min(int(at), len(items)))
    items.insert(position, field)
    out["fields"] = items
    return out


def remove_field(document: Document, index: int) -> Document:
    field = field_at(document, index)
    if field is None:
        return document
    out = copy.deepcopy(document)
    del out["fields"][index]
    for picker in PICKERS:
        if out.get(picker) == field.get("key"):
            out.pop(picker)
    return out


def move_field(document: Document, source: int, target: int) -> Document:
    """The field at ``source`` moved to position ``target`` (counted after it left)."""
    items = fields(document)
    if not 0 <= source < len(items) or source == target:
        return document
    out = copy.deepcopy(document)
    moved = out["fields"].pop(source)
    out["fields"].insert(max(0, min(target, len(out["fields"]))), moved)
    return out


def update_field(document: Document, index: int, changes: Mapping[str, Any]) -> Document:
    """The field's settings replaced; ``None``, ``False`` or empty removes one."""
    if field_at(document, index) is None:
        return document
    out = copy.deepcopy(document)
    _set(out["fields"][index], changes)
    return out


def _renamed(condition: Any, old: str, new: str) -> Any:
    if isinstance(condition, dict) and condition.get("field") == old:
        return {**condition, "field": new}
    return condition


def rename_field(document: Document, index: int, key: str) -> Document:
    """The field's key changed, and every rule and picker that named it with it."""
    field = field_at(document, index)
    key = key.strip()
    if field is None or not key or key == field.get("key"):
        return document
    old = str(field.get("key"))
    out = copy.deepcopy(document)
    out["fields"][index]["key"] = key
    for item in fields(out):
        for rule in RULES:
            if rule in item:
                item[rule] = _renamed(item[rule], old, key)
    for picker in PICKERS:
        if out.get(picker) == old:
            out[picker] = key
    return out


def set_type(document: Document, index: int, field_type: str) -> Document:
    """The field's type changed; settings the new type has no use for are dropped
    (a select turned multi-select keeps its options)."""
    field = field_at(document, index)
    if field is None or field_type not in FIELD_TYPES or field.get("type") == field_type:
        return document
    out = copy.deepcopy(document)
    item = out["fields"][index]
    item["type"] = field_type
    for setting in ("unique", "min", "max", "pattern", "currency", "options"):
        if setting in item and not applies(field_type, setting):
            item.pop(setting)
    for setting in ("expression", "multiple", "accept", "required", "require_when", "exemptible"):
        if setting in item and not applies(field_type, setting):
            item.pop(setting)
    if field_type in CHOICES and not item.get("options"):
        item["options"] = [{"value": "option_1", "label": {"en": "Option 1"}}]
    return out


# ---- options (of a choice field, or the form's exemption reasons) -------------------


def _options(holder: Mapping[str, Any], name: str) -> list[dict[str, Any]]:
    found = holder.get(name)
    return [o for o in found if isinstance(o, dict)] if isinstance(found, list) else []


def _holder(out: Document, index: int | None) -> dict[str, Any] | None:
    return out if index is None else field_at(out, index)


def add_option(
    document: Document, index: int | None, label: Mapping[str, str], name: str = "options"
) -> Document:
    """One more option of field ``index`` (``None``: of the form itself, e.g. its
    ``exemption_reasons``), with a value not taken yet."""
    out = copy.deepcopy(document)
    holder = _holder(out, index)
    if holder is None:
        return document
    options = _options(holder, name)
    values = {o.get("value") for o in options}
    n = len(options) + 1
    while f"option_{n}" in values:
        n += 1
    options.append({"value": f"option_{n}", "label": {k: v.format(n=n) for k, v in label.items()}})
    holder[name] = options
    return out


def set_option(
    document: Document, index: int | None, j: int, part: str, value: str, name: str = "options"
) -> Document:
    """Option ``j``'s ``value`` or label in one language (``en``, ``zh-CN``) changed.
    A changed value is changed in the rules that name it too."""
    holder = _holder(document, index)
    options = _options(holder, name) if holder is not None else []
    if not 0 <= j < len(options):
        return document
    out = copy.deepcopy(document)
    option = _options(_holder(out, index) or {}, name)[j]
    if part == "value":
        old, new = option.get("value"), value.strip()
        option["value"] = new
        if index is not None and name == "options" and old and new:
            key = (field_at(out, index) or {}).get("key")
            for item in fields(out):
                for rule in RULES:
                    condition = item.get(rule)
                    if isinstance(condition, dict) and condition.get("field") == key:
                        condition["in"] = [new if v == old else v for v in condition.get("in", [])]
    else:
        label = set_label(option.get("label"), part, value)
        option["label"] = label or {"en": str(option.get("value") or "?")}
    return out


def remove_option(document: Document, index: int | None, j: int, name: str = "options") -> Document:
    holder = _holder(document, index)
    options = _options(holder, name) if holder is not None else []
    if not 0 <= j < len(options):
        return document
    out = copy.deepcopy(document)
    changed = _holder(out, index) or {}
    kept = [o for i, o in enumerate(_options(changed, name)) if i != j]
    if kept:
        changed[name] = kept
    else:
        changed.pop(name, None)
    return out


# ---- the elastic rules ------------------------------------------------------------------


def set_rule(
    document: Document,
    index: int,
    rule: str,
    *,
    on: bool | None = None,
    field: str | None = None,
    roles: Sequence[str] | None = None,
) -> Document:
    """Switch ``rule`` (``show_when``, ``require_when``) on or off, or change the choice
    field it looks at (which clears the values chosen) or the roles it names."""
    item = field_at(document, index)
    if item is None or rule not in RULES:
        return document
    condition = dict(item.get(rule) or {}) if isinstance(item.get(rule), dict) else {}
    if on is False:
        return update_field(document, index, {rule: None})
    if field is not None:
        if field != condition.get("field"):
            condition.pop("in", None)
        condition["field"] = field
        if not field:
            condition.pop("field")
    if roles is not None:
        condition["roles"] = [r.strip() for r in roles if r.strip()]
    condition = {k: v for k, v in condition.items() if not _empty(v)}
    if on and not condition:
        # A rule just switched on: about the first choice field, if there is one.
        choices = [
            f.get("key") for f in fields(document) if f.get("type") in CHOICES and f is not item
        ]
        condition = {"field": choices[0]} if choices else {"roles": []}
    out = copy.deepcopy(document)
    out["fields"][index][rule] = condition
    return out


def toggle_rule_value(document: Document, index: int, rule: str, value: str) -> Document:
    """A value of the rule's choice field ticked or unticked (kept in the options'
    order)."""
    item = field_at(document, index)
    condition = item.get(rule) if item is not None else None
    if not isinstance(condition, dict):
        return document
    chosen = list(condition.get("in") or [])
    chosen = [v for v in chosen if v != value] if value in chosen else [*chosen, value]
    target = next(
        (f for f in fields(document) if f.get("key") == condition.get("field")),
        {},
    )
    order = [o.get("value") for o in _options(target, "options")]
    chosen.sort(key=lambda v: order.index(v) if v in order else len(order))
    out = copy.deepcopy(document)
    changed = out["fields"][index][rule]
    if chosen:
        changed["in"] = chosen
    else:
        changed.pop("in", None)
    return out


# ---- the form itself ----------------------------------------------------------------------


def set_form(document: Document, changes: Mapping[str, Any]) -> Document:
    """The form's own settings (``title``, ``stage_field``…) replaced; empty removes one."""
    out = copy.deepcopy(document)
    _set(out, {k: v for k, v in changes.items() if k not in ("kind", "key", "fields")})
    return out
