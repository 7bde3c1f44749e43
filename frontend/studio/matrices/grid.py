"""The grid: roles (and grants) × the fields of the chosen form, per stage tab.

A cell cycles hidden → read → write on a click; what a cell only inherits (the
role's default, or on a stage tab what holds at every stage) is drawn faded.
Each row has the role's default access and data scope (row scope)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from studio.documents.chrome import native_select
from studio.matrices.model import ACCESS, SCOPES
from studio.matrices.state import Cell, Choice, Column, GridRow, MatrixEditorState
from studio.session import SessionState

__all__ = ["ACCESS_COLORS", "access_badge", "grid", "grid_toolbar"]

S = MatrixEditorState
ACCESS_COLORS = {"hidden": "gray", "read": "blue", "write": "green"}
ALL_STAGES = "__all__"


def access_badge(access: Any, label: Any, **props: Any) -> rx.Component:
    return rx.badge(
        rx.icon(rx.match(access, ("hidden", "eye-off"), ("read", "eye"), "pencil"), size=11),
        label,
        color_scheme=rx.match(access, ("hidden", "gray"), ("read", "blue"), "green"),
        **props,
    )


def _cell(row: rx.Var[GridRow], item: rx.Var[Cell]) -> rx.Component:
    return rx.el.td(
        rx.cond(
            row.has_rule,
            rx.el.button(
                access_badge(
                    item.access,
                    item.label,
                    variant=rx.cond(item.explicit, "solid", "soft"),
                    style={"opacity": rx.cond(item.explicit, "1", "0.6"), "cursor": "pointer"},
                ),
                on_click=S.cycle(row.kind, row.index, item.field),
                disabled=S.read_only,
                title=SessionState.t["matrices.cell_help"],
                class_name="access-cell",
                custom_attrs={
                    "data-holder": row.target,
                    "data-field": item.field,
                    "data-access": item.access,
                    "data-explicit": item.explicit.to_string(),
                },
                style={"background": "none", "border": "none", "padding": "2px"},
            ),
            rx.text("—", color_scheme="gray"),
        ),
        style={"padding": "4px 6px", "text_align": "center", "white_space": "nowrap"},
    )


def _options(values: tuple[str, ...], prefix: str) -> list[rx.Component]:
    return [rx.el.option(SessionState.t[f"{prefix}{v}"], value=v) for v in values]


def _holder_cell(row: rx.Var[GridRow]) -> rx.Component:
    return rx.el.th(
        rx.hstack(
            rx.vstack(
                rx.text(row.name, size="2", weight="bold", class_name="holder-name"),
                rx.cond(row.note != "", rx.text(row.note, size="1", color_scheme="gray")),
                spacing="0",
            ),
            rx.cond(
                row.errors != "",
                rx.tooltip(
                    rx.icon("circle-alert", size=14, color=rx.color("red", 9)),
                    content=row.errors,
                ),
            ),
            rx.spacer(),
            rx.cond(
                (row.kind == "role") & ~S.read_only,
                rx.icon_button(
                    rx.icon("trash-2", size=12),
                    on_click=S.remove_role(row.index),
                    size="1",
                    variant="ghost",
                    color_scheme="red",
                    aria_label=SessionState.t["matrices.remove_role"],
                    class_name="remove-role",
                ),
            ),
            align="center",
            spacing="2",
        ),
        style={
            "padding": "6px 10px",
            "text_align": "left",
            "position": "sticky",
            "left": "0",
            "background_color": rx.color("gray", 1),
            "min_width": "170px",
            "z_index": "1",
        },
    )


def _rule_cells(row: rx.Var[GridRow]) -> rx.Component:
    return rx.cond(
        row.has_rule,
        rx.fragment(
            rx.el.td(
                native_select(
                    *_options(ACCESS, "matrices.access_"),
                    value=row.access,
                    on_change=lambda v: S.set_access(row.kind, row.index, v),
                    disabled=S.read_only,
                    custom_attrs={"data-default": row.target},
                    style={"min_width": "96px"},
                ),
            ),
            rx.el.td(
                rx.hstack(
                    native_select(
                        *_options(SCOPES, "matrices.scope_"),
                        value=row.row_scope,
                        on_change=lambda v: S.set_scope(row.kind, row.index, v),
                        disabled=S.read_only,
                        custom_attrs={"data-scope": row.target},
                        style={"min_width": "96px"},
                    ),
                    rx.cond(
                        S.read_only,
                        rx.fragment(),
                        rx.icon_button(
                            rx.icon("ban", size=12),
                            on_click=S.remove_access(row.kind, row.index),
                            size="1",
                            variant="ghost",
                            color_scheme="gray",
                            aria_label=SessionState.t["matrices.remove_access"],
                            title=SessionState.t["matrices.remove_access"],
                        ),
                    ),
                    spacing="1",
                    align="center",
                ),
            ),
        ),
        rx.el.td(
            rx.cond(
                S.read_only,
                rx.text(SessionState.t["matrices.no_access"], size="1", color_scheme="gray"),
                rx.button(
                    SessionState.t["matrices.give_access"],
                    on_click=S.give_access(row.kind, row.index),
                    size="1",
                    variant="soft",
                    custom_attrs={"data-give-access": row.target},
                ),
            ),
            col_span=2,
        ),
    )


def _row(row: rx.Var[GridRow]) -> rx.Component:
    return rx.el.tr(
        _holder_cell(row),
        _rule_cells(row),
        rx.foreach(row.cells, lambda c: _cell(row, c)),
        class_name="grid-row",
        custom_attrs={"data-holder": row.target, "data-kind": row.kind},
        style={
            "border_top": f"1px solid {rx.color('gray', 4)}",
            "outline": rx.cond(
                S.highlight == row.target, f"2px solid {rx.color('accent', 8)}", "none"
            ),
            "background_color": rx.cond(row.errors != "", rx.color("red", 2), "transparent"),
        },
    )


def _head(column: rx.Var[Column]) -> rx.Component:
    return rx.el.th(
        rx.vstack(
            rx.icon(column.icon, size=13, color=rx.color("gray", 10)),
            rx.text(column.label, size="1", weight="medium"),
            rx.code(column.key, size="1", variant="ghost", color_scheme="gray"),
            spacing="0",
            align="center",
        ),
        style={"padding": "6px", "min_width": "88px"},
        custom_attrs={"data-column": column.key},
    )


def grid_toolbar() -> rx.Component:
    def tab(item: rx.Var[Choice]) -> rx.Component:
        return rx.tabs.trigger(
            item.label, value=item.value, custom_attrs={"data-stage": item.value}
        )

    return rx.vstack(
        rx.hstack(
            rx.text(SessionState.t["matrices.form"], size="2", weight="medium"),
            native_select(
                rx.foreach(S.form_options, lambda o: rx.el.option(o.label, value=o.value)),
                value=S.form,
                on_change=S.choose_form,
                id="matrix-form",
            ),
            rx.spacer(),
            rx.cond(
                S.read_only,
                rx.fragment(),
                rx.hstack(
                    rx.input(
                        value=S.new_role,
                        on_change=S.set_new_role,
                        placeholder=SessionState.t["matrices.new_role"],
                        auto_complete="off",
                        size="2",
                        custom_attrs={"list": "matrix-role-choices"},
                        id="new-role",
                    ),
                    rx.el.datalist(
                        rx.foreach(S.role_suggestions, lambda r: rx.el.option(value=r)),
                        id="matrix-role-choices",
                    ),
                    rx.button(
                        rx.icon("plus", size=14),
                        SessionState.t["matrices.add_role"],
                        on_click=S.add_role,
                        disabled=S.new_role.strip() == "",
                        size="2",
                        id="add-role",
                    ),
                    spacing="2",
                ),
            ),
            align="center",
            spacing="3",
            width="100%",
        ),
        rx.tabs.root(
            rx.tabs.list(
                rx.tabs.trigger(
                    SessionState.t["matrices.all_stages"],
                    value=ALL_STAGES,
                    custom_attrs={"data-stage": ""},
                ),
                rx.foreach(S.stage_tabs, tab),
            ),
            value=rx.cond(S.stage == "", ALL_STAGES, S.stage),
            on_change=S.choose_stage,
            id="stage-tabs",
        ),
        rx.text(
            rx.cond(
                S.stage == "",
                SessionState.t["matrices.all_stages_help"],
                SessionState.t["matrices.stage_help"],
            ),
            size="1",
            color_scheme="gray",
        ),
        spacing="2",
        width="100%",
    )


def grid() -> rx.Component:
    return rx.box(
        rx.el.table(
            rx.el.thead(
                rx.el.tr(
                    rx.el.th(
                        SessionState.t["matrices.holder"],
                        style={"text_align": "left", "padding": "6px 10px"},
                    ),
                    rx.el.th(SessionState.t["matrices.default_access"], style={"padding": "6px"}),
                    rx.el.th(SessionState.t["matrices.row_scope"], style={"padding": "6px"}),
                    rx.foreach(S.columns, _head),
                )
            ),
            rx.el.tbody(rx.foreach(S.grid_rows, _row)),
            style={"border_collapse": "collapse", "font_size": "13px"},
        ),
        rx.cond(
            S.grid_rows.length() == 0,
            rx.text(
                SessionState.t["matrices.no_roles"], size="2", color_scheme="gray", padding="16px"
            ),
        ),
        overflow_x="auto",
        width="100%",
        border=f"1px solid {rx.color('gray', 5)}",
        border_radius="8px",
        background_color=rx.color("gray", 1),
        id="matrix-grid",
    )
