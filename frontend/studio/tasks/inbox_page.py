"""The task inbox: open tasks by urgency, or the history of the user's tasks."""

from __future__ import annotations

import reflex as rx

from studio.session import SessionState
from studio.tasks.inbox_state import InboxState
from studio.tasks.table import task_table

__all__ = ["inbox_page"]


def heading() -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.heading(SessionState.t["tasks.title"], size="7"),
            rx.text(SessionState.t["tasks.subtitle"], color_scheme="gray"),
            spacing="1",
        ),
        rx.spacer(),
        rx.segmented_control.root(
            rx.segmented_control.item(SessionState.t["tasks.tab_open"], value="open"),
            rx.segmented_control.item(SessionState.t["tasks.tab_any"], value="any"),
            value=InboxState.tab,
            on_change=InboxState.set_tab,
            id="task-tabs",
        ),
        align="end",
        width="100%",
    )


def load_problem() -> rx.Component:
    return rx.callout(
        rx.hstack(
            rx.text(
                SessionState.t["tasks.load_failed"], " ", SessionState.t[InboxState.load_error]
            ),
            rx.button(SessionState.t["common.retry"], on_click=InboxState.open, size="1"),
            align="center",
        ),
        icon="circle-alert",
        color_scheme="red",
        role="alert",
        id="tasks-error",
    )


def listing() -> rx.Component:
    return rx.cond(
        InboxState.rows.length() > 0,
        rx.vstack(
            task_table(InboxState.rows, "task-table"),
            rx.text(InboxState.count_text, size="1", color_scheme="gray"),
            spacing="2",
            width="100%",
        ),
        rx.cond(
            InboxState.loading,
            rx.center(rx.spinner(size="3"), padding="48px", width="100%"),
            rx.callout(InboxState.empty_text, icon="inbox", color_scheme="gray", id="tasks-empty"),
        ),
    )


def inbox_page() -> rx.Component:
    return rx.vstack(
        heading(),
        rx.cond(InboxState.load_error != "", load_problem(), listing()),
        spacing="4",
        width="100%",
        id="tasks-page",
        custom_attrs={"data-ready": rx.cond(InboxState.loading, "false", "true")},
    )
