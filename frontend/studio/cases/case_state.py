"""One case's State: its status and facts, where it waits now, its tasks, variables and
history, and the workflow version it runs drawn on the canvas with its path marked.

The canvas is the editor's, read-only; the version's content comes from the versions
API, the catalogue from the components API. A case whose version cannot be read is
still shown, without the drawing.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import reflex as rx

from studio import api
from studio.cases import story
from studio.cases.list_state import case_status
from studio.cases.story import StoryLine, Variable
from studio.cases.titles import WorkflowTitlesState
from studio.editor.graph import graph as draw
from studio.labels import text
from studio.session import LOGIN_ROUTE, error_key
from studio.tasks.model import (
    TaskRow,
    outcome_label,
    record_route,
    record_text,
    task_route,
    task_row,
)

__all__ = ["CaseState", "Waiting"]


@dataclasses.dataclass
class Waiting:
    node: str
    label: str
    since: str
    what: str
    task_route: str


class CaseState(WorkflowTitlesState):
    case_id: str = ""
    loading: bool = False
    load_error: str = ""  # a label key
    canvas_error: str = ""  # a label key
    revision: int = 0  # counts the cases drawn, so the canvas is fitted to each
    _case: api.CaseItem | None = None
    _document: dict[str, Any] = {}
    _catalogue: dict[str, dict[str, Any]] = {}

    # ---- the facts ----------------------------------------------------------------------

    @rx.var
    def found(self) -> bool:
        return self._case is not None

    @rx.var
    def short_id(self) -> str:
        return self.case_id[:8]

    @rx.var
    def workflow(self) -> str:
        case = self._case
        if case is None:
            return ""
        return self._title_of(case.workflow, self._document)

    @rx.var
    def workflow_key(self) -> str:
        return self._case.workflow if self._case else ""

    @rx.var
    def version_text(self) -> str:
        return text(self.lang, "cases.version", n=self._case.version) if self._case else ""

    @rx.var
    def variant(self) -> str:
        variant = self._case.variant if self._case else ""
        return text(self.lang, "variant.default") if variant == "default" else variant

    @rx.var
    def status(self) -> str:
        return self._case.status if self._case else ""

    @rx.var
    def status_text(self) -> str:
        return case_status(self._case.status, self.lang) if self._case else ""

    @rx.var
    def outcome(self) -> str:
        case = self._case
        return outcome_label(case.outcome, self.lang) if case and case.outcome else ""

    @rx.var
    def started_by(self) -> str:
        return self._case.started_by if self._case else ""

    @rx.var
    def created_at(self) -> str:
        return self._case.created_at if self._case else ""

    @rx.var
    def ended_at(self) -> str:
        return self._case.ended_at if self._case else ""

    @rx.var
    def record(self) -> str:
        case = self._case
        return record_text(case.record_form, case.record_id, self.lang) if case else ""

    @rx.var
    def record_link(self) -> str:
        return record_route(self._case.record_form, self._case.record_id) if self._case else ""

    @rx.var
    def incidents(self) -> int:
        return self._case.open_incidents if self._case else 0

    # ---- where it is, what it did -----------------------------------------------------

    def _drawn(self) -> dict[str, Any]:
        if self._case is None or not self._document:
            return {"nodes": [], "edges": []}
        return draw(self._document, self._catalogue, [], self.lang, story.highlight(self._case))

    def _names(self) -> dict[str, str]:
        return {str(n["id"]): str(n["label"]) for n in self._drawn()["nodes"]}

    @rx.var
    def graph(self) -> dict[str, Any]:
        return self._drawn()

    @rx.var
    def has_graph(self) -> bool:
        return bool(self._document.get("nodes"))

    @rx.var
    def canvas_labels(self) -> dict[str, str]:
        return {
            name: text(self.lang, f"canvas.{name}")
            for name in ("undo", "redo", "layout", "default_edge")
        }

    @rx.var
    def where(self) -> list[Waiting]:
        if self._case is None:
            return []
        names = self._names()
        return [
            Waiting(
                node=p.node,
                label=names.get(p.node, p.node),
                since=p.since,
                what=story.waiting(p.waiting_for, self.lang),
                task_route=task_route(p.task) if p.task else "",
            )
            for p in self._case.current
        ]

    @rx.var
    def case_tasks(self) -> list[TaskRow]:
        if self._case is None:
            return []
        return [task_row(t, self.lang, self._workflow_titles) for t in self._case.tasks]

    @rx.var
    def case_variables(self) -> list[Variable]:
        return story.variables(self._case.variables) if self._case else []

    @rx.var
    def case_history(self) -> list[StoryLine]:
        if self._case is None:
            return []
        return story.story(self._case.history, self._names(), self.lang)

    # ---- loading -------------------------------------------------------------------------

    async def _drawing(self, case: api.CaseItem) -> None:
        """The version the case runs on, and the catalogue to draw its steps with."""
        try:
            if not self._catalogue:
                items = await api.components(self.token)
                self._catalogue = {str(item["type"]): item for item in items}
            self._document = (await api.version(self.token, case.workflow, case.version)).content
            self.canvas_error = ""
        except api.ApiError as error:
            self._document = {}
            self.canvas_error = "cases.canvas_failed" if error.status != 0 else error_key(error)

    async def _load(self) -> bool:
        try:
            case, _ = await asyncio.gather(api.case(self.token, self.case_id), self._load_titles())
        except api.ApiError as error:
            self.load_error = "cases.not_found" if error.status == 404 else error_key(error)
            if error.status == 401:
                self._forget()
            return False
        self.load_error = ""
        if (
            self._case is None
            or self._case.workflow != case.workflow
            or self._case.version != case.version
        ):
            await self._drawing(case)
        self._case = case
        self.revision += 1
        return True

    @rx.event
    async def open(self) -> AsyncIterator[Any]:
        """``on_load``: the case, then the version it runs drawn with its path."""
        self.case_id = str(self.router.page.params.get("id", ""))
        self._case, self._document, self.canvas_error = None, {}, ""
        if not self.token or not self.case_id:
            return
        self.loading = True
        yield
        await self._load()
        self.loading = False
        if self.load_error == "error.session":
            yield rx.redirect(LOGIN_ROUTE)

    @rx.event
    async def reload(self) -> AsyncIterator[Any]:
        """The case as it is now (it may have moved on since the page opened)."""
        if not self.case_id:
            return
        self.loading = True
        yield
        await self._load()
        self.loading = False
