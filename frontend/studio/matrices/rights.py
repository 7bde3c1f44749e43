"""What each role may do (actions, the workflows they apply to), the time-bound
grants, and "preview as role"."""

from __future__ import annotations

from typing import Any

import reflex as rx

from studio.documents.chrome import native_select
from studio.forms.rules import error_text
from studio.matrices.grid import access_badge
from studio.matrices.preview_state import MatrixPreviewState, PreviewLine
from studio.matrices.rights_state import ActionCell, ActionRow, GrantRow, RightsState
from studio.session import SessionState

__all__ = ["actions_card", "grants_card", "preview_card"]

R = RightsState
V = MatrixPreviewState


def _action(kind: str, index: Any, item: rx.Var[ActionCell]) -> rx.Component:
    return rx.el.label(
        rx.hstack(
            rx.checkbox(
                checked=item.on,
                on_change=lambda _: R.toggle_action(kind, index, item.action),
                disabled=R.read_only,
            ),
            rx.text(item.label, size="2"),
            spacing="1",
            align="center",
        ),
        custom_attrs={"data-action": item.action},
        class_name="action-choice",
    )


def _workflows(kind: str, index: Any, value: Any) -> rx.Component:
    return rx.input(
        value=value,
        on_change=lambda v: R.set_workflows(kind, index, v),
        debounce_timeout=500,
        placeholder=SessionState.t["matrices.workflows_placeholder"],
        size="1",
        auto_complete="off",
        width="220px",
        custom_attrs={"data-workflows": f"{kind}"},
    )


def _action_row(row: rx.Var[ActionRow]) -> rx.Component:
    return rx.hstack(
        rx.text(row.role, size="2", weight="bold", min_width="120px"),
        rx.flex(
            rx.foreach(row.actions, lambda a: _action("role", row.index, a)),
            wrap="wrap",
            spacing="3",
        ),
        rx.spacer(),
        _workflows("role", row.index, row.workflows),
        align="center",
        spacing="3",
        width="100%",
        class_name="action-row",
        custom_attrs={"data-role": row.role},
    )


def actions_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(SessionState.t["matrices.actions"], size="3"),
            rx.text(SessionState.t["matrices.actions_help"], size="1", color_scheme="gray"),
            rx.foreach(R.action_rows, _action_row),
            spacing="2",
            width="100%",
        ),
        width="100%",
        id="role-actions",
    )


def _grant(row: rx.Var[GrantRow]) -> rx.Component:
    def when(which: str, value: Any, label: str) -> rx.Component:
        return rx.vstack(
            rx.text(SessionState.t[label], size="1"),
            rx.hstack(
                rx.input(
                    type="datetime-local",
                    value=value,
                    on_change=lambda v: R.set_time(row.index, which, v),
                    debounce_timeout=600,
                    size="1",
                    custom_attrs={"data-time": which},
                ),
                rx.text("UTC", row.offset, size="1", color_scheme="gray"),
                spacing="1",
                align="center",
            ),
            spacing="0",
        )

    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text(
                    SessionState.t["matrices.grant"], " ", row.index + 1, weight="bold", size="2"
                ),
                rx.cond(
                    row.state != "",
                    rx.badge(
                        row.state_label,
                        color_scheme=rx.match(
                            row.state, ("active", "green"), ("upcoming", "blue"), "gray"
                        ),
                        class_name="grant-state",
                    ),
                ),
                rx.spacer(),
                rx.cond(
                    R.read_only,
                    rx.fragment(),
                    rx.icon_button(
                        rx.icon("trash-2", size=12),
                        on_click=R.remove_grant(row.index),
                        size="1",
                        variant="ghost",
                        color_scheme="red",
                        aria_label=SessionState.t["matrices.remove_grant"],
                        class_name="remove-grant",
                    ),
                ),
                align="center",
                width="100%",
            ),
            rx.hstack(
                native_select(
                    rx.el.option(SessionState.t["matrices.grant_role"], value="role"),
                    rx.el.option(SessionState.t["matrices.grant_user"], value="user"),
                    value=row.who,
                    on_change=lambda v: R.set_who(row.index, v),
                    custom_attrs={"data-grant-who": row.index},
                ),
                rx.input(
                    value=row.name,
                    on_change=lambda v: R.set_name(row.index, v),
                    debounce_timeout=400,
                    placeholder=rx.cond(row.who == "user", "alice", "manager"),
                    auto_complete="off",
                    size="2",
                    custom_attrs={
                        "data-grant-name": row.index,
                        "list": rx.cond(row.who == "role", "matrix-role-choices", ""),
                    },
                ),
                when("starts_at", row.starts, "matrices.starts_at"),
                when("ends_at", row.ends, "matrices.ends_at"),
                spacing="3",
                align="end",
                wrap="wrap",
            ),
            rx.input(
                value=row.reason,
                on_change=lambda v: R.set_reason(row.index, v),
                debounce_timeout=400,
                placeholder=SessionState.t["matrices.reason_placeholder"],
                width="100%",
                custom_attrs={"data-grant-reason": row.index},
            ),
            rx.hstack(
                rx.flex(
                    rx.foreach(row.actions, lambda a: _action("grant", row.index, a)),
                    wrap="wrap",
                    spacing="3",
                ),
                rx.spacer(),
                _workflows("grant", row.index, row.workflows),
                width="100%",
                align="center",
            ),
            rx.text(SessionState.t["matrices.grant_grid_help"], size="1", color_scheme="gray"),
            error_text(row.errors),
            spacing="2",
            width="100%",
        ),
        width="100%",
        class_name="grant-card",
        custom_attrs={"data-grant": row.index},
    )


