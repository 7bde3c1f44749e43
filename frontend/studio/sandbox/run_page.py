"""One simulation: what was asked, its progress (and Cancel) while it runs, then the
report (:mod:`studio.sandbox.report_view`) and the cases (:mod:`studio.sandbox.cases_view`)."""

from __future__ import annotations

import reflex as rx

from studio.sandbox.cases_view import case_card, cases_card
from studio.sandbox.report_view import (
    approvals_card,
    headline,
    histogram_card,
    notes_card,
    outcomes_card,
    paths_card,
    workload_card,
)
from studio.sandbox.run_state import RunState
from studio.sandbox.setup_page import card, status_colour
from studio.session import SessionState

__all__ = ["run_page"]


def fact(label: str, value: rx.Component) -> rx.Component:
    return rx.hstack(
        rx.text(SessionState.t[label], size="2", color_scheme="gray", min_width="104px"),
        value,
        spacing="2",
        align="start",
    )


# ---- what was asked, and how far it is ---------------------------------------------------


def heading() -> rx.Component:
    return rx.vstack(
        rx.link(
            rx.hstack(rx.icon("arrow-left", size=16), SessionState.t["sandbox.back"], spacing="1"),
            href="/sandbox?workflow=" + RunState.workflow_key,
            color_scheme="gray",
            size="2",
            id="sandbox-link",
        ),
        rx.hstack(
            rx.heading(
                SessionState.t["sandbox.run_title"], " #", RunState.run_id, size="7", id="run-title"
            ),
            rx.badge(
                RunState.status_text,
                color_scheme=status_colour(RunState.status),
                size="2",
                id="run-status",
                custom_attrs={"data-status": RunState.status},
            ),
            align="center",
            spacing="3",
        ),
        rx.text(RunState.workflow, color_scheme="gray", id="run-workflow"),
        spacing="1",
        width="100%",
    )


def asked_card() -> rx.Component:
    return card(
        fact("sandbox.candidate", rx.text(RunState.candidate_text, size="2", id="run-candidate")),
        fact("sandbox.baseline", rx.text(RunState.baseline_text, size="2", id="run-baseline")),
        fact("sandbox.history", rx.text(RunState.history_text, size="2", id="run-history")),
        fact("sandbox.policies", rx.text(RunState.policy_text, size="2", id="run-policy")),
        fact("sandbox.seed", rx.text(RunState.seed_text, size="2")),
        fact(
            "sandbox.asked_by",
            rx.hstack(
                rx.text(RunState.created_by, size="2"),
                rx.moment(RunState.created_at, format="YYYY-MM-DD HH:mm", font_size="13px"),
                spacing="2",
            ),
        ),
        rx.cond(
            RunState.draft_changed,
            rx.callout(
                SessionState.t["sandbox.draft_changed"],
                icon="info",
                color_scheme="amber",
                size="1",
                id="run-draft-changed",
            ),
        ),
        id="run-asked",
    )


def progress_card() -> rx.Component:
    return card(
        rx.hstack(
            rx.spinner(size="2"),
            rx.text(RunState.progress_text, size="2", id="run-progress-text"),
            rx.spacer(),
            rx.button(
                rx.icon("square", size=14),
                SessionState.t["sandbox.cancel"],
                on_click=RunState.cancel,
                loading=RunState.cancelling,
                color_scheme="red",
                variant="soft",
                id="run-cancel",
            ),
            align="center",
            width="100%",
        ),
        rx.progress(value=RunState.progress, max=100, width="100%"),
        rx.cond(
            RunState.poll_error != "",
            rx.text(SessionState.t[RunState.poll_error], size="1", color_scheme="amber"),
        ),
        rx.cond(
            RunState.cancel_error != "",
            rx.text(SessionState.t[RunState.cancel_error], size="1", color_scheme="red"),
        ),
        id="run-progress",
    )


def ended_note() -> rx.Component:
    return rx.match(
        RunState.status,
        (
            "cancelled",
            rx.callout(
                SessionState.t["sandbox.cancelled_help"],
                icon="circle-stop",
                color_scheme="gray",
                id="run-cancelled",
            ),
        ),
        (
            "failed",
            rx.callout.root(
                rx.callout.icon(rx.icon("circle-alert")),
                rx.vstack(
                    rx.text(SessionState.t["sandbox.failed"], weight="medium"),
                    rx.text(RunState.failure_text, size="2"),
                    rx.foreach(RunState.failure_problems, lambda p: rx.text(p, size="1")),
                    spacing="1",
                ),
                color_scheme="red",
                role="alert",
                id="run-failed",
            ),
        ),
        rx.fragment(),
    )


def report_view() -> rx.Component:
    return rx.vstack(
        headline(),
        rx.grid(
            approvals_card(),
            outcomes_card(),
            columns=rx.breakpoints(initial="1", lg="2"),
            spacing="4",
            width="100%",
        ),
        paths_card(),
        rx.grid(
            workload_card(),
            histogram_card(),
            columns=rx.breakpoints(initial="1", lg="2"),
            spacing="4",
            width="100%",
        ),
        notes_card(),
        cases_card(),
        case_card(),
        spacing="4",
        width="100%",
        id="sandbox-report",
    )


def load_problem() -> rx.Component:
    return rx.callout(
        rx.hstack(
            rx.text(SessionState.t[RunState.load_error]),
            rx.button(SessionState.t["common.retry"], on_click=RunState.open, size="1"),
            align="center",
        ),
        icon="circle-alert",
        color_scheme="red",
        role="alert",
        id="run-error",
    )


def run_page() -> rx.Component:
    return rx.vstack(
        rx.cond(RunState.found, heading()),
        rx.cond(
            RunState.load_error != "",
            load_problem(),
            rx.cond(
                RunState.found,
                rx.vstack(
                    asked_card(),
                    rx.cond(RunState.live, progress_card()),
                    ended_note(),
                    rx.cond(RunState.has_report, report_view()),
                    spacing="4",
                    width="100%",
                ),
                rx.center(rx.spinner(size="3"), padding="48px", width="100%"),
            ),
        ),
        spacing="4",
        width="100%",
        id="run-page",
        custom_attrs={
            "data-ready": rx.cond(RunState.loading, "false", "true"),
            "data-status": RunState.status,
        },
    )
