"""What a role sees on a form at a stage, derived from the matrix being edited: pure.

The API answers the same question from the saved drafts
(``GET /permissions/preview``, ``builder/permission_views.preview``); this one
follows the grid while it is edited, before anything is saved, and stands in
while the API cannot answer. It reads the same way (``tests/browser/
test_matrix_model.py`` compares the two): the role's rule and the role's grants in
force at ``now``; per field the most generous of them; a computed field that
reads a hidden field is hidden too; shown and required from the form's own
rules for the role at that stage.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from studio.documents.content import localized
from studio.forms.model import fields
from studio.forms.preview import shown_fields
from studio.matrices.model import SCOPES, cell, form_rule
from studio.matrices.times import grant_state

__all__ = ["FieldView", "RoleView", "role_view"]

LEVEL = {"hidden": 0, "read": 1, "write": 2}
_READS = re.compile(r"record(?:\[\s*|\.get\(\s*)['\"]([a-z][a-z0-9_]*)['\"]")


@dataclass(frozen=True)
class FieldView:
    key: str
    label: str
    access: str
    shown: bool
    required: bool


@dataclass(frozen=True)
class RoleView:
    row_scope: str | None  # None: no access to the form's records at all
    may_create: bool
    fields: list[FieldView]
    actions: list[str]


def _rules(matrix: Mapping[str, Any], role: str, form: str, now: datetime) -> list[dict[str, Any]]:
    rights = [r for r in matrix.get("roles") or [] if isinstance(r, dict) and r.get("role") == role]
    rights += [
        g
        for g in matrix.get("grants") or []
        if isinstance(g, dict)
        and g.get("role") == role
        and grant_state(g.get("starts_at"), g.get("ends_at"), now) == "active"
    ]
    found = []
    for holder in rights:
        rule = form_rule(holder, form)
        if rule is not None:
            found.append(rule)
    return found


def _actions(matrix: Mapping[str, Any], role: str, now: datetime) -> list[str]:
    actions: set[str] = set()
    for r in matrix.get("roles") or []:
        if isinstance(r, dict) and r.get("role") == role:
            actions |= set(r.get("actions") or [])
    for g in matrix.get("grants") or []:
        if (
            isinstance(g, dict)
            and g.get("role") == role
            and grant_state(g.get("starts_at"), g.get("ends_at"), now) == "active"
        ):
            actions |= set(g.get("actions") or [])
    return sorted(actions)


def _level(rule: Mapping[str, Any], key: str, stage: str) -> str:
    """A field's access under one rule at ``stage`` ("": no stage)."""
    if stage:
        table = (rule.get("stages") or {}).get(stage)
        if isinstance(table, dict) and key in table:
            return str(table[key])
    access, _ = cell(rule, key, "")
    return access


def role_view(
    matrix: Mapping[str, Any],
    form: Mapping[str, Any],
    role: str,
    stage: str,
    now: datetime,
    language: str = "en",
) -> RoleView:
    key = str(form.get("key", ""))
    rules = _rules(matrix, role, key, now)
    items = fields(form)
    levels = {
        str(f.get("key")): max(
            (_level(r, str(f.get("key")), stage) for r in rules),
            key=lambda a: LEVEL.get(a, 0),
            default="hidden",
        )
        for f in items
    }
    for item in items:
        if item.get("type") == "computed":
            reads = set(_READS.findall(str(item.get("expression") or "")))
            if any(levels.get(name) == "hidden" for name in reads):
                levels[str(item.get("key"))] = "hidden"
    context: dict[str, str] = {}
    stage_field = form.get("stage_field")
    if stage and isinstance(stage_field, str):
        context[stage_field] = stage
    states = shown_fields(form, context, [role])
    views = []
    for item, state in zip(items, states, strict=True):
        level = levels[state.key]
        if item.get("type") == "computed" and level != "hidden":
            level = "read"
        label = localized(item.get("label"), language) or state.key
        views.append(FieldView(state.key, label, level, state.shown, state.required))
    scopes = [str(r.get("row_scope", "own")) for r in rules]
    widest = max(scopes, key=lambda s: SCOPES.index(s) if s in SCOPES else 0) if scopes else None
    return RoleView(
        row_scope=widest,
        may_create=any(r.get("access", "read") == "write" for r in rules),
        fields=views,
        actions=_actions(matrix, role, now),
    )
