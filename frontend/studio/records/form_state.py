"""What the record and new-record screens share: a form, the values being typed,
and the errors the API pinned to fields on the last save.

The fields shown are those the API lets the caller see, in the form's order, and
among them those the form's rules show for the values typed so far. On a stored
record the record says what the caller may read or write (``_access``) and the
rules are followed here (``fields.live_rules``); on a new record the API's
compiled schema for the values typed says both (``_schema``). Each field carries
the message of the API's error that points at it (``/data/amount``).
"""

from __future__ import annotations

import contextlib
import dataclasses
from typing import Any

import reflex as rx

from studio import api
from studio.labels import text
from studio.records import fields as form_fields
from studio.records.edits import changed, field_of, pinned
from studio.records.fields import Option, Rule
from studio.session import SessionState, cause_key

__all__ = ["FieldRow", "RecordFormState"]

# Inputs that cannot be typed into here: computed values, and attachments (uploads
# come with the files screen).
NOT_TYPED = ("computed", "file")


@dataclasses.dataclass
class FieldRow:
    """One field on the screen, in the user's language."""

    key: str
    label: str
    kind: str  # the input (fields.INPUTS)
    value: str  # what the input holds
    shown: str  # the value as read-only text
    chosen: list[str]  # a multi-select's values
    options: list[Option]
    editable: bool
    required: bool
    exemptible: bool
    exempt: bool
    reason: str
    reason_text: str
    error: str
    help: str
    unit: str


