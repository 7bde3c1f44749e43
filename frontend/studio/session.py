"""Who is signed in, and in which language the studio speaks to them.

Every screen's State derives from :class:`SessionState`, so the shell, the
labels (``SessionState.t``) and the session token are shared. The token lives
in a cookie of the studio's own origin (so a reload keeps the user signed in)
and is sent to the API as a bearer token; the API checks it on every call.
The language lives in the browser until someone signs in; from then on it is
the user's own preference, stored by the API (``PATCH /me``) and applied at
login.
"""

from __future__ import annotations

import contextlib
from typing import Any

import reflex as rx

from studio import api
from studio.labels import DEFAULT_LANGUAGE, LANGUAGES, table, text

__all__ = [
    "EDITOR_ROUTE",
    "HOME_ROUTE",
    "LOGIN_ROUTE",
    "SessionState",
    "cause_key",
    "error_key",
]

LOGIN_ROUTE = "/login"
HOME_ROUTE = "/"
EDITOR_ROUTE = "/workflows/[key]"


def error_key(error: api.ApiError) -> str:
    """The label that says, in the user's words, what kind of failure this is."""
    if error.status == 0:
        return "error.unreachable"
    if error.status == 401:
        return "error.session"
    if error.status == 403:
        return "error.forbidden"
    if error.status == 409:
        return "error.conflict"
    if error.status == 429:
        return "error.throttled"
    if error.status >= 500:
        return "error.server"
    return "error.invalid"


def cause_key(error: api.ApiError) -> str:
    """Why a call failed, in the user's words, or "" when the API's own message says
    it better (a refused request explains itself)."""
    key = error_key(error)
    return "" if key == "error.invalid" else key


class SessionState(rx.State):
    """The signed-in user (empty when nobody is) and the studio's language."""

    token: str = rx.Cookie("", name="trellis_studio_session", same_site="strict")
    language: str = rx.LocalStorage("", name="trellis_studio_language")
    username: str = ""
    display_name: str = ""
    role: str = ""
    actions: list[str] = []
    session_error: str = ""  # a label key: why the user could not be looked up

    @rx.var
    def lang(self) -> str:
        return self.language if self.language in LANGUAGES else DEFAULT_LANGUAGE

    @rx.var
    def t(self) -> dict[str, str]:
        """Every label in the current language: ``SessionState.t["nav.workflows"]``."""
        return table(self.lang)

    @rx.var
    def signed_in(self) -> bool:
        return bool(self.username)

    @rx.var
    def may_edit(self) -> bool:
        return "documents.edit" in self.actions

    @rx.var
    def may_publish(self) -> bool:
        return "documents.publish" in self.actions

    @rx.var
    def may_activate(self) -> bool:
        return "documents.activate" in self.actions

    @rx.var
    def role_label(self) -> str:
        key = f"role.{self.role}"
        return text(self.lang, key) if key in table(DEFAULT_LANGUAGE) else self.role

    def _sign_in(self, login: api.Login) -> None:
        """Keep the session of a successful login and apply the user's language."""
        self.token = login.token
        self._remember(login.user)

    def _remember(self, user: api.User) -> None:
        self.username = user.username
        self.display_name = user.display_name
        self.role = user.role
        self.actions = list(user.actions)
        if user.language in LANGUAGES:
            self.language = user.language

    def _forget(self) -> None:
        self.token = ""
        self.username = self.display_name = self.role = ""
        self.actions = []

    @rx.event
    async def require_login(self) -> Any:
        """``on_load`` of every page behind the login: who is this, or off to the login page."""
        if not self.token:
            return rx.redirect(LOGIN_ROUTE)
        if self.username:
            return None
        try:
            self._remember(await api.me(self.token))
        except api.ApiError as error:
            if error.status == 401:
                self._forget()
                return rx.redirect(LOGIN_ROUTE)
            self.session_error = error_key(error)
            return None
        self.session_error = ""
        return None

    @rx.event
    async def switch_language(self, language: str | list[str]) -> Any:
        # The segmented control may hand over a list; it is one choice here.
        if isinstance(language, list):
            language = language[0] if language else ""
        if language not in LANGUAGES or language == self.language:
            return None
        self.language = language
        if not self.token:
            return None
        try:
            await api.set_language(self.token, language)
        except api.ApiError as error:
            # The screen switches anyway; only the stored preference failed.
            return rx.toast.error(text(language, error_key(error)))
        return None

    @rx.event
    def detect_language(self) -> Any:
        """First visit: follow the browser's language until the user picks one."""
        if self.language:
            return None
        return rx.call_script("navigator.language || ''", callback=SessionState.adopt_language)

    @rx.event
    def adopt_language(self, browser_language: str) -> None:
        if not self.language:
            self.language = "zh-CN" if str(browser_language).lower().startswith("zh") else "en"

    @rx.event
    async def sign_out(self) -> Any:
        token = self.token
        self._forget()
        if token:
            # The session is forgotten here either way; on the server it expires.
            with contextlib.suppress(api.ApiError):
                await api.logout(token)
        return rx.redirect(LOGIN_ROUTE)
