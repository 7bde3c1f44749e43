"""The frame every page shares: navigation, the current user, language and sign-out.

Components are plain functions; the texts come from ``SessionState.t``.
"""

from __future__ import annotations

import reflex as rx

from studio.labels import LANGUAGES
from studio.records.nav import records_menu
from studio.sandbox import SANDBOX_ROUTE
from studio.session import HOME_ROUTE, SessionState
from studio.tasks.notices import notices_menu

__all__ = ["language_switch", "shell"]

# (route, label key) of each screen in the navigation.
NAVIGATION = (
    (HOME_ROUTE, "nav.workflows"),
    ("/forms", "forms.nav"),
    ("/matrices", "matrices.nav"),
    ("/tasks", "nav.tasks"),
    ("/cases", "nav.cases"),
    (SANDBOX_ROUTE, "sandbox.nav"),
)


def language_switch() -> rx.Component:
    return rx.segmented_control.root(
        *[rx.segmented_control.item(name, value=code) for code, name in LANGUAGES.items()],
        value=SessionState.lang,
        on_change=SessionState.switch_language,
        size="1",
        aria_label=SessionState.t["shell.language"],
        id="language-switch",
    )


def brand() -> rx.Component:
    return rx.hstack(
        rx.icon("workflow", size=22, color=rx.color("accent", 9)),
        rx.heading(SessionState.t["app.name"], size="5", weight="bold"),
        align="center",
        spacing="2",
    )


def nav_link(route: str, label: str) -> rx.Component:
    current = rx.State.router.url.path == route
    return rx.link(
        SessionState.t[label],
        href=route,
        weight=rx.cond(current, "bold", "regular"),
        color_scheme=rx.cond(current, "accent", "gray"),
        underline="none",
        size="3",
    )


def current_user() -> rx.Component:
    return rx.hstack(
        rx.avatar(fallback=SessionState.display_name[:1], size="2", radius="full"),
        rx.vstack(
            rx.text(SessionState.display_name, size="2", weight="medium", id="current-user"),
            rx.text(SessionState.role_label, size="1", color_scheme="gray"),
            spacing="0",
        ),
        align="center",
        spacing="2",
    )


def header() -> rx.Component:
    return rx.hstack(
        brand(),
        rx.hstack(
            *[nav_link(route, label) for route, label in NAVIGATION],
            records_menu(),
            spacing="5",
            align="center",
        ),
        rx.spacer(),
        notices_menu(),
        language_switch(),
        current_user(),
        rx.button(
            rx.icon("log-out", size=16),
            SessionState.t["shell.logout"],
            on_click=SessionState.sign_out,
            variant="soft",
            color_scheme="gray",
            id="sign-out",
        ),
        align="center",
        spacing="5",
        padding_x="24px",
        padding_y="10px",
        border_bottom=f"1px solid {rx.color('gray', 5)}",
        background_color=rx.color("gray", 1),
        width="100%",
        position="sticky",
        top="0",
        z_index="10",
    )


def session_problem() -> rx.Component:
    """The user could not be looked up (the API is down, say): say so, offer to retry."""
    return rx.callout(
        rx.hstack(
            rx.text(SessionState.t[SessionState.session_error]),
            rx.button(SessionState.t["common.retry"], on_click=SessionState.require_login),
            align="center",
            spacing="3",
        ),
        icon="circle-alert",
        color_scheme="red",
        role="alert",
    )


def shell(content: rx.Component, *, wide: bool = False) -> rx.Component:
    """A page behind the login: the header above ``content``; nothing until the user is
    known. ``wide`` pages (the canvas) take the whole window below the header."""
    frame = (
        rx.box(content, width="100%")
        if wide
        else rx.box(content, padding="32px", max_width="1280px", margin_x="auto")
    )
    return rx.box(
        rx.cond(
            SessionState.signed_in,
            rx.fragment(header(), frame),
            rx.center(
                rx.cond(SessionState.session_error != "", session_problem(), rx.spinner(size="3")),
                height="100vh",
            ),
        ),
        min_height="100vh",
        background_color=rx.color("gray", 2),
    )
