"""The list of forms and the list of permission matrices, and their "new" dialog.

One State mixin and one page function, told the kind, the route and the label
prefix (``forms``, ``matrices``) by each list; the rows are the workflow list's
(``studio.workflows.state.row``), so the three lists read alike.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import reflex as rx

from studio import api
from studio.documents import content
from studio.failure import failure_callout
from studio.labels import text
from studio.session import LOGIN_ROUTE, SessionState, cause_key, error_key
from studio.workflows.page import column, draft_badge, last_change, live_badges
from studio.workflows.state import Row, matches, row, title_in

__all__ = ["ListMixin", "list_page"]


@dataclasses.dataclass
class Source:
    key: str
    label: str


class ListMixin(rx.State, mixin=True):
    _documents: list[api.WorkflowSummary] = []
    query: str = ""
    loading: bool = False
    load_error: str = ""  # a label key
    create_open: bool = False
    mode: str = "blank"  # or "copy"
    source: str = ""
    busy: bool = False
    error: str = ""  # a label key
    error_key_value: str = ""
    cause: str = ""
    detail: str = ""
    problems: list[str] = []

    def _kind(self) -> str:
        raise NotImplementedError

    def _route(self) -> str:
        raise NotImplementedError

    def _words(self) -> str:
        """The label prefix of this list (``forms``, ``matrices``)."""
        raise NotImplementedError

    @rx.var
    def rows(self) -> list[Row]:
        query = self.query.strip().casefold()
        return [row(d, self.lang) for d in self._documents if not query or matches(d, query)]

    @rx.var
    def total(self) -> int:
        return len(self._documents)

    @rx.var
    def count_text(self) -> str:
        query = self.query.strip().casefold()
        shown = sum(1 for d in self._documents if not query or matches(d, query))
        return text(self.lang, f"{self._words()}.count", n=shown, total=len(self._documents))

    @rx.var
    def sources(self) -> list[Source]:
        return [Source(d.key, f"{d.key} · {title_in(d, self.lang)}") for d in self._documents]

    @rx.var
    def error_text(self) -> str:
        return text(self.lang, self.error, key=self.error_key_value) if self.error else ""

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
            self._documents = await api.list_documents(self.token, self._kind())
            self.load_error = ""
        except api.ApiError as problem:
            self.load_error = error_key(problem)
            if problem.status == 401:
                self._forget()
                yield rx.redirect(LOGIN_ROUTE)
        finally:
            self.loading = False

    # ---- the "new" dialog --------------------------------------------------------

    @rx.event
    def set_create_open(self, is_open: bool) -> None:
        self.create_open = is_open
        if is_open:
            self.mode, self.source = "blank", ""
            self._clear()

    @rx.event
    def set_mode(self, mode: str) -> None:
        self.mode = "copy" if mode == "copy" else "blank"

    @rx.event
    def set_source(self, key: str) -> None:
        self.source = key

    def _clear(self) -> None:
        self.error = self.error_key_value = self.cause = self.detail = ""
        self.problems = []

    def _fail(self, error: str, key: str = "", problem: api.ApiError | None = None) -> None:
        self.error, self.error_key_value = error, key
        if problem is not None:
            self.cause = cause_key(problem)
            self.detail = problem.detail
            self.problems = problem.messages(self.lang)

    async def _content(self, key: str, en: str, zh: str) -> dict[str, Any]:
        if self.mode == "blank":
            return content.blank(self._kind(), key, content.title(en or key, zh))
        source = next(d for d in self._documents if d.key == self.source)
        found = await api.draft(self.token, source.key, self._kind())
        return content.copied(found.content, key, content.title(en, zh) if en else None)

    @rx.event
    async def submit(self, form: dict[str, Any]) -> AsyncIterator[Any]:
        key = str(form.get("key", "")).strip()
        self._clear()
        if not key:
            self._fail("create.key_missing")
            return
        if self.mode == "copy" and not any(d.key == self.source for d in self._documents):
            self._fail(f"{self._words()}.source_missing")
            return
        self.busy = True
        yield
        try:
            en, zh = str(form.get("title_en", "")).strip(), str(form.get("title_zh", "")).strip()
            await api.create_document(
                self.token, self._kind(), key, await self._content(key, en, zh)
            )
        except api.ApiError as problem:
            taken = problem.status == 412
            words = self._words()
            self._fail(f"{words}.key_taken" if taken else f"{words}.create_failed", key, problem)
            return
        finally:
            self.busy = False
        self.create_open = False
        yield rx.toast.success(text(self.lang, f"{self._words()}.created", key=key))
        yield rx.redirect(f"{self._route()}/{key}")


# ---- drawing ----------------------------------------------------------------------


def _create_dialog(state: Any, words: str) -> rx.Component:
    def choice(value: str, label: str) -> rx.Component:
        return rx.text(
            rx.flex(rx.radio_group.item(value=value), SessionState.t[label], spacing="2"),
            as_="label",
            size="2",
        )

    def field(label: str, name: str, help_label: str = "") -> rx.Component:
        return rx.vstack(
            rx.text(SessionState.t[label], as_="label", html_for=f"create-{name}", size="2"),
            rx.input(id=f"create-{name}", name=name, width="100%", auto_complete="off"),
            rx.text(SessionState.t[help_label], size="1", color_scheme="gray")
            if help_label
            else rx.fragment(),
            spacing="1",
            width="100%",
        )

    form = rx.form(
        rx.vstack(
            rx.radio_group.root(
                rx.vstack(
                    choice("blank", f"{words}.blank"), choice("copy", f"{words}.copy"), spacing="2"
                ),
                value=state.mode,
                on_change=state.set_mode,
                custom_attrs={"data-testid": "create-mode"},
            ),
            rx.cond(
                state.mode == "copy",
                rx.select.root(
                    rx.select.trigger(width="100%", id="create-source"),
                    rx.select.content(
                        rx.foreach(state.sources, lambda s: rx.select.item(s.label, value=s.key))
                    ),
                    value=state.source,
                    on_change=state.set_source,
                ),
            ),
            field("create.key", "key", "create.key_help"),
            field("create.title_en", "title_en"),
            field("create.title_zh", "title_zh"),
            failure_callout(
                state.error != "",
                state.error_text,
                state.cause,
                state.detail,
                state.problems,
                ident="create-error",
                detail_beside_problems=True,
            ),
            rx.hstack(
                rx.dialog.close(
                    rx.button(
                        SessionState.t["create.cancel"],
                        variant="soft",
                        color_scheme="gray",
                        type="button",
                    )
                ),
                rx.button(
                    SessionState.t["create.submit"],
                    type="submit",
                    loading=state.busy,
                    id="create-submit",
                ),
                justify="end",
                width="100%",
            ),
            spacing="4",
            width="100%",
        ),
        on_submit=state.submit,
    )
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.button(rx.icon("plus", size=16), SessionState.t[f"{words}.new"], id="create-open")
        ),
        rx.dialog.content(rx.dialog.title(SessionState.t[f"{words}.new"]), form, max_width="520px"),
        open=state.create_open,
        on_open_change=state.set_create_open,
    )


def list_page(state: Any, route: str, words: str) -> rx.Component:
    """The list screen of ``state`` (a :class:`ListMixin`); rows open ``route/<key>``."""

    def line(item: rx.Var[Row]) -> rx.Component:
        return rx.table.row(
            rx.table.row_header_cell(rx.code(item.key, variant="ghost", size="2")),
            rx.table.cell(
                rx.link(item.title, href=f"{route}/" + item.key, weight="medium", class_name="open")
            ),
            rx.table.cell(draft_badge(item)),
            rx.table.cell(live_badges(item)),
            rx.table.cell(last_change(item)),
            custom_attrs={"data-key": item.key},
            on_click=rx.redirect(f"{route}/" + item.key),
            cursor="pointer",
            _hover={"background_color": rx.color("gray", 3)},
            class_name="document-row",
            align="center",
        )

    table = rx.table.root(
        rx.table.header(
            rx.table.row(
                column("column.key"),
                column("column.title"),
                column("column.draft"),
                column("column.active"),
                column("column.changed"),
            )
        ),
        rx.table.body(rx.foreach(state.rows, line)),
        variant="surface",
        size="2",
        width="100%",
        id="document-table",
    )
    empty = rx.center(
        rx.text(
            rx.cond(
                state.total == 0,
                SessionState.t[f"{words}.empty"],
                SessionState.t[f"{words}.no_match"],
            ),
            color_scheme="gray",
        ),
        padding="48px",
        width="100%",
        id="documents-empty",
    )
    return rx.vstack(
        rx.hstack(
            rx.vstack(
                rx.heading(SessionState.t[f"{words}.title"], size="7"),
                rx.text(SessionState.t[f"{words}.subtitle"], color_scheme="gray"),
                spacing="1",
            ),
            rx.spacer(),
            rx.cond(SessionState.may_edit, _create_dialog(state, words)),
            align="end",
            width="100%",
        ),
        rx.hstack(
            rx.input(
                rx.input.slot(rx.icon("search", size=16)),
                placeholder=SessionState.t["workflows.search"],
                value=state.query,
                on_change=state.set_query,
                debounce_timeout=200,
                type="search",
                size="3",
                width="min(420px, 100%)",
                id="document-search",
            ),
            rx.spacer(),
            rx.cond(
                state.loading,
                rx.spinner(),
                rx.text(state.count_text, color_scheme="gray", size="2", id="document-count"),
            ),
            align="center",
            width="100%",
        ),
        rx.cond(
            state.load_error != "",
            rx.callout(
                rx.hstack(
                    rx.text(
                        SessionState.t[f"{words}.list_failed"],
                        " ",
                        SessionState.t[state.load_error],
                    ),
                    rx.button(SessionState.t["common.retry"], on_click=state.load, size="1"),
                    align="center",
                ),
                icon="circle-alert",
                color_scheme="red",
                role="alert",
            ),
        ),
        rx.cond(state.rows.length() > 0, table, empty),
        spacing="5",
        width="100%",
    )
