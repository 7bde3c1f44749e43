"""One task: what it is and about which record, then its form's inputs and Complete,
or the approval's comment and Approve / Reject / Return; Claim for a shared task."""

from __future__ import annotations

from typing import Any

import reflex as rx

from studio.failure import failure_callout
from studio.records.fields import Option
from studio.session import SessionState
from studio.tasks.form import TaskField
from studio.tasks.table import TIME, due
from studio.tasks.task_state import Fact, TaskState

__all__ = ["task_page"]

SELECT_STYLE = {
    "height": "32px",
    "padding": "0 8px",
    "border_radius": "var(--radius-2)",
    "border": f"1px solid {rx.color('gray', 7)}",
    "background_color": rx.color("gray", 1),
    "font_size": "14px",
    "width": "100%",
}


def card(*children: rx.Component, **props: Any) -> rx.Component:
    return rx.card(rx.vstack(*children, spacing="3", width="100%"), width="100%", **props)


def heading() -> rx.Component:
    return rx.vstack(
        rx.link(
            rx.hstack(rx.icon("arrow-left", size=16), SessionState.t["tasks.back"], spacing="1"),
            href="/tasks",
            color_scheme="gray",
            size="2",
            id="tasks-link",
        ),
        rx.hstack(
            rx.heading(TaskState.title, size="7", id="task-title"),
            rx.badge(
                TaskState.kind_text,
                color_scheme=rx.cond(TaskState.kind == "approval", "violet", "blue"),
                size="2",
                id="task-kind",
            ),
            rx.badge(
                TaskState.status_text,
                color_scheme=rx.match(
                    TaskState.status, ("open", "amber"), ("completed", "green"), "gray"
                ),
                variant="soft",
                size="2",
                id="task-status",
            ),
            align="center",
            spacing="3",
            wrap="wrap",
        ),
        rx.text(TaskState.workflow, color_scheme="gray", id="task-workflow"),
        spacing="1",
        width="100%",
    )


def fact(name: rx.Var[str] | str, value: rx.Component) -> rx.Component:
    return rx.hstack(
        rx.text(name, size="2", color_scheme="gray", min_width="104px"),
        value,
        spacing="2",
        align="center",
    )


def facts_card() -> rx.Component:
    t = SessionState.t
    return card(
        fact(t["tasks.assignees"], rx.text(TaskState.assignees, size="2", id="task-assignees")),
        fact(t["tasks.requester"], rx.text(TaskState.requester, size="2")),
        fact(t["tasks.due"], due(TaskState.due_at, TaskState.overdue)),
        fact(t["tasks.created"], rx.moment(TaskState.created_at, format=TIME, font_size="13px")),
        rx.cond(
            TaskState.closed_text != "",
            fact(
                TaskState.closed_text,
                rx.moment(TaskState.closed_at, format=TIME, font_size="13px"),
            ),
        ),
        rx.separator(),
        rx.link(
            rx.hstack(rx.icon("git-branch", size=14), t["tasks.open_case"], spacing="1"),
            href=TaskState.case_link,
            size="2",
            id="task-case-link",
        ),
        rx.cond(
            TaskState.record_link != "",
            rx.link(
                rx.hstack(
                    rx.icon("file-text", size=14),
                    t["tasks.open_record"],
                    " · ",
                    TaskState.record,
                    spacing="1",
                ),
                href=TaskState.record_link,
                size="2",
                id="task-record-link",
            ),
        ),
        id="task-facts",
    )


def value_line(item: rx.Var[Fact]) -> rx.Component:
    return rx.hstack(
        rx.text(item.name, size="2", color_scheme="gray", min_width="120px"),
        rx.text(item.value, size="2", weight="medium"),
        spacing="2",
        class_name="task-value",
    )


def values_card() -> rx.Component:
    return rx.cond(
        TaskState.record != "",
        card(
            rx.heading(SessionState.t["tasks.values"], size="4"),
            rx.cond(
                TaskState.sees_record,
                rx.vstack(rx.foreach(TaskState.values, value_line), spacing="1", width="100%"),
                rx.text(SessionState.t["tasks.values_none"], size="2", color_scheme="gray"),
            ),
            id="task-values",
        ),
    )


