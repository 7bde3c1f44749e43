"""The Sandbox page: choose what to replay through what, with which policy, and run it;
the workflow's last simulations beside it."""

from __future__ import annotations

from typing import Any

import reflex as rx

from studio.failure import failure_callout
from studio.sandbox.model import Choice
from studio.sandbox.setup_state import PolicyStep, RecentRun, SetupState
from studio.session import SessionState
from studio.tasks.task_page import SELECT_STYLE

__all__ = ["card", "field_error", "sandbox_page", "status_colour"]


def card(*children: rx.Component, **props: Any) -> rx.Component:
    return rx.card(rx.vstack(*children, spacing="3", width="100%"), width="100%", **props)


def status_colour(status: rx.Var[str]) -> rx.Var[str]:
    colour: rx.Var[str] = rx.match(
        status,
        ("queued", "gray"),
        ("running", "amber"),
        ("completed", "green"),
        ("cancelled", "gray"),
        ("failed", "red"),
        "gray",
    )
    return colour


def field_error(message: rx.Var[str]) -> rx.Component:
    return rx.cond(
        message != "",
        rx.hstack(
            rx.icon("circle-alert", size=12, flex="none", margin_top="3px"),
            rx.text(message, size="1", class_name="field-error"),
            spacing="1",
            align="start",
            color=rx.color("red", 11),
            role="alert",
        ),
    )


def option(item: rx.Var[Choice]) -> rx.Component:
    return rx.el.option(item.label, value=item.value)


def select(
    ident: str, value: rx.Var[str], choices: rx.Var[list[Choice]], on_change: Any, **props: Any
) -> rx.Component:
    return rx.el.select(
        rx.foreach(choices, option),
        value=value,
        on_change=on_change,
        id=ident,
        style=SELECT_STYLE,
        **props,
    )


def field(
    label: str, control: rx.Component, error: rx.Var[str], ident: str, help: str = ""
) -> rx.Component:
    """A labelled input with the API's message about it below, framed red while wrong."""
    return rx.vstack(
        rx.text(SessionState.t[label], size="2", weight="medium"),
        control,
        rx.text(SessionState.t[help], size="1", color_scheme="gray") if help else rx.fragment(),
        field_error(error),
        spacing="1",
        width="100%",
        padding="10px 12px",
        border_radius="8px",
        border=rx.cond(
            error != "", f"1px solid {rx.color('red', 7)}", f"1px solid {rx.color('gray', 4)}"
        ),
        background_color=rx.color("gray", 1),
        class_name="sandbox-field",
        custom_attrs={"data-field": ident, "data-invalid": rx.cond(error != "", "true", "false")},
    )


def heading() -> rx.Component:
    return rx.vstack(
        rx.heading(SessionState.t["sandbox.title"], size="7"),
        rx.text(SessionState.t["sandbox.subtitle"], color_scheme="gray"),
        spacing="1",
    )


def what_card() -> rx.Component:
    return card(
        rx.heading(SessionState.t["sandbox.what"], size="4"),
        rx.grid(
            field(
                "sandbox.workflow",
                select(
                    "sandbox-workflow",
                    SetupState.workflow,
                    SetupState.workflow_choices,
                    SetupState.set_workflow,
                ),
                SetupState.workflow_error,
                "workflow",
            ),
            field(
                "sandbox.history",
                rx.vstack(
                    select(
                        "sandbox-dataset",
                        SetupState.dataset,
                        SetupState.dataset_choices,
                        SetupState.set_dataset,
                    ),
                    rx.cond(
                        ~SetupState.has_datasets,
                        rx.text(
                            SessionState.t["sandbox.no_datasets"],
                            size="2",
                            color_scheme="gray",
                            id="sandbox-no-datasets",
                        ),
                    ),
                    spacing="1",
                    width="100%",
                ),
                SetupState.dataset_error,
                "dataset",
            ),
            field(
                "sandbox.candidate",
                rx.vstack(
                    select(
                        "sandbox-candidate",
                        SetupState.candidate,
                        SetupState.candidate_choices,
                        SetupState.set_candidate,
                    ),
                    rx.cond(
                        SetupState.candidate_error != "",
                        rx.link(
                            rx.hstack(
                                rx.icon("pencil", size=12),
                                SessionState.t["sandbox.open_editor"],
                                spacing="1",
                                align="center",
                            ),
                            href=SetupState.editor_link,
                            size="1",
                            id="sandbox-editor-link",
                        ),
                    ),
                    spacing="1",
                    width="100%",
                ),
                SetupState.candidate_error,
                "candidate",
                help="sandbox.candidate_help",
            ),
            field(
                "sandbox.baseline",
                select(
                    "sandbox-baseline",
                    SetupState.baseline,
                    SetupState.baseline_choices,
                    SetupState.set_baseline,
                ),
                SetupState.baseline_error,
                "baseline",
                help="sandbox.baseline_help",
            ),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="3",
            width="100%",
        ),
        id="sandbox-what",
    )


