"""Semantic checks of a permission matrix: known roles, forms and fields."""

from __future__ import annotations

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
        for j, form_rule in items(rule, "forms"):
            form = text(form_rule.get("form"))
            if form is None or refs.forms is None:
                continue
            if form not in refs.forms:
                errors.append(error(f"/roles/{i}/forms/{j}/form", "unknown_form", value=form))
                continue
            fields = form_rule.get("fields")
            if isinstance(fields, dict):
                errors += [
                    error(
                        f"/roles/{i}/forms/{j}/fields/{escape_pointer(name)}",
                        "unknown_record_field",
                        value=name,
                        form=form,
                    )
                    for name in fields
                    if name not in refs.forms[form]
                ]
        workflows = rule.get("workflows")
        if isinstance(workflows, list) and refs.workflows is not None:
            errors += [
                error(f"/roles/{i}/workflows/{j}", "invalid", detail=f"no workflow {key!r}")
                for j, key in enumerate(workflows)
                if isinstance(key, str) and key not in refs.workflows
            ]
    return errors
