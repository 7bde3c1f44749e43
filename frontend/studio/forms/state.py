"""The form designer's State: the form being edited, its field list and palette.

Loading, validation, saving with If-Match, conflicts and unsaved work in the
browser come from :class:`~studio.documents.state.DraftMixin`; each edit is one
pure function of ``forms/model.py``. The panels beside the list (the selected
field's settings, the form's own settings, the preview) are States of their own
under this one (``field_state.py``, ``form_state.py``, ``preview_state.py``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import reflex as rx

from studio import api
from studio.documents.content import ErrorItem, localized
from studio.documents.state import DraftMixin
from studio.forms import model, types
from studio.forms.preview import pin
from studio.labels import text
from studio.session import SessionState

__all__ = ["FieldRow", "FormDesignerState", "PaletteEntry", "type_label"]

TABS = ("field", "form", "preview")


def type_label(field_type: str, language: str) -> str:
    if field_type in types.FIELD_TYPES:
        return text(language, f"forms.type_{field_type}")
    return text(language, "forms.unknown_type", type=field_type)


@dataclasses.dataclass
class PaletteEntry:
    type: str
    label: str
    icon: str


@dataclasses.dataclass
class FieldRow:
    """One line of the field list."""

    index: int
    key: str
    label: str
    type: str
    type_label: str
    icon: str
    required: bool
    conditional: bool  # shown or required only in some contexts
    exemptible: bool
    errors: int
    error_text: str
    selected: bool
    last: bool


class FormDesignerState(DraftMixin, SessionState):
    selected: int = -1  # the index of the field whose settings are open; -1: none
    tab: str = "field"
    _roles: list[str] = []  # business roles to suggest

    def _kind(self) -> str:
        return "form"

    def _words(self) -> str:
        return "forms"

    def _opened(self) -> None:
        self.selected, self.tab = -1, "field"

    async def _loaded(self) -> None:
        """The business roles rules may name: the API's list, or (until it has one) the
        roles the permission matrices name."""
        try:
            roles = await api.business_roles(self.token)
            if roles is None:
                roles = (await api.choices(self.token)).roles
        except api.ApiError:
            roles = []  # only suggestions: any role may still be typed
        self._roles = roles

    # ---- what the page shows -------------------------------------------------

    @rx.var
    def palette(self) -> list[PaletteEntry]:
        return [
            PaletteEntry(type=t.name, label=type_label(t.name, self.lang), icon=t.icon)
            for t in types.TYPES
        ]

    @rx.var
    def field_rows(self) -> list[FieldRow]:
        pins = pin(self._localized_problems())
        items = model.fields(self._document)
        rows = []
        for index, item in enumerate(items):
            kind = str(item.get("type", ""))
            own = pins.fields.get(index, [])
            rows.append(
                FieldRow(
                    index=index,
                    key=str(item.get("key", "")),
                    label=localized(item.get("label"), self.lang) or str(item.get("key", "")),
                    type=kind,
                    type_label=type_label(kind, self.lang),
                    icon=types.icon(kind),
                    required=bool(item.get("required")),
                    conditional=bool(item.get("show_when") or item.get("require_when")),
                    exemptible=bool(item.get("exemptible")),
                    errors=len(own),
                    error_text="\n".join(message for _, message in own),
                    selected=index == self.selected,
                    last=index == len(items) - 1,
                )
            )
        return rows

    @rx.var
    def field_count(self) -> int:
        return len(model.fields(self._document))

    @rx.var
    def form_error_count(self) -> int:
        return len(pin(self._localized_problems()).form)

    @rx.var
    def error_items(self) -> list[ErrorItem]:
        items = model.fields(self._document)
        whole = text(self.lang, "forms.document_error")
        lines = []
        for problem in self._localized_problems():
            pins = pin([problem])
            if pins.fields:
                index = next(iter(pins.fields))
                item = items[index] if index < len(items) else {}
                about = localized(item.get("label"), self.lang) or str(item.get("key", index))
                lines.append(ErrorItem(str(index), about, problem.pointer, problem.message))
            else:
                lines.append(ErrorItem("", whole, problem.pointer, problem.message))
        return lines

    @rx.var
    def role_suggestions(self) -> list[str]:
        named = {
            role
            for item in model.fields(self._document)
            for rule in model.RULES
            if isinstance(item.get(rule), dict)
            for role in item[rule].get("roles") or []
            if isinstance(role, str)
        }
        return sorted({*self._roles, *named})

    # ---- choosing what the panel shows ------------------------------------------

    @rx.event
    def select_field(self, index: int) -> None:
        self.selected, self.tab = int(index), "field"

    @rx.event
    def set_tab(self, tab: str | list[str]) -> None:
        if isinstance(tab, list):
            tab = tab[0] if tab else ""
        if tab in TABS:
            self.tab = tab

    @rx.event
    def focus(self, target: str) -> None:
        """An error clicked in the list: its field's settings, or the form's."""
        if target.isdigit():
            self.selected, self.tab = int(target), "field"
        else:
            self.tab = "form"

    # ---- the field list ---------------------------------------------------------

    def _new_label(self, field_type: str) -> dict[str, str]:
        n = 1 + sum(1 for f in model.fields(self._document) if f.get("type") == field_type)
        en = type_label(field_type, "en")
        zh = type_label(field_type, "zh-CN")
        return {"en": f"{en} {n}", "zh-CN": f"{zh} {n}"}

    def _option_words(self) -> dict[str, str]:
        return {"en": text("en", "forms.option_n"), "zh-CN": text("zh-CN", "forms.option_n")}

    async def _add(self, field_type: str, at: int | None) -> AsyncIterator[Any]:
        before = len(model.fields(self._document))
        document = model.add_field(
            self._document, field_type, at, self._new_label(field_type), self._option_words()
        )
        if len(model.fields(document)) == before:
            return
        self.selected = before if at is None else max(0, min(int(at), before))
        self.tab = "field"
        async for update in self._apply(document):
            yield update

    @rx.event
    async def append_field(self, field_type: str) -> AsyncIterator[Any]:
        """A palette entry clicked: the field goes at the end."""
        async for update in self._add(field_type, None):
            yield update

    @rx.event
    async def drop_field(self, drop: dict[str, Any]) -> AsyncIterator[Any]:
        """A palette entry dropped on the list at position ``at``."""
        async for update in self._add(str(drop.get("type", "")), int(drop.get("at", 0))):
            yield update

    @rx.event
    async def move_field(self, move: dict[str, Any]) -> AsyncIterator[Any]:
        """A field dragged to another place (``{from, to}``), or moved by its buttons."""
        source, target = int(move.get("from", -1)), int(move.get("to", -1))
        document = model.move_field(self._document, source, target)
        if document is self._document:
            return
        if self.selected == source:
            self.selected = target
        elif source < self.selected <= target:
            self.selected -= 1
        elif target <= self.selected < source:
            self.selected += 1
        async for update in self._apply(document):
            yield update

    @rx.event
    async def move_up(self, index: int) -> AsyncIterator[Any]:
        async for update in self.move_field({"from": index, "to": int(index) - 1}):
            yield update

    @rx.event
    async def move_down(self, index: int) -> AsyncIterator[Any]:
        async for update in self.move_field({"from": index, "to": int(index) + 1}):
            yield update

    @rx.event
    async def remove_field(self, index: int) -> AsyncIterator[Any]:
        index = int(index)
        if self.selected == index:
            self.selected = -1
        elif self.selected > index:
            self.selected -= 1
        async for update in self._apply(model.remove_field(self._document, index)):
            yield update
