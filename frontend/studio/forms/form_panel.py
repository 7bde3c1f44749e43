"""The form's own settings tab (title, stage / owner / region field, exemption
reasons) and the preview tab."""

from __future__ import annotations

from typing import Any

import reflex as rx

from studio.documents.chrome import native_select
from studio.forms.field_state import OptionRow
from studio.forms.form_state import FormSettingsState, Picker
from studio.forms.preview_state import FormPreviewState, PreviewChoice, PreviewRow
from studio.forms.rules import error_text
from studio.forms.settings import labelled, options_editor, text_input
from studio.session import SessionState

__all__ = ["form_settings", "preview"]

F = FormSettingsState
V = FormPreviewState


def picker(item: rx.Var[Picker]) -> rx.Component:
    return rx.vstack(
        rx.text(
            rx.match(
                item.name,
                ("stage_field", SessionState.t["forms.stage_field"]),
                ("owner_field", SessionState.t["forms.owner_field"]),
                SessionState.t["forms.region_field"],
            ),
            size="2",
            weight="medium",
        ),
        native_select(
            rx.el.option(SessionState.t["forms.picker_none"], value=""),
            rx.foreach(item.choices, lambda c: rx.el.option(c.label, value=c.value)),
            value=item.value,
            on_change=lambda v: F.set_picker(item.name, v),
            custom_attrs={"data-picker": item.name},
        ),
        rx.text(
            rx.match(
                item.name,
                ("stage_field", SessionState.t["forms.stage_field_help"]),
                ("owner_field", SessionState.t["forms.owner_field_help"]),
                SessionState.t["forms.region_field_help"],
            ),
            size="1",
            color_scheme="gray",
        ),
        error_text(item.error),
        spacing="1",
        width="100%",
    )


def reason_row(row: rx.Var[OptionRow]) -> rx.Component:
    def part(name: str, value: Any, placeholder: str) -> rx.Component:
        return rx.input(
            value=value,
            on_change=lambda v: F.set_reason(row.index, name, v),
            debounce_timeout=400,
            placeholder=SessionState.t[placeholder],
            size="1",
            auto_complete="off",
            custom_attrs={"data-reason": row.index, "data-part": name},
        )

    return rx.vstack(
        rx.hstack(
            part("value", row.value, "forms.option_value"),
            part("en", row.en, "forms.option_en"),
            part("zh-CN", row.zh, "forms.option_zh"),
            rx.icon_button(
                rx.icon("x", size=12),
                on_click=F.remove_reason(row.index),
                size="1",
                variant="ghost",
                color_scheme="red",
                aria_label=SessionState.t["forms.remove_option"],
            ),
            spacing="1",
            align="center",
            width="100%",
        ),
        error_text(row.error),
        spacing="0",
        width="100%",
        class_name="reason-row",
    )


def form_settings() -> rx.Component:
    return rx.vstack(
        labelled(
            "forms.title_en",
            text_input(F.form_title["en"], lambda v: F.set_title("en", v), "form-title-en"),
        ),
        labelled(
            "forms.title_zh",
            text_input(F.form_title["zh"], lambda v: F.set_title("zh-CN", v), "form-title-zh"),
        ),
        error_text(F.other_form_errors),
        rx.separator(),
        rx.foreach(F.pickers, picker),
        rx.separator(),
        options_editor(F.reason_rows, F.add_reason, reason_row, "forms.exemption_reasons"),
        rx.text(SessionState.t["forms.exemption_reasons_help"], size="1", color_scheme="gray"),
        spacing="3",
        width="100%",
        id="form-settings",
    )


# ---- the preview ---------------------------------------------------------------------


def context_choice(item: rx.Var[PreviewChoice]) -> rx.Component:
    return rx.hstack(
        rx.text(
            item.label,
            rx.cond(
                item.is_stage,
                rx.badge(
                    SessionState.t["forms.stage"], size="1", variant="outline", margin_left="4px"
                ),
            ),
            size="2",
            min_width="110px",
        ),
        native_select(
            rx.el.option(SessionState.t["forms.preview_unset"], value=""),
            rx.foreach(item.choices, lambda c: rx.el.option(c.label, value=c.value)),
            value=item.value,
            on_change=lambda v: V.set_preview_value(item.key, v),
            custom_attrs={"data-preview-field": item.key},
        ),
        align="center",
        spacing="2",
        width="100%",
    )


def preview_field(row: rx.Var[PreviewRow]) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.icon(row.icon, size=13, color=rx.color("gray", 10)),
            rx.text(row.label, size="2", weight="medium"),
            rx.cond(row.required, rx.text("*", color_scheme="red", weight="bold")),
            rx.spacer(),
            rx.cond(
                row.exemptible,
                rx.badge(SessionState.t["forms.badge_exemptible"], size="1", color_scheme="gray"),
            ),
            align="center",
            spacing="1",
            width="100%",
        ),
        rx.cond(
            row.choices.length() > 0,
            native_select(
                rx.foreach(row.choices, lambda c: rx.el.option(c)),
                disabled=True,
                style={"width": "100%"},
            ),
            rx.input(placeholder=row.type_label, disabled=True, size="1", width="100%"),
        ),
        rx.cond(row.help != "", rx.text(row.help, size="1", color_scheme="gray")),
        spacing="1",
        width="100%",
        class_name="preview-field",
        custom_attrs={"data-key": row.key, "data-required": row.required.to_string()},
    )


def preview() -> rx.Component:
    return rx.vstack(
        rx.text(SessionState.t["forms.preview_help"], size="1", color_scheme="gray"),
        rx.hstack(
            rx.text(SessionState.t["forms.preview_role"], size="2", min_width="110px"),
            rx.input(
                value=V.preview_role,
                on_change=V.set_preview_role,
                debounce_timeout=300,
                placeholder=SessionState.t["forms.preview_any_role"],
                auto_complete="off",
                size="2",
                custom_attrs={"list": "preview-role-choices"},
                id="preview-role",
            ),
            rx.el.datalist(
                rx.foreach(V.role_suggestions, lambda r: rx.el.option(value=r)),
                id="preview-role-choices",
            ),
            align="center",
            spacing="2",
            width="100%",
        ),
        rx.foreach(V.preview_choices, context_choice),
        rx.separator(),
        rx.text(V.preview_summary, size="2", weight="medium", id="preview-summary"),
        rx.card(
            rx.vstack(
                rx.foreach(V.preview_rows, lambda r: rx.cond(r.shown, preview_field(r))),
                spacing="3",
                width="100%",
                id="preview-shown",
            ),
            width="100%",
        ),
        rx.vstack(
            rx.text(SessionState.t["forms.preview_hidden"], size="1", color_scheme="gray"),
            rx.flex(
                rx.foreach(
                    V.preview_rows,
                    lambda r: rx.cond(
                        ~r.shown,
                        rx.badge(
                            r.label,
                            color_scheme="gray",
                            variant="outline",
                            class_name="preview-hidden-field",
                            custom_attrs={"data-key": r.key},
                        ),
                    ),
                ),
                wrap="wrap",
                spacing="1",
            ),
            spacing="1",
            width="100%",
            id="preview-hidden",
        ),
        spacing="3",
        width="100%",
        id="form-preview",
    )
