"""The cases list: each case's workflow, version, status, who started it and when."""

from __future__ import annotations

import reflex as rx

from studio.cases.list_state import FILTERS, CaseListState, CaseRow
from studio.session import SessionState

__all__ = ["cases_page", "status_colour"]

COLUMNS = (
    "cases.column_case",
    "cases.column_workflow",
    "cases.column_status",
    "cases.column_started_by",
    "cases.column_started",
    "cases.column_record",
)


def status_colour(status: rx.Var[str]) -> rx.Var[str]:
    colour: rx.Var[str] = rx.match(
        status, ("running", "amber"), ("completed", "green"), ("cancelled", "gray"), "gray"
    )
    return colour


def heading() -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.heading(SessionState.t["cases.title"], size="7"),
            rx.text(SessionState.t["cases.subtitle"], color_scheme="gray"),
            spacing="1",
        ),
        rx.spacer(),
        rx.segmented_control.root(
            *[
                rx.segmented_control.item(
                    SessionState.t["cases.filter_all" if f == "all" else f"cases.status_{f}"],
                    value=f,
                )
                for f in FILTERS
            ],
            value=CaseListState.status_filter,
            on_change=CaseListState.set_filter,
            id="case-filter",
        ),
        align="end",
        width="100%",
    )


def case_line(row: rx.Var[CaseRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(rx.code(row.short), href=row.route, class_name="case-link")),
        rx.table.cell(
            rx.hstack(
                rx.text(row.workflow, weight="medium"),
                rx.text(row.version, size="1", color_scheme="gray"),
                spacing="2",
                align="baseline",
            )
        ),
        rx.table.cell(
            rx.badge(
                row.status_label,
                rx.cond(row.outcome != "", rx.text.span(" · ", row.outcome)),
                color_scheme=status_colour(row.status),
                variant="soft",
            )
        ),
        rx.table.cell(row.started_by),
        rx.table.cell(rx.moment(row.created_at, format="YYYY-MM-DD HH:mm", font_size="13px")),
        rx.table.cell(
            rx.cond(row.record_route != "", rx.link(row.record, href=row.record_route), "—")
        ),
        class_name="case-row",
        custom_attrs={"data-case-id": row.id, "data-status": row.status},
    )


def listing() -> rx.Component:
    return rx.cond(
        CaseListState.rows.length() > 0,
        rx.vstack(
            rx.table.root(
                rx.table.header(
                    rx.table.row(*[rx.table.column_header_cell(SessionState.t[c]) for c in COLUMNS])
                ),
                rx.table.body(rx.foreach(CaseListState.rows, case_line)),
                variant="surface",
                width="100%",
                id="case-table",
            ),
            rx.cond(
                CaseListState.next_cursor != "",
                rx.button(
                    SessionState.t["cases.more"],
                    on_click=CaseListState.more,
                    loading=CaseListState.loading,
                    variant="soft",
                    id="cases-more",
                ),
            ),
            spacing="3",
            width="100%",
            align="center",
        ),
        rx.cond(
            CaseListState.loading,
            rx.center(rx.spinner(size="3"), padding="48px", width="100%"),
            rx.callout(
                SessionState.t["cases.empty"], icon="inbox", color_scheme="gray", id="cases-empty"
            ),
        ),
    )


def load_problem() -> rx.Component:
    return rx.callout(
        rx.hstack(
            rx.text(
                SessionState.t["cases.load_failed"], " ", SessionState.t[CaseListState.load_error]
            ),
            rx.button(SessionState.t["common.retry"], on_click=CaseListState.open, size="1"),
            align="center",
        ),
        icon="circle-alert",
        color_scheme="red",
        role="alert",
        id="cases-error",
    )


def cases_page() -> rx.Component:
    return rx.vstack(
        heading(),
        rx.cond(CaseListState.load_error != "", load_problem(), listing()),
        spacing="4",
        width="100%",
        id="cases-page",
        custom_attrs={"data-ready": rx.cond(CaseListState.loading, "false", "true")},
    )
