"""The frame of the form designer and the matrix editor: the top bar (back, title,
save state, errors, undo, versions, save), the banner of restored unsaved work,
the conflict dialog and the load failure. Plain functions of the screen's State
class (a :class:`~studio.documents.state.DraftMixin`), with the workflow editor's
words and element ids, so the two editors read and test alike."""

from __future__ import annotations

from typing import Any

import reflex as rx

from studio.documents.browser import draft_keeper
from studio.documents.content import ErrorItem
from studio.session import SessionState

__all__ = ["SELECT_STYLE", "editor_frame", "native_select", "top_bar"]

# A native <select>, dressed like the Radix inputs (as in the workflow editor's panel).
SELECT_STYLE = {
    "height": "32px",
    "padding": "0 8px",
    "border_radius": "var(--radius-2)",
    "border": f"1px solid {rx.color('gray', 7)}",
    "background_color": rx.color("gray", 1),
    "font_size": "14px",
    "min_width": "120px",
    "max_width": "100%",
}


def native_select(*options: rx.Component, **props: Any) -> rx.Component:
    style = {**SELECT_STYLE, **props.pop("style", {})}
    return rx.el.select(*options, style=style, **props)


def save_status(state: Any, words: str) -> rx.Component:
    return rx.cond(
        state.read_only,
        rx.tooltip(
            rx.badge(
                rx.icon("eye", size=12),
                SessionState.t["editor.read_only"],
                color_scheme="gray",
                id="read-only-badge",
            ),
            content=SessionState.t[f"{words}.read_only_help"],
        ),
        rx.cond(
            state.dirty,
            rx.badge(SessionState.t["editor.unsaved"], color_scheme="amber", id="save-status"),
            rx.badge(SessionState.t["editor.all_saved"], color_scheme="green", id="save-status"),
        ),
    )


def error_list(state: Any) -> rx.Component:
    """Every error of the draft, one click from the top bar; a click selects its item."""

    def line(item: rx.Var[ErrorItem]) -> rx.Component:
        return rx.box(
            rx.text(item.about, size="2", weight="bold"),
            rx.text(item.message, size="2"),
            rx.code(item.pointer, size="1", color_scheme="gray", variant="ghost"),
            on_click=state.focus(item.target),
            cursor="pointer",
            padding="6px 8px",
            border_radius="6px",
            _hover={"background_color": rx.color("gray", 3)},
            class_name="error-line",
            custom_attrs={"data-pointer": item.pointer},
            width="100%",
        )

    return rx.popover.root(
        rx.popover.trigger(
            rx.button(
                rx.icon(rx.cond(state.error_count > 0, "circle-alert", "circle-check"), size=15),
                SessionState.t["editor.errors"],
                rx.badge(state.error_count, variant="solid", radius="full"),
                color_scheme=rx.cond(state.error_count > 0, "red", "green"),
                variant="soft",
                id="error-list-button",
            )
        ),
        rx.popover.content(
            rx.vstack(
                rx.heading(SessionState.t["editor.errors_title"], size="3"),
                rx.cond(
                    state.error_count > 0,
                    rx.foreach(state.error_items, line),
                    rx.text(SessionState.t["editor.no_errors"], size="2"),
                ),
                spacing="1",
                max_height="60vh",
                overflow_y="auto",
                id="error-list",
            ),
            width="420px",
        ),
    )


def undo_buttons(state: Any) -> rx.Component:
    return rx.cond(
        state.read_only,
        rx.fragment(),
        rx.hstack(
            rx.tooltip(
                rx.icon_button(
                    rx.icon("undo-2", size=15),
                    on_click=state.undo,
                    disabled=~state.can_undo,
                    variant="ghost",
                    color_scheme="gray",
                    aria_label=SessionState.t["canvas.undo"],
                    id="undo-button",
                ),
                content=SessionState.t["canvas.undo"],
            ),
            rx.tooltip(
                rx.icon_button(
                    rx.icon("redo-2", size=15),
                    on_click=state.redo,
                    disabled=~state.can_redo,
                    variant="ghost",
                    color_scheme="gray",
                    aria_label=SessionState.t["canvas.redo"],
                    id="redo-button",
                ),
                content=SessionState.t["canvas.redo"],
            ),
            spacing="1",
        ),
    )


