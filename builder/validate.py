"""validate(document) -> errors: structure (jsonschema) and meaning (checks).

Used by the API on every draft save, by ``trellis validate`` offline, and by
publish, which refuses any document with an error.
"""

from __future__ import annotations

from typing import Any

from builder.checks.form import check_form
from builder.checks.permission_matrix import check_permission_matrix
from builder.checks.template import check_template
from builder.checks.workflow import check_workflow
from builder.errors import Error, error, escape_pointer
from builder.references import References
from builder.schema import schema_errors
from schemas import KINDS, MigrationError, migrate

__all__ = ["Checked", "check", "validate"]

NO_REFERENCES = References()


class Checked:
    """A document upgraded to the current schema version, with its errors.

    ``document`` is ``None`` when it could not even be read as a document
    (not an object, unknown kind, unsupported schema version)."""

    __slots__ = ("document", "errors")

    def __init__(self, document: dict[str, Any] | None, errors: list[Error]) -> None:
        self.document = document
        self.errors = errors

    @property
    def valid(self) -> bool:
        return not self.errors


def check(
    document: Any,
    refs: References = NO_REFERENCES,
    *,
    kind: str | None = None,
    key: str | None = None,
) -> Checked:
    """Upgrade and check ``document``. ``kind`` and ``key``, when given, are
    what the caller expects (e.g. from the URL) and a mismatch is an error."""
    if not isinstance(document, dict):
        return Checked(None, [error("", "not_an_object")])
    actual_kind = document.get("kind")
    if actual_kind not in KINDS:
        return Checked(
            None, [error("/kind", "unknown_kind", value=actual_kind, expected=", ".join(KINDS))]
        )
    if kind is not None and actual_kind != kind:
        return Checked(None, [error("/kind", "kind_mismatch", value=actual_kind, expected=kind)])
    unreadable = _unreadable(document)
    if unreadable:
        return Checked(None, unreadable)
    try:
        upgraded = migrate(document)
    except MigrationError as exc:
        return Checked(None, [error(exc.pointer, "unsupported_schema_version", detail=str(exc))])
    errors = schema_errors(actual_kind, upgraded)
    if key is not None and upgraded.get("key") != key:
        errors.insert(0, error("/key", "key_mismatch", value=upgraded.get("key"), expected=key))
    errors += _semantic(actual_kind, upgraded, refs)
    return Checked(upgraded, _unique(errors))


def validate(document: Any, refs: References = NO_REFERENCES) -> list[Error]:
    """All errors of ``document``; empty means it may be published."""
    return check(document, refs).errors


def _semantic(kind: str, document: dict[str, Any], refs: References) -> list[Error]:
    if kind == "workflow":
        return check_workflow(document, refs)
    if kind == "form":
        return check_form(document, refs)
    if kind == "permission_matrix":
        return check_permission_matrix(document, refs)
    return check_template(document, refs, _bundled)


def _bundled(document: Any, refs: References, kind: str) -> list[Error]:
    """Semantic errors of a document inside a template (its structure is
    already covered by the template's schema)."""
    if not isinstance(document, dict) or document.get("kind") != kind:
        return []
    try:
        upgraded = migrate(document)
    except MigrationError:
        return []
    return _semantic(kind, upgraded, refs)


MAX_DEPTH = 64


def _unreadable(document: Any) -> list[Error]:
    """What makes a value unusable as a document whatever its kind: NUL
    characters (PostgreSQL cannot store them, nobody can see them) and nesting
    deeper than :data:`MAX_DEPTH` (no real document comes close; recursive
    code further on must never meet one). Iterative on purpose."""
    found: list[Error] = []
    stack: list[tuple[Any, str, int]] = [(document, "", 0)]
    while stack:
        value, pointer, depth = stack.pop()
        if depth > MAX_DEPTH:
            found.append(error(pointer, "too_deep", limit=MAX_DEPTH))
            continue
        if isinstance(value, str):
            if "\x00" in value:
                found.append(error(pointer, "nul_character"))
        elif isinstance(value, dict):
            for key, item in value.items():
                at = f"{pointer}/{escape_pointer(key)}"
                if "\x00" in key:
                    found.append(error(at, "nul_character"))
                stack.append((item, at, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, f"{pointer}/{i}", depth + 1) for i, item in enumerate(value))
    return sorted(found, key=lambda e: e.pointer)


def _unique(errors: list[Error]) -> list[Error]:
    seen: set[tuple[str, str, str]] = set()
    result = []
    for e in errors:
        marker = (e.pointer, e.code, e.message["en"])
        if marker not in seen:
            seen.add(marker)
            result.append(e)
    return result
