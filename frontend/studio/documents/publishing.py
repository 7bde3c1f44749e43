"""Publishing a form or a matrix, and making a version live: a State mixin beside
:class:`~studio.documents.versions.VersionsMixin` (the page's own State holds both).

Publishing names the draft revision looked at, so a draft saved by someone else
meanwhile is a 409 and nothing is published; an invalid draft is a 422 whose
errors are listed. A version made live for a variant, or an earlier one (a roll
back), is recorded by the API, never rewriting history.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import reflex as rx

from studio import api
from studio.labels import text
from studio.session import LOGIN_ROUTE, cause_key
from studio.versions.choice import DEFAULT_VARIANT, move_kind
from studio.versions.state import Option
from studio.versions.state import variant_name as variant_words

__all__ = ["NEW_VARIANT", "PublishMixin"]

NEW_VARIANT = "__new__"


class PublishMixin(rx.State, mixin=True):
    # the publish dialog
    publish_open: bool = False
    message: str = ""
    busy: bool = False
    error: str = ""
    cause: str = ""
    detail: str = ""
    problems: list[str] = []
    # the make-live dialog
    activate_open: bool = False
    chosen_version: str = ""
    chosen_variant: str = DEFAULT_VARIANT
    new_variant: str = ""
    reason: str = ""

    @rx.var
    def publish_block(self) -> str:
        if self._draft is None:
            return text(self.lang, "versions.blocked_no_draft")
        if self._draft.valid:
            return ""
        count = len(self._draft.errors)
        if count == 1:
            return text(self.lang, f"{self._words()}.blocked_error_one")
        return text(self.lang, f"{self._words()}.blocked_errors", n=count)

    @rx.var
    def publish_intro(self) -> str:
        revision = self._draft.revision if self._draft is not None else 0
        number = (self._versions[0].version if self._versions else 0) + 1
        return text(self.lang, "versions.publish_intro", revision=revision, n=number)

    @rx.var
    def published_text(self) -> str:
        return text(self.lang, f"{self._words()}.published_banner", n=self.published)

    @rx.var
    def version_options(self) -> list[Option]:
        return [
            Option(value=str(v.version), label=text(self.lang, "versions.number", n=v.version))
            for v in self._versions
        ]

    @rx.var
    def variant_options(self) -> list[Option]:
        names = sorted({DEFAULT_VARIANT, *self._active}, key=lambda v: (v != DEFAULT_VARIANT, v))
        return [Option(value=v, label=variant_words(v, self.lang)) for v in names]

    def _variant(self) -> str:
        if self.chosen_variant == NEW_VARIANT:
            return self.new_variant.strip()
        return self.chosen_variant

    def _move(self) -> str:
        if not self._variant() or not self.chosen_version.isdigit():
            return ""
        return move_kind(self._active.get(self._variant()), int(self.chosen_version))

    @rx.var
    def move_text(self) -> str:
        kind = self._move()
        if not kind:
            return ""
        variant = self._variant()
        fields: dict[str, Any] = {
            "variant": variant_words(variant, self.lang),
            "from": self._active.get(variant),
            "to": self.chosen_version,
        }
        label = {"first": "versions.move_first", "same": "versions.move_same"}
        return text(self.lang, label.get(kind, "versions.move"), **fields)

    @rx.var
    def is_rollback(self) -> bool:
        return self._move() == "rollback"

    @rx.var
    def can_confirm(self) -> bool:
        return self._move() not in ("", "same") and not self.busy

    # ---- publishing ----------------------------------------------------------------

    def _clear(self) -> None:
        self.error = self.cause = self.detail = ""
        self.problems = []

    @rx.event
    def set_publish_open(self, is_open: bool) -> None:
        self.publish_open = is_open
        if is_open:
            self.message = ""
            self._clear()

    @rx.event
    def set_message(self, message: str) -> None:
        self.message = message

    @rx.event
    async def submit(self) -> AsyncIterator[Any]:
        if self._draft is None or self.busy:
            return
        self._clear()
        self.busy = True
        yield
        try:
            done = await api.publish_document(
                self.token, self._kind(), self.key, self.message.strip(), self._draft.revision
            )
        except api.ApiError as problem:
            self.busy = False
            if problem.status == 401:
                self._forget()
                yield rx.redirect(LOGIN_ROUTE)
                return
            self.error = {409: "versions.publish_conflict", 422: "versions.publish_invalid"}.get(
                problem.status, "versions.publish_failed"
            )
            self.cause = cause_key(problem) if problem.status not in (409, 422) else ""
            self.detail = problem.detail
            self.problems = problem.messages(self.lang)
            await self._load()
            return
        self.busy = False
        self.publish_open = False
        if done.created:
            self.published = done.version
            yield rx.toast.success(text(self.lang, "versions.publish_done", n=done.version))
        else:
            yield rx.toast.info(text(self.lang, "versions.publish_same", n=done.version))
        await self._load()
        if done.created and done.version > 1:
            self.diff_from, self.diff_to = str(done.version - 1), str(done.version)
        await self._compare()

    # ---- making a version live ---------------------------------------------------------

    @rx.event
    def open_activate(self, number: int) -> None:
        if not self._versions:
            return
        self.chosen_version = str(int(number) or self._versions[0].version)
        self.chosen_variant, self.new_variant, self.reason = DEFAULT_VARIANT, "", ""
        self._clear()
        self.activate_open = True

    @rx.event
    def set_activate_open(self, is_open: bool) -> None:
        self.activate_open = is_open

    @rx.event
    def set_chosen_version(self, value: str) -> None:
        self.chosen_version = value

    @rx.event
    def set_chosen_variant(self, value: str) -> None:
        self.chosen_variant = value

    @rx.event
    def set_new_variant(self, value: str) -> None:
        self.new_variant = value

    @rx.event
    def set_reason(self, value: str) -> None:
        self.reason = value

    @rx.event
    async def confirm(self) -> AsyncIterator[Any]:
        variant = self._variant()
        self._clear()
        if not variant:
            self.error = "versions.variant_missing"
            return
        if not self.can_confirm:
            return
        number = int(self.chosen_version)
        self.busy = True
        yield
        try:
            live = await api.activate_document(
                self.token, self._kind(), self.key, variant, number, self.reason.strip()
            )
        except api.ApiError as problem:
            self.busy = False
            self.error = "versions.activate_failed"
            self.cause, self.detail = cause_key(problem), problem.detail
            self.problems = problem.messages(self.lang)
            return
        self.busy = False
        self.activate_open = False
        self._active, self._history = live.variants, live.history
        words = variant_words(variant, self.lang)
        yield rx.toast.success(text(self.lang, "versions.activate_done", variant=words, n=number))
        if self.published == number:
            self.published = 0
