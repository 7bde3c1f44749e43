""" "Publish form and matrix together": one change set of the chosen form's draft and
this matrix's draft, published all or nothing (``POST /changesets``, then
``POST /changesets/{id}/publish``), made live for the default variant in the same
transaction unless the person unticks it (then "Make both live" does it after). A
draft with errors publishes nothing; its errors come back under
``/items/<i>/content/...`` and are shown against the form or the matrix they
belong to."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import reflex as rx

from studio import api
from studio.documents.content import localized
from studio.failure import failure_callout
from studio.labels import text
from studio.matrices.state import MatrixEditorState
from studio.session import LOGIN_ROUTE, SessionState, cause_key
from studio.versions.choice import DEFAULT_VARIANT

__all__ = ["ChangeSetState", "changeset_button", "changeset_dialog"]

_ITEM = re.compile(r"^/items/(\d+)(?:/content)?(/.*)?$")


class ChangeSetState(MatrixEditorState):
    together_open: bool = False
    cs_title: str = ""
    cs_message: str = ""
    cs_busy: bool = False
    cs_error: str = ""  # a label key
    cs_cause: str = ""
    cs_detail: str = ""
    cs_problems: list[str] = []
    cs_done: str = ""  # what was published, in words
    cs_live_now: bool = True  # publish and make live in one transaction
    cs_went_live: bool = False
    _published: list[tuple[str, str, int]] = []  # kind, key, version

    def _items(self) -> list[tuple[str, str]]:
        return [("form", self.form), ("permission_matrix", self.key)]

    @rx.var
    def together_block(self) -> str:
        """Why the two cannot be published together now ("" when they can)."""
        if not self.form:
            return text(self.lang, "matrices.together_no_form")
        if self.dirty:
            return text(self.lang, "matrices.together_unsaved")
        return ""

    @rx.var
    def together_intro(self) -> str:
        return text(self.lang, "matrices.together_intro", form=self.form, matrix=self.key)

    def _clear(self) -> None:
        self.cs_error = self.cs_cause = self.cs_detail = self.cs_done = ""
        self.cs_problems = []

    @rx.event
    def set_together_open(self, is_open: bool) -> None:
        self.together_open = is_open
        if is_open:
            form = localized(self._forms.get(self.form, {}).get("title"), self.lang) or self.form
            self.cs_title = text(
                self.lang, "matrices.together_title_default", form=form, matrix=self.title
            )
            self.cs_message = ""
            self.cs_went_live = False
            self._published = []
            self._clear()

    @rx.event
    def set_cs_title(self, value: str) -> None:
        self.cs_title = value

    @rx.event
    def set_cs_message(self, value: str) -> None:
        self.cs_message = value

    @rx.event
    def set_cs_live_now(self, value: bool) -> None:
        self.cs_live_now = value

    def _pointed(self, problem: api.ApiError) -> list[str]:
        """The API's pointed errors, each named after the document it is in."""
        items = self._items()
        lines = []
        for item in problem.errors:
            message = localized(item.get("message"), self.lang) or str(item.get("code", ""))
            match = _ITEM.match(str(item.get("pointer", "")))
            if match and int(match[1]) < len(items):
                kind, key = items[int(match[1])]
                where = text(self.lang, f"matrices.in_{kind}", key=key)
                lines.append(f"{where} {match[2] or ''}: {message}")
            else:
                lines.append(message)
        return lines

    @rx.event
    async def publish_together(self) -> AsyncIterator[Any]:
        if self.cs_busy or self.together_block:
            return
        self._clear()
        self.cs_busy = True
        yield
        try:
            title = self.cs_title.strip() or self.key
            created = await api.create_changeset(self.token, title, self._items())
            done = await api.publish_changeset(
                self.token,
                created.id,
                self.cs_message.strip(),
                activate=DEFAULT_VARIANT if self.cs_live_now else None,
            )
        except api.ApiError as problem:
            self.cs_busy = False
            if problem.status == 401:
                self._forget()
                yield rx.redirect(LOGIN_ROUTE)
                return
            self.cs_error = "matrices.together_failed"
            self.cs_cause = cause_key(problem)
            self.cs_detail = problem.detail
            self.cs_problems = self._pointed(problem)
            return
        self.cs_busy = False
        self._published = [(i.kind, i.key, i.version or 0) for i in done.items]
        self.cs_went_live = self.cs_live_now
        self.cs_done = text(
            self.lang,
            "matrices.together_done_live" if self.cs_went_live else "matrices.together_done",
            items=", ".join(
                text(self.lang, f"matrices.in_{kind}", key=key) + f" v{version}"
                for kind, key, version in self._published
            ),
        )
        yield rx.toast.success(self.cs_done)

    @rx.event
    async def make_live(self) -> AsyncIterator[Any]:
        """Both versions just published made live for the default variant."""
        if not self._published or self.cs_busy:
            return
        self.cs_busy = True
        yield
        try:
            for kind, key, version in self._published:
                await api.activate_document(
                    self.token, kind, key, DEFAULT_VARIANT, version, self.cs_title.strip()
                )
        except api.ApiError as problem:
            self.cs_error, self.cs_cause = "versions.activate_failed", cause_key(problem)
            self.cs_detail, self.cs_problems = problem.detail, problem.messages(self.lang)
            return
        finally:
            self.cs_busy = False
        self.together_open = False
        yield rx.toast.success(text(self.lang, "matrices.together_live"))


