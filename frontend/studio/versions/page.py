"""The versions page of one workflow: its versions and what is live on the left, the
diff of any two (in words and on the canvas) on the right, publish and make-live
dialogs for the roles that may."""

from __future__ import annotations

from typing import Any

import reflex as rx

from studio.editor.canvas import canvas
from studio.session import SessionState
from studio.versions.activate import activate_button, activate_dialog
from studio.versions.choice import DRAFT
from studio.versions.publish import publish_button, publish_dialog
from studio.versions.state import (
    OP_COLORS,
    OP_LABELS,
    ChangeRow,
    HistoryRow,
    LiveRow,
    Option,
    VersionRow,
    VersionsState,
)

__all__ = ["versions_page"]


def card(*children: rx.Component, **props: object) -> rx.Component:
    return rx.card(rx.vstack(*children, spacing="3", width="100%"), width="100%", **props)


def section_title(label: str) -> rx.Component:
    return rx.heading(SessionState.t[label], size="4")


# ---- the top ----------------------------------------------------------------------


def heading() -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.link(
                rx.hstack(
                    rx.icon("arrow-left", size=16), SessionState.t["versions.back"], spacing="1"
                ),
                href=VersionsState.editor_route,
                color_scheme="gray",
                size="2",
                id="editor-link",
            ),
            rx.hstack(
                rx.heading(SessionState.t["versions.title"], " · ", VersionsState.title, size="7"),
                rx.code(VersionsState.key, variant="ghost", color_scheme="gray", size="3"),
                align="baseline",
                spacing="3",
            ),
            rx.text(SessionState.t["versions.subtitle"], color_scheme="gray"),
            spacing="1",
        ),
        rx.spacer(),
        rx.cond(VersionsState.has_versions, activate_button(0, primary=True)),
        publish_button(),
        align="end",
        spacing="3",
        width="100%",
    )


def read_only_note() -> rx.Component:
    return rx.cond(
        ~SessionState.may_publish & ~SessionState.may_activate,
        rx.callout(
            SessionState.t["versions.read_only"],
            icon="eye",
            color_scheme="gray",
            size="1",
            id="versions-read-only",
        ),
    )


def published_banner() -> rx.Component:
    return rx.cond(
        VersionsState.published > 0,
        rx.callout.root(
            rx.callout.icon(rx.icon("circle-check")),
            rx.hstack(
                rx.callout.text(VersionsState.published_text),
                activate_button(VersionsState.published),
                align="center",
                spacing="3",
            ),
            color_scheme="green",
            id="published-banner",
        ),
    )


def load_problem() -> rx.Component:
    return rx.callout(
        rx.hstack(
            rx.text(
                SessionState.t["versions.load_failed"],
                " ",
                SessionState.t[VersionsState.load_error],
            ),
            rx.button(SessionState.t["common.retry"], on_click=VersionsState.refresh, size="1"),
            align="center",
        ),
        icon="circle-alert",
        color_scheme="red",
        role="alert",
        id="versions-error",
    )


# ---- the versions and what is live ----------------------------------------------------


def draft_row() -> rx.Component:
    return rx.cond(
        VersionsState.has_draft,
        rx.hstack(
            rx.icon("pencil", size=16, color=rx.color("gray", 10)),
            rx.vstack(
                rx.hstack(
                    rx.text(VersionsState.draft_label, weight="medium", size="2"),
                    rx.badge(
                        VersionsState.draft_status,
                        color_scheme=VersionsState.draft_color,
                        variant="soft",
                    ),
                    spacing="2",
                    align="center",
                ),
                rx.hstack(
                    rx.moment(VersionsState.draft_changed_at, format="YYYY-MM-DD HH:mm"),
                    rx.text(VersionsState.draft_changed_by),
                    spacing="2",
                    size="1",
                    color_scheme="gray",
                    font_size="12px",
                ),
                spacing="1",
            ),
            spacing="3",
            padding="10px 12px",
            border=rx.cond(
                VersionsState.diff_to == DRAFT,
                f"1px dashed {rx.color('accent', 8)}",
                f"1px dashed {rx.color('gray', 7)}",
            ),
            border_radius="8px",
            width="100%",
            id="draft-row",
        ),
    )


