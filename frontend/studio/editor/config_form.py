"""A node's config panel, generated from its component's config schema: one flat
list of rows that the panel draws with one ``rx.foreach`` and an ``rx.match``
on ``kind``. No node type has code of its own here; a new component needs only
its schema and its words (``vocabulary``), both from GET /api/v1/components.

Lists and nested objects become header rows followed by their children one
``depth`` deeper, so the flat list still reads as a tree:

    list "Approval levels" [add]            /levels
      item "Level 1" [remove]               /levels/0
        role "Role"                         /levels/0/role
        optional "Deadline" [add]           /levels/0/sla

A list of scalars (the people of a level, the reminders of a deadline) shows
one row per element in the element's own kind (``user``, ``duration``), each
removable; :func:`set_value` at the list's own pointer also takes the whole
list as one comma-separated text. The edit functions are in
:mod:`studio.editor.config_edits`; input formats in :mod:`config_values`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from studio.editor.config_edits import add_item, add_optional, remove_item, set_value
from studio.editor.config_schema import Schema, escape, kind_of, parent, resolve
from studio.editor.config_values import shown

__all__ = [
    "PHRASES",
    "FieldRow",
    "Option",
    "add_item",
    "add_optional",
    "remove_item",
    "rows",
    "set_value",
]

# The panel's own few words; everything else comes from the vocabulary.
PHRASES: dict[str, tuple[str, str]] = {
    "not_set": ("Not set", "未设置"),
    "settings": ("Settings", "设置"),
    "item": ("Item {n}", "第 {n} 项"),
    "map_help": ("One per line, as name: value.", "每行一项，格式为“名称: 值”。"),
}
LONG_TEXT = 500  # free text allowed this long gets a box of several lines


@dataclasses.dataclass
class Option:
    value: str
    label: str


@dataclasses.dataclass
class FieldRow:
    """One line of the panel. Inputs hold strings; see :mod:`config_values`."""

    pointer: str  # JSON pointer relative to the config, e.g. "/levels/0/role"
    # text | number | integer | boolean | select | duration | expression | role | user
    # | form | list | item | group | optional (see the module docstring)
    kind: str
    label: str
    help: str = ""
    value: str = ""  # "" when unset; "true"/"false" for boolean; the amount for duration
    unit: str = ""  # duration: minutes | hours | days | weeks ("" when none is exact)
    options: list[Option] = dataclasses.field(default_factory=list)  # select
    error: str = ""  # the validation message(s) for this row, in the panel's language
    depth: int = 0  # nesting level, for indentation
    required: bool = False
    removable: bool = False  # an item, a present optional group or an unknown setting
    can_add: bool = False  # a list below its maxItems, or an absent optional group
    multiline: bool = False  # long free text or a map: a box of several lines


@dataclasses.dataclass(frozen=True)
class _Panel:
    """What every row needs to know: the schema root (for ``$ref``), the
    vocabulary (JSON, as served) and the language."""

    root: Schema
    vocabulary: Mapping[str, Any]
    language: str

    def text(self, words: Any) -> str:
        if not isinstance(words, Mapping):
            return ""
        return str(words.get(self.language) or words.get("en") or "")

    def phrase(self, key: str, **fields: object) -> str:
        english, chinese = PHRASES[key]
        return (chinese if self.language == "zh-CN" else english).format(**fields)

    def words(self, name: str) -> Mapping[str, Any]:
        entry = (self.vocabulary.get("fields") or {}).get(name)
        return entry if isinstance(entry, Mapping) else {}

    def label(self, name: str) -> str:
        return self.text(self.words(name).get("label")) or name.replace("_", " ").capitalize()

    def help(self, name: str, schema: Schema) -> str:
        words = self.words(name)
        if words:
            return self.text(words.get("help"))
        # A name the vocabulary lacks (a newer server): the schema's own note.
        return str(schema.get("description") or "")

    def item(self, name: str, number: int) -> str:
        heading = self.text(self.words(name).get("item"))
        return heading.format(n=number) if heading else self.phrase("item", n=number)

    def choice(self, value: str) -> str:
        return self.text((self.vocabulary.get("choices") or {}).get(value)) or value


_ABSENT = object()


def _scalar(
    panel: _Panel, row: FieldRow, written: Schema, schema: Schema, current: Any
) -> FieldRow:
    """``row`` completed for an input: its text, unit and choices."""
    kind = kind_of(schema)
    default = written.get("default", schema.get("default"))
    stored = default if current is _ABSENT else current
    row.value, row.unit = shown(kind, stored)
    if kind == "map":
        row.kind, row.multiline = "text", True
        row.help = " ".join(filter(None, [row.help, panel.phrase("map_help")]))
    elif kind in ("group", "list"):  # a shape the panel has no input for: its JSON
        row.kind = "text"
    else:
        row.kind = kind
    if kind == "text":
        row.multiline = "pattern" not in schema and schema.get("maxLength", 0) >= LONG_TEXT
    if kind == "select":
        if not row.required and default is None:
            row.options.append(Option("", panel.phrase("not_set")))
        row.options += [Option(str(v), panel.choice(str(v))) for v in schema["enum"]]
        if row.value and row.value not in {o.value for o in row.options}:
            row.options.append(Option(row.value, row.value))  # stored but not allowed
    return row


def _object(panel: _Panel, schema: Schema, value: Any, pointer: str, depth: int) -> list[FieldRow]:
    """The rows of an object's properties (in schema order), then of any
    setting the schema does not know, so it can be seen and removed."""
    value = value if isinstance(value, Mapping) else {}
    properties: Mapping[str, Any] = schema.get("properties") or {}
    required = set(schema.get("required") or ())
    out: list[FieldRow] = []
    for name, written in properties.items():
        at = f"{pointer}/{escape(name)}"
        out += _property(
            panel, name, written, value.get(name, _ABSENT), at, depth, name in required
        )
    for name in value:
        if name not in properties:
            row = FieldRow(f"{pointer}/{escape(name)}", "text", panel.label(name), depth=depth)
            row.value, _ = shown("text", value[name])
            row.removable = True
            out.append(row)
    return out


def _property(
    panel: _Panel,
    name: str,
    written: Schema,
    current: Any,
    pointer: str,
    depth: int,
    required: bool,
) -> list[FieldRow]:
    schema, _ = resolve(written, panel.root)
    kind = kind_of(schema)
    row = FieldRow(pointer, kind, panel.label(name), panel.help(name, schema), depth=depth)
    row.required = required
    if kind == "group":
        present = isinstance(current, Mapping)
        if not present and not required:
            row.kind, row.can_add = "optional", True
            return [row]
        row.removable = present and not required
        return [row, *_object(panel, schema, current, pointer, depth + 1)]
    if kind == "list":
        return _list(panel, name, schema, current, row)
    return [_scalar(panel, row, written, schema, current)]


def _list(
    panel: _Panel, name: str, schema: Schema, current: Any, header: FieldRow
) -> list[FieldRow]:
    elements = current if isinstance(current, list) else []
    most, least = schema.get("maxItems"), schema.get("minItems", 0)
    header.can_add = not isinstance(most, int) or len(elements) < most
    items, _ = resolve(schema.get("items") or {}, panel.root)
    out = [header]
    for index, element in enumerate(elements):
        row = FieldRow(f"{header.pointer}/{index}", "item", panel.item(name, index + 1))
        row.depth, row.removable = header.depth + 1, len(elements) > least
        if kind_of(items) == "group":
            out += [row, *_object(panel, items, element, row.pointer, header.depth + 2)]
        else:
            row.required = True
            out.append(_scalar(panel, row, schema.get("items") or {}, items, element))
    return out


def _pin(out: list[FieldRow], errors: Mapping[str, str], panel: _Panel) -> list[FieldRow]:
    """Each message on the row of its pointer or, when there is none (a part
    that is absent, a setting without a row), on the nearest row above it.
    What has no row at all goes on a "Settings" header at the top."""
    by_pointer = {row.pointer: row for row in out}
    loose = []
    for pointer, message in errors.items():
        at = pointer
        while at and at not in by_pointer:
            at = parent(at)
        if at in by_pointer:
            row = by_pointer[at]
            row.error = f"{row.error} {message}" if row.error else message
        else:
            loose.append(message)
    if loose:
        out.insert(0, FieldRow("", "group", panel.phrase("settings"), error=" ".join(loose)))
    return out


def rows(
    schema: Mapping[str, Any],
    value: Mapping[str, Any],
    errors: Mapping[str, str],
    vocabulary: Mapping[str, Any],
    language: str,
) -> list[FieldRow]:
    """The panel of a config ``value`` under its ``schema``: one row per setting,
    labelled from ``vocabulary`` in ``language`` (English when a word is missing
    in it, the setting's own name when missing altogether), each with the
    messages of ``errors`` (relative pointer -> message) that concern it."""
    panel = _Panel(schema, vocabulary, language)
    root, _ = resolve(schema, schema)
    return _pin(_object(panel, root, value, "", 0), errors, panel)
