"""A form compiled for records: which fields are shown and required in a
context, the JSON Schema of a record there, and the checks of a write.

Pure. A context is the record's own values (customer type, stage…) and the
viewer's business roles; the elastic rules of the form (``show_when``,
``require_when``, ``exemptible``) are evaluated against it. The API serves
the compiled schema to the studio and validates every write with it, so the
screen and the server agree on what a record needs.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property, lru_cache
from typing import Any

from jsonschema import Draft202012Validator

from builder.errors import Error, error, escape_pointer
from builder.evaluate import RecordView, evaluate
from builder.expressions import ExpressionError, compile_expression
from builder.schema import translate
from components.field_types import FIELD_CATALOGUE, value_schema

__all__ = [
    "FieldState",
    "FormModel",
    "form_model",
    "holds",
    "record_errors",
    "record_schema",
    "with_computed",
]

JSON = dict[str, Any]


@dataclass(frozen=True)
class FieldState:
    """A field in one context: shown at all, required there, may be skipped."""

    shown: bool
    required: bool
    exemptible: bool


@dataclass(frozen=True)
class FormModel:
    """A published form version, read once: fields in order, by key."""

    key: str
    fields: Mapping[str, JSON]
    stage_field: str | None
    owner_field: str | None
    region_field: str | None
    exemption_reasons: tuple[str, ...]
    # computed field -> the fields its expression reads
    depends_on: Mapping[str, frozenset[str]]

    def label(self, key: str, language: str = "en") -> str:
        label = self.fields.get(key, {}).get("label") or {}
        return str(label.get(language) or label.get("en") or key)

    def words(self, key: str) -> dict[str, str]:
        """The field's label in both languages, for messages (the key when it has none)."""
        return {"en": self.label(key, "en"), "zh-CN": self.label(key, "zh-CN")}

    def writable(self, key: str) -> bool:
        return key in self.writable_fields

    @cached_property
    def writable_fields(self) -> frozenset[str]:
        """Fields a person can fill in (not computed), asked once per row and field."""
        return frozenset(
            key
            for key, field in self.fields.items()
            if (kind := FIELD_CATALOGUE.get(str(field.get("type")))) is not None and kind.writable
        )

    @cached_property
    def condition_fields(self) -> tuple[str, ...]:
        """The fields the elastic rules read: a record's field states depend
        on these values (and the viewer's roles) only."""
        names = {
            rule["field"]
            for field in self.fields.values()
            for rule in (field.get("show_when"), field.get("require_when"))
            if isinstance(rule, dict) and isinstance(rule.get("field"), str)
        }
        return tuple(sorted(names))


def form_model(document: Mapping[str, Any]) -> FormModel:
    """The model of a (valid, published) form document."""
    fields = {
        f["key"]: f
        for f in document.get("fields", [])
        if isinstance(f, dict) and isinstance(f.get("key"), str)
    }
    return FormModel(
        key=str(document.get("key", "")),
        fields=fields,
        stage_field=document.get("stage_field"),
        owner_field=document.get("owner_field"),
        region_field=document.get("region_field"),
        exemption_reasons=tuple(
            o["value"] for o in document.get("exemption_reasons", []) if isinstance(o, dict)
        ),
        depends_on={
            key: _reads(field.get("expression"))
            for key, field in fields.items()
            if field.get("type") == "computed"
        },
    )


def _reads(expression: Any) -> frozenset[str]:
    if not isinstance(expression, str):
        return frozenset()
    try:
        return compile_expression(expression).record_fields
    except ExpressionError:
        return frozenset()


def holds(
    condition: Mapping[str, Any] | None, values: Mapping[str, Any], roles: Collection[str]
) -> bool:
    """Whether a rule's condition holds for these record values and roles.
    No condition always holds; a multi-select holds when any chosen value is listed."""
    if condition is None:
        return True
    field, allowed = condition.get("field"), condition.get("in") or []
    if field is not None:
        value = values.get(field)
        chosen = value if isinstance(value, list) else [value]
        if not any(isinstance(v, str) and v in allowed for v in chosen):
            return False
    wanted = condition.get("roles") or []
    return not wanted or any(role in roles for role in wanted)


