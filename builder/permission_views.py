"""Views of the permission matrix for the people who edit it: pure.

- :func:`preview`: what a role (or a user, with their grants) sees and may
  do on a form at a stage, with the form's own rules applied, so an admin
  sees exactly what the records API will enforce;
- :func:`matrix_diff`: two versions of a matrix as "who gains / loses
  which field", scope and action, in words a non-programmer reads.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from builder.access import LEVEL, Row, Viewer, actions_of, form_access
from builder.forms import FormModel, states

__all__ = ["AccessChange", "FieldView", "Preview", "matrix_diff", "preview"]

# A viewer's own record: every rule of theirs covers it, whatever its scope.
_SELF = 0


@dataclass(frozen=True)
class FieldView:
    key: str
    label: str
    access: str  # hidden / read / write
    shown: bool
    required: bool


@dataclass(frozen=True)
class Preview:
    form: str
    stage: str | None
    row_scope: str | None  # None: no access to the form's records at all
    may_create: bool
    fields: list[FieldView]
    actions: dict[str, list[str]]
    sources: list[str]


def preview(
    matrices: Collection[Mapping[str, Any]],
    model: FormModel,
    *,
    roles: Collection[str],
    username: str = "",
    stage: str | None = None,
    values: Mapping[str, Any] | None = None,
    now: datetime,
    language: str = "en",
    everything: bool = False,
) -> Preview:
    """What someone holding ``roles`` (and, with ``username``, that user's
    grants) sees on ``model``'s records at ``stage``, given record ``values``
    such as the customer type. ``everything``: a platform administrator,
    who sees and changes every record."""
    viewer = Viewer(user_id=_SELF, username=username, roles=frozenset(roles), everything=everything)
    access = form_access(matrices, model.key, viewer, now)
    row = Row(owner_id=_SELF, team_id=None, region_id=None, stage=stage)
    levels = access.fields(row, model.fields)
    for key, reads in model.depends_on.items():
        if any(levels.get(name) == "hidden" for name in reads):
            levels[key] = "hidden"
    context = dict(values or {})
    if stage is not None and model.stage_field:
        context[model.stage_field] = stage
    field_states = states(model, context, roles)
    return Preview(
        form=model.key,
        stage=stage,
        row_scope=access.widest_scope if access.any_rows else None,
        may_create=access.may_create,
        fields=[
            FieldView(
                key=key,
                label=model.label(key, language),
                access=levels[key] if model.writable(key) or levels[key] == "hidden" else "read",
                shown=field_states[key].shown,
                required=field_states[key].required,
            )
            for key in model.fields
        ],
        actions=(
            {"export": ["*"]}
            if everything
            else {k: sorted(v) for k, v in sorted(actions_of(matrices, viewer, now).items())}
        ),
        sources=[rule.source for rule in access.rules],
    )


@dataclass(frozen=True)
class AccessChange:
    """One difference between two matrix versions, for one role."""

    role: str
    what: str  # field / row_scope / action / form
    change: str  # gains / loses / changes
    form: str | None = None
    field: str | None = None
    stage: str | None = None
    before: str | None = None
    after: str | None = None
    words: dict[str, str] = dataclasses.field(default_factory=dict)


def _rules(matrix: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {str(r.get("role")): r for r in matrix.get("roles") or [] if isinstance(r, Mapping)}


def _forms(rule: Mapping[str, Any] | None) -> dict[str, Mapping[str, Any]]:
    if rule is None:
        return {}
    return {str(f.get("form")): f for f in rule.get("forms") or [] if isinstance(f, Mapping)}


def _level(form_rule: Mapping[str, Any] | None, key: str, stage: str | None) -> str:
    if form_rule is None:
        return "hidden"
    stages = form_rule.get("stages") or {}
    if stage is not None and key in stages.get(stage, {}):
        return str(stages[stage][key])
    return str((form_rule.get("fields") or {}).get(key, form_rule.get("access", "read")))


def _verb(before: str, after: str) -> str:
    return "gains" if LEVEL[after] > LEVEL[before] else "loses"


def matrix_diff(
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    form_fields: Mapping[str, Sequence[str]],
) -> list[AccessChange]:
    """Per role: fields gained or lost (per stage where stages differ), row
    scopes and actions that changed. ``form_fields`` names each form's fields
    (a matrix only lists the exceptions to its defaults)."""
    changes: list[AccessChange] = []
    old, new = _rules(before), _rules(after)
    for role in sorted(set(old) | set(new)):
        old_forms, new_forms = _forms(old.get(role)), _forms(new.get(role))
        for form in sorted(set(old_forms) | set(new_forms)):
            a, b = old_forms.get(form), new_forms.get(form)
            scope_a = str(a.get("row_scope", "own")) if a else None
            scope_b = str(b.get("row_scope", "own")) if b else None
            if scope_a != scope_b:
                changes.append(
                    AccessChange(
                        role=role,
                        what="row_scope",
                        change="gains" if a is None else "loses" if b is None else "changes",
                        form=form,
                        before=scope_a,
                        after=scope_b,
                        words=_words_scope(role, form, scope_a, scope_b),
                    )
                )
            stages = sorted(set((a or {}).get("stages") or {}) | set((b or {}).get("stages") or {}))
            for key in form_fields.get(form, ()):
                base_a, base_b = _level(a, key, None), _level(b, key, None)
                if base_a != base_b:
                    changes.append(_field_change(role, form, key, None, base_a, base_b))
                for stage in stages:
                    at_a, at_b = _level(a, key, stage), _level(b, key, stage)
                    if at_a != at_b and (at_a, at_b) != (base_a, base_b):
                        changes.append(_field_change(role, form, key, stage, at_a, at_b))
        acts_a = set((old.get(role) or {}).get("actions") or [])
        acts_b = set((new.get(role) or {}).get("actions") or [])
        for action in sorted(acts_a ^ acts_b):
            gained = action in acts_b
            changes.append(
                AccessChange(
                    role=role,
                    what="action",
                    change="gains" if gained else "loses",
                    field=action,
                    words={
                        "en": f"{role} {'may now' if gained else 'may no longer'} {action}",
                        "zh-CN": f"{role} {'获得' if gained else '失去'}操作 {action}",
                    },
                )
            )
    return changes


def _field_change(
    role: str, form: str, key: str, stage: str | None, before: str, after: str
) -> AccessChange:
    where_en = f" at stage {stage}" if stage else ""
    where_zh = f"（阶段 {stage}）" if stage else ""
    verb = _verb(before, after)
    return AccessChange(
        role=role,
        what="field",
        change=verb,
        form=form,
        field=key,
        stage=stage,
        before=before,
        after=after,
        words={
            "en": f"{role} {verb} {form}.{key}{where_en}: {before} → {after}",
            "zh-CN": f"{role} {'获得' if verb == 'gains' else '失去'} {form}.{key}{where_zh}："
            f"{_ZH[before]} → {_ZH[after]}",
        },
    )


_ZH = {"hidden": "隐藏", "read": "只读", "write": "可编辑"}
_SCOPE_ZH = {"own": "本人", "team": "本团队", "region": "本区域", "all": "全部", None: "无"}


def _words_scope(role: str, form: str, before: str | None, after: str | None) -> dict[str, str]:
    return {
        "en": f"{role} sees {form} records of: {before or 'none'} → {after or 'none'}",
        "zh-CN": f"{role} 的 {form} 数据范围：{_SCOPE_ZH[before]} → {_SCOPE_ZH[after]}",
    }