def policy_select(
    ident: str, value: rx.Var[str], on_change: Any, none_label: str, **props: Any
) -> rx.Component:
    return rx.el.select(
        rx.el.option(SessionState.t[none_label], value=""),
        rx.foreach(SetupState.policy_choices, option),
        value=value,
        on_change=on_change,
        style=SELECT_STYLE,
        id=ident,
        **props,
    )


def hours_input(value: rx.Var[str], on_change: Any, **props: Any) -> rx.Component:
    return rx.input(
        rx.input.slot(rx.text(SessionState.t["sandbox.after_unit"], size="1"), side="right"),
        value=value,
        on_change=on_change,
        input_mode="decimal",
        placeholder=SessionState.t["sandbox.after_placeholder"],
        width="160px",
        **props,
    )


def step_line(step: rx.Var[PolicyStep]) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.vstack(
                rx.hstack(
                    rx.text(step.label, size="2", weight="medium"),
                    rx.cond(
                        step.new,
                        rx.badge(SessionState.t["sandbox.step_new"], color_scheme="amber"),
                    ),
                    spacing="2",
                    align="center",
                ),
                rx.text(step.type_label, size="1", color_scheme="gray"),
                spacing="0",
                min_width="200px",
            ),
            rx.spacer(),
            rx.el.select(
                rx.el.option(SessionState.t["sandbox.policy_inherit"], value=""),
                rx.foreach(SetupState.policy_choices, option),
                value=step.choice,
                on_change=lambda value: SetupState.set_step_policy(step.id, value),
                style={**SELECT_STYLE, "width": "280px"},
                custom_attrs={"data-policy-node": step.id, "aria-label": step.label},
            ),
            rx.cond(
                step.timed,
                hours_input(
                    step.hours,
                    lambda value: SetupState.set_step_hours(step.id, value),
                    custom_attrs={"data-hours-node": step.id},
                ),
            ),
            align="center",
            spacing="3",
            width="100%",
            wrap="wrap",
        ),
        field_error(step.error),
        spacing="1",
        width="100%",
        padding="8px 12px",
        border_radius="8px",
        border=rx.cond(
            step.error != "",
            f"1px solid {rx.color('red', 7)}",
            f"1px solid {rx.color('gray', 4)}",
        ),
        class_name="policy-step",
        custom_attrs={
            "data-node": step.id,
            "data-invalid": rx.cond(step.error != "", "true", "false"),
        },
    )


