"""The record list screen: search, a filter bar, the table (a click on a column
header sorts by it), pages, and "new record" and "export CSV" for the callers
whose rights allow them."""

from __future__ import annotations

import reflex as rx

from studio.records.fields import Option
from studio.records.list_state import Cell, Chip, Header, ListRow, RecordListState
from studio.session import SessionState

__all__ = ["records_page"]

SELECT_STYLE = {
    "height": "32px",
    "padding": "0 8px",
    "border_radius": "var(--radius-2)",
    "border": f"1px solid {rx.color('gray', 7)}",
    "background_color": rx.color("gray", 1),
    "font_size": "14px",
    "min_width": "140px",
}


def heading() -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.heading(RecordListState.title, size="7", id="records-title"),
            rx.text(SessionState.t["records.subtitle"], color_scheme="gray"),
            spacing="1",
        ),
        rx.spacer(),
        rx.cond(
            RecordListState.may_export,
            rx.button(
                rx.icon("download", size=16),
                SessionState.t["records.export"],
                on_click=RecordListState.export,
                loading=RecordListState.exporting,
                variant="soft",
                size="3",
                id="export-records",
            ),
        ),
        rx.cond(
            RecordListState.may_create,
            rx.link(
                rx.button(rx.icon("plus", size=16), SessionState.t["records.new"], size="3"),
                href=RecordListState.new_route,
                id="new-record",
            ),
        ),
        align="end",
        spacing="3",
        width="100%",
    )


def search_box() -> rx.Component:
    return rx.cond(
        RecordListState.search_placeholder != "",
        rx.input(
            rx.input.slot(rx.icon("search", size=16)),
            placeholder=RecordListState.search_placeholder,
            value=RecordListState.search,
            on_change=RecordListState.set_search,
            debounce_timeout=300,
            type="search",
            width="min(320px, 100%)",
            id="record-search",
        ),
    )


def option(item: rx.Var[Option]) -> rx.Component:
    return rx.el.option(item.label, value=item.value)


def filter_value() -> rx.Component:
    return rx.cond(
        RecordListState.needs_value,
        rx.cond(
            (RecordListState.filter_choices.length() > 0) & (RecordListState.filter_op != "in"),
            rx.el.select(
                rx.el.option("—", value=""),
                rx.foreach(RecordListState.filter_choices, option),
                value=RecordListState.filter_value,
                on_change=RecordListState.set_filter_value,
                style=SELECT_STYLE,
                id="filter-value",
            ),
            rx.input(
                value=RecordListState.filter_value,
                on_change=RecordListState.set_filter_value,
                placeholder=rx.cond(
                    RecordListState.filter_op == "in",
                    SessionState.t["records.filter_values"],
                    SessionState.t["records.filter_value"],
                ),
                width="180px",
                id="filter-value",
            ),
        ),
    )


def filter_bar() -> rx.Component:
    return rx.hstack(
        rx.icon("filter", size=16, color=rx.color("gray", 10)),
        rx.el.select(
            rx.el.option(SessionState.t["records.filter_field"], value=""),
            rx.foreach(RecordListState.filter_fields, option),
            value=RecordListState.filter_field,
            on_change=RecordListState.set_filter_field,
            style=SELECT_STYLE,
            id="filter-field",
        ),
        rx.cond(
            RecordListState.filter_field != "",
            rx.hstack(
                rx.el.select(
                    rx.foreach(RecordListState.filter_ops, option),
                    value=RecordListState.filter_op,
                    on_change=RecordListState.set_filter_op,
                    style=SELECT_STYLE,
                    id="filter-op",
                ),
                filter_value(),
                rx.button(
                    SessionState.t["records.filter_add"],
                    on_click=RecordListState.add_filter,
                    variant="soft",
                    id="filter-add",
                ),
                spacing="2",
                align="center",
            ),
        ),
        spacing="2",
        align="center",
        wrap="wrap",
        id="filter-bar",
    )


def chip(item: rx.Var[Chip]) -> rx.Component:
    return rx.badge(
        item.text,
        rx.icon(
            "x",
            size=12,
            cursor="pointer",
            on_click=RecordListState.remove_filter(item.index),
            aria_label=SessionState.t["records.filter_remove"],
        ),
        variant="surface",
        size="2",
        class_name="filter-chip",
    )


def toolbar() -> rx.Component:
    return rx.vstack(
        rx.hstack(search_box(), filter_bar(), spacing="4", align="center", wrap="wrap"),
        rx.cond(
            RecordListState.chips.length() > 0,
            rx.hstack(rx.foreach(RecordListState.chips, chip), spacing="2", wrap="wrap"),
        ),
        spacing="2",
        width="100%",
    )


