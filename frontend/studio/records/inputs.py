"""The fields of a record on screen: an input for each field the caller may write,
the value as text for each they may only read, the required mark, the exemption
switch and the API's error pinned under the field. Shared by the record and the
new-record screens (both edit through :class:`RecordFormState`)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from studio.failure import failure_callout
from studio.records.fields import Option
from studio.records.form_state import FieldRow, RecordFormState
from studio.session import SessionState

__all__ = ["field_grid", "save_failure"]

SELECT_STYLE = {
    "height": "32px",
    "padding": "0 8px",
    "border_radius": "var(--radius-2)",
    "border": f"1px solid {rx.color('gray', 7)}",
    "background_color": rx.color("gray", 1),
    "font_size": "14px",
    "width": "100%",
}


def _attrs(row: rx.Var[FieldRow]) -> dict[str, Any]:
    return {"data-input": row.key, "aria-label": row.label}


def text_input(row: rx.Var[FieldRow], **props: Any) -> rx.Component:
    return rx.input(
        value=row.value,
        on_change=lambda value: RecordFormState.set_value(row.key, value),
        debounce_timeout=300,
        width="100%",
        color_scheme=rx.cond(row.error != "", "red", "gray"),
        custom_attrs=_attrs(row),
        **props,
    )


def number_input(row: rx.Var[FieldRow]) -> rx.Component:
    return rx.input(
        rx.cond(row.unit != "", rx.input.slot(rx.text(row.unit, size="1"), side="right")),
        value=row.value,
        on_change=lambda value: RecordFormState.set_value(row.key, value),
        debounce_timeout=300,
        input_mode="decimal",
        width="100%",
        color_scheme=rx.cond(row.error != "", "red", "gray"),
        custom_attrs=_attrs(row),
    )


def long_text_input(row: rx.Var[FieldRow]) -> rx.Component:
    return rx.text_area(
        value=row.value,
        on_change=lambda value: RecordFormState.set_value(row.key, value),
        debounce_timeout=300,
        rows="3",
        width="100%",
        custom_attrs=_attrs(row),
    )


def select_input(row: rx.Var[FieldRow]) -> rx.Component:
    return rx.el.select(
        rx.el.option("—", value=""),
        rx.foreach(row.options, lambda o: rx.el.option(o.label, value=o.value)),
        value=row.value,
        on_change=lambda value: RecordFormState.set_value(row.key, value),
        custom_attrs=_attrs(row),
        style=SELECT_STYLE,
    )


def choice_box(row: rx.Var[FieldRow], option: rx.Var[Option]) -> rx.Component:
    return rx.checkbox(
        option.label,
        checked=row.chosen.contains(option.value),
        on_change=lambda on: RecordFormState.toggle_choice(row.key, option.value, on),
        size="2",
        custom_attrs={"data-choice": option.value},
    )


def multi_select_input(row: rx.Var[FieldRow]) -> rx.Component:
    return rx.flex(
        rx.foreach(row.options, lambda option: choice_box(row, option)),
        wrap="wrap",
        spacing="3",
        custom_attrs={"data-input": row.key},
    )


def control(row: rx.Var[FieldRow]) -> rx.Component:
    return rx.match(
        row.kind,
        ("number", number_input(row)),
        ("percent", number_input(row)),
        ("long_text", long_text_input(row)),
        ("select", select_input(row)),
        ("multi_select", multi_select_input(row)),
        ("date", text_input(row, type="date")),
        ("datetime", text_input(row, placeholder="2026-12-01T09:00:00+08:00")),
        text_input(row),
    )


def read_only(row: rx.Var[FieldRow]) -> rx.Component:
    return rx.text(
        rx.cond(row.shown != "", row.shown, "—"),
        size="2",
        class_name="field-value",
        padding_y="4px",
        white_space="pre-wrap",
    )


def exemption(row: rx.Var[FieldRow]) -> rx.Component:
    """Skip the field with one of the form's reasons (免填)."""
    return rx.hstack(
        rx.checkbox(
            SessionState.t["records.exempt"],
            checked=row.exempt,
            on_change=lambda on: RecordFormState.set_exempt(row.key, on),
            size="1",
            custom_attrs={"data-exempt": row.key},
        ),
        rx.cond(
            row.exempt,
            rx.el.select(
                rx.foreach(RecordFormState.reasons, lambda o: rx.el.option(o.label, value=o.value)),
                value=row.reason,
                on_change=lambda reason: RecordFormState.set_reason(row.key, reason),
                custom_attrs={"data-reason": row.key},
                style={**SELECT_STYLE, "width": "auto", "height": "26px", "font_size": "12px"},
            ),
        ),
        align="center",
        spacing="2",
    )


def skipped(row: rx.Var[FieldRow]) -> rx.Component:
    return rx.badge(
        rx.icon("circle-slash", size=12),
        SessionState.t["records.skipped"],
        " · ",
        row.reason_text,
        color_scheme="gray",
        variant="soft",
        class_name="field-skipped",
    )


def field_error(row: rx.Var[FieldRow]) -> rx.Component:
    return rx.cond(
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
    )


def field_cell(row: rx.Var[FieldRow]) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(
                row.label,
                rx.cond(
                    row.required,
                    rx.text.span(
                        " *", color_scheme="red", title=SessionState.t["records.required"]
                    ),
                ),
                size="2",
                weight="medium",
            ),
            rx.cond(~row.editable, rx.icon("lock", size=12, color=rx.color("gray", 9))),
            align="center",
            spacing="1",
        ),
        rx.cond(
            row.exempt & ~row.editable,
            skipped(row),
            rx.cond(
                row.editable,
                rx.cond(row.exempt, skipped(row), control(row)),
                read_only(row),
            ),
        ),
        rx.cond(row.help != "", rx.text(row.help, size="1", color_scheme="gray")),
        rx.cond(row.exemptible, exemption(row)),
        field_error(row),
        spacing="1",
        width="100%",
        padding="10px 12px",
        border_radius="8px",
        border=rx.cond(
            row.error != "", f"1px solid {rx.color('red', 7)}", f"1px solid {rx.color('gray', 4)}"
        ),
        background_color=rx.color("gray", 1),
        class_name="record-field",
        custom_attrs={
            "data-field": row.key,
            "data-access": rx.cond(row.editable, "write", "read"),
            "data-required": rx.cond(row.required, "true", "false"),
        },
    )


def field_grid() -> rx.Component:
    return rx.grid(
        rx.foreach(RecordFormState.rows, field_cell),
        columns=rx.breakpoints(initial="1", sm="2", lg="3"),
        spacing="3",
        width="100%",
        id="record-fields",
    )


def save_failure() -> rx.Component:
    """Why the last save failed, with the errors that name no field on the screen
    (those that do are shown under their field)."""
    return failure_callout(
        RecordFormState.failure != "",
        RecordFormState.failure_text,
        RecordFormState.cause,
        RecordFormState.detail,
        RecordFormState.unpinned,
        ident="save-error",
        detail_beside_problems=True,
    )
