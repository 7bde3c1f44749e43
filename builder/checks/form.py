"""Semantic checks of a form: unique fields, coherent limits, working rules."""

from __future__ import annotations

import re
from typing import Any

from builder.checks.walk import items, text
from builder.errors import Error, error
from builder.expressions import check_expression
from builder.references import References

__all__ = ["check_form", "form_fields"]

SELECTS = ("select", "multi_select")


def form_fields(document: dict[str, Any]) -> list[str]:
    return [key for _, field in items(document, "fields") if (key := text(field.get("key")))]


def check_form(document: dict[str, Any], refs: References) -> list[Error]:
    errors: list[Error] = []
    seen: set[str] = set()
    keys = form_fields(document)
    form = text(document.get("key")) or ""
    for i, field in items(document, "fields"):
        at = f"/fields/{i}"
        key = text(field.get("key"))
        if key is not None:
            if key in seen:
                errors.append(error(f"{at}/key", "duplicate_id", value=key))
            seen.add(key)
        kind = field.get("type")
        options = (
            [o for o in field.get("options", []) if isinstance(o, dict)]
            if isinstance(field.get("options"), list)
            else []
        )
        if kind in SELECTS and not options:
            errors.append(error(f"{at}/options", "select_without_options"))
        values: set[str] = set()
        for j, option in enumerate(options):
            value = text(option.get("value"))
            if value is not None and value in values:
                errors.append(error(f"{at}/options/{j}/value", "duplicate_option", value=value))
            values.add(value or "")
        low, high = field.get("min"), field.get("max")
        if isinstance(low, (int, float)) and isinstance(high, (int, float)) and low > high:
            errors.append(error(f"{at}/min", "min_above_max", value=low, limit=high))
        pattern = text(field.get("pattern"))
        if pattern is not None:
            try:
                re.compile(pattern)
            except (re.error, OverflowError, RecursionError, ValueError) as exc:
                errors.append(error(f"{at}/pattern", "bad_pattern", detail=str(exc)))
        for rule in ("show_when", "require_when"):
            condition = field.get(rule)
            if isinstance(condition, dict):
                errors += _check_condition(condition, f"{at}/{rule}", document, key, refs)
        if field.get("exemptible") and not document.get("exemption_reasons"):
            errors.append(error(f"{at}/exemptible", "exemptible_without_reasons"))
        expression = text(field.get("expression"))
        if kind == "computed" and not expression:
            errors.append(error(f"{at}/expression", "computed_without_expression"))
        if expression:
            errors += check_expression(expression, f"{at}/expression", keys, form)
    for setting, wanted in ROLE_FIELDS.items():
        name = text(document.get(setting))
        if name is None:
            continue
        found = _field(document, name)
        if found is None:
            errors.append(error(f"/{setting}", "unknown_record_field", value=name, form=form))
        elif found.get("type") not in wanted:
            errors.append(
                error(f"/{setting}", "wrong_field_type", field=name, expected=" / ".join(wanted))
            )
    return errors


# Form settings that name one of its fields, and the types that field may have.
ROLE_FIELDS = {
    "stage_field": ("select",),
    "owner_field": ("user",),
    "region_field": ("region",),
}


def _field(document: dict[str, Any], key: str) -> dict[str, Any] | None:
    return next((f for _, f in items(document, "fields") if f.get("key") == key), None)


def _check_condition(
    condition: dict[str, Any], at: str, document: dict[str, Any], own: str | None, refs: References
) -> list[Error]:
    """A rule's condition names an existing choice field (not the field it
    governs) and values among its options, and roles that exist."""
    errors: list[Error] = []
    form = text(document.get("key")) or ""
    name = text(condition.get("field"))
    if name is not None:
        target = _field(document, name)
        if target is None:
            errors.append(error(f"{at}/field", "unknown_record_field", value=name, form=form))
        elif name == own:
            errors.append(error(f"{at}/field", "condition_on_itself", field=name))
        elif target.get("type") not in SELECTS:
            errors.append(
                error(f"{at}/field", "wrong_field_type", field=name, expected=" / ".join(SELECTS))
            )
        else:
            choices = {o.get("value") for o in target.get("options", []) if isinstance(o, dict)}
            errors += [
                error(
                    f"{at}/in/{j}",
                    "not_allowed_value",
                    value=repr(value),
                    expected=", ".join(sorted(str(c) for c in choices)),
                )
                for j, value in enumerate(condition.get("in") or [])
                if value not in choices
            ]
        if not condition.get("in"):
            errors.append(error(f"{at}/in", "too_short", limit=1))
    elif not condition.get("roles"):
        errors.append(error(at, "empty_condition"))
    if refs.roles is not None:
        errors += [
            error(f"{at}/roles/{j}", "unknown_role", value=role)
            for j, role in enumerate(condition.get("roles") or [])
            if role not in refs.roles
        ]
    return errors