def refused() -> rx.Component:
    return rx.cond(
        RecordListState.refused != "",
        rx.callout(
            RecordListState.refused,
            icon="ban",
            color_scheme="amber",
            role="alert",
            id="records-refused",
        ),
    )


def header_cell(header: rx.Var[Header]) -> rx.Component:
    arrow = rx.match(
        header.direction,
        ("asc", rx.icon("arrow-up", size=14)),
        ("desc", rx.icon("arrow-down", size=14)),
        rx.icon("arrow-up-down", size=14, color=rx.color("gray", 8)),
    )
    return rx.table.column_header_cell(
        rx.cond(
            header.sortable,
            rx.hstack(
                header.label,
                arrow,
                spacing="1",
                align="center",
                cursor="pointer",
                on_click=RecordListState.sort_by(header.key),
                white_space="nowrap",
            ),
            rx.text(header.label, white_space="nowrap"),
        ),
        custom_attrs={"data-column": header.key, "data-sort": header.direction},
    )


def cell(item: rx.Var[Cell]) -> rx.Component:
    # One line per record: long texts are cut short here (the record shows them whole).
    return rx.table.cell(
        item.text,
        white_space="nowrap",
        max_width="240px",
        overflow="hidden",
        text_overflow="ellipsis",
        title=item.text,
        custom_attrs={"data-column": item.key},
    )


def record_row(row: rx.Var[ListRow]) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.link("#", row.id, href=row.href, weight="medium", class_name="open")
        ),
        rx.foreach(row.cells, cell),
        rx.table.cell(
            rx.vstack(
                rx.moment(row.updated_at, format="YYYY-MM-DD HH:mm"),
                rx.text(row.updated_by, size="1", color_scheme="gray"),
                spacing="0",
            )
        ),
        on_click=rx.redirect(row.href),
        cursor="pointer",
        _hover={"background_color": rx.color("gray", 3)},
        class_name="record-row",
        custom_attrs={"data-id": row.id},
    )


def record_table() -> rx.Component:
    return rx.box(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell("#"),
                    rx.foreach(RecordListState.headers, header_cell),
                    rx.table.column_header_cell(SessionState.t["records.changed"]),
                )
            ),
            rx.table.body(rx.foreach(RecordListState.rows, record_row)),
            variant="surface",
            size="2",
            width="100%",
            id="record-table",
        ),
        overflow_x="auto",
        width="100%",
    )


def pager() -> rx.Component:
    return rx.hstack(
        rx.button(
            rx.icon("chevron-left", size=16),
            SessionState.t["records.previous"],
            on_click=RecordListState.previous_page,
            disabled=~RecordListState.has_previous,
            variant="soft",
            id="previous-page",
        ),
        rx.text(RecordListState.page_text, size="2", color_scheme="gray", id="page-text"),
        rx.button(
            SessionState.t["records.next"],
            rx.icon("chevron-right", size=16),
            on_click=RecordListState.next_page,
            disabled=RecordListState.next_cursor == "",
            variant="soft",
            id="next-page",
        ),
        rx.cond(RecordListState.loading, rx.spinner()),
        align="center",
        spacing="3",
    )


def load_problem() -> rx.Component:
    return rx.callout(
        rx.hstack(
            rx.text(SessionState.t[RecordListState.load_error]),
            rx.button(SessionState.t["common.retry"], on_click=RecordListState.open, size="1"),
            align="center",
        ),
        icon="circle-alert",
        color_scheme="red",
        role="alert",
        id="records-error",
    )


def empty_state() -> rx.Component:
    return rx.center(
        rx.text(SessionState.t["records.empty"], color_scheme="gray"),
        padding="48px",
        width="100%",
        id="records-empty",
    )


def records_page() -> rx.Component:
    return rx.vstack(
        heading(),
        rx.cond(
            RecordListState.load_error != "",
            load_problem(),
            rx.vstack(
                toolbar(),
                refused(),
                rx.cond(
                    RecordListState.rows.length() > 0,
                    record_table(),
                    rx.cond(RecordListState.loading, rx.spinner(), empty_state()),
                ),
                pager(),
                spacing="4",
                width="100%",
            ),
        ),
        spacing="5",
        width="100%",
        custom_attrs={"data-ready": rx.cond(RecordListState.loading, "false", "true")},
        id="records-page",
    )