def grants_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(SessionState.t["matrices.grants"], size="3"),
                rx.spacer(),
                rx.cond(
                    R.read_only,
                    rx.fragment(),
                    rx.button(
                        rx.icon("plus", size=14),
                        SessionState.t["matrices.add_grant"],
                        on_click=R.add_grant,
                        size="2",
                        variant="soft",
                        id="add-grant",
                    ),
                ),
                width="100%",
                align="center",
            ),
            rx.text(SessionState.t["matrices.grants_help"], size="1", color_scheme="gray"),
            rx.el.fieldset(
                rx.vstack(rx.foreach(R.grant_rows, _grant), spacing="2", width="100%"),
                disabled=R.read_only,
                style={
                    "border": "none",
                    "padding": "0",
                    "margin": "0",
                    "min_width": "0",
                    "width": "100%",
                },
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
        id="grants",
    )


# ---- preview as role -------------------------------------------------------------------


def _line(line: rx.Var[PreviewLine]) -> rx.Component:
    return rx.hstack(
        rx.text(line.label, size="2", min_width="120px"),
        access_badge(line.access, line.access_label, variant="soft"),
        rx.cond(
            ~line.shown,
            rx.badge(
                SessionState.t["matrices.preview_not_shown"], color_scheme="gray", variant="outline"
            ),
        ),
        rx.cond(
            line.required, rx.badge(SessionState.t["matrices.preview_required"], color_scheme="red")
        ),
        align="center",
        spacing="2",
        class_name="preview-line",
        custom_attrs={"data-key": line.key, "data-access": line.access},
    )


def preview_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(SessionState.t["matrices.preview"], size="3"),
            rx.hstack(
                native_select(
                    rx.el.option(SessionState.t["matrices.preview_choose"], value=""),
                    rx.foreach(R.role_names, lambda r: rx.el.option(r, value=r)),
                    value=V.preview_role,
                    on_change=V.set_preview_role,
                    id="preview-role",
                ),
                rx.button(
                    rx.icon("refresh-cw", size=13),
                    SessionState.t["matrices.preview_ask"],
                    on_click=V.ask,
                    loading=V.asking,
                    disabled=(V.preview_role == "") | V.dirty,
                    size="1",
                    variant="soft",
                    id="preview-ask",
                ),
                spacing="2",
                align="center",
            ),
            rx.cond(
                V.preview_role != "",
                rx.vstack(
                    rx.badge(
                        V.preview_source,
                        color_scheme=rx.cond(V.from_server, "green", "amber"),
                        variant="soft",
                        id="preview-source",
                        custom_attrs={"data-server": V.from_server.to_string()},
                    ),
                    rx.foreach(
                        V.preview_facts, lambda f: rx.text(f, size="2", class_name="preview-fact")
                    ),
                    rx.foreach(V.preview_lines, _line),
                    spacing="2",
                    width="100%",
                    id="matrix-preview",
                ),
                rx.text(SessionState.t["matrices.preview_help"], size="1", color_scheme="gray"),
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
        id="preview",
    )
