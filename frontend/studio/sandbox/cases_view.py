"""A completed simulation's cases: the list (only those changing path unless asked
otherwise, by tier) and the one chosen, drawn twice on the read-only canvas — the
baseline version with the baseline's path and the candidate with the candidate's —
with the first difference marked on each."""

from __future__ import annotations

from typing import Any

import reflex as rx

from studio.cases.case_page import CANVAS_MARKS
from studio.editor.canvas import canvas
from studio.sandbox import charts
from studio.sandbox.report import CaseRow
from studio.sandbox.run_state import TIERS, RunState
from studio.sandbox.setup_page import card
from studio.session import SessionState

__all__ = ["case_card", "cases_card"]

# The case's path as the case screen draws it, and the first difference over it.
MARKS = {
    **CANVAS_MARKS,
    "& .trellis-node.hl-divergence": {
        "border_color": "#e5484d",
        "background": "#ffeff0",
        "box_shadow": "0 0 0 4px #f9c6c6",
    },
}


def case_line(row: rx.Var[CaseRow]) -> rx.Component:
    chosen = RunState.selected == row.case
    return rx.table.row(
        rx.table.cell(rx.code(row.case)),
        rx.table.cell(
            rx.tooltip(
                rx.badge(
                    row.tier,
                    color_scheme=rx.match(row.tier, ("B", "blue"), ("C", "amber"), "gray"),
                    variant="soft",
                ),
                content=row.tier_label,
            )
        ),
        rx.table.cell(rx.text(row.before, " → ", row.after, size="2")),
        rx.table.cell(rx.text(row.before_time, " → ", row.after_time, size="2")),
        rx.table.cell(rx.text(row.difference, size="2")),
        rx.table.cell(
            rx.cond(
                row.reproduced,
                rx.icon("check", size=14, color=rx.color("green", 10)),
                rx.tooltip(
                    rx.icon("triangle-alert", size=14, color=rx.color("amber", 10)),
                    content=SessionState.t["sandbox.not_reproduced"],
                ),
            )
        ),
        on_click=RunState.select_case(row.case),
        cursor="pointer",
        background_color=rx.cond(chosen, rx.color("accent", 3), "transparent"),
        _hover={"background_color": rx.color("gray", 3)},
        class_name="sandbox-case",
        custom_attrs={
            "data-case": row.case,
            "data-tier": row.tier,
            "data-selected": rx.cond(chosen, "true", "false"),
        },
    )


def cases_card() -> rx.Component:
    return card(
        rx.hstack(
            rx.heading(SessionState.t["sandbox.cases"], size="4"),
            rx.spacer(),
            rx.text(SessionState.t["sandbox.changed_only"], size="2", as_="label"),
            rx.switch(
                checked=RunState.changed_only,
                on_change=RunState.set_changed_only,
                id="cases-changed-only",
            ),
            rx.segmented_control.root(
                *[
                    rx.segmented_control.item(
                        SessionState.t[
                            "sandbox.tier_all" if t == "all" else f"sandbox.tier_{t}_short"
                        ],
                        value=t,
                    )
                    for t in TIERS
                ],
                value=RunState.tier,
                on_change=RunState.set_tier,
                size="1",
                id="cases-tier",
            ),
            width="100%",
            align="center",
            spacing="3",
            wrap="wrap",
        ),
        rx.cond(
            RunState.cases_error != "",
            rx.callout(
                SessionState.t[RunState.cases_error], icon="circle-alert", color_scheme="red"
            ),
        ),
        rx.cond(
            RunState.cases.length() > 0,
            rx.vstack(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            *[
                                rx.table.column_header_cell(SessionState.t[c])
                                for c in (
                                    "sandbox.column_case",
                                    "sandbox.column_tier",
                                    "sandbox.column_outcome",
                                    "sandbox.column_cycle",
                                    "sandbox.column_difference",
                                    "sandbox.column_reproduced",
                                )
                            ]
                        )
                    ),
                    rx.table.body(rx.foreach(RunState.cases, case_line)),
                    variant="surface",
                    size="1",
                    width="100%",
                    id="cases-table",
                ),
                rx.cond(
                    RunState.next_cursor != "",
                    rx.button(
                        SessionState.t["sandbox.more_cases"],
                        on_click=RunState.more_cases,
                        loading=RunState.cases_loading,
                        variant="soft",
                        id="cases-more",
                    ),
                ),
                spacing="3",
                width="100%",
                align="center",
            ),
            rx.cond(
                RunState.cases_loading,
                rx.center(rx.spinner(size="3"), padding="24px", width="100%"),
                rx.text(
                    SessionState.t["sandbox.cases_none"],
                    size="2",
                    color_scheme="gray",
                    id="cases-none",
                ),
            ),
        ),
        id="sandbox-cases",
        custom_attrs={"data-loading": rx.cond(RunState.cases_loading, "true", "false")},
    )


