"""The selected field's settings panel: names, key, type and the settings of its
type, its options, its rules; each setting with its own error."""

from __future__ import annotations

from typing import Any

import reflex as rx

from studio.documents.chrome import native_select
from studio.forms.field_state import FieldPanelState, OptionRow
from studio.forms.rules import error_text, exemption, rule_editor
from studio.session import SessionState

__all__ = ["field_settings", "labelled", "options_editor"]

P = FieldPanelState


def labelled(label: str, control: rx.Component, *below: rx.Component) -> rx.Component:
    return rx.vstack(
        rx.text(SessionState.t[label], size="2", weight="medium"),
        control,
        *below,
        spacing="1",
        width="100%",
    )


def text_input(value: Any, on_change: Any, ident: str, **props: Any) -> rx.Component:
    return rx.input(
        value=value,
        on_change=on_change,
        debounce_timeout=400,
        width="100%",
        auto_complete="off",
        id=ident,
        **props,
    )


def switch_row(name: str, label: str) -> rx.Component:
    return rx.cond(
        P.flags[f"has_{name}"],
        rx.hstack(
            rx.switch(
                checked=P.flags[name],
                on_change=lambda on: P.set_flag(name, on),
                id=f"field-{name}",
            ),
            rx.text(SessionState.t[label], size="2"),
            align="center",
            spacing="2",
        ),
    )


def names() -> rx.Component:
    return rx.vstack(
        labelled(
            "forms.label_en",
            text_input(P.setting["en"], lambda v: P.set_label("en", v), "field-label-en"),
        ),
        labelled(
            "forms.label_zh",
            text_input(P.setting["zh"], lambda v: P.set_label("zh-CN", v), "field-label-zh"),
        ),
        labelled(
            "forms.key",
            text_input(P.setting["key"], P.set_key, "field-key", font_family="monospace"),
            rx.text(SessionState.t["forms.key_help"], size="1", color_scheme="gray"),
            error_text(P.section_errors["key"]),
        ),
        labelled(
            "forms.help_en",
            text_input(P.setting["help_en"], lambda v: P.set_help("en", v), "field-help-en"),
        ),
        labelled(
            "forms.help_zh",
            text_input(P.setting["help_zh"], lambda v: P.set_help("zh-CN", v), "field-help-zh"),
            error_text(P.section_errors["label"] + P.section_errors["help"]),
        ),
        spacing="3",
        width="100%",
    )


def bound(name: str) -> rx.Component:
    words = rx.match(
        P.setting["bounds"],
        ("length", SessionState.t[f"forms.{name}_length"]),
        ("choices", SessionState.t[f"forms.{name}_choices"]),
        SessionState.t[f"forms.{name}_value"],
    )
    return rx.vstack(
        rx.text(words, size="2", weight="medium"),
        text_input(P.setting[name], lambda v: P.set_bound(name, v), f"field-{name}", type="number"),
        error_text(P.section_errors[name]),
        spacing="1",
        width="100%",
    )


def option_row(row: rx.Var[OptionRow]) -> rx.Component:
    def part(name: str, value: Any, placeholder: str) -> rx.Component:
        return rx.input(
            value=value,
            on_change=lambda v: P.set_option(row.index, name, v),
            debounce_timeout=400,
            placeholder=SessionState.t[placeholder],
            size="1",
            auto_complete="off",
            custom_attrs={"data-option": row.index, "data-part": name},
            font_family="monospace" if name == "value" else "inherit",
        )

    return rx.vstack(
        rx.hstack(
            part("value", row.value, "forms.option_value"),
            part("en", row.en, "forms.option_en"),
            part("zh-CN", row.zh, "forms.option_zh"),
            rx.icon_button(
                rx.icon("x", size=12),
                on_click=P.remove_option(row.index),
                size="1",
                variant="ghost",
                color_scheme="red",
                aria_label=SessionState.t["forms.remove_option"],
                custom_attrs={"data-remove-option": row.index},
            ),
            spacing="1",
            align="center",
            width="100%",
        ),
        error_text(row.error),
        spacing="0",
        width="100%",
        class_name="option-row",
    )


