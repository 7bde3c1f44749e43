"""The cases list's State: the cases the user started or works in, newest first, a
page at a time, optionally only those running, completed or cancelled."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import reflex as rx

from studio import api
from studio.cases.titles import WorkflowTitlesState
from studio.labels import LABELS, text
from studio.records.fields import localized
from studio.session import LOGIN_ROUTE, error_key
from studio.tasks.model import case_route, outcome_label, record_route, record_text

__all__ = ["FILTERS", "CaseListState", "CaseRow", "case_status"]

FILTERS = ("all", "running", "completed", "cancelled")
PAGE = 50


@dataclasses.dataclass
class CaseRow:
    id: str
    short: str
    route: str
    workflow: str
    version: str
    status: str
    status_label: str
    outcome: str
    started_by: str
    created_at: str
    record: str
    record_route: str


def case_status(status: str, language: str) -> str:
    key = f"cases.status_{status}"
    return text(language, key) if key in LABELS else status


class CaseListState(WorkflowTitlesState):
    status_filter: str = "all"
    loading: bool = False
    load_error: str = ""  # a label key
    next_cursor: str = ""
    _cases: list[api.CaseItem] = []

    @rx.var
    def rows(self) -> list[CaseRow]:
        return [
            CaseRow(
                id=c.id,
                short=c.id[:8],
                route=case_route(c.id),
                workflow=localized(self._workflow_titles.get(c.workflow), self.lang) or c.workflow,
                version=text(self.lang, "cases.version", n=c.version),
                status=c.status,
                status_label=case_status(c.status, self.lang),
                outcome=outcome_label(c.outcome, self.lang) if c.outcome else "",
                started_by=c.started_by,
                created_at=c.created_at,
                record=record_text(c.record_form, c.record_id, self.lang),
                record_route=record_route(c.record_form, c.record_id),
            )
            for c in self._cases
        ]

    async def _page(self, cursor: str | None) -> bool:
        status = None if self.status_filter == "all" else self.status_filter
        try:
            page, _ = await asyncio.gather(
                api.cases(self.token, status=status, cursor=cursor, limit=PAGE),
                self._load_titles(),
            )
        except api.ApiError as error:
            self.load_error = error_key(error)
            if error.status == 401:
                self._forget()
            return False
        self._cases = [*self._cases, *page.items] if cursor else page.items
        self.next_cursor, self.load_error = page.next_cursor or "", ""
        return True

    @rx.event
    async def open(self) -> AsyncIterator[Any]:
        """``on_load``: the first page under the filter last chosen."""
        if not self.token:
            return
        self.loading = True
        yield
        await self._page(None)
        self.loading = False
        if self.load_error == "error.session":
            yield rx.redirect(LOGIN_ROUTE)

    @rx.event
    async def set_filter(self, status: str | list[str]) -> AsyncIterator[Any]:
        chosen = status[0] if isinstance(status, list) and status else status
        if chosen not in FILTERS or chosen == self.status_filter:
            return
        self.status_filter, self._cases, self.next_cursor = str(chosen), [], ""
        self.loading = True
        yield
        await self._page(None)
        self.loading = False

    @rx.event
    async def more(self) -> AsyncIterator[Any]:
        if not self.next_cursor or self.loading:
            return
        self.loading = True
        yield
        await self._page(self.next_cursor)
        self.loading = False
