"""Semantic checks of a permission matrix: known roles, forms and fields."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from builder.checks.walk import items, text
from builder.errors import Error, error, escape_pointer
from builder.references import References

__all__ = ["check_permission_matrix"]


def check_permission_matrix(document: dict[str, Any], refs: References) -> list[Error]:
    errors: list[Error] = []
    seen: set[str] = set()
    for i, rule in items(document, "roles"):
        role = text(rule.get("role"))
        if role is not None:
            if role in seen:
                errors.append(error(f"/roles/{i}/role", "duplicate_role", value=role))
            seen.add(role)
            if refs.roles is not None and role not in refs.roles:
                errors.append(error(f"/roles/{i}/role", "unknown_role", value=role))
        errors += _check_rights(rule, f"/roles/{i}", refs)
    for i, grant in items(document, "grants"):
        at = f"/grants/{i}"
        errors += _check_rights(grant, at, refs)
        if (grant.get("user") is None) == (grant.get("role") is None):
            errors.append(error(at, "grant_needs_one_holder"))
        role = text(grant.get("role"))
        if role is not None and refs.roles is not None and role not in refs.roles:
            errors.append(error(f"{at}/role", "unknown_role", value=role))
        start, end = _moment(grant, "starts_at", at, errors), _moment(grant, "ends_at", at, errors)
        if start is not None and end is not None and end <= start:
            errors.append(error(f"{at}/ends_at", "grant_ends_before_start"))
    return errors


def _moment(grant: dict[str, Any], name: str, at: str, errors: list[Error]) -> datetime | None:
    """A grant's time, which must carry an offset (a local time is ambiguous)."""
    value = text(grant.get(name))
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None  # the schema reports the format
    if moment.tzinfo is None:
        errors.append(error(f"{at}/{name}", "time_without_offset", value=value))
        return None
    return moment


def _check_rights(rule: dict[str, Any], at: str, refs: References) -> list[Error]:
    """The forms, fields and workflows a role rule or a grant names exist."""
    errors: list[Error] = []
    for j, form_rule in items(rule, "forms"):
        form = text(form_rule.get("form"))
        if form is None or refs.forms is None:
            continue
        if form not in refs.forms:
            errors.append(error(f"{at}/forms/{j}/form", "unknown_form", value=form))
            continue
        known = refs.forms[form]
        listed = [(f"{at}/forms/{j}/fields", form_rule.get("fields"))]
        stages = form_rule.get("stages")
        if isinstance(stages, dict):
            listed += [
                (f"{at}/forms/{j}/stages/{escape_pointer(stage)}", fields)
                for stage, fields in stages.items()
            ]
        for prefix, fields in listed:
            if isinstance(fields, dict):
                errors += [
                    error(
                        f"{prefix}/{escape_pointer(name)}",
                        "unknown_record_field",
                        value=name,
                        form=form,
                    )
                    for name in fields
                    if name not in known
                ]
    workflows = rule.get("workflows")
    if isinstance(workflows, list) and refs.workflows is not None:
        errors += [
            error(f"{at}/workflows/{j}", "invalid", detail=f"no workflow {key!r}")
            for j, key in enumerate(workflows)
            if isinstance(key, str) and key not in refs.workflows
        ]
    return errors
