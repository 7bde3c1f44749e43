"""The callout a dialog shows when the API refused what it was asked: what failed,
why in the user's words, and the API's own pointed messages."""

from __future__ import annotations

from typing import Any

import reflex as rx

from studio.session import SessionState

__all__ = ["failure_callout"]


def failure_callout(
    shown: rx.Var[bool],
    title: rx.Var[str],
    cause: rx.Var[str],
    detail: rx.Var[str],
    problems: rx.Var[list[str]],
    *,
    ident: str,
    color: Any = "red",
    detail_beside_problems: bool = False,
) -> rx.Component:
    """Shown while ``shown``; ``title`` is in the user's words already, ``cause`` is a
    label key; ``detail`` is the API's summary, left out when the pointed
    ``problems`` say it better unless ``detail_beside_problems``."""
    show_detail = detail != ""
    if not detail_beside_problems:
        show_detail = show_detail & (problems.length() == 0)
    return rx.cond(
        shown,
        rx.callout.root(
            rx.callout.icon(rx.icon("circle-alert")),
            rx.vstack(
                rx.text(title, weight="medium"),
                rx.cond(cause != "", rx.text(SessionState.t[cause])),
                rx.cond(show_detail, rx.text(detail, size="1")),
                rx.foreach(problems, lambda p: rx.text(p, size="1")),
                spacing="1",
            ),
            color_scheme=color,
            role="alert",
            width="100%",
            id=ident,
        ),
    )
