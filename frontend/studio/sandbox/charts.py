"""The report's charts as plain boxes: paired bars (baseline grey, candidate in the
accent colour), a bar with its interval as a whisker, and a histogram of paired
columns. Lengths come in as percentages of the chart's largest value, so both sides
share one scale; every bar carries its number as text."""

from __future__ import annotations

from typing import Any

import reflex as rx

from studio.session import SessionState

__all__ = ["BASELINE", "CANDIDATE", "bar", "column", "legend", "whisker"]

BASELINE = rx.color("gray", 8)
CANDIDATE = rx.color("accent", 9)
TRACK = rx.color("gray", 3)


def legend() -> rx.Component:
    def key(colour: Any, label: str) -> rx.Component:
        return rx.hstack(
            rx.box(width="12px", height="12px", border_radius="3px", background_color=colour),
            rx.text(SessionState.t[label], size="1", color_scheme="gray"),
            spacing="1",
            align="center",
        )

    return rx.hstack(
        key(BASELINE, "sandbox.baseline"), key(CANDIDATE, "sandbox.candidate"), spacing="4"
    )


def bar(pct: rx.Var[int], colour: Any, label: rx.Var[str] | str, **props: Any) -> rx.Component:
    """One horizontal bar ``pct`` % long on a light track, its number beside it."""
    return rx.hstack(
        rx.box(
            rx.box(
                width=f"{pct}%",
                height="100%",
                background_color=colour,
                border_radius="3px",
                transition="width 0.3s",
            ),
            flex="1",
            height="12px",
            background_color=TRACK,
            border_radius="3px",
            overflow="hidden",
        ),
        rx.text(label, size="1", min_width="72px", text_align="right"),
        spacing="2",
        align="center",
        width="100%",
        **props,
    )


def whisker(
    pct: rx.Var[int],
    low: rx.Var[int],
    high: rx.Var[int],
    shown: rx.Var[bool],
    label: rx.Var[str],
    **props: Any,
) -> rx.Component:
    """The candidate's bar with its interval drawn over it, from ``low`` to ``high`` %."""
    return rx.hstack(
        rx.box(
            rx.box(
                width=f"{pct}%",
                height="100%",
                background_color=CANDIDATE,
                border_radius="3px",
            ),
            rx.cond(
                shown,
                rx.box(
                    position="absolute",
                    left=f"{low}%",
                    width=f"max(3px, calc({high}% - {low}%))",
                    top="50%",
                    height="14px",
                    transform="translateY(-50%)",
                    border_left=f"2px solid {rx.color('gray', 12)}",
                    border_right=f"2px solid {rx.color('gray', 12)}",
                    background=(
                        f"linear-gradient({rx.color('gray', 12)}, {rx.color('gray', 12)}) "
                        "center / 100% 2px no-repeat"
                    ),
                    class_name="interval-whisker",
                ),
            ),
            position="relative",
            flex="1",
            height="12px",
            background_color=TRACK,
            border_radius="3px",
        ),
        rx.text(label, size="1", min_width="72px", text_align="right"),
        spacing="2",
        align="center",
        width="100%",
        **props,
    )


def column(
    before: rx.Var[int],
    after: rx.Var[int],
    label: rx.Var[str],
    title: rx.Var[str],
    **props: Any,
) -> rx.Component:
    """One bin of a histogram: the baseline's and the candidate's column side by side."""
    return rx.vstack(
        rx.hstack(
            rx.box(
                height=f"{before}%",
                width="14px",
                background_color=BASELINE,
                border_radius="3px 3px 0 0",
            ),
            rx.box(
                height=f"{after}%",
                width="14px",
                background_color=CANDIDATE,
                border_radius="3px 3px 0 0",
            ),
            spacing="1",
            align="end",
            height="160px",
            border_bottom=f"1px solid {rx.color('gray', 6)}",
            padding_x="4px",
        ),
        rx.text(label, size="1", color_scheme="gray", white_space="nowrap"),
        spacing="1",
        align="center",
        title=title,
        **props,
    )