# ---- a form task ---------------------------------------------------------------------


def _attrs(row: rx.Var[TaskField]) -> dict[str, Any]:
    return {"data-input": row.key, "aria-label": row.label}


def option(item: rx.Var[Option]) -> rx.Component:
    return rx.el.option(item.label, value=item.value)


def control(row: rx.Var[TaskField]) -> rx.Component:
    colour = rx.cond(row.error != "", "red", "gray")
    return rx.match(
        row.kind,
        (
            "select",
            rx.el.select(
                rx.el.option("—", value=""),
                rx.foreach(row.options, option),
                value=row.value,
                on_change=lambda value: TaskState.set_value(row.key, value),
                custom_attrs=_attrs(row),
                style=SELECT_STYLE,
            ),
        ),
        (
            "number",
            rx.input(
                rx.cond(row.unit != "", rx.input.slot(rx.text(row.unit, size="1"), side="right")),
                value=row.value,
                on_change=lambda value: TaskState.set_value(row.key, value),
                input_mode="decimal",
                width="100%",
                color_scheme=colour,
                custom_attrs=_attrs(row),
            ),
        ),
        (
            "read",
            rx.hstack(
                rx.icon("lock", size=12, color=rx.color("gray", 9)),
                rx.text(row.shown, size="2"),
                title=SessionState.t["tasks.read_only"],
                align="center",
                spacing="1",
            ),
        ),
        rx.input(
            value=row.value,
            on_change=lambda value: TaskState.set_value(row.key, value),
            width="100%",
            color_scheme=colour,
            custom_attrs=_attrs(row),
        ),
    )


def field_cell(row: rx.Var[TaskField]) -> rx.Component:
    return rx.vstack(
        rx.text(
            row.label,
            rx.cond(row.required, rx.text.span(" *", color_scheme="red")),
            size="2",
            weight="medium",
        ),
        control(row),
        rx.cond(
            row.error != "",
            rx.text(
                rx.icon("circle-alert", size=12),
                " ",
                row.error,
                size="1",
                color_scheme="red",
                class_name="field-error",
                role="alert",
            ),
        ),
        spacing="1",
        width="100%",
        padding="10px 12px",
        border_radius="8px",
        border=rx.cond(
            row.error != "", f"1px solid {rx.color('red', 7)}", f"1px solid {rx.color('gray', 4)}"
        ),
        background_color=rx.color("gray", 1),
        class_name="task-field",
        custom_attrs={"data-field": row.key, "data-kind": row.kind},
    )


def lock_note() -> rx.Component:
    return rx.cond(
        TaskState.lock != "",
        rx.callout.root(
            rx.callout.icon(rx.cond(TaskState.lock_holds, rx.icon("lock-open"), rx.icon("lock"))),
            rx.vstack(
                rx.text(
                    rx.cond(
                        TaskState.lock_holds,
                        SessionState.t["tasks.lock_holds"],
                        SessionState.t["tasks.lock_blocked"],
                    ),
                    size="2",
                ),
                rx.code(TaskState.lock, size="2"),
                spacing="1",
            ),
            color_scheme=rx.cond(TaskState.lock_holds, "green", "amber"),
            size="1",
            id="task-lock",
            custom_attrs={"data-holds": rx.cond(TaskState.lock_holds, "true", "false")},
        ),
    )


def form_card() -> rx.Component:
    return card(
        rx.heading(SessionState.t["tasks.fields"], size="4"),
        lock_note(),
        rx.cond(
            TaskState.inputs.length() > 0,
            rx.grid(
                rx.foreach(TaskState.inputs, field_cell),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="3",
                width="100%",
                id="task-fields",
            ),
            rx.text(SessionState.t["tasks.no_fields"], size="2", color_scheme="gray"),
        ),
        rx.hstack(
            rx.button(
                rx.icon("check", size=16),
                SessionState.t["tasks.complete"],
                on_click=TaskState.complete,
                loading=TaskState.busy,
                disabled=TaskState.taken_by_other,
                size="3",
                id="complete-task",
            ),
            justify="end",
            width="100%",
        ),
        id="task-form",
    )