def options_editor(
    rows: Any, add: Any, row: Any = option_row, title: str = "forms.options"
) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(SessionState.t[title], size="2", weight="bold"),
            rx.spacer(),
            rx.button(
                rx.icon("plus", size=12),
                SessionState.t["panel.add"],
                on_click=add,
                size="1",
                variant="soft",
                class_name="add-option",
            ),
            align="center",
            width="100%",
        ),
        rx.foreach(rows, row),
        spacing="1",
        width="100%",
    )


def type_settings() -> rx.Component:
    return rx.vstack(
        switch_row("required", "forms.required"),
        switch_row("unique", "forms.unique"),
        rx.cond(P.flags["has_min"], rx.hstack(bound("min"), bound("max"), width="100%")),
        rx.cond(
            P.flags["has_pattern"],
            labelled(
                "forms.pattern",
                text_input(
                    P.setting["pattern"],
                    lambda v: P.set_text("pattern", v),
                    "field-pattern",
                    font_family="monospace",
                    placeholder="^[A-Z]{2}[0-9]{6}$",
                ),
                error_text(P.section_errors["pattern"]),
            ),
        ),
        rx.cond(
            P.flags["has_currency"],
            labelled(
                "forms.currency",
                text_input(
                    P.setting["currency"],
                    lambda v: P.set_text("currency", v),
                    "field-currency",
                    placeholder="CNY",
                    max_length=3,
                ),
                error_text(P.section_errors["currency"]),
            ),
        ),
        rx.cond(
            P.flags["has_expression"],
            labelled(
                "forms.expression",
                rx.text_area(
                    value=P.setting["expression"],
                    on_change=lambda v: P.set_text("expression", v),
                    debounce_timeout=400,
                    rows="3",
                    width="100%",
                    font_family="var(--code-font-family, monospace)",
                    spell_check=False,
                    placeholder="record['amount'] * (1 - (record.get('discount') or 0))",
                    id="field-expression",
                ),
                rx.text(SessionState.t["forms.expression_help"], size="1", color_scheme="gray"),
                error_text(P.section_errors["expression"]),
            ),
        ),
        rx.cond(
            P.flags["has_options"],
            rx.vstack(
                options_editor(P.option_rows, P.add_option),
                error_text(P.section_errors["options"]),
                width="100%",
                id="field-options",
            ),
        ),
        switch_row("multiple", "forms.multiple"),
        rx.cond(
            P.flags["has_accept"],
            labelled(
                "forms.accept",
                text_input(
                    P.setting["accept"],
                    P.set_accept,
                    "field-accept",
                    placeholder="image/*, application/pdf",
                ),
                error_text(P.section_errors["accept"]),
            ),
        ),
        spacing="3",
        width="100%",
    )


def field_settings() -> rx.Component:
    return rx.cond(
        P.has_field,
        rx.vstack(
            rx.hstack(
                rx.icon(P.setting["icon"], size=18),
                rx.heading(P.setting["type_label"], size="3", id="panel-type"),
                align="center",
            ),
            error_text(P.section_errors[""]),
            names(),
            labelled(
                "forms.type",
                native_select(
                    rx.foreach(P.type_choices, lambda c: rx.el.option(c.label, value=c.value)),
                    value=P.setting["type"],
                    on_change=P.set_type,
                    id="field-type",
                ),
                error_text(P.section_errors["type"]),
            ),
            rx.separator(),
            type_settings(),
            rx.separator(),
            rx.heading(SessionState.t["forms.rules"], size="2"),
            rule_editor("show_when", P.show_rule, "forms.show_when", "forms.show_when_help"),
            rx.cond(
                P.flags["has_require_when"],
                rule_editor(
                    "require_when", P.require_rule, "forms.require_when", "forms.require_when_help"
                ),
            ),
            rx.cond(P.flags["has_exemptible"], exemption()),
            rx.el.datalist(
                rx.foreach(P.role_suggestions, lambda r: rx.el.option(value=r)),
                id="form-role-choices",
            ),
            spacing="3",
            width="100%",
            id="field-settings",
        ),
        rx.text(SessionState.t["forms.select_field"], size="2", color_scheme="gray"),
    )
