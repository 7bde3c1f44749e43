"""The palette of field types and the form's field list (drag to reorder).

Palette entries carry ``data-palette-field``: dragged onto the list they become a
field where they are dropped, clicked they go at the end. List rows carry
``data-sort-index`` for ``TrellisSortable``; their arrow buttons move them too
(keyboard users, and anyone who does not drag).
"""

from __future__ import annotations

import reflex as rx

from studio.documents.browser import sortable
from studio.forms.state import FieldRow, FormDesignerState, PaletteEntry
from studio.session import SessionState

__all__ = ["field_list", "palette"]

S = FormDesignerState


def palette_entry(item: rx.Var[PaletteEntry]) -> rx.Component:
    return rx.el.div(
        rx.hstack(
            rx.center(
                rx.icon(item.icon, size=15),
                width="24px",
                height="24px",
                border_radius="7px",
                background_color=rx.color("accent", 3),
                color=rx.color("accent", 11),
                flex="none",
            ),
            rx.text(item.label, size="2", weight="medium"),
            spacing="2",
            align="center",
        ),
        draggable=True,
        custom_attrs={"data-palette-field": item.type},
        on_click=S.append_field(item.type),
        class_name="palette-entry",
        width="100%",
        style={
            "cursor": "grab",
            "padding": "4px 8px",
            "border_radius": "8px",
            "border": f"1px solid {rx.color('gray', 5)}",
            "background_color": rx.color("gray", 1),
            "_hover": {"border_color": rx.color("accent", 8)},
        },
    )


def palette() -> rx.Component:
    return rx.vstack(
        rx.heading(SessionState.t["forms.palette"], size="3"),
        rx.text(SessionState.t["forms.palette_help"], size="1", color_scheme="gray"),
        rx.foreach(S.palette, palette_entry),
        spacing="2",
        width="210px",
        flex="none",
        padding="12px",
        overflow_y="auto",
        height="100%",
        border_right=f"1px solid {rx.color('gray', 5)}",
        background_color=rx.color("gray", 1),
        id="palette",
    )


def _badge(label: str, icon: str, color: str) -> rx.Component:
    return rx.badge(rx.icon(icon, size=11), SessionState.t[label], color_scheme=color, size="1")


def _move_button(icon: str, label: str, event: rx.EventSpec, hidden: rx.Var[bool]) -> rx.Component:
    return rx.icon_button(
        rx.icon(icon, size=13),
        on_click=event.stop_propagation,
        disabled=hidden,
        size="1",
        variant="ghost",
        color_scheme="gray",
        aria_label=SessionState.t[label],
        class_name=f"field-{icon}",
    )


def field_row(row: rx.Var[FieldRow]) -> rx.Component:
    return rx.el.div(
        rx.hstack(
            rx.cond(
                S.read_only,
                rx.fragment(),
                rx.icon("grip-vertical", size=15, color=rx.color("gray", 8), flex="none"),
            ),
            rx.center(
                rx.icon(row.icon, size=15),
                width="26px",
                height="26px",
                border_radius="7px",
                background_color=rx.color("accent", 3),
                color=rx.color("accent", 11),
                flex="none",
            ),
            rx.vstack(
                rx.hstack(
                    rx.text(row.label, size="2", weight="medium", class_name="field-label"),
                    rx.cond(row.required, rx.text("*", color_scheme="red", weight="bold")),
                    spacing="1",
                    align="center",
                ),
                rx.hstack(
                    rx.code(row.key, size="1", variant="ghost", color_scheme="gray"),
                    rx.text(row.type_label, size="1", color_scheme="gray"),
                    spacing="2",
                ),
                spacing="0",
                min_width="0",
            ),
            rx.spacer(),
            rx.cond(row.conditional, _badge("forms.badge_conditional", "git-branch", "blue")),
            rx.cond(row.exemptible, _badge("forms.badge_exemptible", "circle-slash", "gray")),
            rx.cond(
                row.errors > 0,
                rx.tooltip(
                    rx.badge(
                        rx.icon("circle-alert", size=11),
                        row.errors,
                        color_scheme="red",
                        variant="solid",
                        class_name="field-error-badge",
                    ),
                    content=row.error_text,
                ),
            ),
            rx.cond(
                S.read_only,
                rx.fragment(),
                rx.hstack(
                    _move_button("arrow-up", "forms.move_up", S.move_up(row.index), row.index == 0),
                    _move_button("arrow-down", "forms.move_down", S.move_down(row.index), row.last),
                    rx.icon_button(
                        rx.icon("trash-2", size=13),
                        on_click=S.remove_field(row.index).stop_propagation,
                        size="1",
                        variant="ghost",
                        color_scheme="red",
                        aria_label=SessionState.t["forms.remove_field"],
                        class_name="field-remove",
                    ),
                    spacing="1",
                ),
            ),
            align="center",
            spacing="2",
            width="100%",
        ),
        draggable=~S.read_only,
        on_click=S.select_field(row.index),
        custom_attrs={"data-sort-index": row.index, "data-field-key": row.key},
        class_name="field-row",
        style={
            "cursor": "pointer",
            "padding": "8px 10px",
            "border_radius": "8px",
            "background_color": rx.color("gray", 1),
            "border": rx.cond(
                row.selected,
                f"2px solid {rx.color('accent', 8)}",
                rx.cond(
                    row.errors > 0,
                    f"1px solid {rx.color('red', 7)}",
                    f"1px solid {rx.color('gray', 5)}",
                ),
            ),
            "&[data-drop='before']": {"box_shadow": f"0 -3px 0 0 {rx.color('accent', 9)}"},
            "&[data-drop='after']": {"box_shadow": f"0 3px 0 0 {rx.color('accent', 9)}"},
        },
        width="100%",
    )


def field_list() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading(SessionState.t["forms.fields"], size="3"),
            rx.badge(S.field_count, variant="soft", radius="full"),
            rx.spacer(),
            rx.cond(
                S.form_error_count > 0,
                rx.button(
                    rx.icon("circle-alert", size=13),
                    SessionState.t["forms.form_errors"],
                    on_click=S.set_tab("form"),
                    size="1",
                    variant="soft",
                    color_scheme="red",
                ),
            ),
            align="center",
            width="100%",
        ),
        sortable(
            rx.cond(
                S.field_count > 0,
                rx.foreach(S.field_rows, field_row),
                rx.center(
                    rx.text(SessionState.t["forms.no_fields"], size="2", color_scheme="gray"),
                    padding="32px",
                    border=f"2px dashed {rx.color('gray', 6)}",
                    border_radius="10px",
                    width="100%",
                    id="fields-empty",
                ),
            ),
            on_move=S.move_field,
            on_add=S.drop_field,
            disabled=S.read_only,
            style={
                "display": "flex",
                "flex_direction": "column",
                "gap": "6px",
                "width": "100%",
                "min_height": "200px",
                "padding_bottom": "48px",
            },
            id="field-list",
        ),
        spacing="3",
        width="100%",
        max_width="720px",
        margin_x="auto",
        padding="16px",
    )