# ---- an approval ---------------------------------------------------------------------


def decide_button(decision: str, label: str, icon: str, colour: str) -> rx.Component:
    return rx.button(
        rx.icon(icon, size=16),
        SessionState.t[label],
        on_click=TaskState.decide(decision),
        loading=TaskState.busy,
        disabled=TaskState.taken_by_other,
        color_scheme=colour,
        size="3",
        id=f"{decision}-task",
    )


def decision_card() -> rx.Component:
    return card(
        rx.heading(SessionState.t["tasks.decide"], size="4"),
        lock_note(),
        rx.text(SessionState.t["tasks.comment"], size="2", weight="medium"),
        rx.text_area(
            value=TaskState.comment,
            on_change=TaskState.set_comment,
            placeholder=SessionState.t["tasks.comment_placeholder"],
            rows="3",
            width="100%",
            id="task-comment",
        ),
        rx.hstack(
            decide_button("approve", "tasks.approve", "check", "green"),
            decide_button("reject", "tasks.reject", "x", "red"),
            rx.spacer(),
            rx.text(SessionState.t["tasks.return_to"], size="2"),
            rx.el.select(
                rx.foreach(TaskState.return_options, option),
                value=TaskState.return_to,
                on_change=TaskState.set_return_to,
                id="return-level",
                style={**SELECT_STYLE, "width": "auto", "min_width": "140px"},
            ),
            decide_button("return", "tasks.return", "undo-2", "gray"),
            align="center",
            spacing="3",
            width="100%",
            wrap="wrap",
        ),
        id="task-decision",
    )


def claim_bar() -> rx.Component:
    return rx.fragment(
        rx.cond(
            TaskState.may_claim,
            rx.callout.root(
                rx.callout.icon(rx.icon("users")),
                rx.hstack(
                    rx.text(SessionState.t["tasks.claim_help"], size="2"),
                    rx.button(
                        rx.icon("hand", size=14),
                        SessionState.t["tasks.claim"],
                        on_click=TaskState.claim,
                        loading=TaskState.busy,
                        size="1",
                        id="claim-task",
                    ),
                    align="center",
                    spacing="3",
                ),
                color_scheme="blue",
                width="100%",
            ),
        ),
        rx.cond(
            TaskState.claim_note != "",
            rx.callout(TaskState.claim_note, icon="hand", size="1", id="task-claimed"),
        ),
    )


def failure() -> rx.Component:
    return failure_callout(
        TaskState.failure != "",
        TaskState.failure_text,
        TaskState.cause,
        TaskState.detail,
        TaskState.problems,
        ident="task-failure",
    )


def work() -> rx.Component:
    return rx.cond(
        TaskState.is_open,
        rx.vstack(
            claim_bar(),
            rx.cond(TaskState.kind == "approval", decision_card(), form_card()),
            spacing="3",
            width="100%",
        ),
    )


def body() -> rx.Component:
    return rx.grid(
        rx.vstack(failure(), work(), values_card(), spacing="3", width="100%"),
        facts_card(),
        columns=rx.breakpoints(initial="1", md="minmax(0, 1fr) 340px"),
        spacing="4",
        width="100%",
        align_items="start",
    )


def load_problem() -> rx.Component:
    return rx.callout(
        rx.hstack(
            rx.text(SessionState.t[TaskState.load_error]),
            rx.button(SessionState.t["common.retry"], on_click=TaskState.open, size="1"),
            align="center",
        ),
        icon="circle-alert",
        color_scheme="red",
        role="alert",
        id="task-error",
    )


def task_page() -> rx.Component:
    return rx.vstack(
        rx.cond(TaskState.found, heading()),
        rx.cond(
            TaskState.load_error != "",
            load_problem(),
            rx.cond(
                TaskState.found,
                body(),
                rx.center(rx.spinner(size="3"), padding="48px", width="100%"),
            ),
        ),
        spacing="4",
        width="100%",
        id="task-page",
        custom_attrs={
            "data-ready": rx.cond(TaskState.loading, "false", "true"),
            "data-status": TaskState.status,
        },
    )
