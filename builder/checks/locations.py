"""Where a node type's config holds expressions, forms, roles and assignees,
read from its generated JSON Schema, so that a new field is checked the day
it is added to a Struct, with no list to keep in step."""

from __future__ import annotations

from functools import cache
from typing import Any

from builder.schema import schemas
from components.catalogue import CATALOGUE

__all__ = ["Locations", "locations"]

# kind of place -> pointer patterns relative to the config ("*" = every item)
Locations = dict[str, tuple[str, ...]]

# Struct names whose every occurrence is checked as a whole.
WHOLE_PARTS = ("Assignee",)


@cache
def locations(node_type: str) -> Locations:
    workflow = schemas()["workflow"]
    defs: dict[str, Any] = workflow["$defs"]
    found: dict[str, list[str]] = {}

    def walk(schema: Any, pointer: str, seen: frozenset[str]) -> None:
        if not isinstance(schema, dict):
            return
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            name = ref.removeprefix("#/$defs/")
            if name in seen:
                return
            if name in WHOLE_PARTS:
                found.setdefault(name, []).append(pointer)
            walk(defs.get(name), pointer, seen | {name})
            return
        widget = schema.get("x-trellis-widget")
        if isinstance(widget, str):
            found.setdefault(widget, []).append(pointer)
        for branch in schema.get("anyOf", []) + schema.get("oneOf", []):
            walk(branch, pointer, seen)
        for name, sub in schema.get("properties", {}).items():
            walk(sub, f"{pointer}/{name}", seen)
        if "items" in schema:
            walk(schema["items"], f"{pointer}/*", seen)

    walk({"$ref": f"#/$defs/{CATALOGUE[node_type].config.__name__}"}, "", frozenset())
    return {kind: tuple(dict.fromkeys(pointers)) for kind, pointers in found.items()}
