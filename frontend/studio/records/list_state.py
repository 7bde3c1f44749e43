"""The record list's State: one page of a form's records as the caller may see
them, sorted and filtered by the API.

The columns are the fields the API sent (a field hidden from the caller is in
no record, so it is in no column). A sort or a filter is tried on the API
first: when it is refused (a field hidden on some of the caller's records is a
403, an unknown one a 400) the list stays as it was and the API's message is
shown. Pages follow the API's cursors; the cursors of the pages before are
kept, so "previous" goes back without counting offsets.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import reflex as rx

from studio import api
from studio.labels import table, text
from studio.records import fields as form_fields
from studio.records import query
from studio.records.fields import Option
from studio.session import LOGIN_ROUTE, SessionState, error_key

__all__ = ["Cell", "Header", "ListRow", "RecordListState", "refusal"]

PAGE = 25


@dataclasses.dataclass
class Header:
    key: str
    label: str
    sortable: bool
    direction: str  # asc / desc / ""


@dataclasses.dataclass
class Cell:
    key: str
    text: str


@dataclasses.dataclass
class ListRow:
    id: int
    href: str
    cells: list[Cell]
    updated_at: str
    updated_by: str


@dataclasses.dataclass
class Chip:
    index: int
    text: str


def refusal(error: api.ApiError, language: str) -> str:
    """What the API said when it refused a sort or a filter, in the user's language."""
    messages = [
        form_fields.localized(e.get("message"), language) for e in error.errors if e.get("message")
    ]
    return " ".join(m for m in messages if m) or error.detail