def policy_card() -> rx.Component:
    return card(
        rx.heading(SessionState.t["sandbox.policy"], size="4"),
        rx.text(SessionState.t["sandbox.policy_help"], size="2", color_scheme="gray"),
        field(
            "sandbox.policy_default",
            rx.hstack(
                policy_select(
                    "sandbox-policy",
                    SetupState.default_policy,
                    SetupState.set_default_policy,
                    "sandbox.policy_none",
                ),
                rx.cond(
                    SetupState.default_is_timed,
                    hours_input(
                        SetupState.default_hours, SetupState.set_default_hours, id="sandbox-after"
                    ),
                ),
                spacing="3",
                align="center",
                width="100%",
            ),
            SetupState.policy_error,
            "policy",
        ),
        rx.cond(
            SetupState.steps.length() > 0,
            rx.vstack(
                rx.text(SessionState.t["sandbox.policy_steps"], size="2", weight="medium"),
                rx.foreach(SetupState.steps, step_line),
                spacing="2",
                width="100%",
                id="sandbox-steps",
            ),
        ),
        rx.grid(
            field(
                "sandbox.seed",
                rx.input(
                    value=SetupState.seed,
                    on_change=SetupState.set_seed,
                    input_mode="numeric",
                    id="sandbox-seed",
                ),
                SetupState.seed_error,
                "seed",
                help="sandbox.seed_help",
            ),
            field(
                "sandbox.replicates",
                rx.input(
                    value=SetupState.replicates,
                    on_change=SetupState.set_replicates,
                    input_mode="numeric",
                    id="sandbox-replicates",
                ),
                SetupState.replicates_error,
                "replicates",
                help="sandbox.replicates_help",
            ),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="3",
            width="100%",
        ),
        id="sandbox-policies",
    )


def run_bar() -> rx.Component:
    return rx.vstack(
        failure_callout(
            SetupState.failure != "",
            SetupState.failure_text,
            SetupState.cause,
            SetupState.detail,
            SetupState.problems,
            ident="sandbox-failure",
        ),
        rx.hstack(
            rx.cond(
                ~SetupState.may_run,
                rx.text(SessionState.t["sandbox.may_not_run"], size="2", color_scheme="gray"),
            ),
            rx.spacer(),
            rx.button(
                rx.icon("play", size=16),
                SessionState.t["sandbox.run"],
                on_click=SetupState.run,
                loading=SetupState.busy,
                disabled=~SetupState.may_run | SetupState.loading,
                size="3",
                id="sandbox-run",
            ),
            width="100%",
            align="center",
        ),
        spacing="3",
        width="100%",
    )


def recent_line(item: rx.Var[RecentRun]) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.link(item.label, href=item.route, size="2", class_name="sandbox-recent-link"),
            rx.spacer(),
            rx.badge(item.status_label, color_scheme=status_colour(item.status), variant="soft"),
            align="center",
            width="100%",
        ),
        rx.hstack(
            rx.text(item.created_by, size="1"),
            rx.moment(item.created_at, format="YYYY-MM-DD HH:mm", font_size="11px"),
            spacing="2",
            color=rx.color("gray", 11),
        ),
        spacing="0",
        width="100%",
        class_name="sandbox-recent",
    )


def recent_card() -> rx.Component:
    return card(
        rx.heading(SessionState.t["sandbox.recent"], size="4"),
        rx.cond(
            SetupState.recent.length() > 0,
            rx.vstack(rx.foreach(SetupState.recent, recent_line), spacing="2", width="100%"),
            rx.text(SessionState.t["sandbox.recent_none"], size="2", color_scheme="gray"),
        ),
        id="sandbox-recent",
    )


def load_problem() -> rx.Component:
    return rx.callout(
        rx.hstack(
            rx.text(
                SessionState.t["sandbox.load_failed"], " ", SessionState.t[SetupState.load_error]
            ),
            rx.button(SessionState.t["common.retry"], on_click=SetupState.open, size="1"),
            align="center",
        ),
        icon="circle-alert",
        color_scheme="red",
        role="alert",
        id="sandbox-error",
    )


def sandbox_page() -> rx.Component:
    return rx.vstack(
        heading(),
        rx.cond(SetupState.load_error != "", load_problem()),
        rx.grid(
            rx.vstack(what_card(), policy_card(), run_bar(), spacing="4", width="100%"),
            rx.vstack(recent_card(), spacing="4", width="100%"),
            columns=rx.breakpoints(initial="1", lg="minmax(0, 1fr) 320px"),
            spacing="4",
            width="100%",
            align_items="start",
        ),
        spacing="4",
        width="100%",
        id="sandbox-page",
        custom_attrs={"data-ready": rx.cond(SetupState.loading, "false", "true")},
    )
