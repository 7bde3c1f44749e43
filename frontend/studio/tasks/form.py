"""A form task's inputs: which of its fields the user may change, as what kind of input,
and what a completion sends. Pure.

The live form's compiled schema for the user (``GET /records/{form}/schema``) says the
field types the server checks against: a choice (``enum``) is a select, a number a
number input, the rest text; ``readOnly`` fields and fields missing from it (hidden
from the user) are shown, not typed into. The form document gives the labels and the
choices in the user's language, and how a percent is typed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from studio.records import fields as form_fields
from studio.records.fields import Option

__all__ = ["TaskField", "input_kind", "payload", "spec_of", "task_fields"]

NUMBER_TYPES = ("number", "integer")
# Without a schema, the form's own field types say it.
FALLBACK = {"select": "select", "number": "number", "money": "number", "percent": "number"}
NOT_TYPED = ("computed", "file", "multi_select")


@dataclass
class TaskField:
    key: str
    label: str
    kind: str  # text / number / select / read
    value: str  # what the input holds
    shown: str  # the value as text (read-only fields)
    options: list[Option]
    unit: str
    required: bool
    error: str


def spec_of(
    document: Mapping[str, Any], key: str, schema: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The form's field ``key``; when the form is not at hand, a stand-in of the
    schema's type (so a number still parses as one)."""
    found = form_fields.field_map(document).get(key)
    if found is not None:
        return found
    part = ((schema or {}).get("properties") or {}).get(key) or {}
    kind = "number" if isinstance(part, Mapping) and part.get("type") in NUMBER_TYPES else "text"
    return {"key": key, "type": kind}


def input_kind(spec: Mapping[str, Any], schema: Mapping[str, Any] | None) -> str:
    key = str(spec.get("key", ""))
    if str(spec.get("type")) in NOT_TYPED:
        return "read"
    if schema is None:
        return FALLBACK.get(str(spec.get("type")), "text")
    part = (schema.get("properties") or {}).get(key)
    if not isinstance(part, Mapping) or part.get("readOnly"):
        return "read"
    if part.get("enum"):
        return "select"
    return "number" if part.get("type") in NUMBER_TYPES else "text"


def _options(
    spec: Mapping[str, Any], schema: Mapping[str, Any] | None, language: str
) -> list[Option]:
    found = form_fields.options(spec, language)
    if found:
        return found
    part = ((schema or {}).get("properties") or {}).get(str(spec.get("key"))) or {}
    enum = part.get("enum") if isinstance(part, Mapping) else None
    return [Option(str(v), str(v)) for v in enum or []]


def task_fields(
    names: Sequence[str],
    document: Mapping[str, Any],
    schema: Mapping[str, Any] | None,
    values: Mapping[str, Any],
    texts: Mapping[str, str],
    errors: Mapping[str, str],
    language: str,
) -> list[TaskField]:
    """The task's fields in its order, holding ``values`` (the record's, then what was
    typed: ``texts`` as typed), each with the API's error that points at it."""
    required = set((schema or {}).get("required") or [])
    rows = []
    for key in names:
        spec = spec_of(document, key, schema)
        value = values.get(key)
        rows.append(
            TaskField(
                key=key,
                label=form_fields.label(spec, language),
                kind=input_kind(spec, schema),
                value=texts[key] if key in texts else form_fields.input_text(spec, value),
                shown=form_fields.shown_text(spec, value, language) or "—",
                options=_options(spec, schema, language),
                unit=form_fields.unit(spec),
                required=key in required,
                error=errors.get(key, ""),
            )
        )
    return rows


def payload(rows: Sequence[TaskField], values: Mapping[str, Any]) -> dict[str, Any]:
    """What a completion sends: the value of each field the user may change, left out
    when empty (a task never clears a field by being completed)."""
    return {
        row.key: values[row.key]
        for row in rows
        if row.kind != "read" and values.get(row.key) is not None
    }
