""" "Preview as role": what a role sees and may do on the chosen form at the chosen
stage. The API's answer (``GET /permissions/preview?source=draft``) is shown
while it describes what is on screen (the saved draft, nothing unsaved since);
otherwise, or while the API cannot answer, the view derived from the grid
(``preview.role_view``), marked as such."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import reflex as rx

from studio import api
from studio.labels import text
from studio.matrices.preview import role_view
from studio.matrices.state import MatrixEditorState

__all__ = ["MatrixPreviewState", "PreviewLine"]


@dataclasses.dataclass
class PreviewLine:
    key: str
    label: str
    access: str
    access_label: str
    shown: bool
    required: bool


class MatrixPreviewState(MatrixEditorState):
    preview_role: str = ""
    asking: bool = False
    _answer: api.PermissionPreview | None = None
    _answer_for: str = ""  # what the answer describes: role|form|stage|revision

    def _question(self) -> str:
        return f"{self.preview_role}|{self.form}|{self.stage}|{self.base_revision}"

    def _from_server(self) -> bool:
        return self._answer is not None and not self.dirty and self._answer_for == self._question()

    @rx.var
    def preview_source(self) -> str:
        if not self.preview_role:
            return ""
        key = "matrices.preview_server" if self._from_server() else "matrices.preview_grid"
        return text(self.lang, key)

    @rx.var
    def from_server(self) -> bool:
        return self._from_server()

    def _view(self) -> tuple[str | None, bool, list[PreviewLine], list[str]]:
        if self._answer is not None and self._from_server():
            answer = self._answer
            lines = [(f.key, f.label, f.access, f.shown, f.required) for f in answer.fields]
            scope, create, actions = answer.row_scope, answer.may_create, answer.actions
        else:
            view = role_view(
                self._document,
                self._forms.get(self.form, {}),
                self.preview_role,
                self.stage,
                datetime.now(UTC),
                self.lang,
            )
            lines = [(f.key, f.label, f.access, f.shown, f.required) for f in view.fields]
            scope, create, actions = view.row_scope, view.may_create, view.actions
        return (
            scope,
            create,
            [
                PreviewLine(k, label, a, text(self.lang, f"matrices.access_{a}"), shown, req)
                for k, label, a, shown, req in lines
            ],
            actions,
        )

    @rx.var
    def preview_lines(self) -> list[PreviewLine]:
        return self._view()[2] if self.preview_role else []

    @rx.var
    def preview_facts(self) -> list[str]:
        """Row scope, whether new records may be made, and the actions, in words."""
        if not self.preview_role:
            return []
        scope, create, _, actions = self._view()
        facts = [
            text(self.lang, f"matrices.preview_scope_{scope}")
            if scope
            else text(self.lang, "matrices.preview_no_rows"),
            text(self.lang, "matrices.preview_create" if create else "matrices.preview_no_create"),
        ]
        named = ", ".join(text(self.lang, f"matrices.action_{a}") for a in actions) or "—"
        facts.append(text(self.lang, "matrices.preview_actions", actions=named))
        return facts

    @rx.event
    async def set_preview_role(self, role: str) -> AsyncIterator[Any]:
        self.preview_role = role.strip()
        async for update in self.ask():
            yield update

    @rx.event
    async def ask(self) -> AsyncIterator[Any]:
        """Ask the API what the saved draft gives the role (nothing when there is
        something unsaved: the grid says it better)."""
        if not self.preview_role or not self.form or self.dirty or self.base_revision < 0:
            return
        question = self._question()
        self.asking = True
        yield
        try:
            answer = await api.permission_preview(
                self.token, self.preview_role, self.form, self.stage or None, "draft"
            )
        except api.ApiError:
            answer = None  # the grid's view stands in
        finally:
            self.asking = False
        self._answer, self._answer_for = answer, question if answer is not None else ""
