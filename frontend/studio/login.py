"""The login screen."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import reflex as rx

from studio import api
from studio.session import HOME_ROUTE, SessionState, error_key
from studio.shell import brand, language_switch

__all__ = ["LoginState", "login_page"]


class LoginState(SessionState):
    """The password never enters the state: it goes from the form to the API."""

    error: str = ""  # a label key
    busy: bool = False

    @rx.event
    def open(self) -> Any:
        """``on_load``: someone already signed in goes straight to the studio."""
        self.error = ""
        if self.token:
            return rx.redirect(HOME_ROUTE)
        return SessionState.detect_language

    @rx.event
    async def submit(self, form: dict[str, Any]) -> AsyncIterator[Any]:
        username = str(form.get("username", "")).strip()
        password = str(form.get("password", ""))
        if not username or not password:
            self.error = "login.missing"
            return
        self.busy = True
        yield
        try:
            login = await api.login(username, password)
        except api.ApiError as error:
            self.error = "login.failed" if error.status in (401, 422) else error_key(error)
            return
        finally:
            self.busy = False
        self.error = ""
        self._sign_in(login)
        yield rx.redirect(HOME_ROUTE)


def field(label: str, name: str, kind: str, autocomplete: str) -> rx.Component:
    return rx.vstack(
        rx.text(SessionState.t[label], as_="label", html_for=name, size="2", weight="medium"),
        rx.input(id=name, name=name, type=kind, auto_complete=autocomplete, size="3", width="100%"),
        spacing="1",
        width="100%",
    )


def error_callout() -> rx.Component:
    return rx.cond(
        LoginState.error != "",
        rx.callout(
            SessionState.t[LoginState.error],
            icon="circle-alert",
            color_scheme="red",
            role="alert",
            id="login-error",
            width="100%",
        ),
    )


def login_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            field("login.username", "username", "text", "username"),
            field("login.password", "password", "password", "current-password"),
            error_callout(),
            rx.button(
                SessionState.t["login.submit"],
                type="submit",
                size="3",
                width="100%",
                loading=LoginState.busy,
                # Until the page is connected a click would submit the form natively
                # (the password in a URL); disabled, it cannot.
                disabled=~rx.State.is_hydrated,
                id="sign-in",
            ),
            spacing="4",
            width="100%",
        ),
        on_submit=LoginState.submit,
        width="100%",
    )


def login_page() -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.hstack(rx.spacer(), language_switch(), width="100%"),
            rx.card(
                rx.vstack(
                    brand(),
                    rx.heading(SessionState.t["login.title"], size="6"),
                    rx.text(SessionState.t["app.tagline"], color_scheme="gray", size="2"),
                    login_form(),
                    spacing="4",
                    width="100%",
                ),
                size="4",
                width="100%",
            ),
            spacing="3",
            width="min(420px, 92vw)",
        ),
        min_height="100vh",
        background_color=rx.color("gray", 2),
    )