def top_bar(state: Any, back: str, words: str, *extra: rx.Component) -> rx.Component:
    """``back`` is the list's route; ``words`` the label prefix (``forms``, ``matrices``);
    ``extra`` goes between the versions link and the save button."""
    return rx.hstack(
        rx.link(
            rx.hstack(rx.icon("arrow-left", size=16), SessionState.t[f"{words}.back"], spacing="1"),
            href=back,
            color_scheme="gray",
            size="2",
            id="back-link",
        ),
        rx.heading(state.title, size="4", id="editor-title"),
        rx.code(state.key, variant="ghost", color_scheme="gray"),
        save_status(state, words),
        rx.spacer(),
        undo_buttons(state),
        error_list(state),
        rx.link(
            rx.button(
                rx.icon("history", size=15),
                SessionState.t["editor.versions"],
                variant="soft",
                color_scheme="gray",
            ),
            href=f"{back}/{state.key}/versions",
            id="versions-link",
        ),
        *extra,
        rx.cond(
            state.read_only,
            rx.fragment(),
            rx.button(
                rx.icon("save", size=15),
                rx.cond(
                    state.saving, SessionState.t["editor.saving"], SessionState.t["editor.save"]
                ),
                on_click=state.save,
                disabled=~state.dirty | state.saving,
                id="save-button",
            ),
        ),
        align="center",
        spacing="4",
        width="100%",
        padding_x="16px",
        padding_y="8px",
        border_bottom=f"1px solid {rx.color('gray', 5)}",
        background_color=rx.color("gray", 1),
    )


def restored_banner(state: Any) -> rx.Component:
    return rx.cond(
        state.restored_at != "",
        rx.callout(
            rx.hstack(
                rx.text(SessionState.t["editor.restored"].replace("{at}", state.restored_at)),
                rx.button(
                    SessionState.t["editor.discard_local"],
                    on_click=state.discard_local,
                    size="1",
                    variant="soft",
                    id="discard-local",
                ),
                align="center",
            ),
            icon="history",
            color_scheme="amber",
            size="1",
            margin="8px 16px 0",
            id="restored-banner",
        ),
    )


def conflict_dialog(state: Any) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(SessionState.t["editor.conflict_title"]),
            rx.alert_dialog.description(SessionState.t["editor.conflict_body"]),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button(
                        SessionState.t["editor.conflict_cancel"],
                        variant="soft",
                        color_scheme="gray",
                        on_click=state.keep_editing,
                    )
                ),
                rx.button(
                    SessionState.t["editor.conflict_reload"],
                    variant="soft",
                    on_click=state.reload,
                    id="conflict-reload",
                ),
                rx.button(
                    SessionState.t["editor.conflict_overwrite"],
                    color_scheme="red",
                    on_click=state.overwrite,
                    id="conflict-overwrite",
                ),
                justify="end",
                spacing="3",
                margin_top="16px",
            ),
            id="conflict-dialog",
        ),
        open=state.conflict,
    )


def load_problem(state: Any, words: str) -> rx.Component:
    return rx.center(
        rx.callout(
            rx.text(SessionState.t[f"{words}.load_failed"], " ", SessionState.t[state.load_error]),
            icon="circle-alert",
            color_scheme="red",
            role="alert",
            id="load-error",
        ),
        padding="48px",
    )


def editor_frame(
    state: Any, words: str, bar: rx.Component, workspace: rx.Component
) -> rx.Component:
    """The whole screen: the bar, the restored banner, then ``workspace`` once loaded.

    ``data-ready`` turns true once the draft and any unsaved local copy are in (a click
    before then would land on what is about to be replaced); ``data-checking`` is true
    while an edit is being validated (its errors are not in yet)."""
    return rx.vstack(
        bar,
        restored_banner(state),
        rx.cond(
            state.load_error != "",
            load_problem(state, words),
            rx.cond(
                state.loading,
                rx.center(rx.spinner(size="3"), flex="1", width="100%"),
                rx.box(
                    workspace,
                    custom_attrs={
                        "data-ready": state.ready.to_string(),
                        "data-checking": state.checking.to_string(),
                    },
                    id="workspace",
                    width="100%",
                    flex="1",
                    min_height="0",
                ),
            ),
        ),
        conflict_dialog(state),
        draft_keeper(draft=state.draft_box),
        spacing="0",
        height="calc(100vh - 57px)",
        width="100%",
    )