def version_row(row: rx.Var[VersionRow]) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.text(row.name, weight="bold", size="3", white_space="nowrap"),
            rx.foreach(
                row.live,
                lambda variant: rx.badge(
                    rx.icon("radio", size=12), variant, color_scheme="green", variant="solid"
                ),
            ),
            rx.cond(row.is_new, rx.badge(SessionState.t["versions.new"], color_scheme="indigo")),
            rx.spacer(),
            rx.cond(
                row.has_previous,
                rx.tooltip(
                    rx.button(
                        rx.icon("git-compare", size=14),
                        SessionState.t["versions.changes"],
                        on_click=VersionsState.show_version(row.version),
                        variant="ghost",
                        size="1",
                        class_name="version-changes",
                    ),
                    content=SessionState.t["versions.changes_help"],
                ),
            ),
            activate_button(row.version),
            align="center",
            spacing="2",
            width="100%",
            wrap="wrap",
        ),
        rx.cond(
            row.message != "",
            rx.text(row.message, size="2", class_name="version-message"),
            rx.text(SessionState.t["versions.no_message"], size="2", color_scheme="gray"),
        ),
        rx.hstack(
            rx.text(row.author),
            rx.moment(row.published_at, format="YYYY-MM-DD HH:mm"),
            rx.tooltip(
                rx.code(row.short_hash, variant="ghost", color_scheme="gray", size="1"),
                content=row.hash,
            ),
            spacing="3",
            font_size="12px",
            color=rx.color("gray", 11),
            margin_top="2px",
        ),
        padding="10px 12px",
        border_radius="8px",
        border=rx.cond(
            (VersionsState.diff_to == row.version.to_string())
            | (VersionsState.diff_from == row.version.to_string()),
            f"1px solid {rx.color('accent', 8)}",
            f"1px solid {rx.color('gray', 5)}",
        ),
        background_color=rx.color("gray", 1),
        width="100%",
        id="version-row",
        class_name="version-row",
        custom_attrs={"data-version": row.version},
    )


def versions_card() -> rx.Component:
    return card(
        section_title("versions.list"),
        draft_row(),
        rx.cond(
            VersionsState.has_versions,
            rx.vstack(
                rx.foreach(VersionsState.rows, version_row),
                spacing="2",
                width="100%",
                id="version-list",
            ),
            rx.text(SessionState.t["versions.none"], color_scheme="gray", size="2"),
        ),
    )


def live_row(row: rx.Var[LiveRow]) -> rx.Component:
    return rx.hstack(
        rx.badge(rx.icon("radio", size=12), row.name, color_scheme="green", variant="soft"),
        rx.icon("arrow-right", size=14, color=rx.color("gray", 9)),
        rx.text(row.version, size="2", weight="medium"),
        align="center",
        spacing="2",
        class_name="live-row",
        custom_attrs={"data-variant": row.variant},
    )


def history_row(row: rx.Var[HistoryRow]) -> rx.Component:
    return rx.hstack(
        rx.icon(
            rx.cond(row.rollback, "undo-2", "arrow-right"),
            size=14,
            color=rx.cond(row.rollback, rx.color("amber", 10), rx.color("gray", 10)),
            flex="none",
            margin_top="3px",
        ),
        rx.vstack(
            rx.text(row.text, size="2"),
            rx.cond(row.reason != "", rx.text("“", row.reason, "”", size="1", color_scheme="gray")),
            rx.moment(row.at, format="YYYY-MM-DD HH:mm", font_size="12px", color="gray"),
            spacing="0",
        ),
        align="start",
        spacing="2",
        class_name="history-row",
    )


def live_card() -> rx.Component:
    return card(
        section_title("versions.live_title"),
        rx.cond(
            VersionsState.live_rows.length() > 0,
            rx.vstack(rx.foreach(VersionsState.live_rows, live_row), spacing="2", id="live-list"),
            rx.text(SessionState.t["versions.live_none"], color_scheme="gray", size="2"),
        ),
        rx.cond(
            VersionsState.history_rows.length() > 0,
            rx.vstack(
                rx.text(SessionState.t["versions.history"], size="2", weight="medium"),
                rx.vstack(
                    rx.foreach(VersionsState.history_rows, history_row),
                    spacing="2",
                    max_height="260px",
                    overflow_y="auto",
                    width="100%",
                ),
                spacing="2",
                width="100%",
                id="active-history",
            ),
        ),
    )


# ---- the diff ------------------------------------------------------------------------


def picker(
    label: str,
    value: rx.Var[str],
    options: rx.Var[list[Option]],
    on_change: Any,
    ident: str,
) -> rx.Component:
    return rx.hstack(
        rx.text(SessionState.t[label], size="2", color_scheme="gray"),
        rx.select.root(
            rx.select.trigger(id=ident, min_width="180px"),
            rx.select.content(
                rx.foreach(options, lambda o: rx.select.item(o.label, value=o.value))
            ),
            value=value,
            on_change=on_change,
            disabled=VersionsState.diffing,
        ),
        align="center",
        spacing="2",
    )


def legend() -> rx.Component:
    return rx.hstack(
        *[
            rx.hstack(
                rx.box(
                    width="10px",
                    height="10px",
                    border_radius="3px",
                    background_color=rx.color(color, 9),
                ),
                rx.text(SessionState.t[OP_LABELS[op]], size="1", color_scheme="gray"),
                align="center",
                spacing="1",
            )
            for op, color in OP_COLORS.items()
        ],
        spacing="3",
    )


def change_line(row: rx.Var[ChangeRow]) -> rx.Component:
    return rx.hstack(
        rx.badge(row.op_label, color_scheme=row.color, variant="soft", min_width="56px"),
        rx.text(row.text, size="2"),
        on_click=VersionsState.focus(row.target),
        cursor=rx.cond(row.target != "", "pointer", "default"),
        _hover={"background_color": rx.color("gray", 3)},
        padding="4px 6px",
        border_radius="6px",
        align="start",
        spacing="2",
        width="100%",
        class_name="diff-line",
        custom_attrs={"data-op": row.op, "data-target": row.target},
    )


