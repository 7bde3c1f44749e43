"""A table of tasks: the inbox's, and a case's own. Components are plain functions."""

from __future__ import annotations

import reflex as rx

from studio.session import SessionState
from studio.tasks.model import TaskRow

__all__ = ["due", "kind_badge", "status_badge", "task_table"]

TIME = "YYYY-MM-DD HH:mm"
COLUMNS = (
    "tasks.column_task",
    "tasks.column_workflow",
    "tasks.column_kind",
    "tasks.column_assignees",
    "tasks.column_due",
    "tasks.column_record",
    "tasks.column_status",
)


def kind_badge(row: rx.Var[TaskRow]) -> rx.Component:
    return rx.badge(
        rx.cond(
            row.kind == "approval",
            rx.icon("circle-check", size=12),
            rx.icon("clipboard-list", size=12),
        ),
        row.kind_label,
        color_scheme=rx.cond(row.kind == "approval", "violet", "blue"),
        variant="soft",
        class_name="task-kind",
    )


def overdue_badge(shown: rx.Var[bool]) -> rx.Component:
    return rx.cond(
        shown,
        rx.badge(
            rx.icon("alarm-clock", size=12),
            SessionState.t["tasks.overdue"],
            color_scheme="red",
            variant="solid",
            class_name="overdue-badge",
        ),
    )


def due(due_at: rx.Var[str], overdue: rx.Var[bool]) -> rx.Component:
    return rx.hstack(
        rx.cond(
            due_at != "",
            rx.moment(due_at, format=TIME, class_name="task-due"),
            rx.text(SessionState.t["tasks.no_due"], color_scheme="gray"),
        ),
        overdue_badge(overdue),
        spacing="2",
        align="center",
        font_size="13px",
    )


def status_badge(row: rx.Var[TaskRow]) -> rx.Component:
    return rx.badge(
        row.status_label,
        rx.cond(row.outcome_label != "", rx.text.span(" · ", row.outcome_label)),
        color_scheme=rx.match(row.status, ("open", "amber"), ("completed", "green"), "gray"),
        variant="soft",
        class_name="task-status",
    )


def task_line(row: rx.Var[TaskRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(row.title, href=row.route, weight="medium", class_name="task-link")),
        rx.table.cell(row.workflow),
        rx.table.cell(kind_badge(row)),
        rx.table.cell(row.assignees, class_name="task-assignees"),
        rx.table.cell(due(row.due_at, row.overdue)),
        rx.table.cell(
            rx.cond(
                row.record_route != "",
                rx.link(row.record, href=row.record_route, class_name="task-record"),
                "—",
            )
        ),
        rx.table.cell(status_badge(row)),
        class_name="task-row",
        custom_attrs={"data-task-id": row.id, "data-kind": row.kind, "data-status": row.status},
    )


def task_table(rows: rx.Var[list[TaskRow]], ident: str) -> rx.Component:
    return rx.table.root(
        rx.table.header(
            rx.table.row(
                *[rx.table.column_header_cell(SessionState.t[column]) for column in COLUMNS]
            )
        ),
        rx.table.body(rx.foreach(rows, task_line)),
        variant="surface",
        width="100%",
        id=ident,
    )
