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
        expression = text(field.get("expression"))
        if kind == "computed" and not expression:
            errors.append(error(f"{at}/expression", "computed_without_expression"))
        if expression:
            errors += check_expression(expression, f"{at}/expression", keys, form)
    return errors
