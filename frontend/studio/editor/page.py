"""The editor screen: top bar, palette, canvas and the panel of what is selected."""

from __future__ import annotations

import reflex as rx

from studio.editor.canvas import canvas
from studio.editor.palette import palette
from studio.editor.panel import side_panel
from studio.editor.state import EditorState, ErrorItem
from studio.session import HOME_ROUTE, SessionState

__all__ = ["editor_page"]


def save_status() -> rx.Component:
    return rx.cond(
        EditorState.read_only,
        rx.tooltip(
            rx.badge(
                rx.icon("eye", size=12), SessionState.t["editor.read_only"], color_scheme="gray"
            ),
            content=SessionState.t["editor.read_only_help"],
        ),
        rx.cond(
            EditorState.dirty,
            rx.badge(SessionState.t["editor.unsaved"], color_scheme="amber", id="save-status"),
            rx.badge(SessionState.t["editor.all_saved"], color_scheme="green", id="save-status"),
        ),
    )


def error_line(item: rx.Var[ErrorItem]) -> rx.Component:
    return rx.box(
        rx.text(item.target, size="2", weight="bold"),
        rx.text(item.message, size="2"),
        rx.code(item.pointer, size="1", color_scheme="gray", variant="ghost"),
        on_click=EditorState.focus(item.target_id),
        cursor="pointer",
        padding="6px 8px",
        border_radius="6px",
        _hover={"background_color": rx.color("gray", 3)},
        class_name="error-line",
        width="100%",
    )


def error_list() -> rx.Component:
    """Every error of the draft, one click from the top bar; a click selects its step."""
    return rx.popover.root(
        rx.popover.trigger(
            rx.button(
                rx.icon(
                    rx.cond(EditorState.error_count > 0, "circle-alert", "circle-check"), size=15
                ),
                SessionState.t["editor.errors"],
                rx.badge(EditorState.error_count, variant="solid", radius="full"),
                color_scheme=rx.cond(EditorState.error_count > 0, "red", "green"),
                variant="soft",
                id="error-list-button",
            )
        ),
        rx.popover.content(
            rx.vstack(
                rx.heading(SessionState.t["editor.errors_title"], size="3"),
                rx.cond(
                    EditorState.error_count > 0,
                    rx.foreach(EditorState.error_items, error_line),
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


def top_bar() -> rx.Component:
    return rx.hstack(
        rx.link(
            rx.hstack(rx.icon("arrow-left", size=16), SessionState.t["editor.back"], spacing="1"),
            href=HOME_ROUTE,
            color_scheme="gray",
            size="2",
        ),
        rx.heading(EditorState.title, size="4", id="editor-title"),
        rx.code(EditorState.key, variant="ghost", color_scheme="gray"),
        save_status(),
        rx.spacer(),
        error_list(),
        rx.link(
            rx.button(
                rx.icon("history", size=15),
                SessionState.t["editor.versions"],
                variant="soft",
                color_scheme="gray",
            ),
            href=f"/workflows/{EditorState.key}/versions",
            id="versions-link",
        ),
        rx.link(
            rx.button(
                rx.icon("flask-conical", size=15),
                SessionState.t["editor.sandbox"],
                variant="soft",
                color_scheme="gray",
            ),
            href=f"/sandbox?workflow={EditorState.key}",
            id="sandbox-link",
        ),
        rx.cond(
            EditorState.read_only,
            rx.fragment(),
            rx.button(
                rx.icon("save", size=15),
                rx.cond(
                    EditorState.saving,
                    SessionState.t["editor.saving"],
                    SessionState.t["editor.save"],
                ),
                on_click=EditorState.save,
                disabled=~EditorState.dirty | EditorState.saving,
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


def restored_banner() -> rx.Component:
    return rx.callout(
        rx.hstack(
            rx.text(SessionState.t["editor.restored"].replace("{at}", EditorState.restored_at)),
            rx.button(
                SessionState.t["editor.discard_local"],
                on_click=EditorState.discard_local,
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
    )


def conflict_dialog() -> rx.Component:
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
                        on_click=EditorState.keep_editing,
                    )
                ),
                rx.button(
                    SessionState.t["editor.conflict_reload"],
                    variant="soft",
                    on_click=EditorState.reload,
                    id="conflict-reload",
                ),
                rx.button(
                    SessionState.t["editor.conflict_overwrite"],
                    color_scheme="red",
                    on_click=EditorState.overwrite,
                    id="conflict-overwrite",
                ),
                justify="end",
                spacing="3",
                margin_top="16px",
            ),
            id="conflict-dialog",
        ),
        open=EditorState.conflict,
    )


def load_problem() -> rx.Component:
    return rx.center(
        rx.callout(
            rx.text(
                SessionState.t["editor.load_failed"], " ", SessionState.t[EditorState.load_error]
            ),
            icon="circle-alert",
            color_scheme="red",
            role="alert",
        ),
        padding="48px",
    )


def workspace() -> rx.Component:
    return rx.hstack(
        rx.cond(EditorState.read_only, rx.fragment(), palette()),
        rx.box(
            canvas(
                graph=EditorState.graph,
                revision=EditorState.revision,
                select=EditorState.selection,
                labels=EditorState.canvas_labels,
                read_only=EditorState.read_only,
                draft=EditorState.canvas_draft,
                on_edit=EditorState.edit,
                on_select=EditorState.select,
                on_command=EditorState.command,
            ),
            flex="1",
            height="100%",
            min_width="0",
        ),
        side_panel(),
        # "ready" once the draft and any unsaved local copy are in: before that a
        # click would land on what is about to be replaced.
        # "checking" while an edit is being validated: its errors are not in yet.
        custom_attrs={
            "data-ready": EditorState.ready.to_string(),
            "data-checking": EditorState.checking.to_string(),
        },
        id="workspace",
        spacing="0",
        width="100%",
        flex="1",
        min_height="0",
    )


def editor_page() -> rx.Component:
    return rx.vstack(
        top_bar(),
        rx.cond(EditorState.restored_at != "", restored_banner()),
        rx.cond(
            EditorState.load_error != "",
            load_problem(),
            rx.cond(EditorState.loading, rx.center(rx.spinner(size="3"), flex="1"), workspace()),
        ),
        conflict_dialog(),
        spacing="0",
        height="calc(100vh - 57px)",
        width="100%",
    )