class RecordFormState(SessionState):
    form: str = ""
    _document: dict[str, Any] = {}
    _access: dict[str, str] = {}  # field -> read / write; hidden fields are absent
    _answered: dict[str, Rule] = {}  # the API's shown / required for the stored values
    _stored: dict[str, Any] = {}
    _stored_exemptions: dict[str, str] = {}
    _draft: dict[str, Any] = {}
    _texts: dict[str, str] = {}  # inputs as typed ("12." stays "12.")
    _exemptions: dict[str, str] = {}
    _errors: list[dict[str, Any]] = []
    # A new record's fields come from the API's compiled schema for the values typed
    # (``GET /records/{form}/schema``); ``None`` on a stored record, whose fields and
    # access the record itself brings.
    _schema: dict[str, Any] | None = None
    failure: str = ""  # a label key: what went wrong with the last save
    cause: str = ""  # a label key: why, in the user's words
    detail: str = ""  # the API's own message
    busy: bool = False

    def _start(self, document: dict[str, Any], access: dict[str, str]) -> None:
        self._document, self._access = document, access
        self._draft, self._texts, self._exemptions = {}, {}, {}
        self._stored, self._stored_exemptions, self._answered = {}, {}, {}
        self._schema = None
        self._clear()

    def _clear(self) -> None:
        self._errors = []
        self.failure = self.cause = self.detail = ""

    def _fail(self, failure: str, error: api.ApiError) -> None:
        self.failure, self.cause, self.detail = failure, cause_key(error), error.detail
        self._errors = list(error.errors)

    @rx.var
    def form_title(self) -> str:
        return form_fields.localized(self._document.get("title"), self.lang) or self.form

    def _rules(self) -> tuple[dict[str, Rule], dict[str, str]]:
        """Each field's state for the values typed so far, and the caller's access."""
        if self._schema is not None:
            return form_fields.schema_rules(self._schema)
        rules = form_fields.live_rules(
            self._document, self._draft, stored=self._stored, answered=self._answered
        )
        return rules, self._access

    def _editable(self) -> set[str]:
        """The fields on the screen that the caller may change: a save sends no others
        (a value typed into a field the rules hid since would be refused)."""
        rules, access = self._rules()
        return {k for k, a in access.items() if a == "write" and k in rules and rules[k].shown}

    @rx.var
    def rows(self) -> list[FieldRow]:
        rules, access = self._rules()
        errors, _ = pinned(self._errors, self.lang)
        reasons = {o.value: o.label for o in form_fields.reasons(self._document, self.lang)}
        rows = []
        for field in form_fields.fields_of(self._document):
            key = str(field["key"])
            rule = rules.get(key)
            if key not in access or rule is None or not rule.shown:
                continue
            kind = form_fields.INPUTS.get(str(field.get("type")), "text")
            value = self._draft.get(key)
            writable = access[key] == "write" and kind not in NOT_TYPED
            rows.append(
                FieldRow(
                    key=key,
                    label=form_fields.label(field, self.lang),
                    kind=kind,
                    value=self._texts.get(key, form_fields.input_text(field, value)),
                    shown=form_fields.shown_text(field, value, self.lang),
                    chosen=[str(v) for v in value] if isinstance(value, list) else [],
                    options=form_fields.options(field, self.lang),
                    editable=writable,
                    required=rule.required,
                    exemptible=bool(field.get("exemptible")) and writable,
                    exempt=key in self._exemptions,
                    reason=self._exemptions.get(key, ""),
                    reason_text=reasons.get(self._exemptions.get(key, ""), "")
                    or self._exemptions.get(key, ""),
                    error=errors.get(key, ""),
                    help=form_fields.localized(field.get("help"), self.lang),
                    unit=form_fields.unit(field),
                )
            )
        return rows

    @rx.var
    def reasons(self) -> list[Option]:
        return form_fields.reasons(self._document, self.lang)

    @rx.var
    def unpinned(self) -> list[str]:
        """The errors of the last save that name no field on the screen."""
        shown = {row.key for row in self.rows}
        by_field, rest = pinned(self._errors, self.lang)
        return rest + [m for key, m in by_field.items() if key not in shown]

    @rx.var
    def failure_text(self) -> str:
        return text(self.lang, self.failure) if self.failure else ""

    def _pending(self) -> tuple[dict[str, Any], dict[str, str | None]]:
        """What a save sends: the changes of the fields the caller may change here."""
        data, skips = changed(self._stored, self._draft, self._stored_exemptions, self._exemptions)
        editable = self._editable()
        return (
            {k: v for k, v in data.items() if k in editable},
            {k: v for k, v in skips.items() if k in editable},
        )

    @rx.var
    def dirty(self) -> bool:
        data, skips = self._pending()
        return bool(data or skips)

    def _field(self, key: str) -> dict[str, Any] | None:
        return form_fields.field_map(self._document).get(key)

    def _writable(self, key: str) -> dict[str, Any] | None:
        field = self._field(key)
        return field if field is not None and self._rules()[1].get(key) == "write" else None

    async def _follow_rules(self, key: str) -> None:
        """A new record: after a change of a field the form's rules depend on, ask the
        API which fields are shown and required now."""
        if self._schema is None or key not in form_fields.rule_fields(self._document):
            return
        with contextlib.suppress(api.ApiError):  # the last answer stands meanwhile
            self._schema = await api.record_schema(
                self.token, self.form, form_fields.context(self._document, self._draft)
            )

    def _forget_error(self, key: str) -> None:
        """A field being changed loses its error: it may well be fixed now."""
        self._errors = [e for e in self._errors if field_of(e) != key]

    @rx.event
    async def set_value(self, key: str, raw: str) -> None:
        field = self._writable(key)
        if field is None:
            return
        self._texts = {**self._texts, key: raw}
        self._draft = {**self._draft, key: form_fields.parse(field, raw)}
        self._forget_error(key)
        await self._follow_rules(key)

    @rx.event
    async def toggle_choice(self, key: str, value: str, on: bool) -> None:
        if self._writable(key) is None:
            return
        chosen = self._draft.get(key)
        values = [v for v in chosen if v != value] if isinstance(chosen, list) else []
        if on:
            values.append(value)
        self._draft = {**self._draft, key: values or None}
        self._forget_error(key)
        await self._follow_rules(key)

    @rx.event
    def set_exempt(self, key: str, on: bool) -> None:
        """Skip a field (with the form's first reason until another is picked), or not."""
        field = self._writable(key)
        if field is None or not field.get("exemptible"):
            return
        if on:
            first = next(iter(form_fields.reasons(self._document, self.lang)), None)
            self._exemptions = {**self._exemptions, key: first.value if first else ""}
            self._draft = {**self._draft, key: None}
            self._texts = {k: v for k, v in self._texts.items() if k != key}
        else:
            self._exemptions = {k: v for k, v in self._exemptions.items() if k != key}
        self._forget_error(key)

    @rx.event
    def set_reason(self, key: str, reason: str) -> None:
        if key in self._exemptions:
            self._exemptions = {**self._exemptions, key: reason}
            self._forget_error(key)
