"""Semantic checks of a template: each bundled document is checked as a
document of its own kind, with the bundle's forms counting as existing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from builder.checks.form import form_fields
from builder.checks.walk import items, text
from builder.errors import Error
from builder.references import References

__all__ = ["check_template"]

BUNDLES = (
    ("forms", "form"),
    ("workflows", "workflow"),
    ("permission_matrices", "permission_matrix"),
)

Validate = Callable[[Any, References, str], list[Error]]


def check_template(document: dict[str, Any], refs: References, validate: Validate) -> list[Error]:
    bundled_forms = {
        key: form_fields(form)
        for _, form in items(document, "forms")
        if (key := text(form.get("key"))) is not None
    }
    inner = refs.with_forms(bundled_forms)
    errors: list[Error] = []
    for name, kind in BUNDLES:
        for i, bundled in items(document, name):
            errors += [
                Error(pointer=f"/{name}/{i}{e.pointer}", code=e.code, message=e.message)
                for e in validate(bundled, inner, kind)
            ]
    return errors
