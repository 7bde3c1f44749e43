"""The workflow list screen: search, the table, and the button that creates a workflow."""

from __future__ import annotations

import reflex as rx

from studio.session import SessionState
from studio.workflows.create import create_dialog
from studio.workflows.state import Row, WorkflowsState

__all__ = ["workflows_page"]


def search_box() -> rx.Component:
    return rx.input(
        rx.input.slot(rx.icon("search", size=16)),
        placeholder=SessionState.t["workflows.search"],
        value=WorkflowsState.query,
        on_change=WorkflowsState.set_query,
        debounce_timeout=200,
        type="search",
        size="3",
        width="min(420px, 100%)",
        id="workflow-search",
    )


def draft_badge(row: rx.Var[Row]) -> rx.Component:
    return rx.badge(row.status, color_scheme=row.status_color, variant="soft", size="2")


def live_badges(row: rx.Var[Row]) -> rx.Component:
    return rx.cond(
        row.live.length() > 0,
        rx.hstack(
            rx.foreach(row.live, lambda live: rx.badge(live, variant="outline", size="2")),
            spacing="1",
            wrap="wrap",
        ),
        rx.text(SessionState.t["active.none"], color_scheme="gray", size="2"),
    )


def last_change(row: rx.Var[Row]) -> rx.Component:
    return rx.vstack(
        rx.moment(row.changed_at, format="YYYY-MM-DD HH:mm"),
        rx.text(row.changed_by, size="1", color_scheme="gray"),
        spacing="0",
    )


def workflow_row(row: rx.Var[Row]) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.code(row.key, variant="ghost", size="2")),
        rx.table.cell(
            rx.link(row.title, href="/workflows/" + row.key, weight="medium", class_name="open")
        ),
        rx.table.cell(draft_badge(row)),
        rx.table.cell(live_badges(row)),
        rx.table.cell(last_change(row)),
        custom_attrs={"data-key": row.key},
        on_click=rx.redirect("/workflows/" + row.key),
        cursor="pointer",
        _hover={"background_color": rx.color("gray", 3)},
        class_name="workflow-row",
        align="center",
    )


def column(label: str) -> rx.Component:
    return rx.table.column_header_cell(SessionState.t[label])


def workflow_table() -> rx.Component:
    return rx.table.root(
        rx.table.header(
            rx.table.row(
                column("column.key"),
                column("column.title"),
                column("column.draft"),
                column("column.active"),
                column("column.changed"),
            )
        ),
        rx.table.body(rx.foreach(WorkflowsState.rows, workflow_row)),
        variant="surface",
        size="2",
        width="100%",
        id="workflow-table",
    )


def empty_state() -> rx.Component:
    return rx.center(
        rx.text(
            rx.cond(
                WorkflowsState.total == 0,
                SessionState.t["workflows.empty"],
                SessionState.t["workflows.no_match"],
            ),
            color_scheme="gray",
        ),
        padding="48px",
        width="100%",
        id="workflows-empty",
    )


def load_error() -> rx.Component:
    return rx.callout(
        rx.hstack(
            rx.text(
                SessionState.t["workflows.load_failed"],
                " ",
                SessionState.t[WorkflowsState.load_error],
            ),
            rx.button(SessionState.t["common.retry"], on_click=WorkflowsState.load, size="1"),
            align="center",
        ),
        icon="circle-alert",
        color_scheme="red",
        role="alert",
    )


def heading() -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.heading(SessionState.t["workflows.title"], size="7"),
            rx.text(SessionState.t["workflows.subtitle"], color_scheme="gray"),
            spacing="1",
        ),
        rx.spacer(),
        rx.cond(SessionState.may_edit, create_dialog()),
        align="end",
        width="100%",
    )


def toolbar() -> rx.Component:
    return rx.hstack(
        search_box(),
        rx.spacer(),
        rx.cond(
            WorkflowsState.loading,
            rx.spinner(),
            rx.text(WorkflowsState.count_text, color_scheme="gray", size="2", id="workflow-count"),
        ),
        align="center",
        width="100%",
    )


def workflows_page() -> rx.Component:
    return rx.vstack(
        heading(),
        toolbar(),
        rx.cond(WorkflowsState.load_error != "", load_error()),
        rx.cond(WorkflowsState.rows.length() > 0, workflow_table(), empty_state()),
        spacing="5",
        width="100%",
    )
