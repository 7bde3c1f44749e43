"""The record screen's State: one record as the caller may see it, its changes
and its history.

Saving is a PATCH of the changed fields with the revision the screen was opened
at (``If-Match``): a change by someone else in between is a 409 and nothing is
stored; the screen then offers to reload. A 403 (a field the caller may not
write) or a 422 (a value the form refuses) comes back with pointers, and each
message is shown under the field it names.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import reflex as rx

from studio import api
from studio.labels import text
from studio.records import fields as form_fields
from studio.records.fields import Rule
from studio.records.form_state import RecordFormState
from studio.records.timeline import Entry, timeline
from studio.session import LOGIN_ROUTE, error_key

__all__ = ["Fact", "RecordState", "save_failure_key"]

SAVE_FAILURES = {
    403: "records.save_forbidden",
    404: "records.gone",
    422: "records.save_invalid",
}


def save_failure_key(status: int) -> str:
    return SAVE_FAILURES.get(status, "records.save_failed")


@dataclasses.dataclass
class Fact:
    """One line about the record beside its fields: owner, region, stage…"""

    name: str
    value: str


class RecordState(RecordFormState):
    record_id: int = 0
    revision: int = 0
    loading: bool = False
    load_error: str = ""  # a label key
    conflict: bool = False
    created_at: str = ""
    created_by: str = ""
    updated_at: str = ""
    updated_by: str = ""
    _record: api.RecordItem | None = None
    _history: list[api.HistoryItem] = []

    @rx.var
    def list_route(self) -> str:
        return f"/records/{self.form}"

    @rx.var
    def heading(self) -> str:
        """The record's name (its first text field, if the caller sees one) or its number."""
        for field in form_fields.fields_of(self._document):
            key = str(field["key"])
            if field.get("type") == "text" and key in self._access and self._stored.get(key):
                return str(self._stored[key])
        return text(self.lang, "records.number", id=self.record_id)

    @rx.var
    def facts(self) -> list[Fact]:
        record = self._record
        if record is None:
            return []
        stage_field = form_fields.field_map(self._document).get(
            str(self._document.get("stage_field") or "")
        )
        stage = (
            form_fields.option_label(stage_field, record.stage, self.lang)
            if stage_field is not None and stage_field.get("key") in self._access
            else ""
        )
        found = [
            ("records.owner", record.owner),
            ("records.team", record.team),
            ("records.region", record.region),
            ("records.stage", stage if record.stage else ""),
            ("records.revision", str(record.revision)),
        ]
        return [Fact(text(self.lang, name), value) for name, value in found if value]

    @rx.var
    def history(self) -> list[Entry]:
        return timeline(self._history, self._document, self.lang)

    def _show(self, record: api.RecordItem) -> None:
        """Start editing ``record`` as it is now (what was typed is dropped)."""
        self._start(self._document, {k: s.access for k, s in record.fields.items()})
        self._record, self.revision = record, record.revision
        self._stored, self._draft = dict(record.data), dict(record.data)
        self._stored_exemptions = dict(record.exemptions)
        self._exemptions = dict(record.exemptions)
        self._answered = {k: Rule(s.shown, s.required) for k, s in record.fields.items()}
        self.created_at, self.created_by = record.created_at, record.created_by
        self.updated_at, self.updated_by = record.updated_at, record.updated_by
        self.conflict = False

    async def _load(self) -> bool:
        try:
            document, record, history = await asyncio.gather(
                api.live_form(self.token, self.form),
                api.record(self.token, self.form, self.record_id),
                api.record_history(self.token, self.form, self.record_id),
            )
        except api.ApiError as error:
            self.load_error = "records.not_found" if error.status == 404 else error_key(error)
            if error.status == 401:
                self._forget()
            return False
        self._document, self._history, self.load_error = document, history, ""
        self._show(record)
        return True

    @rx.event
    async def open(self) -> AsyncIterator[Any]:
        """``on_load``: the form, the record and its history."""
        params = self.router.page.params
        self.form = str(params.get("form", ""))
        number = str(params.get("id", ""))
        self.record_id = int(number) if number.isdigit() else 0
        self._record, self._history, self._document = None, [], {}
        self._start({}, {})
        if not self.token or not self.form:
            return
        if not self.record_id:
            self.load_error = "records.not_found"
            return
        self.loading = True
        yield
        await self._load()
        self.loading = False
        if self.load_error == "error.session":
            yield rx.redirect(LOGIN_ROUTE)

    @rx.event
    async def reload(self) -> AsyncIterator[Any]:
        """Take the record as it is now (after a conflict, or to drop the changes)."""
        self.loading = True
        yield
        await self._load()
        self.loading = False

    @rx.event
    def discard(self) -> None:
        if self._record is not None:
            self._show(self._record)

    @rx.event
    async def save(self) -> AsyncIterator[Any]:
        if self._record is None or self.busy:
            return
        data, skips = self._pending()
        if not data and not skips:
            return
        self._clear()
        self.busy = True
        yield
        try:
            saved = await api.update_record(
                self.token, self.form, self.record_id, self.revision, data, skips
            )
        except api.ApiError as error:
            self.busy = False
            if error.status == 409:
                self.conflict = True
            else:
                self._fail(save_failure_key(error.status), error)
            if error.status == 401:
                self._forget()
                yield rx.redirect(LOGIN_ROUTE)
            return
        self._show(saved)
        self.busy = False
        yield rx.toast.success(text(self.lang, "records.saved"))
        # The record is saved; if the history cannot be had now, the next visit has it.
        with contextlib.suppress(api.ApiError):
            self._history = await api.record_history(self.token, self.form, self.record_id)
