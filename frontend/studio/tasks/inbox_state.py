"""The task inbox's State: the signed-in user's open tasks, or all of theirs (history)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import reflex as rx

from studio import api
from studio.cases.titles import WorkflowTitlesState
from studio.labels import text
from studio.session import LOGIN_ROUTE, error_key
from studio.tasks.model import TaskRow, inbox_order, task_row

__all__ = ["TABS", "InboxState"]

TABS = ("open", "any")


class InboxState(WorkflowTitlesState):
    tab: str = "open"
    loading: bool = False
    load_error: str = ""  # a label key
    _items: list[api.TaskItem] = []

    @rx.var
    def rows(self) -> list[TaskRow]:
        ordered = inbox_order(self._items, history=self.tab == "any")
        return [task_row(t, self.lang, self._workflow_titles) for t in ordered]

    @rx.var
    def empty_text(self) -> str:
        return text(self.lang, "tasks.empty_any" if self.tab == "any" else "tasks.empty_open")

    @rx.var
    def count_text(self) -> str:
        count = len(self._items)
        return (
            text(self.lang, "tasks.count_one")
            if count == 1
            else text(self.lang, "tasks.count", n=count)
        )

    async def _load(self) -> None:
        try:
            self._items, _ = await asyncio.gather(
                api.tasks(self.token, scope="mine", status=self.tab), self._load_titles()
            )
        except api.ApiError as error:
            self.load_error = error_key(error)
            if error.status == 401:
                self._forget()
            return
        self.load_error = ""

    @rx.event
    async def open(self) -> AsyncIterator[Any]:
        """``on_load``: the tasks of the tab last chosen."""
        if not self.token:
            return
        self.loading = True
        yield
        await self._load()
        self.loading = False
        if self.load_error == "error.session":
            yield rx.redirect(LOGIN_ROUTE)

    @rx.event
    async def set_tab(self, tab: str | list[str]) -> AsyncIterator[Any]:
        chosen = tab[0] if isinstance(tab, list) and tab else tab
        if chosen not in TABS or chosen == self.tab:
            return
        self.tab, self._items = str(chosen), []
        self.loading = True
        yield
        await self._load()
        self.loading = False
