"""The elastic rules of a field: shown when…, required when… (a choice field and
its values, and/or business roles), and whether the field may be skipped with a
reason (exemption, 免填)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from studio.documents.chrome import native_select
from studio.forms.field_state import FieldPanelState, RuleView, ValueChoice
from studio.session import SessionState

__all__ = ["error_text", "exemption", "rule_editor"]

P = FieldPanelState


def error_text(message: rx.Var[str] | Any) -> rx.Component:
    return rx.cond(
        message != "",
        rx.text(
            rx.icon("circle-alert", size=12),
            " ",
            message,
            size="1",
            color_scheme="red",
            white_space="pre-line",
            class_name="field-error",
        ),
    )


def _value(rule: str, choice: rx.Var[ValueChoice]) -> rx.Component:
    return rx.el.label(
        rx.hstack(
            rx.checkbox(
                checked=choice.checked,
                on_change=lambda _: P.toggle_rule_value(rule, choice.value),
                custom_attrs={"data-value": choice.value},
            ),
            rx.text(
                choice.label,
                size="2",
                color_scheme=rx.cond(choice.stale, "red", "gray"),
                text_decoration=rx.cond(choice.stale, "line-through", "none"),
            ),
            spacing="1",
            align="center",
        ),
        class_name="rule-value",
        custom_attrs={"data-value": choice.value},
    )


def rule_editor(rule: str, view: rx.Var[RuleView], title: str, help_label: str) -> rx.Component:
    """``view`` is ``P.show_rule`` or ``P.require_rule``."""
    return rx.vstack(
        rx.hstack(
            rx.switch(
                checked=view.on,
                on_change=lambda on: P.set_rule_on(rule, on),
                custom_attrs={"data-rule-switch": rule},
            ),
            rx.text(SessionState.t[title], size="2", weight="medium"),
            align="center",
            spacing="2",
        ),
        rx.cond(
            view.on,
            rx.vstack(
                rx.text(SessionState.t[help_label], size="1", color_scheme="gray"),
                rx.hstack(
                    rx.text(SessionState.t["forms.rule_field"], size="2", min_width="90px"),
                    native_select(
                        rx.el.option(SessionState.t["forms.rule_no_field"], value=""),
                        rx.foreach(P.rule_fields, lambda c: rx.el.option(c.label, value=c.value)),
                        value=view.field,
                        on_change=lambda value: P.set_rule_field(rule, value),
                        custom_attrs={"data-rule-field": rule},
                    ),
                    align="center",
                    spacing="2",
                    width="100%",
                ),
                rx.cond(
                    view.field != "",
                    rx.vstack(
                        rx.text(SessionState.t["forms.rule_values"], size="2"),
                        rx.flex(
                            rx.foreach(view.choices, lambda c: _value(rule, c)),
                            wrap="wrap",
                            spacing="3",
                        ),
                        spacing="1",
                        width="100%",
                        custom_attrs={"data-rule-values": rule},
                    ),
                ),
                rx.vstack(
                    rx.text(SessionState.t["forms.rule_roles"], size="2"),
                    rx.input(
                        value=view.roles,
                        on_change=lambda value: P.set_rule_roles(rule, value),
                        debounce_timeout=500,
                        placeholder="rep, manager",
                        auto_complete="off",
                        width="100%",
                        custom_attrs={"data-rule-roles": rule, "list": "form-role-choices"},
                    ),
                    rx.text(SessionState.t["forms.rule_roles_help"], size="1", color_scheme="gray"),
                    spacing="1",
                    width="100%",
                ),
                spacing="2",
                width="100%",
                padding_left="12px",
                border_left=f"2px solid {rx.color('accent', 6)}",
            ),
        ),
        error_text(view.error),
        spacing="2",
        width="100%",
        custom_attrs={"data-rule": rule},
    )


def exemption() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.switch(
                checked=P.flags["exemptible"],
                on_change=lambda on: P.set_flag("exemptible", on),
                id="field-exemptible",
            ),
            rx.text(SessionState.t["forms.exemptible"], size="2", weight="medium"),
            align="center",
            spacing="2",
        ),
        rx.text(SessionState.t["forms.exemptible_help"], size="1", color_scheme="gray"),
        rx.cond(
            P.flags["exemptible"] & ~P.flags["reasons"],
            rx.hstack(
                rx.text(SessionState.t["forms.exemption_needs_reasons"], size="1"),
                rx.button(
                    SessionState.t["forms.exemption_reasons_open"],
                    on_click=P.open_form_tab,
                    size="1",
                    variant="soft",
                ),
                align="center",
                spacing="2",
            ),
        ),
        error_text(P.section_errors["exemptible"]),
        spacing="1",
        width="100%",
    )
