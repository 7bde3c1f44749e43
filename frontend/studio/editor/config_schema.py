"""Reading a component's config schema (JSON Schema 2020-12, as GET /components
serves it) for the config panel: what kind of input a property gets, and which
schema governs a JSON pointer.

Only the shapes msgspec generates are understood: ``$ref`` into the schema's
own ``$defs``, ``anyOf [X, {"type": "null"}]`` for an optional X, ``enum``,
objects with ``properties`` (or ``additionalProperties`` for a map of texts),
arrays with ``items``, and ``x-trellis-widget`` for what a string means.
Anything else is shown as plain text rather than refused, so a newer server
never breaks an older studio.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Mapping
from typing import Any

__all__ = [
    "Place",
    "Schema",
    "default_of",
    "escape",
    "join",
    "kind_of",
    "locate",
    "parent",
    "resolve",
    "split",
]

Schema = Mapping[str, Any]

# x-trellis-widget -> row kind. A script is edited in the same code box as a formula.
WIDGETS = {
    "expression": "expression",
    "duration": "duration",
    "role": "role",
    "user": "user",
    "form": "form",
    "code": "expression",
}
SCALARS = {"string": "text", "number": "number", "integer": "integer", "boolean": "boolean"}


def escape(name: str | int) -> str:
    """One pointer segment (RFC 6901: '~' is '~0', '/' is '~1')."""
    return str(name).replace("~", "~0").replace("/", "~1")


def split(pointer: str) -> list[str]:
    """The segments of a JSON pointer, unescaped; ``""`` is the root."""
    if not pointer:
        return []
    return [s.replace("~1", "/").replace("~0", "~") for s in pointer.lstrip("/").split("/")]


def join(segments: list[str]) -> str:
    return "".join(f"/{escape(s)}" for s in segments)


def parent(pointer: str) -> str:
    return pointer.rsplit("/", 1)[0] if pointer else ""


def resolve(schema: Schema, root: Schema) -> tuple[Schema, bool]:
    """``schema`` with ``$ref`` followed and an ``anyOf`` with null unwrapped;
    and whether null is allowed (the property is optional)."""
    nullable = False
    for _ in range(32):  # a cycle of $refs is a broken schema, not a hang
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            target = (root.get("$defs") or {}).get(ref.removeprefix("#/$defs/"))
            if not isinstance(target, Mapping):
                return {}, nullable
            schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
            continue
        choices = schema.get("anyOf") or schema.get("oneOf")
        if isinstance(choices, list):
            rest = [c for c in choices if isinstance(c, Mapping) and c.get("type") != "null"]
            nullable = nullable or len(rest) < len(choices)
            outer = {k: v for k, v in schema.items() if k not in ("anyOf", "oneOf", "default")}
            schema = {**outer, **(rest[0] if rest else {})}
            continue
        kinds = schema.get("type")
        if isinstance(kinds, list):  # {"type": ["string", "null"]}
            nullable = nullable or "null" in kinds
            named = [k for k in kinds if k != "null"]
            schema = {**schema, "type": named[0] if named else "string"}
        return schema, nullable
    return {}, nullable


def kind_of(schema: Schema) -> str:
    """The row kind of a resolved schema; ``map`` is an object of texts by name."""
    widget = schema.get("x-trellis-widget")
    if isinstance(widget, str) and widget in WIDGETS:
        return WIDGETS[widget]
    if isinstance(schema.get("enum"), list):
        return "select"
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return "group" if "properties" in schema else "map"
    if kind == "array":
        return "list"
    return SCALARS.get(str(kind), "text")


def default_of(schema: Schema, root: Schema) -> Any:
    """A new value for ``schema``: its own default, or an object holding the
    defaults of its required properties, or an empty value of its type."""
    if schema.get("default") is not None:
        return copy.deepcopy(schema["default"])
    resolved, _ = resolve(schema, root)
    if resolved.get("default") is not None:
        return copy.deepcopy(resolved["default"])
    kind = kind_of(resolved)
    if kind == "group":
        found = {}
        properties = resolved.get("properties") or {}
        for name in resolved.get("required") or ():
            inner = properties.get(name)
            value = default_of(inner, root) if isinstance(inner, Mapping) else None
            if value not in (None, "", [], {}):
                found[name] = value
        return found
    if kind == "select":
        return resolved["enum"][0] if resolved["enum"] else ""
    if kind in ("number", "integer"):
        return resolved.get("minimum", 0)
    return {"map": {}, "list": [], "boolean": False}.get(kind, "")


@dataclasses.dataclass(frozen=True)
class Place:
    """What the schema says about one pointer: the schema as written there
    (with its ``default``), resolved, and how the value may be left out."""

    written: Schema
    schema: Schema
    kind: str
    required: bool  # a required property (an array element counts as required)
    in_array: bool  # an element of an array, not a property


def locate(root: Schema, pointer: str) -> Place | None:
    """The schema governing ``pointer`` in a value of ``root``; None where the
    schema has no such place (an unknown property)."""
    here, _ = resolve(root, root)
    place = Place(root, here, kind_of(here), True, False)
    for segment in split(pointer):
        if place.kind == "group":
            written = (here.get("properties") or {}).get(segment)
            required = segment in (here.get("required") or ())
            in_array = False
        elif place.kind == "map":
            written, required, in_array = here.get("additionalProperties"), True, False
        elif place.kind == "list" and segment.isdigit():
            written, required, in_array = here.get("items"), True, True
        else:
            return None
        if not isinstance(written, Mapping):
            return None
        here, _ = resolve(written, root)
        place = Place(written, here, kind_of(here), required, in_array)
    return place
