"""The form's own settings: its title, which fields say a record's stage, owner and
region, and the reasons a field may be skipped with (exemptions, 免填)."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import reflex as rx

from studio.documents.content import localized
from studio.forms import model
from studio.forms.field_state import Choice, OptionRow
from studio.forms.preview import pin
from studio.forms.state import FormDesignerState
from studio.labels import text

__all__ = ["FormSettingsState", "Picker"]

# Each picker and the field type it takes (as builder/checks/form.py checks).
PICKED = {"stage_field": "select", "owner_field": "user", "region_field": "region"}


@dataclasses.dataclass
class Picker:
    name: str  # stage_field, owner_field, region_field
    value: str
    choices: list[Choice]
    error: str


class FormSettingsState(FormDesignerState):
    def _form_errors(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for pointer, message in pin(self._localized_problems()).form:
            name = pointer.split("/")[1] if pointer.count("/") >= 1 else ""
            found[name] = f"{found.get(name, '')}\n{message}".strip()
        return found

    @rx.var
    def form_title(self) -> dict[str, str]:
        title = self._document.get("title") or {}
        title = title if isinstance(title, dict) else {}
        return {"en": str(title.get("en", "")), "zh": str(title.get("zh-CN", ""))}

    @rx.var
    def pickers(self) -> list[Picker]:
        errors = self._form_errors()
        found = []
        for name, wanted in PICKED.items():
            choices = [
                Choice(str(f["key"]), localized(f.get("label"), self.lang) or str(f["key"]))
                for f in model.fields(self._document)
                if f.get("type") == wanted and f.get("key")
            ]
            value = str(self._document.get(name) or "")
            if value and value not in {c.value for c in choices}:
                choices.append(Choice(value, value))  # dangling: the error says so
            found.append(Picker(name, value, choices, errors.get(name, "")))
        return found

    @rx.var
    def reason_rows(self) -> list[OptionRow]:
        errors: dict[int, str] = {}
        for pointer, message in pin(self._localized_problems()).form:
            parts = pointer.split("/")
            if len(parts) > 2 and parts[1] == "exemption_reasons" and parts[2].isdigit():
                errors[int(parts[2])] = f"{errors.get(int(parts[2]), '')}\n{message}".strip()
        rows = []
        for j, option in enumerate(self._document.get("exemption_reasons") or []):
            if not isinstance(option, dict):
                continue
            label = option.get("label") or {}
            label = label if isinstance(label, dict) else {}
            rows.append(
                OptionRow(
                    index=j,
                    value=str(option.get("value", "")),
                    en=str(label.get("en", "")),
                    zh=str(label.get("zh-CN", "")),
                    error=errors.get(j, ""),
                )
            )
        return rows

    @rx.var
    def other_form_errors(self) -> str:
        """The form's errors that no setting on this tab shows (its title, its key…)."""
        errors = self._form_errors()
        shown = {*PICKED, "exemption_reasons"}
        return "\n".join(message for name, message in errors.items() if name not in shown)

    # ---- changes ---------------------------------------------------------------------

    @rx.event
    async def set_title(self, language: str, value: str) -> AsyncIterator[Any]:
        title = model.set_label(self._document.get("title"), language, value)
        document = model.set_form(self._document, {"title": title or {"en": self.key}})
        async for update in self._apply(document):
            yield update

    @rx.event
    async def set_picker(self, name: str, value: str) -> AsyncIterator[Any]:
        if name in PICKED:
            async for update in self._apply(model.set_form(self._document, {name: value or None})):
                yield update

    @rx.event
    async def add_reason(self) -> AsyncIterator[Any]:
        words = {"en": text("en", "forms.reason_n"), "zh-CN": text("zh-CN", "forms.reason_n")}
        document = model.add_option(self._document, None, words, "exemption_reasons")
        async for update in self._apply(document):
            yield update

    @rx.event
    async def set_reason(self, j: int, part: str, value: str) -> AsyncIterator[Any]:
        document = model.set_option(self._document, None, int(j), part, value, "exemption_reasons")
        async for update in self._apply(document):
            yield update

    @rx.event
    async def remove_reason(self, j: int) -> AsyncIterator[Any]:
        document = model.remove_option(self._document, None, int(j), "exemption_reasons")
        async for update in self._apply(document):
            yield update
