"""The live preview: the form as someone in a chosen role sees it for a chosen
customer type (any choice field's value) and stage, computed from the document
being edited (``preview.shown_fields``), so it follows every edit at once."""

from __future__ import annotations

import dataclasses

import reflex as rx

from studio.documents.content import localized
from studio.forms import model, types
from studio.forms.field_state import Choice
from studio.forms.preview import choice_fields, shown_fields
from studio.forms.state import FormDesignerState, type_label
from studio.labels import text

__all__ = ["FormPreviewState", "PreviewChoice", "PreviewRow"]


@dataclasses.dataclass
class PreviewChoice:
    """One choice field whose value the preview assumes."""

    key: str
    label: str
    value: str
    choices: list[Choice]
    is_stage: bool


@dataclasses.dataclass
class PreviewRow:
    key: str
    label: str
    type_label: str
    icon: str
    help: str
    shown: bool
    required: bool
    exemptible: bool
    choices: list[str]  # a choice field's options, for the drawn input


class FormPreviewState(FormDesignerState):
    preview_role: str = ""
    preview_values: dict[str, str] = {}

    def _context(self) -> dict[str, str]:
        known = {str(f["key"]) for f in choice_fields(self._document)}
        return {k: v for k, v in self.preview_values.items() if v and k in known}

    @rx.var
    def preview_choices(self) -> list[PreviewChoice]:
        stage = self._document.get("stage_field")
        context = self._context()
        return [
            PreviewChoice(
                key=str(f["key"]),
                label=localized(f.get("label"), self.lang) or str(f["key"]),
                value=context.get(str(f["key"]), ""),
                choices=[
                    Choice(str(o.get("value")), localized(o.get("label"), self.lang))
                    for o in f.get("options") or []
                    if isinstance(o, dict) and o.get("value")
                ],
                is_stage=f.get("key") == stage,
            )
            for f in choice_fields(self._document)
        ]

    @rx.var
    def preview_rows(self) -> list[PreviewRow]:
        return self._preview_rows()

    def _preview_rows(self) -> list[PreviewRow]:
        roles = [self.preview_role] if self.preview_role else []
        states = shown_fields(self._document, self._context(), roles)
        rows = []
        for item, state in zip(model.fields(self._document), states, strict=True):
            rows.append(
                PreviewRow(
                    key=state.key,
                    label=localized(item.get("label"), self.lang) or state.key,
                    type_label=type_label(state.type, self.lang),
                    icon=types.icon(state.type),
                    help=localized(item.get("help"), self.lang),
                    shown=state.shown,
                    required=state.required,
                    exemptible=state.exemptible and state.shown,
                    choices=[
                        localized(o.get("label"), self.lang) or str(o.get("value"))
                        for o in item.get("options") or []
                        if isinstance(o, dict)
                    ],
                )
            )
        return rows

    @rx.var
    def preview_summary(self) -> str:
        rows = self._preview_rows()
        shown = sum(1 for r in rows if r.shown)
        required = sum(1 for r in rows if r.required)
        return text(
            self.lang,
            "forms.preview_summary",
            shown=shown,
            total=len(rows),
            required=required,
        )

    @rx.event
    def set_preview_role(self, role: str) -> None:
        self.preview_role = role.strip()

    @rx.event
    def set_preview_value(self, key: str, value: str) -> None:
        self.preview_values = {**self.preview_values, key: value}