def layout_group() -> rx.Component:
    return rx.cond(
        VersionsState.layout_rows.length() > 0,
        rx.vstack(
            rx.hstack(
                rx.icon("move", size=15, color=rx.color("gray", 10)),
                rx.text(VersionsState.layout_title, size="2", color_scheme="gray"),
                rx.button(
                    rx.cond(
                        VersionsState.show_layout,
                        SessionState.t["versions.layout_hide"],
                        SessionState.t["versions.layout_show"],
                    ),
                    on_click=VersionsState.toggle_layout,
                    variant="ghost",
                    size="1",
                    id="diff-layout-toggle",
                ),
                align="center",
                spacing="2",
            ),
            rx.cond(
                VersionsState.show_layout,
                rx.vstack(
                    rx.foreach(VersionsState.layout_rows, change_line),
                    spacing="0",
                    width="100%",
                    padding_left="20px",
                ),
            ),
            spacing="1",
            width="100%",
            id="diff-layout",
        ),
    )


def change_list() -> rx.Component:
    return rx.vstack(
        rx.cond(
            VersionsState.logic_rows.length() > 0,
            rx.vstack(
                rx.text(SessionState.t["versions.logic"], size="2", weight="medium"),
                rx.foreach(VersionsState.logic_rows, change_line),
                spacing="1",
                width="100%",
            ),
        ),
        layout_group(),
        rx.cond(
            VersionsState.no_changes,
            rx.text(SessionState.t["versions.no_changes"], color_scheme="gray", id="diff-empty"),
        ),
        spacing="3",
        width="100%",
        id="diff-list",
    )


def drawn() -> rx.Component:
    return rx.cond(
        VersionsState.has_graph,
        rx.vstack(
            rx.box(
                canvas(
                    graph=VersionsState.graph,
                    revision=VersionsState.revision,
                    select=VersionsState.selection,
                    labels=VersionsState.canvas_labels,
                    read_only=True,
                    draft={},
                    # A new pair is a new picture: mount afresh so it is fitted to the view.
                    key=VersionsState.revision,
                ),
                height="460px",
                width="100%",
                border=f"1px solid {rx.color('gray', 5)}",
                border_radius="8px",
                overflow="hidden",
                background_color=rx.color("gray", 1),
                id="diff-canvas",
            ),
            rx.hstack(
                legend(),
                rx.text(SessionState.t["versions.canvas_help"], size="1", color_scheme="gray"),
                spacing="4",
                align="center",
                wrap="wrap",
            ),
            spacing="2",
            width="100%",
        ),
    )


def compare_card() -> rx.Component:
    return card(
        rx.hstack(
            section_title("versions.compare"),
            rx.spacer(),
            picker(
                "versions.from",
                VersionsState.diff_from,
                VersionsState.from_options,
                VersionsState.choose_from,
                "diff-from",
            ),
            rx.icon("arrow-right", size=16, color=rx.color("gray", 9)),
            picker(
                "versions.to",
                VersionsState.diff_to,
                VersionsState.to_options,
                VersionsState.choose_to,
                "diff-to",
            ),
            align="center",
            spacing="3",
            width="100%",
            wrap="wrap",
        ),
        rx.cond(
            VersionsState.comparing,
            rx.hstack(
                rx.badge(VersionsState.logic_count, variant="surface", id="diff-logic-count"),
                rx.badge(
                    VersionsState.layout_count,
                    variant="surface",
                    color_scheme="gray",
                    id="diff-layout-count",
                ),
                rx.cond(VersionsState.diffing, rx.spinner(size="1")),
                spacing="2",
                align="center",
            ),
            rx.text(VersionsState.notice, color_scheme="gray", size="2", id="diff-notice"),
        ),
        rx.cond(
            VersionsState.diff_error != "",
            rx.callout(
                rx.text(
                    SessionState.t["versions.diff_failed"],
                    " ",
                    SessionState.t[VersionsState.diff_error],
                ),
                icon="circle-alert",
                color_scheme="red",
                role="alert",
                id="diff-error",
            ),
        ),
        drawn(),
        rx.cond(VersionsState.comparing, change_list()),
        id="diff",
    )


def body() -> rx.Component:
    return rx.grid(
        rx.vstack(versions_card(), live_card(), spacing="4", width="100%"),
        compare_card(),
        columns="minmax(360px, 440px) minmax(0, 1fr)",
        spacing="4",
        width="100%",
        align_items="start",
    )


def versions_page() -> rx.Component:
    return rx.vstack(
        heading(),
        read_only_note(),
        published_banner(),
        rx.cond(
            VersionsState.load_error != "",
            load_problem(),
            rx.cond(
                VersionsState.loading & ~VersionsState.has_versions & ~VersionsState.has_draft,
                rx.center(rx.spinner(size="3"), padding="48px", width="100%"),
                body(),
            ),
        ),
        publish_dialog(),
        activate_dialog(),
        spacing="4",
        width="100%",
        padding="24px",
        max_width="1600px",
        margin_x="auto",
    )
