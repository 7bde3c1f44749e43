"""The "new workflow" dialog: blank, or a copy of an existing workflow under a new key."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import reflex as rx

from studio import api, new_workflow
from studio.failure import failure_callout
from studio.labels import text
from studio.session import SessionState, cause_key
from studio.workflows.state import WorkflowsState, title_in

__all__ = ["CreateState", "create_dialog"]


@dataclasses.dataclass
class Source:
    key: str
    label: str


class CreateState(WorkflowsState):
    open: bool = False
    mode: str = "blank"  # or "copy"
    source: str = ""
    busy: bool = False
    error: str = ""  # a label key
    error_key_value: str = ""  # the key the error is about
    cause: str = ""  # a label key: why, in the user's words
    detail: str = ""  # the API's own message (problem+json "detail")
    problems: list[str] = []

    @rx.var
    def sources(self) -> list[Source]:
        return [Source(w.key, f"{w.key} · {title_in(w, self.lang)}") for w in self._workflows]

    @rx.var
    def error_text(self) -> str:
        return text(self.lang, self.error, key=self.error_key_value) if self.error else ""

    @rx.event
    def set_open(self, is_open: bool) -> None:
        self.open = is_open
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
            return new_workflow.blank(key, new_workflow.title(en or key, zh))
        source = next(w for w in self._workflows if w.key == self.source)
        content = await api.workflow_content(self.token, source)
        return new_workflow.copied(content, key, new_workflow.title(en, zh) if en else None)

    async def _create(self, key: str, en: str, zh: str) -> bool:
        try:
            await api.save_new_draft(self.token, key, await self._content(key, en, zh))
        except api.ApiError as problem:
            # 412: the key exists (create-only save); anything else the API explains.
            taken = problem.status == 412
            self._fail("create.key_taken" if taken else "create.failed", key, problem)
            return False
        return True

    @rx.event
    async def submit(self, form: dict[str, Any]) -> AsyncIterator[Any]:
        key = str(form.get("key", "")).strip()
        self._clear()
        if not key:
            self._fail("create.key_missing")
            return
        if self.mode == "copy" and not any(w.key == self.source for w in self._workflows):
            self._fail("create.source_missing")
            return
        self.busy = True
        yield
        try:
            created = await self._create(
                key, str(form.get("title_en", "")).strip(), str(form.get("title_zh", "")).strip()
            )
        finally:
            self.busy = False
        if created:
            # Straight into the canvas: a new workflow is made to be drawn.
            self.open = False
            yield rx.toast.success(text(self.lang, "create.done", key=key))
            yield rx.redirect(f"/workflows/{key}")


def mode_choice(value: str, label: str) -> rx.Component:
    return rx.text(
        rx.flex(
            rx.radio_group.item(value=value), SessionState.t[label], spacing="2", align="center"
        ),
        as_="label",
        size="2",
    )


def source_picker() -> rx.Component:
    return rx.vstack(
        rx.text(SessionState.t["create.source"], size="2", weight="medium"),
        rx.select.root(
            rx.select.trigger(
                placeholder=SessionState.t["create.source_placeholder"],
                width="100%",
                id="create-source",
            ),
            rx.select.content(
                rx.foreach(CreateState.sources, lambda s: rx.select.item(s.label, value=s.key))
            ),
            value=CreateState.source,
            on_change=CreateState.set_source,
        ),
        spacing="1",
        width="100%",
    )


def text_field(label: str, name: str, help_label: str | None = None) -> rx.Component:
    return rx.vstack(
        rx.text(
            SessionState.t[label], as_="label", html_for=f"create-{name}", size="2", weight="medium"
        ),
        rx.input(id=f"create-{name}", name=name, width="100%", auto_complete="off"),
        rx.text(SessionState.t[help_label], size="1", color_scheme="gray")
        if help_label
        else rx.fragment(),
        spacing="1",
        width="100%",
    )


def error_callout() -> rx.Component:
    return failure_callout(
        CreateState.error != "",
        CreateState.error_text,
        CreateState.cause,
        CreateState.detail,
        CreateState.problems,
        ident="create-error",
        detail_beside_problems=True,
    )


def create_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.radio_group.root(
                rx.vstack(
                    mode_choice("blank", "create.blank"),
                    mode_choice("copy", "create.copy"),
                    spacing="2",
                ),
                value=CreateState.mode,
                on_change=CreateState.set_mode,
                custom_attrs={"data-testid": "create-mode"},
            ),
            rx.cond(CreateState.mode == "copy", source_picker()),
            text_field("create.key", "key", "create.key_help"),
            text_field("create.title_en", "title_en"),
            text_field("create.title_zh", "title_zh"),
            error_callout(),
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
                    loading=CreateState.busy,
                    id="create-submit",
                ),
                justify="end",
                width="100%",
            ),
            spacing="4",
            width="100%",
        ),
        on_submit=CreateState.submit,
    )


def create_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.button(
                rx.icon("plus", size=16), SessionState.t["create.open"], size="3", id="create-open"
            )
        ),
        rx.dialog.content(
            rx.dialog.title(SessionState.t["create.title"]),
            create_form(),
            max_width="520px",
        ),
        open=CreateState.open,
        on_open_change=CreateState.set_open,
    )
