"""The matrix editor's State: the matrix being edited, the form whose fields the
grid shows, the stage tab, and the grid of roles (and grants) × fields.

Loading, validation, saving with If-Match, conflicts and unsaved work in the
browser come from :class:`~studio.documents.state.DraftMixin`; each edit is one
pure function of ``matrices/model.py``. Grants, the preview and publishing the
form with the matrix are States of their own under this one.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
from collections.abc import AsyncIterator
from typing import Any

import reflex as rx

from studio import api
from studio.documents.content import ErrorItem, localized
from studio.documents.state import DraftMixin
from studio.forms import types
from studio.forms.model import fields
from studio.labels import text
from studio.matrices import model
from studio.session import SessionState

__all__ = ["Cell", "Choice", "Column", "GridRow", "MatrixEditorState", "holder_errors"]

_HOLDER = re.compile(r"^/(roles|grants)/(\d+)(/.*)?$")


def holder_errors(problems: list[Any]) -> dict[str, list[str]]:
    """Messages per holder (``role:0``, ``grant:2``); ``""`` for the matrix as a whole."""
    found: dict[str, list[str]] = {}
    for problem in problems:
        match = _HOLDER.match(problem.pointer)
        name = f"{'role' if match[1] == 'roles' else 'grant'}:{match[2]}" if match else ""
        found.setdefault(name, []).append(problem.message)
    return found


@dataclasses.dataclass
class Choice:
    value: str
    label: str


@dataclasses.dataclass
class Column:
    key: str
    label: str
    icon: str


@dataclasses.dataclass
class Cell:
    field: str
    access: str
    label: str
    explicit: bool


@dataclasses.dataclass
class GridRow:
    kind: str  # role or grant
    index: int
    name: str
    note: str  # a grant's reason
    has_rule: bool
    access: str
    row_scope: str
    cells: list[Cell]
    errors: str
    target: str  # "role:0", "grant:1"


class MatrixEditorState(DraftMixin, SessionState):
    form: str = ""  # the form whose fields the grid shows
    stage: str = ""  # the stage tab ("": the default access of every stage)
    new_role: str = ""
    highlight: str = ""  # the holder ("role:0", "grant:1") an error click pointed at
    offset_minutes: int = 0  # the browser's offset east of UTC, for new grant times
    _forms: dict[str, dict[str, Any]] = {}  # key -> content (draft, else newest version)
    _roles: list[str] = []

    def _kind(self) -> str:
        return "permission_matrix"

    def _words(self) -> str:
        return "matrices"

    def _opened(self) -> None:
        self.form, self.stage, self.new_role, self.highlight = "", "", "", ""

    async def _loaded(self) -> None:
        summaries = await api.list_documents(self.token, "form")
        opened = await asyncio.gather(
            *(api.draft(self.token, s.key, "form") for s in summaries), return_exceptions=True
        )
        self._forms = {
            s.key: o.content
            for s, o in zip(summaries, opened, strict=True)
            if isinstance(o, api.Draft)
        }
        named = [
            str(r.get("form"))
            for holder in [
                *(self._document.get("roles") or []),
                *(self._document.get("grants") or []),
            ]
            if isinstance(holder, dict)
            for r in holder.get("forms") or []
            if isinstance(r, dict) and r.get("form") in self._forms
        ]
        self.form = named[0] if named else next(iter(sorted(self._forms)), "")
        try:
            roles = await api.business_roles(self.token)
        except api.ApiError:
            roles = None
        self._roles = roles or []

    @rx.event
    def detect_offset(self) -> Any:
        """The browser's time zone, for the times of new grants."""
        return rx.call_script(
            "-new Date().getTimezoneOffset()", callback=MatrixEditorState.set_offset
        )

    @rx.event
    def set_offset(self, minutes: int | str) -> None:
        try:
            self.offset_minutes = int(minutes)
        except (TypeError, ValueError):
            self.offset_minutes = 0

    # ---- what the page shows -------------------------------------------------

    def _form_document(self) -> dict[str, Any]:
        return self._forms.get(self.form, {})

    @rx.var
    def form_options(self) -> list[Choice]:
        return [
            Choice(key, f"{localized(content.get('title'), self.lang) or key} ({key})")
            for key, content in sorted(self._forms.items())
        ]

    @rx.var
    def form_title(self) -> str:
        return localized(self._form_document().get("title"), self.lang) or self.form

    @rx.var
    def stage_tabs(self) -> list[Choice]:
        """The stages of the chosen form (the options of its stage field)."""
        document = self._form_document()
        name = document.get("stage_field")
        target = next((f for f in fields(document) if f.get("key") == name), {})
        return [
            Choice(str(o.get("value")), localized(o.get("label"), self.lang) or str(o.get("value")))
            for o in target.get("options") or []
            if isinstance(o, dict) and o.get("value")
        ]

    @rx.var
    def columns(self) -> list[Column]:
        return [
            Column(
                str(f.get("key")),
                localized(f.get("label"), self.lang) or str(f.get("key")),
                types.icon(str(f.get("type"))),
            )
            for f in fields(self._form_document())
            if f.get("key")
        ]

    def _grid_row(
        self, kind: str, index: int, holder: dict[str, Any], errors: list[str]
    ) -> GridRow:
        rule = model.form_rule(holder, self.form)
        cells = []
        for f in fields(self._form_document()):
            key = str(f.get("key"))
            access, explicit = model.cell(rule, key, self.stage)
            cells.append(Cell(key, access, text(self.lang, f"matrices.access_{access}"), explicit))
        if kind == "role":
            name = str(holder.get("role") or "?")
        else:
            who = holder.get("user") or holder.get("role") or "?"
            name = text(self.lang, "matrices.grant_name", n=index + 1, who=who)
        return GridRow(
            kind=kind,
            index=index,
            name=name,
            note=str(holder.get("reason") or "") if kind == "grant" else "",
            has_rule=rule is not None,
            access=str((rule or {}).get("access", "read")),
            row_scope=str((rule or {}).get("row_scope", "own")),
            cells=cells,
            errors="\n".join(errors),
            target=f"{kind}:{index}",
        )

    @rx.var
    def grid_rows(self) -> list[GridRow]:
        errors = holder_errors(self._localized_problems())
        rows = []
        for kind, plural in model.HOLDERS.items():
            for index, holder in enumerate(self._document.get(plural) or []):
                if isinstance(holder, dict):
                    rows.append(
                        self._grid_row(kind, index, holder, errors.get(f"{kind}:{index}", []))
                    )
        return rows

    def _role_names(self) -> list[str]:
        return [
            str(r.get("role"))
            for r in self._document.get("roles") or []
            if isinstance(r, dict) and r.get("role")
        ]

    @rx.var
    def role_names(self) -> list[str]:
        return self._role_names()

    @rx.var
    def role_suggestions(self) -> list[str]:
        """Business roles the matrix does not name yet (the API's list, when it has one)."""
        return sorted(set(self._roles) - set(self._role_names()))

    @rx.var
    def matrix_errors(self) -> str:
        return "\n".join(holder_errors(self._localized_problems()).get("", []))

    @rx.var
    def error_items(self) -> list[ErrorItem]:
        lines = []
        for problem in self._localized_problems():
            match = _HOLDER.match(problem.pointer)
            about, target = text(self.lang, "matrices.document_error"), ""
            if match:
                kind = "role" if match[1] == "roles" else "grant"
                holder = model.holder(self._document, kind, int(match[2])) or {}
                target = f"{kind}:{match[2]}"
                name = holder.get("role") or holder.get("user") or match[2]
                about = text(self.lang, f"matrices.about_{kind}", name=name)
            lines.append(ErrorItem(target, about, problem.pointer, problem.message))
        return lines

    @rx.event
    def focus(self, target: str) -> None:
        """An error clicked: its row (or grant) is marked until another is clicked."""
        self.highlight = target

    # ---- choosing what the grid shows --------------------------------------------

    @rx.event
    def choose_form(self, key: str) -> None:
        if key in self._forms:
            self.form, self.stage = key, ""

    @rx.event
    def choose_stage(self, stage: str | list[str]) -> None:
        if isinstance(stage, list):
            stage = stage[0] if stage else ""
        self.stage = "" if stage == "__all__" else stage

    @rx.event
    def set_new_role(self, value: str) -> None:
        self.new_role = value

    # ---- grid edits ------------------------------------------------------------------

    @rx.event
    async def cycle(self, kind: str, index: int, field: str) -> AsyncIterator[Any]:
        document = model.cycle(self._document, kind, int(index), self.form, self.stage, field)
        async for update in self._apply(document):
            yield update

    @rx.event
    async def set_access(self, kind: str, index: int, access: str) -> AsyncIterator[Any]:
        changes = {"access": access}
        document = model.set_form_rule(self._document, kind, int(index), self.form, changes)
        async for update in self._apply(document):
            yield update

    @rx.event
    async def set_scope(self, kind: str, index: int, scope: str) -> AsyncIterator[Any]:
        changes = {"row_scope": scope}
        document = model.set_form_rule(self._document, kind, int(index), self.form, changes)
        async for update in self._apply(document):
            yield update

    @rx.event
    async def give_access(self, kind: str, index: int) -> AsyncIterator[Any]:
        document = model.give_access(self._document, kind, int(index), self.form)
        async for update in self._apply(document):
            yield update

    @rx.event
    async def remove_access(self, kind: str, index: int) -> AsyncIterator[Any]:
        document = model.remove_access(self._document, kind, int(index), self.form)
        async for update in self._apply(document):
            yield update

    @rx.event
    async def add_role(self) -> AsyncIterator[Any]:
        role, self.new_role = self.new_role.strip(), ""
        async for update in self._apply(model.add_role(self._document, role)):
            yield update

    @rx.event
    async def remove_role(self, index: int) -> AsyncIterator[Any]:
        async for update in self._apply(model.remove_role(self._document, int(index))):
            yield update

    @rx.event
    async def toggle_action(self, kind: str, index: int, action: str) -> AsyncIterator[Any]:
        document = model.toggle_action(self._document, kind, int(index), action)
        async for update in self._apply(document):
            yield update

    @rx.event
    async def set_workflows(self, kind: str, index: int, raw: str) -> AsyncIterator[Any]:
        keys = raw.replace("，", ",").split(",")
        document = model.set_workflows(self._document, kind, int(index), keys)
        async for update in self._apply(document):
            yield update