def states(
    model: FormModel, values: Mapping[str, Any], roles: Collection[str]
) -> dict[str, FieldState]:
    """Every field's state in the context of ``values`` and ``roles``."""
    result = {}
    for key, field in model.fields.items():
        shown = holds(field.get("show_when"), values, roles)
        required = bool(field.get("required")) or (
            field.get("require_when") is not None and holds(field["require_when"], values, roles)
        )
        writable = model.writable(key)
        result[key] = FieldState(
            shown=shown,
            required=shown and required and writable,
            exemptible=bool(field.get("exemptible")),
        )
    return result


def record_schema(
    model: FormModel,
    values: Mapping[str, Any],
    roles: Collection[str],
    exemptions: Mapping[str, str] | None = None,
) -> JSON:
    """The JSON Schema of a record's ``data`` in this context: the shown fields,
    those required here (less the exempt ones), nothing else."""
    exempt = exemptions or {}
    field_states = states(model, values, roles)
    properties: JSON = {}
    required = []
    for key, state in field_states.items():
        if not state.shown:
            continue
        field = model.fields[key]
        properties[key] = {
            **value_schema(field),
            "title": model.label(key),
            **({"readOnly": True} if not model.writable(key) else {}),
        }
        if state.required and key not in exempt:
            required.append(key)
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


@lru_cache(maxsize=1024)
def _validator(schema_json: str) -> Draft202012Validator:
    return Draft202012Validator(json.loads(schema_json))


def record_errors(
    model: FormModel,
    data: Mapping[str, Any],
    exemptions: Mapping[str, str],
    roles: Collection[str],
    *,
    written: Collection[str] = (),
) -> list[Error]:
    """Errors of a record after a write, pointing into the request body
    (``/data/<field>``, ``/exemptions/<field>``). ``data`` is the whole record
    as it would be stored; ``written`` the fields this write sent. Values of
    fields the context does not show are kept as they were, but a write may
    not put a value there."""
    errors: list[Error] = []
    field_states = states(model, data, roles)
    for key in written:
        at = f"/data/{escape_pointer(key)}"
        if key not in model.fields:
            errors.append(error(at, "unknown_field", field=key))
        elif not model.writable(key):
            errors.append(error(at, "computed_field", field=model.words(key)))
        elif data.get(key) is not None and not field_states[key].shown:
            errors.append(error(at, "field_not_shown", field=model.words(key)))
    for key, reason in exemptions.items():
        at = f"/exemptions/{escape_pointer(key)}"
        if key not in model.fields:
            errors.append(error(at, "unknown_field", field=key))
        elif not field_states[key].exemptible:
            errors.append(error(at, "not_exemptible", field=model.words(key)))
        elif reason not in model.exemption_reasons:
            errors.append(
                error(
                    at,
                    "not_allowed_value",
                    value=repr(reason),
                    expected=", ".join(model.exemption_reasons) or "(none declared)",
                )
            )
        elif data.get(key) is not None:
            errors.append(
                error(f"/data/{escape_pointer(key)}", "exempt_with_value", field=model.words(key))
            )
    if errors:
        return errors
    schema = record_schema(model, data, roles, exemptions)
    shown = {k: v for k, v in data.items() if k in schema["properties"] and model.writable(k)}
    validator = _validator(json.dumps(schema, sort_keys=True))
    found: dict[tuple[str, str], Error] = {}
    for raw in validator.iter_errors(shown):
        for translated in translate(raw):
            found.setdefault((translated.pointer, translated.code), translated)
    result = []
    for e in sorted(found.values(), key=lambda e: (e.pointer, e.code)):
        pointer = "/data" + e.pointer
        if e.code == "required":  # name the field as the form does, not by its key
            key = e.pointer.rsplit("/", 1)[-1]
            result.append(error(pointer, "required", field=model.words(key)))
        else:
            result.append(Error(pointer=pointer, code=e.code, message=e.message))
    return result


def with_computed(
    model: FormModel, data: Mapping[str, Any], exemptions: Mapping[str, str], now: datetime
) -> dict[str, Any]:
    """``data`` with every computed field (re)evaluated. A computed field whose
    expression fails on this record (a missing amount, a division by zero)
    is empty rather than an error: the record itself is valid."""
    result = dict(data)
    view = RecordView(result, exemptions)
    for key, field in model.fields.items():
        if FIELD_CATALOGUE[field["type"]].writable or not field.get("expression"):
            continue
        try:
            value = evaluate(compile_expression(field["expression"]), record=view, now=now)
        except ExpressionError:
            value = None
        except Exception:  # the expression's own failure on this record's values
            value = None
        result[key] = (
            value if isinstance(value, (int, float, str, bool, type(None))) else str(value)
        )
    return result