def side_canvas(
    label: str, graph: rx.Var[dict[str, Any]], key: rx.Var[str], path: rx.Var[str], ident: str
) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.box(
                width="10px",
                height="10px",
                border_radius="50%",
                background_color=charts.BASELINE if ident == "baseline" else charts.CANDIDATE,
            ),
            rx.text(SessionState.t[label], weight="medium", size="2"),
            rx.text(
                rx.cond(ident == "baseline", RunState.baseline_text, RunState.candidate_text),
                size="1",
                color_scheme="gray",
            ),
            spacing="2",
            align="center",
        ),
        rx.box(
            canvas(
                graph=graph,
                revision=RunState.revision,
                select={},
                labels=RunState.canvas_labels,
                read_only=True,
                draft={},
                key=key,
            ),
            height="320px",
            width="100%",
            border=f"1px solid {rx.color('gray', 5)}",
            border_radius="8px",
            overflow="hidden",
            style=MARKS,
            id=f"{ident}-canvas",
        ),
        rx.text(path, size="1", color_scheme="gray", id=f"{ident}-path"),
        spacing="2",
        width="100%",
    )


def case_card() -> rx.Component:
    view = RunState.view
    return rx.cond(
        RunState.has_selection,
        card(
            rx.hstack(
                rx.heading(SessionState.t["sandbox.case"], " ", rx.code(view.case), size="4"),
                rx.badge(view.tier, " · ", view.tier_label, variant="soft"),
                align="center",
                spacing="2",
            ),
            rx.cond(
                view.divergence != "",
                rx.callout.root(
                    rx.callout.icon(rx.icon("git-fork")),
                    rx.vstack(
                        rx.text(view.divergence, size="2", weight="medium"),
                        rx.foreach(view.causes, lambda c: rx.text("· ", c, size="1")),
                        spacing="1",
                    ),
                    color_scheme="red",
                    variant="surface",
                    size="1",
                    id="case-divergence",
                ),
            ),
            rx.cond(
                view.mismatch != "",
                rx.callout(
                    rx.text(SessionState.t["sandbox.not_reproduced"], ": ", view.mismatch),
                    icon="triangle-alert",
                    color_scheme="amber",
                    size="1",
                    id="case-mismatch",
                ),
            ),
            rx.cond(
                RunState.can_draw,
                rx.vstack(
                    side_canvas(
                        "sandbox.baseline",
                        RunState.baseline_graph,
                        RunState.baseline_key,
                        view.baseline_path,
                        "baseline",
                    ),
                    side_canvas(
                        "sandbox.candidate",
                        RunState.candidate_graph,
                        RunState.candidate_key,
                        view.candidate_path,
                        "candidate",
                    ),
                    spacing="4",
                    width="100%",
                ),
                rx.callout(
                    SessionState.t["sandbox.cannot_draw"],
                    icon="circle-alert",
                    color_scheme="amber",
                    size="1",
                ),
            ),
            id="case-paths",
            custom_attrs={"data-case": view.case},
        ),
    )
