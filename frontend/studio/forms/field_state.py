"""The selected field's settings: what the panel shows, and each change as one edit.

Which settings appear depends on the field's type (``types.py``); each setting
shows the errors whose pointer lies under it (``/fields/3/show_when/in/0`` under
the "shown when" rule of field 3), the rest at the top of the panel.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import reflex as rx

from studio.documents.content import localized
from studio.forms import model, types
from studio.forms.preview import choice_fields, pin, section
from studio.forms.state import FormDesignerState, type_label

__all__ = ["FieldPanelState", "OptionRow", "RuleView", "ValueChoice"]

# The field's own settings a pointer may fall under; anything else is shown on top.
SECTIONS = ("key", "label", "help", "type", *types.SETTINGS, "show_when")


@dataclasses.dataclass
class Choice:
    value: str
    label: str


@dataclasses.dataclass
class OptionRow:
    index: int
    value: str
    en: str
    zh: str
    error: str


@dataclasses.dataclass
class ValueChoice:
    value: str
    label: str
    checked: bool
    stale: bool  # chosen, but no longer an option of the field


@dataclasses.dataclass
class RuleView:
    on: bool
    field: str
    choices: list[ValueChoice]
    roles: str  # comma-separated, as typed
    error: str


def _number(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


class FieldPanelState(FormDesignerState):
    def _field(self) -> dict[str, Any] | None:
        return model.field_at(self._document, self.selected)

    def _errors(self) -> list[tuple[str, str]]:
        return pin(self._localized_problems()).fields.get(self.selected, [])

    @rx.var
    def has_field(self) -> bool:
        return self._field() is not None

    @rx.var
    def setting(self) -> dict[str, str]:
        """The inputs' values, as text."""
        item = self._field() or {}
        label, help_ = item.get("label") or {}, item.get("help") or {}
        kind = str(item.get("type", ""))
        return {
            "key": str(item.get("key", "")),
            "type": kind,
            "type_label": type_label(kind, self.lang),
            "icon": types.icon(kind),
            "en": str(label.get("en", "")) if isinstance(label, dict) else "",
            "zh": str(label.get("zh-CN", "")) if isinstance(label, dict) else "",
            "help_en": str(help_.get("en", "")) if isinstance(help_, dict) else "",
            "help_zh": str(help_.get("zh-CN", "")) if isinstance(help_, dict) else "",
            "min": _number(item.get("min")),
            "max": _number(item.get("max")),
            "pattern": str(item.get("pattern") or ""),
            "currency": str(item.get("currency") or ""),
            "expression": str(item.get("expression") or ""),
            "accept": ", ".join(str(a) for a in item.get("accept") or []),
            "bounds": types.bounds(kind),
        }

    @rx.var
    def flags(self) -> dict[str, bool]:
        """Switches (``required``…), and ``has_<setting>``: whether the type has it."""
        item = self._field() or {}
        kind = str(item.get("type", ""))
        found = {name: bool(item.get(name)) for name in ("required", "unique", "multiple")}
        found["exemptible"] = bool(item.get("exemptible"))
        found["reasons"] = bool(self._document.get("exemption_reasons"))
        for name in types.SETTINGS:
            found[f"has_{name}"] = types.applies(kind, name)
        return found

    @rx.var
    def section_errors(self) -> dict[str, str]:
        """Each setting's errors in words ("" when none); ``""`` holds the rest."""
        return self._section_errors()

    def _section_errors(self) -> dict[str, str]:
        found = dict.fromkeys(("", *SECTIONS), "")
        for relative, message in self._errors():
            name = section(relative)
            name = name if name in found else ""
            if name == "options" and relative.count("/") > 2:
                continue  # shown beside the option itself
            found[name] = f"{found[name]}\n{message}".strip()
        return found

    @rx.var
    def type_choices(self) -> list[Choice]:
        return [Choice(t, type_label(t, self.lang)) for t in types.FIELD_TYPES]

    @rx.var
    def option_rows(self) -> list[OptionRow]:
        item = self._field() or {}
        errors: dict[int, str] = {}
        for relative, message in self._errors():
            parts = relative.split("/")
            if len(parts) > 2 and parts[1] == "options" and parts[2].isdigit():
                errors[int(parts[2])] = f"{errors.get(int(parts[2]), '')}\n{message}".strip()
        rows = []
        for j, option in enumerate(item.get("options") or []):
            if not isinstance(option, dict):
                continue
            label = option.get("label") or {}
            rows.append(
                OptionRow(
                    index=j,
                    value=str(option.get("value", "")),
                    en=str(label.get("en", "")) if isinstance(label, dict) else "",
                    zh=str(label.get("zh-CN", "")) if isinstance(label, dict) else "",
                    error=errors.get(j, ""),
                )
            )
        return rows

    @rx.var
    def rule_fields(self) -> list[Choice]:
        """The choice fields a rule of the selected field may look at (not itself)."""
        own = (self._field() or {}).get("key")
        return [
            Choice(str(f["key"]), localized(f.get("label"), self.lang) or str(f["key"]))
            for f in choice_fields(self._document)
            if f.get("key") != own
        ]

    def _rule(self, rule: str) -> RuleView:
        item = self._field() or {}
        condition = item.get(rule)
        errors = self._section_errors().get(rule, "")
        if not isinstance(condition, dict):
            return RuleView(on=False, field="", choices=[], roles="", error=errors)
        name = str(condition.get("field") or "")
        target = next((f for f in choice_fields(self._document) if f.get("key") == name), {})
        chosen = [str(v) for v in condition.get("in") or []]
        values = [
            ValueChoice(
                value=str(o.get("value")),
                label=localized(o.get("label"), self.lang) or str(o.get("value")),
                checked=o.get("value") in chosen,
                stale=False,
            )
            for o in target.get("options") or []
            if isinstance(o, dict)
        ]
        known = {v.value for v in values}
        values += [ValueChoice(v, v, True, True) for v in chosen if v not in known]
        roles = ", ".join(str(r) for r in condition.get("roles") or [])
        return RuleView(on=True, field=name, choices=values, roles=roles, error=errors)

    @rx.var
    def show_rule(self) -> RuleView:
        return self._rule("show_when")

    @rx.var
    def require_rule(self) -> RuleView:
        return self._rule("require_when")

    # ---- changes -------------------------------------------------------------------

    async def _edit(self, changes: dict[str, Any]) -> AsyncIterator[Any]:
        document = model.update_field(self._document, self.selected, changes)
        async for update in self._apply(document):
            yield update

    @rx.event
    async def set_label(self, language: str, value: str) -> AsyncIterator[Any]:
        item = self._field()
        if item is None:
            return
        label = model.set_label(item.get("label"), language, value)
        async for update in self._edit({"label": label or {"en": str(item.get("key"))}}):
            yield update

    @rx.event
    async def set_help(self, language: str, value: str) -> AsyncIterator[Any]:
        item = self._field()
        if item is not None:
            async for update in self._edit(
                {"help": model.set_label(item.get("help"), language, value)}
            ):
                yield update

    @rx.event
    async def set_key(self, value: str) -> AsyncIterator[Any]:
        async for update in self._apply(model.rename_field(self._document, self.selected, value)):
            yield update

    @rx.event
    async def set_type(self, value: str) -> AsyncIterator[Any]:
        async for update in self._apply(model.set_type(self._document, self.selected, value)):
            yield update

    @rx.event
    async def set_flag(self, name: str, on: bool) -> AsyncIterator[Any]:
        if name in ("required", "unique", "multiple", "exemptible"):
            async for update in self._edit({name: bool(on)}):
                yield update

    @rx.event
    async def set_bound(self, name: str, raw: str) -> AsyncIterator[Any]:
        """``min`` or ``max`` typed; not a number leaves the bound out."""
        if name not in ("min", "max"):
            return
        try:
            number: float | int | None = float(raw.strip().replace(",", "."))
        except ValueError:
            number = None
        if number is not None and float(number).is_integer():
            number = int(number)
        async for update in self._edit({name: number}):
            yield update

    @rx.event
    async def set_text(self, name: str, raw: str) -> AsyncIterator[Any]:
        """``pattern``, ``currency`` or ``expression`` typed."""
        if name not in ("pattern", "currency", "expression"):
            return
        value = raw.strip().upper() if name == "currency" else raw.strip()
        async for update in self._edit({name: value or None}):
            yield update

    @rx.event
    async def set_accept(self, raw: str) -> AsyncIterator[Any]:
        accepted = [part.strip() for part in raw.split(",") if part.strip()]
        async for update in self._edit({"accept": accepted}):
            yield update

    # options of a choice field
    @rx.event
    async def add_option(self) -> AsyncIterator[Any]:
        words = self._option_words()
        async for update in self._apply(model.add_option(self._document, self.selected, words)):
            yield update

    @rx.event
    async def set_option(self, j: int, part: str, value: str) -> AsyncIterator[Any]:
        document = model.set_option(self._document, self.selected, int(j), part, value)
        async for update in self._apply(document):
            yield update

    @rx.event
    async def remove_option(self, j: int) -> AsyncIterator[Any]:
        async for update in self._apply(model.remove_option(self._document, self.selected, int(j))):
            yield update

    # the elastic rules
    @rx.event
    async def set_rule_on(self, rule: str, on: bool) -> AsyncIterator[Any]:
        document = model.set_rule(self._document, self.selected, rule, on=bool(on))
        async for update in self._apply(document):
            yield update

    @rx.event
    async def set_rule_field(self, rule: str, name: str) -> AsyncIterator[Any]:
        document = model.set_rule(self._document, self.selected, rule, field=name)
        async for update in self._apply(document):
            yield update

    @rx.event
    async def toggle_rule_value(self, rule: str, value: str) -> AsyncIterator[Any]:
        document = model.toggle_rule_value(self._document, self.selected, rule, value)
        async for update in self._apply(document):
            yield update

    @rx.event
    async def set_rule_roles(self, rule: str, raw: str) -> AsyncIterator[Any]:
        roles = [part.strip() for part in raw.replace("，", ",").split(",")]
        document = model.set_rule(self._document, self.selected, rule, roles=roles)
        async for update in self._apply(document):
            yield update

    @rx.event
    def open_form_tab(self) -> None:
        """From the exemption switch: the form's reasons are edited on its own tab."""
        self.tab = "form"