def changeset_button() -> rx.Component:
    """Only for roles that may publish; disabled (with the reason) while it cannot."""
    return rx.cond(
        SessionState.may_publish,
        rx.tooltip(
            rx.button(
                rx.icon("package-check", size=15),
                SessionState.t["matrices.together"],
                on_click=ChangeSetState.set_together_open(True),
                disabled=ChangeSetState.together_block != "",
                variant="soft",
                id="publish-together",
            ),
            content=rx.cond(
                ChangeSetState.together_block != "",
                ChangeSetState.together_block,
                SessionState.t["matrices.together_help"],
            ),
        ),
    )


def changeset_dialog() -> rx.Component:
    S = ChangeSetState
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(SessionState.t["matrices.together"]),
            rx.vstack(
                rx.text(S.together_intro, size="2"),
                rx.text(SessionState.t["matrices.together_title"], size="2", weight="medium"),
                rx.input(
                    value=S.cs_title, on_change=S.set_cs_title, width="100%", id="together-title"
                ),
                rx.text(SessionState.t["versions.publish_message"], size="2", weight="medium"),
                rx.text_area(
                    value=S.cs_message,
                    on_change=S.set_cs_message,
                    rows="2",
                    width="100%",
                    id="together-message",
                ),
                rx.cond(
                    SessionState.may_activate,
                    rx.text(
                        rx.hstack(
                            rx.checkbox(
                                checked=S.cs_live_now,
                                on_change=S.set_cs_live_now,
                                id="together-live-now",
                            ),
                            SessionState.t["matrices.together_live_now"],
                            spacing="2",
                        ),
                        as_="label",
                        size="2",
                    ),
                ),
                failure_callout(
                    S.cs_error != "",
                    SessionState.t[S.cs_error],
                    S.cs_cause,
                    S.cs_detail,
                    S.cs_problems,
                    ident="together-error",
                ),
                rx.cond(
                    S.cs_done != "",
                    rx.callout(
                        S.cs_done, icon="circle-check", color_scheme="green", id="together-done"
                    ),
                ),
                rx.hstack(
                    rx.dialog.close(
                        rx.button(
                            SessionState.t["matrices.close"], variant="soft", color_scheme="gray"
                        )
                    ),
                    rx.cond(
                        S.cs_done != "",
                        rx.cond(
                            SessionState.may_activate & ~S.cs_went_live,
                            rx.button(
                                rx.icon("radio-tower", size=15),
                                SessionState.t["matrices.together_make_live"],
                                on_click=S.make_live,
                                loading=S.cs_busy,
                                id="together-live",
                            ),
                        ),
                        rx.button(
                            rx.icon("upload", size=15),
                            SessionState.t["versions.publish_submit"],
                            on_click=S.publish_together,
                            loading=S.cs_busy,
                            id="together-submit",
                        ),
                    ),
                    justify="end",
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            max_width="560px",
            id="together-dialog",
        ),
        open=S.together_open,
        on_open_change=S.set_together_open,
    )
