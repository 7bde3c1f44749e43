"""The form designer screen and the form list screen."""

from __future__ import annotations

import reflex as rx

from studio.documents.chrome import editor_frame, top_bar
from studio.documents.listing import ListMixin, list_page
from studio.documents.publishing import PublishMixin
from studio.documents.versions import VersionsMixin
from studio.documents.versions_page import versions_page
from studio.forms.field_list import field_list, palette
from studio.forms.form_panel import form_settings, preview
from studio.forms.settings import field_settings
from studio.forms.state import FormDesignerState
from studio.session import SessionState

__all__ = [
    "FORMS_ROUTE",
    "FormVersionsState",
    "FormsListState",
    "form_designer_page",
    "form_versions_page",
    "forms_page",
]

FORMS_ROUTE = "/forms"
S = FormDesignerState


class FormsListState(ListMixin, SessionState):
    def _kind(self) -> str:
        return "form"

    def _route(self) -> str:
        return FORMS_ROUTE

    def _words(self) -> str:
        return "forms"


def forms_page() -> rx.Component:
    return list_page(FormsListState, FORMS_ROUTE, "forms")


def side_panel() -> rx.Component:
    def tab(value: str, label: str) -> rx.Component:
        return rx.tabs.trigger(SessionState.t[label], value=value, id=f"tab-{value}")

    return rx.box(
        rx.tabs.root(
            rx.tabs.list(
                tab("field", "forms.tab_field"),
                tab("form", "forms.tab_form"),
                tab("preview", "forms.tab_preview"),
            ),
            rx.box(
                # A disabled fieldset disables every control inside it: viewers read.
                rx.el.fieldset(
                    rx.tabs.content(field_settings(), value="field"),
                    rx.tabs.content(form_settings(), value="form"),
                    disabled=S.read_only,
                    style={"border": "none", "padding": "0", "margin": "0", "min_width": "0"},
                ),
                rx.tabs.content(preview(), value="preview"),
                padding_top="12px",
            ),
            value=S.tab,
            on_change=S.set_tab,
            width="100%",
        ),
        width="420px",
        flex="none",
        height="100%",
        overflow_y="auto",
        padding="16px",
        border_left=f"1px solid {rx.color('gray', 5)}",
        background_color=rx.color("gray", 1),
        id="config-panel",
    )


def workspace() -> rx.Component:
    return rx.hstack(
        rx.cond(S.read_only, rx.fragment(), palette()),
        rx.box(field_list(), flex="1", height="100%", overflow_y="auto", min_width="0"),
        side_panel(),
        spacing="0",
        width="100%",
        height="100%",
    )


def form_designer_page() -> rx.Component:
    return editor_frame(S, "forms", top_bar(S, FORMS_ROUTE, "forms"), workspace())


class FormVersionsState(PublishMixin, VersionsMixin, SessionState):
    def _kind(self) -> str:
        return "form"

    def _words(self) -> str:
        return "forms"


def form_versions_page() -> rx.Component:
    return versions_page(FormVersionsState, FORMS_ROUTE, "forms")
