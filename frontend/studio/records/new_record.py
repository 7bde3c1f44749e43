"""The new-record screen: the form's fields the caller may fill on a record of
their own, shown and required as the API's compiled schema says for the values
typed so far (asked again whenever a value the form's rules depend on changes),
created with one POST. The API checks everything again; what it refuses comes
back pinned to the field."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import reflex as rx

from studio import api
from studio.labels import text
from studio.records.detail_state import save_failure_key
from studio.records.form_state import RecordFormState
from studio.records.inputs import field_grid, save_failure
from studio.session import LOGIN_ROUTE, SessionState, error_key

__all__ = ["NewRecordState", "new_record_page"]


class NewRecordState(RecordFormState):
    loading: bool = False
    load_error: str = ""  # a label key

    @rx.var
    def list_route(self) -> str:
        return f"/records/{self.form}"

    @rx.event
    async def open(self) -> AsyncIterator[Any]:
        """``on_load``: the live form and what the caller may fill in."""
        self.form = str(self.router.page.params.get("form", ""))
        self._start({}, {})
        self.load_error = ""
        if not self.token or not self.form:
            return
        self.loading = True
        yield
        try:
            document, rights, schema = await asyncio.gather(
                api.live_form(self.token, self.form),
                api.record_rights(self.token, self.form, self.username, self.role),
                api.record_schema(self.token, self.form, {}),
            )
        except api.ApiError as error:
            if error.status == 404:
                self.load_error = "records.no_form"
            elif error.status == 403:
                self.load_error = "records.may_not_create"
            else:
                self.load_error = error_key(error)
            self.loading = False
            if error.status == 401:
                self._forget()
                yield rx.redirect(LOGIN_ROUTE)
            return
        self._start(document, {})
        self._schema = schema
        self.load_error = "" if rights.may_create else "records.may_not_create"
        self.loading = False

    @rx.event
    async def create(self) -> AsyncIterator[Any]:
        if self.busy or not self._document:
            return
        data, skips = self._pending()
        data = {k: v for k, v in data.items() if v is not None}
        exemptions = {k: v for k, v in skips.items() if v is not None}
        self._clear()
        self.busy = True
        yield
        try:
            made = await api.create_record(self.token, self.form, data, exemptions)
        except api.ApiError as error:
            self.busy = False
            forbidden = error.status == 403
            self._fail(
                "records.create_forbidden" if forbidden else save_failure_key(error.status), error
            )
            if error.status == 401:
                self._forget()
                yield rx.redirect(LOGIN_ROUTE)
            return
        self.busy = False
        yield rx.toast.success(text(self.lang, "records.created_one", id=made.id))
        yield rx.redirect(f"/records/{self.form}/{made.id}")


def heading() -> rx.Component:
    return rx.vstack(
        rx.link(
            rx.hstack(rx.icon("arrow-left", size=16), NewRecordState.form_title, spacing="1"),
            href=NewRecordState.list_route,
            color_scheme="gray",
            size="2",
        ),
        rx.heading(SessionState.t["records.new_title"], " · ", NewRecordState.form_title, size="7"),
        rx.text(SessionState.t["records.new_help"], color_scheme="gray"),
        spacing="1",
    )


def buttons() -> rx.Component:
    return rx.hstack(
        rx.link(
            rx.button(SessionState.t["records.cancel"], variant="soft", color_scheme="gray"),
            href=NewRecordState.list_route,
        ),
        rx.button(
            rx.icon("plus", size=16),
            SessionState.t["records.create"],
            on_click=NewRecordState.create,
            loading=NewRecordState.busy,
            id="create-record",
        ),
        justify="end",
        width="100%",
        spacing="2",
    )


def new_record_page() -> rx.Component:
    return rx.vstack(
        heading(),
        rx.cond(
            NewRecordState.load_error != "",
            rx.callout(
                SessionState.t[NewRecordState.load_error],
                icon="circle-alert",
                color_scheme="red",
                role="alert",
                id="new-record-error",
            ),
            rx.cond(
                NewRecordState.loading,
                rx.center(rx.spinner(size="3"), padding="48px", width="100%"),
                rx.vstack(save_failure(), field_grid(), buttons(), spacing="4", width="100%"),
            ),
        ),
        spacing="4",
        width="100%",
        id="new-record-page",
    )
