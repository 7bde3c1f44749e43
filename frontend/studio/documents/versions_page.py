"""The versions page of a form or a matrix: versions and what is live on the left,
what changed on the right, publish and make-live dialogs for the roles that may
(the workflow versions page's ids, so the tests read alike)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from studio.documents.publishing import NEW_VARIANT
from studio.documents.versions import ChangeLine
from studio.failure import failure_callout
from studio.session import SessionState
from studio.versions.state import VersionRow

__all__ = ["versions_page"]


def _select(value: Any, options: Any, on_change: Any, ident: str, *extra: Any) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(id=ident, min_width="160px"),
        rx.select.content(
            rx.foreach(options, lambda o: rx.select.item(o.label, value=o.value)), *extra
        ),
        value=value,
        on_change=on_change,
    )


def _version_row(state: Any, row: rx.Var[VersionRow]) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.text(row.name, weight="bold", size="3"),
            rx.foreach(row.live, lambda v: rx.badge(rx.icon("radio", size=12), v, variant="solid")),
            rx.cond(row.is_new, rx.badge(SessionState.t["versions.new"], color_scheme="indigo")),
            rx.spacer(),
            rx.cond(
                row.has_previous,
                rx.button(
                    rx.icon("git-compare", size=14),
                    SessionState.t["versions.changes"],
                    on_click=state.show_version(row.version),
                    variant="ghost",
                    size="1",
                ),
            ),
            rx.cond(
                SessionState.may_activate,
                rx.button(
                    rx.icon("radio-tower", size=14),
                    SessionState.t["versions.activate"],
                    on_click=state.open_activate(row.version),
                    variant="soft",
                    size="1",
                    class_name="version-activate",
                ),
            ),
            align="center",
            spacing="2",
            width="100%",
        ),
        rx.text(
            rx.cond(row.message != "", row.message, SessionState.t["versions.no_message"]),
            size="2",
        ),
        rx.hstack(
            rx.text(row.author),
            rx.moment(row.published_at, format="YYYY-MM-DD HH:mm"),
            rx.code(row.short_hash, variant="ghost", color_scheme="gray", size="1"),
            spacing="3",
            font_size="12px",
            color=rx.color("gray", 11),
        ),
        padding="10px 12px",
        border_radius="8px",
        border=f"1px solid {rx.color('gray', 5)}",
        background_color=rx.color("gray", 1),
        width="100%",
        id="version-row",
        custom_attrs={"data-version": row.version},
    )


def _left(state: Any, words: str) -> rx.Component:
    live = rx.vstack(
        rx.heading(SessionState.t["versions.live_title"], size="4"),
        rx.cond(
            state.live_rows.length() > 0,
            rx.foreach(
                state.live_rows,
                lambda r: rx.hstack(
                    rx.badge(r.name, color_scheme="green"),
                    rx.text(r.version, size="2"),
                    class_name="live-row",
                    custom_attrs={"data-variant": r.variant},
                ),
            ),
            rx.text(SessionState.t["versions.live_none"], size="2", color_scheme="gray"),
        ),
        rx.foreach(
            state.history_rows,
            lambda r: rx.text(r.text, size="1", color_scheme="gray", class_name="history-row"),
        ),
        spacing="2",
        width="100%",
        id="live-list",
    )
    return rx.vstack(
        rx.card(
            rx.vstack(
                rx.heading(SessionState.t["versions.list"], size="4"),
                rx.text(state.draft_text, size="2", id="draft-row"),
                rx.foreach(state.rows, lambda r: _version_row(state, r)),
                rx.cond(
                    state.rows.length() == 0,
                    rx.text(SessionState.t["versions.none"], size="2", color_scheme="gray"),
                ),
                spacing="2",
                width="100%",
            ),
            width="100%",
        ),
        rx.card(live, width="100%"),
        spacing="4",
        width="100%",
    )


def _change(line: rx.Var[ChangeLine]) -> rx.Component:
    return rx.hstack(
        rx.badge(line.op_label, color_scheme=line.color, variant="soft", min_width="56px"),
        rx.text(line.text, size="2", color=rx.cond(line.layout, rx.color("gray", 10), "inherit")),
        spacing="2",
        align="start",
        class_name="diff-line",
        custom_attrs={"data-op": line.op},
    )


def _right(state: Any, words: str) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(SessionState.t["versions.compare"], size="4"),
                rx.spacer(),
                rx.text(SessionState.t["versions.from"], size="2"),
                _select(state.diff_from, state.options, state.choose_from, "diff-from"),
                rx.icon("arrow-right", size=16),
                rx.text(SessionState.t["versions.to"], size="2"),
                _select(state.diff_to, state.options, state.choose_to, "diff-to"),
                rx.cond(state.diffing, rx.spinner(size="1")),
                align="center",
                spacing="2",
                width="100%",
                wrap="wrap",
            ),
            rx.cond(
                state.diff_error != "",
                rx.callout(
                    SessionState.t[state.diff_error], icon="circle-alert", color_scheme="red"
                ),
            ),
            rx.cond(
                state.access_lines.length() > 0,
                rx.vstack(
                    rx.text(SessionState.t["matrices.who_changes"], size="2", weight="medium"),
                    rx.foreach(
                        state.access_lines,
                        lambda t: rx.text("• ", t, size="2", class_name="access-line"),
                    ),
                    spacing="1",
                    width="100%",
                    id="access-changes",
                ),
            ),
            rx.vstack(rx.foreach(state.change_lines, _change), spacing="1", id="diff-list"),
            rx.cond(
                state.no_changes,
                rx.text(
                    SessionState.t["versions.no_changes"], color_scheme="gray", id="diff-empty"
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="diff",
    )


def _publish_dialog(state: Any) -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(SessionState.t["versions.publish_title"]),
            rx.vstack(
                rx.text(state.publish_intro, size="2"),
                rx.text(SessionState.t["versions.publish_message"], size="2", weight="medium"),
                rx.text_area(
                    value=state.message,
                    on_change=state.set_message,
                    rows="3",
                    width="100%",
                    id="publish-message",
                ),
                failure_callout(
                    state.error != "",
                    SessionState.t[state.error],
                    state.cause,
                    state.detail,
                    state.problems,
                    ident="publish-error",
                ),
                rx.hstack(
                    rx.dialog.close(
                        rx.button(
                            SessionState.t["versions.cancel"], variant="soft", color_scheme="gray"
                        )
                    ),
                    rx.button(
                        rx.icon("upload", size=16),
                        SessionState.t["versions.publish_submit"],
                        on_click=state.submit,
                        loading=state.busy,
                        disabled=state.publish_block != "",
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
        open=state.publish_open,
        on_open_change=state.set_publish_open,
    )


def _activate_dialog(state: Any) -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(SessionState.t["versions.activate_title"]),
            rx.vstack(
                rx.hstack(
                    _select(
                        state.chosen_version,
                        state.version_options,
                        state.set_chosen_version,
                        "activate-version",
                    ),
                    _select(
                        state.chosen_variant,
                        state.variant_options,
                        state.set_chosen_variant,
                        "activate-variant",
                        rx.select.separator(),
                        rx.select.item(SessionState.t["versions.variant_new"], value=NEW_VARIANT),
                    ),
                    spacing="3",
                ),
                rx.cond(
                    state.chosen_variant == NEW_VARIANT,
                    rx.input(
                        value=state.new_variant,
                        on_change=state.set_new_variant,
                        placeholder="east",
                        id="activate-new-variant",
                    ),
                ),
                rx.cond(
                    state.move_text != "",
                    rx.callout(state.move_text, icon="arrow-right", id="activate-move"),
                ),
                rx.input(
                    value=state.reason,
                    on_change=state.set_reason,
                    placeholder=SessionState.t["versions.activate_reason"],
                    width="100%",
                    id="activate-reason",
                ),
                failure_callout(
                    state.error != "",
                    SessionState.t[state.error],
                    state.cause,
                    state.detail,
                    state.problems,
                    ident="activate-error",
                ),
                rx.hstack(
                    rx.dialog.close(
                        rx.button(
                            SessionState.t["versions.cancel"], variant="soft", color_scheme="gray"
                        )
                    ),
                    rx.button(
                        SessionState.t["versions.activate"],
                        on_click=state.confirm,
                        loading=state.busy,
                        disabled=~state.can_confirm,
                        color_scheme=rx.cond(state.is_rollback, "amber", "indigo"),
                        id="activate-confirm",
                    ),
                    justify="end",
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            max_width="520px",
            id="activate-dialog",
        ),
        open=state.activate_open,
        on_open_change=state.set_activate_open,
    )


def versions_page(state: Any, route: str, words: str) -> rx.Component:
    """``route`` is the list's (``/forms``); the editor is ``route/<key>``."""
    heading = rx.hstack(
        rx.vstack(
            rx.link(
                rx.hstack(rx.icon("arrow-left", size=16), SessionState.t["versions.back"]),
                href=f"{route}/" + state.key,
                color_scheme="gray",
                size="2",
                id="editor-link",
            ),
            rx.heading(SessionState.t["versions.title"], " · ", state.title, size="7"),
            spacing="1",
        ),
        rx.spacer(),
        rx.cond(
            SessionState.may_publish,
            rx.hstack(
                rx.cond(
                    state.publish_block != "",
                    rx.text(
                        state.publish_block, size="2", color_scheme="gray", id="publish-blocked"
                    ),
                ),
                rx.button(
                    rx.icon("upload", size=16),
                    SessionState.t["versions.publish"],
                    on_click=state.set_publish_open(True),
                    disabled=(state.publish_block != "") | state.loading,
                    size="3",
                    id="publish-open",
                ),
                align="center",
                spacing="3",
            ),
        ),
        align="end",
        width="100%",
    )
    body = rx.grid(
        _left(state, words),
        _right(state, words),
        columns="minmax(340px, 440px) minmax(0, 1fr)",
        spacing="4",
        width="100%",
        align_items="start",
    )
    return rx.vstack(
        heading,
        rx.cond(
            ~SessionState.may_publish & ~SessionState.may_activate,
            rx.callout(
                SessionState.t["versions.read_only"], icon="eye", color_scheme="gray", size="1"
            ),
        ),
        rx.cond(
            state.published > 0,
            rx.callout(
                state.published_text,
                icon="circle-check",
                color_scheme="green",
                id="published-banner",
            ),
        ),
        rx.cond(
            state.load_error != "",
            rx.callout(
                SessionState.t[state.load_error],
                icon="circle-alert",
                color_scheme="red",
                id="versions-error",
            ),
            body,
        ),
        _publish_dialog(state),
        _activate_dialog(state),
        spacing="4",
        width="100%",
        padding="24px",
        max_width="1400px",
        margin_x="auto",
    )
