"""The workflow list's State: the workflows as the API gives them, and the rows shown."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import reflex as rx

from studio import api
from studio.labels import text
from studio.session import LOGIN_ROUTE, SessionState, error_key

__all__ = ["Row", "WorkflowsState"]


@dataclasses.dataclass
class Row:
    """One line of the table, already in the user's language."""

    key: str
    title: str
    status: str
    status_color: str
    live: list[str]
    changed_at: str
    changed_by: str


def title_in(summary: api.WorkflowSummary, language: str) -> str:
    return summary.title.get(language) or summary.title.get("en") or summary.key


def _status(summary: api.WorkflowSummary, language: str) -> tuple[str, str]:
    if not summary.has_draft:
        return text(language, "draft.none"), "gray"
    if summary.draft_errors == 0:
        return text(language, "draft.valid"), "green"
    if summary.draft_errors == 1:
        return text(language, "draft.error_one"), "red"
    return text(language, "draft.errors", n=summary.draft_errors), "red"


def _variant(variant: str, language: str) -> str:
    return text(language, "variant.default") if variant == "default" else variant


def row(summary: api.WorkflowSummary, language: str) -> Row:
    status, color = _status(summary, language)
    return Row(
        key=summary.key,
        title=title_in(summary, language),
        status=status,
        status_color=color,
        live=[
            text(language, "active.version", variant=_variant(variant, language), version=number)
            for variant, number in sorted(summary.active.items())
        ],
        changed_at=summary.updated_at,
        changed_by=text(language, "changed.by", user=summary.updated_by)
        if summary.updated_by
        else "",
    )


def matches(summary: api.WorkflowSummary, query: str) -> bool:
    """Whether the (case-folded) query is part of the key or of a title in any language."""
    return any(query in word.casefold() for word in (summary.key, *summary.title.values()))


class WorkflowsState(SessionState):
    _workflows: list[api.WorkflowSummary] = []
    query: str = ""
    loading: bool = False
    load_error: str = ""  # a label key

    @rx.var
    def rows(self) -> list[Row]:
        query = self.query.strip().casefold()
        return [row(w, self.lang) for w in self._workflows if not query or matches(w, query)]

    @rx.var
    def total(self) -> int:
        return len(self._workflows)

    @rx.var
    def count_text(self) -> str:
        query = self.query.strip().casefold()
        shown = sum(1 for w in self._workflows if not query or matches(w, query))
        return text(self.lang, "workflows.count", n=shown, total=len(self._workflows))

    @rx.event
    def set_query(self, query: str) -> None:
        self.query = query

    @rx.event
    async def load(self) -> AsyncIterator[Any]:
        if not self.token:
            return
        self.loading = True
        yield
        try:
            self._workflows = await api.list_workflows(self.token)
            self.load_error = ""
        except api.ApiError as error:
            self.load_error = error_key(error)
            if error.status == 401:
                self._forget()
                yield rx.redirect(LOGIN_ROUTE)
        finally:
            self.loading = False
