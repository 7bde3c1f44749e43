"""The shell's "Records" entry: a menu of the live forms, each opening its list."""

from __future__ import annotations

import reflex as rx

from studio import api
from studio.labels import text
from studio.records.fields import Option, localized
from studio.session import SessionState

__all__ = ["FormsMenuState", "records_menu"]


class FormsMenuState(SessionState):
    _forms: dict[str, dict[str, str]] = {}
    forms_error: str = ""  # a label key

    @rx.var
    def forms(self) -> list[Option]:
        """Each live form, by title in the user's language; the value is its list's route."""
        return sorted(
            (
                Option(f"/records/{key}", localized(title, self.lang) or key)
                for key, title in self._forms.items()
            ),
            key=lambda o: o.label.casefold(),
        )

    @rx.var
    def forms_note(self) -> str:
        if self.forms_error:
            return text(self.lang, self.forms_error)
        return "" if self._forms else text(self.lang, "records.no_forms")

    @rx.event
    async def opened(self, is_open: bool) -> None:
        if not is_open or not self.token:
            return
        try:
            self._forms = await api.live_forms(self.token)
            self.forms_error = ""
        except api.ApiError as error:
            self.forms_error = "error.unreachable" if error.status == 0 else "error.invalid"


def records_menu() -> rx.Component:
    current = rx.State.router.url.path.startswith("/records")
    return rx.menu.root(
        rx.menu.trigger(
            rx.link(
                SessionState.t["records.nav"],
                rx.icon("chevron-down", size=14),
                weight=rx.cond(current, "bold", "regular"),
                color_scheme=rx.cond(current, "accent", "gray"),
                underline="none",
                size="3",
                display="inline-flex",
                align_items="center",
                gap="2px",
                cursor="pointer",
                id="records-menu",
            )
        ),
        rx.menu.content(
            rx.foreach(
                FormsMenuState.forms,
                lambda form: rx.menu.item(
                    form.label,
                    on_click=rx.redirect(form.value),
                    custom_attrs={"data-href": form.value},
                    class_name="records-form",
                ),
            ),
            rx.cond(
                FormsMenuState.forms_note != "",
                rx.text(FormsMenuState.forms_note, size="1", color_scheme="gray", padding="8px"),
            ),
        ),
        on_open_change=FormsMenuState.opened,
    )
