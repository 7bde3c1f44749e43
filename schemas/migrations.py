"""Upgrades of stored documents from one ``schema_version`` to the next.

One function per step, each saying what changed, chained through
:data:`MIGRATIONS`. A document is upgraded step by step until it reaches
:data:`CURRENT_SCHEMA_VERSION`; published versions are never rewritten, they
are upgraded when read. Steps take and return plain JSON values and never
mutate their input.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["CURRENT_SCHEMA_VERSION", "MIGRATIONS", "MigrationError", "migrate"]

CURRENT_SCHEMA_VERSION = 2

JSONObject = dict[str, Any]


class MigrationError(ValueError):
    """The document's ``schema_version`` cannot be upgraded."""

    def __init__(self, pointer: str, message: str) -> None:
        super().__init__(message)
        self.pointer = pointer


def _label(value: Any) -> Any:
    return {"en": value} if isinstance(value, str) else value


def from_version_1(document: JSONObject) -> JSONObject:
    """Version 1 let ``title`` (and node, edge and field labels) be a plain
    string. Version 2 makes every text shown to people a ``{en, zh-CN}``
    label so that the studio can show both languages; a plain string becomes
    the English text."""
    upgraded = dict(document, schema_version=2)
    for name in ("title", "description"):
        if name in upgraded:
            upgraded[name] = _label(upgraded[name])
    for collection in ("nodes", "edges", "fields"):
        items = upgraded.get(collection)
        if isinstance(items, list):
            upgraded[collection] = [
                dict(item, label=_label(item["label"]))
                if isinstance(item, dict) and "label" in item
                else item
                for item in items
            ]
    return upgraded


MIGRATIONS: dict[int, Callable[[JSONObject], JSONObject]] = {1: from_version_1}


def migrate(document: JSONObject) -> JSONObject:
    """Upgrade ``document`` to the current schema version (a new object)."""
    version = document.get("schema_version")
    if type(version) is not int:
        raise MigrationError("/schema_version", "schema_version must be an integer")
    if version > CURRENT_SCHEMA_VERSION or (
        version < CURRENT_SCHEMA_VERSION and version not in MIGRATIONS
    ):
        raise MigrationError(
            "/schema_version",
            f"schema_version {version} is not supported (current is {CURRENT_SCHEMA_VERSION})",
        )
    while version < CURRENT_SCHEMA_VERSION:
        document = MIGRATIONS[version](document)
        version = document["schema_version"]
    return document