class RecordListState(SessionState):
    form: str = ""
    _document: dict[str, Any] = {}
    _items: list[api.RecordItem] = []
    _rights: api.RecordRights | None = None
    _filters: list[query.Filter] = []
    sort: str = ""
    search: str = ""
    _before: list[str] = []  # the cursors of the pages before this one
    _cursor: str = ""  # this page's cursor ("" for the first)
    next_cursor: str = ""
    loading: bool = False
    load_error: str = ""  # a label key
    refused: str = ""  # the API's message for a refused sort or filter
    may_create: bool = False
    may_export: bool = False
    exporting: bool = False
    filter_field: str = ""
    filter_op: str = ""
    filter_value: str = ""

    # ---- what the page shows ---------------------------------------------------------

    def _specs(self) -> dict[str, dict[str, Any]]:
        return form_fields.field_map(self._document)

    def _columns(self) -> list[str]:
        return query.columns(self._document, self._items)

    def _visible(self) -> list[str]:
        """The fields the caller sees somewhere: those their rights show, and any the
        records brought (everything for an administrator)."""
        rights = self._rights
        if rights is not None and rights.fields is None:
            return list(self._specs())
        known = {k for k, a in (rights.fields or {}).items() if a != "hidden"} if rights else set()
        known |= set(self._columns())
        return [key for key in self._specs() if key in known]

    @rx.var
    def title(self) -> str:
        return form_fields.localized(self._document.get("title"), self.lang) or self.form

    @rx.var
    def headers(self) -> list[Header]:
        specs = self._specs()
        return [
            Header(
                key=key,
                label=form_fields.label(specs[key], self.lang),
                sortable=query.sortable(specs[key]),
                direction=query.sort_direction(self.sort, key),
            )
            for key in self._columns()
        ]

    @rx.var
    def rows(self) -> list[ListRow]:
        specs, columns = self._specs(), self._columns()
        skipped = text(self.lang, "records.skipped")
        return [
            ListRow(
                id=item.id,
                href=f"/records/{self.form}/{item.id}",
                cells=[
                    Cell(
                        key=key,
                        text=skipped
                        if key in item.exemptions
                        else form_fields.shown_text(specs[key], item.data.get(key), self.lang),
                    )
                    for key in columns
                ],
                updated_at=item.updated_at,
                updated_by=item.updated_by,
            )
            for item in self._items
        ]

    @rx.var
    def filter_fields(self) -> list[Option]:
        specs = self._specs()
        return [Option(key, form_fields.label(specs[key], self.lang)) for key in self._visible()]

    @rx.var
    def filter_ops(self) -> list[Option]:
        spec = self._specs().get(self.filter_field)
        words = table(self.lang)
        ops = query.operators(spec) if spec else []
        return [Option(op, words[f"records.op_{op}"]) for op in ops]

    @rx.var
    def filter_choices(self) -> list[Option]:
        """A choice field's options, for the value of a filter on it."""
        spec = self._specs().get(self.filter_field)
        if spec is None or spec.get("type") != "select":
            return []
        return form_fields.options(spec, self.lang)

    @rx.var
    def needs_value(self) -> bool:
        return self.filter_op not in ("", "empty", "filled")

    @rx.var
    def chips(self) -> list[Chip]:
        specs, words = self._specs(), table(self.lang)
        return [
            Chip(i, query.describe(specs[f.field], f.op, f.value, self.lang, words))
            for i, f in enumerate(self._filters)
            if f.field in specs
        ]

    @rx.var
    def search_placeholder(self) -> str:
        key = query.search_field(self._document, self._visible())
        if not key:
            return ""
        name = form_fields.label(self._specs()[key], self.lang)
        return text(self.lang, "records.search", field=name)

    @rx.var
    def page_text(self) -> str:
        count, n = len(self._items), len(self._before) + 1
        return text(
            self.lang, "records.page_one" if count == 1 else "records.page", n=n, count=count
        )

    @rx.var
    def has_previous(self) -> bool:
        return bool(self._before)

    @rx.var
    def new_route(self) -> str:
        return f"/records/{self.form}/new"

    # ---- asking the API ---------------------------------------------------------------

    def _params(self, filters: list[query.Filter], search: str) -> list[str]:
        specs = self._specs()
        params = [
            query.filter_param(specs[f.field], f.op, f.value) for f in filters if f.field in specs
        ]
        key = query.search_field(self._document, self._visible())
        if key and search.strip():
            params.append(query.filter_param(specs[key], "contains", search))
        return params

    async def _fetch(
        self, *, sort: str, filters: list[query.Filter], search: str, cursor: str
    ) -> bool:
        """Show the page the API gives for these; False (and its message) when refused."""
        try:
            page = await api.records(
                self.token,
                self.form,
                filters=self._params(filters, search),
                sort=sort,
                cursor=cursor or None,
                limit=PAGE,
            )
        except api.ApiError as error:
            if error.status in (400, 403):
                self.refused = refusal(error, self.lang)
            else:
                self.load_error = error_key(error)
            if error.status == 401:
                self._forget()
            return False
        self._items, self.next_cursor = page.items, page.next_cursor or ""
        self.sort, self._filters, self.search, self._cursor = sort, filters, search, cursor
        self.refused = self.load_error = ""
        return True

    async def _again(self, **changes: Any) -> None:
        """The first page with ``changes`` to the sort, filters or search."""
        wanted: dict[str, Any] = {
            "sort": self.sort,
            "filters": self._filters,
            "search": self.search,
            "cursor": "",
            **changes,
        }
        self.loading = True
        if await self._fetch(**wanted):
            self._before = []
        self.loading = False

    async def _open_form(self) -> None:
        try:
            document, rights = await asyncio.gather(
                api.live_form(self.token, self.form),
                api.record_rights(self.token, self.form, self.username, self.role),
            )
        except api.ApiError as error:
            self.load_error = "records.no_form" if error.status == 404 else error_key(error)
            return
        self._document, self._rights = document, rights
        self.may_create, self.may_export = rights.may_create, rights.may_export
        try:
            page = await api.records(self.token, self.form, limit=PAGE)
        except api.ApiError as error:
            self.load_error = "records.no_access" if error.status == 403 else error_key(error)
            if error.status == 401:
                self._forget()
            return
        self._items, self.next_cursor = page.items, page.next_cursor or ""

    @rx.event
    async def open(self) -> AsyncIterator[Any]:
        """``on_load``: the form, the caller's rights on it and the first page."""
        self.form = str(self.router.page.params.get("form", ""))
        self._document, self._items, self._rights, self._filters = {}, [], None, []
        self.sort = self.search = self._cursor = self.next_cursor = ""
        self.refused = self.load_error = ""
        self.filter_field = self.filter_op = self.filter_value = ""
        self.may_create = self.may_export = False
        self._before = []
        if not self.token or not self.form:
            return
        self.loading = True
        yield
        await self._open_form()
        self.loading = False
        if self.load_error == "error.session":
            yield rx.redirect(LOGIN_ROUTE)

    @rx.event
    async def sort_by(self, key: str) -> AsyncIterator[Any]:
        self.loading = True
        yield
        await self._again(sort=query.next_sort(self.sort, key))

    @rx.event
    async def set_search(self, value: str) -> AsyncIterator[Any]:
        self.loading = True
        yield
        await self._again(search=value)

    @rx.event
    def set_filter_field(self, key: str) -> None:
        self.filter_field, self.filter_value = key, ""
        spec = self._specs().get(key)
        self.filter_op = query.operators(spec)[0] if spec else ""

    @rx.event
    def set_filter_op(self, op: str) -> None:
        self.filter_op = op

    @rx.event
    def set_filter_value(self, value: str) -> None:
        self.filter_value = value

    @rx.event
    async def add_filter(self) -> AsyncIterator[Any]:
        if not self.filter_field or not self.filter_op:
            return
        if self.needs_value and not self.filter_value.strip():
            return
        wanted = query.Filter(self.filter_field, self.filter_op, self.filter_value)
        self.loading = True
        yield
        await self._again(filters=[*self._filters, wanted])
        if not self.refused:
            self.filter_value = ""

    @rx.event
    async def remove_filter(self, index: int) -> AsyncIterator[Any]:
        self.loading = True
        yield
        await self._again(filters=[f for i, f in enumerate(self._filters) if i != index])

    @rx.event
    async def next_page(self) -> AsyncIterator[Any]:
        if not self.next_cursor:
            return
        before, cursor = [*self._before, self._cursor], self.next_cursor
        self.loading = True
        yield
        if await self._fetch(
            sort=self.sort, filters=self._filters, search=self.search, cursor=cursor
        ):
            self._before = before
        self.loading = False

    @rx.event
    async def previous_page(self) -> AsyncIterator[Any]:
        if not self._before:
            return
        before, cursor = self._before[:-1], self._before[-1]
        self.loading = True
        yield
        if await self._fetch(
            sort=self.sort, filters=self._filters, search=self.search, cursor=cursor
        ):
            self._before = before
        self.loading = False

    @rx.event
    async def export(self) -> AsyncIterator[Any]:
        """The API's CSV of this list (all pages), downloaded by the browser."""
        self.exporting = True
        yield
        try:
            csv = await api.export_records(
                self.token,
                self.form,
                filters=self._params(self._filters, self.search),
                sort=self.sort,
            )
        except api.ApiError as error:
            self.refused = refusal(error, self.lang) if error.status in (400, 403) else ""
            if error.status == 403:
                self.may_export = False
            if not self.refused:
                yield rx.toast.error(text(self.lang, error_key(error)))
            return
        finally:
            self.exporting = False
        yield rx.download(data=csv, filename=f"{self.form}.csv", mime_type="text/csv")
