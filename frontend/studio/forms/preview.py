"""What a form asks for in one context, and where its errors belong: pure.

The preview evaluates the elastic rules as the API does (``builder/forms.py``:
``holds`` and ``states``; ``tests/browser/test_forms_model.py`` compares the two on
many contexts), over the document being edited, so it follows every keystroke
without a round trip. A context is the record's values of choice fields
(customer type, stage…) and the viewer's business role.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from studio.documents.content import Problem
from studio.forms.model import fields
from studio.forms.types import CHOICES

__all__ = ["Pins", "Shown", "choice_fields", "holds", "pin", "section", "shown_fields"]

_FIELD = re.compile(r"^/fields/(\d+)(/.*)?$")


def holds(condition: Any, values: Mapping[str, Any], roles: Collection[str]) -> bool:
    """Whether a rule's condition holds for these record values and roles. No condition
    always holds; a multi-select holds when any chosen value is listed."""
    if condition is None:
        return True
    if not isinstance(condition, Mapping):
        return False
    name, allowed = condition.get("field"), condition.get("in") or []
    if name is not None:
        value = values.get(name)
        chosen = value if isinstance(value, list) else [value]
        if not any(isinstance(v, str) and v in allowed for v in chosen):
            return False
    wanted = condition.get("roles") or []
    return not wanted or any(role in roles for role in wanted)


@dataclass(frozen=True)
class Shown:
    """A field in one context."""

    key: str
    type: str
    shown: bool
    required: bool
    exemptible: bool


def shown_fields(
    document: Mapping[str, Any], values: Mapping[str, Any], roles: Collection[str]
) -> list[Shown]:
    """Every field of the form, in order, shown or not and required or not here."""
    found = []
    for item in fields(document):
        shown = holds(item.get("show_when"), values, roles)
        writable = item.get("type") != "computed"
        required = bool(item.get("required")) or (
            item.get("require_when") is not None and holds(item["require_when"], values, roles)
        )
        found.append(
            Shown(
                key=str(item.get("key", "")),
                type=str(item.get("type", "")),
                shown=shown,
                required=shown and required and writable,
                exemptible=bool(item.get("exemptible")),
            )
        )
    return found


def choice_fields(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The form's choice fields (the ones rules and previews choose values of)."""
    return [
        f
        for f in fields(document)
        if f.get("type") in CHOICES and isinstance(f.get("key"), str) and f.get("key")
    ]


@dataclass
class Pins:
    """Errors sorted by what they belong to: per field (by position in the document,
    the pointer made relative to the field: ``/show_when/in/0``), and the form's own."""

    fields: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    form: list[tuple[str, str]] = field(default_factory=list)


def pin(problems: list[Problem]) -> Pins:
    pins = Pins()
    for problem in problems:
        match = _FIELD.match(problem.pointer)
        if match:
            pins.fields.setdefault(int(match[1]), []).append((match[2] or "", problem.message))
        else:
            pins.form.append((problem.pointer, problem.message))
    return pins


def section(relative: str) -> str:
    """The setting a relative pointer is about: ``/show_when/in/0`` → ``show_when``,
    ``/label/en`` → ``label``, ``""`` → ``""`` (the field as a whole)."""
    parts = relative.split("/")
    return parts[1] if len(parts) > 1 else ""
