"""Edits of a node's config from the config panel, as pure functions: config
in, new config out (the argument is never touched, so the editor keeps the old
one for undo).

Pointers are relative to the config (``/levels/0/sla/due``). Objects on the way
to a pointer are created as needed, so editing a field of an absent required
part (the assignee of a new form task) simply makes it. What a raw string
means per kind is described in :mod:`studio.editor.config_values`.
"""

from __future__ import annotations

import copy
import itertools
from typing import Any

from studio.editor.config_schema import Schema, default_of, kind_of, locate, resolve, split
from studio.editor.config_values import parsed

__all__ = ["add_item", "add_optional", "remove_item", "set_value"]

Config = dict[str, Any]
_MISSING = object()


def _get(value: Any, segments: list[str]) -> Any:
    for segment in segments:
        if isinstance(value, dict):
            value = value.get(segment, _MISSING)
        elif isinstance(value, list) and segment.isdigit() and int(segment) < len(value):
            value = value[int(segment)]
        else:
            return _MISSING
    return value


def _written(config: Config, segments: list[str], new: Any) -> Config:
    """A copy of ``config`` with ``new`` at ``segments`` (``_MISSING`` removes
    it); unchanged where the way there is not an object or a list."""
    out = copy.deepcopy(config)
    here: Any = out
    for segment, following in itertools.pairwise(segments):
        if isinstance(here, dict):
            if segment not in here and new is not _MISSING:
                here[segment] = [] if following.isdigit() else {}
            here = here.get(segment)
        elif isinstance(here, list) and segment.isdigit() and int(segment) < len(here):
            here = here[int(segment)]
        else:
            return copy.deepcopy(config)
    last = segments[-1]
    if isinstance(here, dict):
        if new is _MISSING:
            here.pop(last, None)
        else:
            here[last] = new
    elif isinstance(here, list) and last.isdigit() and int(last) <= len(here):
        index = int(last)
        if new is _MISSING:
            if index < len(here):
                del here[index]
        elif index == len(here):
            here.append(new)
        else:
            here[index] = new
    else:
        return copy.deepcopy(config)
    return out


def _list_of(schema: Schema, raw: str, root: Schema) -> list[Any]:
    """A list of scalars typed as one text, comma-separated (``ann, bo``)."""
    items, _ = resolve(schema.get("items") or {}, root)
    kind = kind_of(items)
    return [parsed(kind, items, part.strip()) for part in raw.split(",") if part.strip()]


def set_value(schema: Schema, value: Config, pointer: str, raw: str, unit: str = "") -> Config:
    """``value`` with the input text ``raw`` stored at ``pointer``, converted
    by the schema there (see :mod:`config_values`; ``unit`` is a duration's).

    An empty text, or the property's default, removes the property: stored
    documents leave defaults out, and a required one missing is reported at
    its pointer. An element of a list keeps its place (it is removed with
    :func:`remove_item`). At a list of scalars (``/users``) the text is the
    whole list, comma-separated; a list of objects is edited item by item.
    A pointer the schema does not know stores the text as it is.
    """
    segments = split(pointer)
    if not segments:
        return copy.deepcopy(value)
    place = locate(schema, pointer)
    if place is None:
        return _written(value, segments, raw if raw.strip() else _MISSING)
    if place.kind == "group":
        return copy.deepcopy(value)
    new: Any
    if place.kind == "list":
        items, _ = resolve(place.schema.get("items") or {}, schema)
        if "properties" in items:
            return copy.deepcopy(value)
        new = _list_of(place.schema, raw, schema)
    else:
        new = parsed(place.kind, place.schema, raw, unit)
    if not place.in_array:
        default = place.written.get("default", place.schema.get("default"))
        empty = new in ("", []) or (isinstance(new, str) and not new.strip())
        if empty or (not place.required and default is not None and new == default):
            new = _MISSING
    return _written(value, segments, new)


def add_item(schema: Schema, value: Config, pointer: str) -> Config:
    """``value`` with a new element at the end of the list at ``pointer`` (made
    if absent): the items' defaults, ``{}`` for an object without any.
    Unchanged when the list is full (``maxItems``)."""
    place = locate(schema, pointer)
    if place is None or place.kind != "list":
        return copy.deepcopy(value)
    current = _get(value, split(pointer))
    items = current if isinstance(current, list) else []
    limit = place.schema.get("maxItems")
    if isinstance(limit, int) and len(items) >= limit:
        return copy.deepcopy(value)
    element = default_of(place.schema.get("items") or {}, schema)
    return _written(value, split(pointer), [*copy.deepcopy(items), element])


def remove_item(value: Config, pointer: str) -> Config:
    """``value`` without the list element or property at ``pointer``. A list
    left empty goes too: stored documents leave an empty list out."""
    segments = split(pointer)
    if not segments:
        return copy.deepcopy(value)
    out = _written(value, segments, _MISSING)
    container = _get(out, segments[:-1])
    if isinstance(container, list) and not container and len(segments) > 1:
        out = _written(out, segments[:-1], _MISSING)
    return out


def add_optional(schema: Schema, value: Config, pointer: str) -> Config:
    """``value`` with the optional object at ``pointer`` present, holding only
    the defaults of its required settings (so the panel shows its fields and
    the validator says which are missing). Unchanged if it is there already."""
    place = locate(schema, pointer)
    if place is None or place.kind != "group" or isinstance(_get(value, split(pointer)), dict):
        return copy.deepcopy(value)
    return _written(value, split(pointer), default_of(place.schema, schema))
