"""Publishing the draft: the button (disabled, with the reason, when the draft cannot
be published) and the dialog that asks for a message.

The publish names the draft revision the user looked at, so a draft saved by
someone else meanwhile is a 409 and nothing is published: the page says so and
reloads. An invalid draft is a 422 whose errors are listed. The API decides who
may publish; the button is only shown to roles that may.

The dialog also says what the sandbox knows of exactly this draft (``gate.box``): the
report of a completed run on its content, or that the newest report is of other
content (stale), or that there is none yet; and which variants will not take the
version live without one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import reflex as rx

from studio import api
from studio.failure import failure_callout
from studio.labels import text
from studio.session import LOGIN_ROUTE, SessionState, cause_key
from studio.versions import gate
from studio.versions.choice import DRAFT
from studio.versions.state import VersionsState

__all__ = ["PublishState", "publish_button", "publish_dialog"]


class PublishState(VersionsState):
    publish_open: bool = False
    message: str = ""
    busy: bool = False
    error: str = ""  # a label key: what happened
    cause: str = ""  # a label key: why, in the user's words
    detail: str = ""  # the API's own message
    problems: list[str] = []
    preview: str = ""  # what the draft changes against the newest version

    @rx.var
    def sandbox_kind(self) -> str:
        """``report``, ``stale``, ``none``; "" while the gate status is not known."""
        return gate.box(self._gate, self.lang).kind if self._gate is not None else ""

    @rx.var
    def sandbox_text(self) -> str:
        return gate.box(self._gate, self.lang).text if self._gate is not None else ""

    @rx.var
    def sandbox_link(self) -> str:
        return gate.box(self._gate, self.lang).link if self._gate is not None else ""

    @rx.var
    def sandbox_link_text(self) -> str:
        return gate.box(self._gate, self.lang).link_text if self._gate is not None else ""

    @rx.var
    def sandbox_required(self) -> str:
        """Which variants go live only with a report ("" when none does)."""
        return gate.required_text(self._gate, self.lang) if self._gate is not None else ""

    @rx.var
    def intro(self) -> str:
        revision = self._draft.revision if self._draft is not None else 0
        return text(self.lang, "versions.publish_intro", revision=revision, n=self.next_version)

    def _clear(self) -> None:
        self.error = self.cause = self.detail = self.preview = ""
        self.problems = []

    @rx.event
    async def set_publish_open(self, is_open: bool) -> AsyncIterator[Any]:
        self.publish_open = is_open
        if not is_open:
            return
        self.message = ""
        self._clear()
        self._gate = None  # said afresh: a run may have finished since
        yield
        await self._preview()
        await self._load_gate()

    async def _preview(self) -> None:
        """How much the draft changes against the newest version, as the dialog opens."""
        if not self._versions:
            self.preview = text(self.lang, "versions.publish_first")
            return
        newest = self._versions[0].version
        try:
            found = await api.diff(self.token, self.key, str(newest), DRAFT)
        except api.ApiError:
            return  # only a preview: publishing says what the API thinks
        self.preview = text(
            self.lang,
            "versions.publish_preview",
            n=newest,
            logic=found.logic_changes,
            layout=found.layout_changes,
        )

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
            published = await api.publish(
                self.token, self.key, self.message.strip(), self._draft.revision
            )
        except api.ApiError as problem:
            self.busy = False
            async for update in self._failed(problem):
                yield update
            return
        self.busy = False
        self.publish_open = False
        if published.created:
            self.published = published.version
            yield rx.toast.success(text(self.lang, "versions.publish_done", n=published.version))
        else:
            yield rx.toast.info(text(self.lang, "versions.publish_same", n=published.version))
        await self._load()
        if published.created and published.version > 1:
            # Straight to what the new version changed.
            self.diff_from, self.diff_to = str(published.version - 1), str(published.version)
        await self._compare()

    async def _failed(self, problem: api.ApiError) -> AsyncIterator[Any]:
        if problem.status == 401:
            self._forget()
            yield rx.redirect(LOGIN_ROUTE)
            return
        if problem.status == 409:
            # Someone saved the draft after it was loaded here: show theirs, publish nothing.
            self.error = "versions.publish_conflict"
            await self._load()
            await self._compare()
            await self._preview()
            await self._load_gate()  # the new draft has a report of its own, or none
            return
        self.detail = problem.detail
        self.problems = problem.messages(self.lang)
        if problem.status == 422:
            self.error = "versions.publish_invalid"
            await self._load()  # the errors may be news to this page too
            return
        self.error = "versions.publish_failed"
        self.cause = cause_key(problem)


def publish_button() -> rx.Component:
    """Publish, or why not; nothing at all for roles that may not publish."""
    return rx.cond(
        SessionState.may_publish,
        rx.hstack(
            rx.cond(
                VersionsState.publish_block != "",
                rx.text(
                    VersionsState.publish_block,
                    size="2",
                    color_scheme="gray",
                    id="publish-blocked",
                ),
            ),
            rx.button(
                rx.icon("upload", size=16),
                SessionState.t["versions.publish"],
                on_click=PublishState.set_publish_open(True),
                disabled=(VersionsState.publish_block != "") | VersionsState.loading,
                size="3",
                id="publish-open",
            ),
            align="center",
            spacing="3",
        ),
    )


def _sandbox_box() -> rx.Component:
    """The sandbox report of exactly this draft (or why there is none), with its link."""
    return rx.cond(
        PublishState.sandbox_kind != "",
        rx.callout.root(
            rx.callout.icon(rx.icon("flask-conical")),
            rx.vstack(
                rx.text(SessionState.t["gate.title"], weight="medium"),
                rx.text(PublishState.sandbox_text, size="2", id="publish-sandbox-text"),
                rx.link(
                    PublishState.sandbox_link_text,
                    href=PublishState.sandbox_link,
                    size="2",
                    id="publish-sandbox-link",
                ),
                rx.cond(
                    PublishState.sandbox_required != "",
                    rx.text(
                        PublishState.sandbox_required,
                        size="2",
                        weight="medium",
                        id="publish-sandbox-required",
                    ),
                ),
                spacing="1",
            ),
            color_scheme=rx.match(
                PublishState.sandbox_kind,
                ("report", "green"),
                ("stale", "amber"),
                "gray",
            ),
            size="1",
            width="100%",
            id="publish-sandbox",
            custom_attrs={"data-kind": PublishState.sandbox_kind},
        ),
    )


def _error_callout() -> rx.Component:
    return failure_callout(
        PublishState.error != "",
        SessionState.t[PublishState.error],
        PublishState.cause,
        PublishState.detail,
        PublishState.problems,
        ident="publish-error",
        color=rx.cond(PublishState.error == "versions.publish_conflict", "amber", "red"),
    )


def publish_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(SessionState.t["versions.publish_title"]),
            rx.vstack(
                rx.text(PublishState.intro, size="2"),
                rx.cond(
                    PublishState.preview != "",
                    rx.text(PublishState.preview, size="2", id="publish-preview"),
                ),
                rx.callout(
                    SessionState.t["versions.publish_not_live"],
                    icon="info",
                    size="1",
                    color_scheme="gray",
                ),
                _sandbox_box(),
                rx.text(
                    SessionState.t["versions.publish_message"],
                    as_="label",
                    html_for="publish-message",
                    size="2",
                    weight="medium",
                ),
                rx.text_area(
                    value=PublishState.message,
                    on_change=PublishState.set_message,
                    placeholder=SessionState.t["versions.publish_placeholder"],
                    rows="3",
                    width="100%",
                    id="publish-message",
                ),
                _error_callout(),
                rx.hstack(
                    rx.dialog.close(
                        rx.button(
                            SessionState.t["versions.cancel"],
                            variant="soft",
                            color_scheme="gray",
                            id="publish-cancel",
                        )
                    ),
                    rx.button(
                        rx.icon("upload", size=16),
                        SessionState.t["versions.publish_submit"],
                        on_click=PublishState.submit,
                        loading=PublishState.busy,
                        disabled=VersionsState.publish_block != "",
                        id="publish-submit",
                    ),
                    justify="end",
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            max_width="560px",
            id="publish-dialog",
        ),
        open=PublishState.publish_open,
        on_open_change=PublishState.set_publish_open,
    )
