"""One case: its status and facts, the workflow version drawn read-only with the path
the case took and where it waits now, its tasks, variables and history in words."""

from __future__ import annotations

from typing import Any

import reflex as rx

from studio.cases.case_state import CaseState, Waiting
from studio.cases.list_page import status_colour
from studio.cases.story import StoryLine, Variable
from studio.editor.canvas import canvas
from studio.session import SessionState
from studio.tasks.table import TIME, task_table

__all__ = ["case_page"]

# The canvas knows the diff's colours; a case's path and position are drawn here. The
# minimap would cover a corner of this small picture, which is whole anyway.
CANVAS_MARKS = {
    "& .react-flow__minimap": {"display": "none"},
    "& .trellis-node.hl-path": {
        "border_color": "#3e63dd",
        "background": "#edf2fe",
    },
    "& .trellis-node.hl-current": {
        "border_color": "#f5a524",
        "background": "#fff7e6",
        "box_shadow": "0 0 0 4px #fbdca0",
    },
    "& .react-flow__edge.hl-path .react-flow__edge-path": {
        "stroke": "#3e63dd",
        "stroke_width": "2.5",
    },
}


def card(*children: rx.Component, **props: Any) -> rx.Component:
    return rx.card(rx.vstack(*children, spacing="3", width="100%"), width="100%", **props)


def heading() -> rx.Component:
    return rx.vstack(
        rx.link(
            rx.hstack(rx.icon("arrow-left", size=16), SessionState.t["cases.back"], spacing="1"),
            href="/cases",
            color_scheme="gray",
            size="2",
            id="cases-link",
        ),
        rx.hstack(
            rx.heading(CaseState.workflow, size="7", id="case-title"),
            rx.text(CaseState.version_text, color_scheme="gray", id="case-version"),
            rx.badge(
                CaseState.status_text,
                rx.cond(CaseState.outcome != "", rx.text.span(" · ", CaseState.outcome)),
                color_scheme=status_colour(CaseState.status),
                size="2",
                id="case-status",
            ),
            rx.spacer(),
            rx.icon_button(
                rx.icon("refresh-cw", size=16),
                on_click=CaseState.reload,
                loading=CaseState.loading,
                variant="soft",
                color_scheme="gray",
                id="case-reload",
            ),
            align="center",
            spacing="3",
            width="100%",
        ),
        rx.code(CaseState.case_id, variant="ghost", color_scheme="gray", size="1"),
        spacing="1",
        width="100%",
    )


def fact(label: str, value: rx.Component) -> rx.Component:
    return rx.hstack(
        rx.text(SessionState.t[label], size="2", color_scheme="gray", min_width="104px"),
        value,
        spacing="2",
        align="center",
    )


def facts_card() -> rx.Component:
    return card(
        fact("cases.started_by", rx.text(CaseState.started_by, size="2", id="case-started-by")),
        fact("cases.started_at", rx.moment(CaseState.created_at, format=TIME, font_size="13px")),
        rx.cond(
            CaseState.ended_at != "",
            fact("cases.ended_at", rx.moment(CaseState.ended_at, format=TIME, font_size="13px")),
        ),
        fact("cases.variant", rx.text(CaseState.variant, size="2")),
        rx.cond(
            CaseState.record_link != "",
            fact("cases.record", rx.link(CaseState.record, href=CaseState.record_link, size="2")),
        ),
        fact(
            "cases.incidents",
            rx.badge(
                CaseState.incidents,
                color_scheme=rx.cond(CaseState.incidents > 0, "red", "gray"),
                id="case-incidents",
            ),
        ),
        id="case-facts",
    )


def waiting_line(item: rx.Var[Waiting]) -> rx.Component:
    return rx.hstack(
        rx.icon("map-pin", size=14, color=rx.color("amber", 10)),
        rx.vstack(
            rx.text(item.label, weight="medium", size="2"),
            rx.hstack(
                rx.text(item.what, size="1"),
                rx.moment(item.since, format=TIME, font_size="11px"),
                spacing="2",
                color=rx.color("gray", 11),
            ),
            spacing="0",
        ),
        rx.spacer(),
        rx.cond(
            item.task_route != "",
            rx.link(SessionState.t["tasks.column_task"], href=item.task_route, size="2"),
        ),
        align="center",
        width="100%",
        class_name="case-position",
        custom_attrs={"data-node": item.node},
    )


def where_card() -> rx.Component:
    return card(
        rx.heading(SessionState.t["cases.where"], size="4"),
        rx.cond(
            CaseState.where.length() > 0,
            rx.vstack(rx.foreach(CaseState.where, waiting_line), spacing="2", width="100%"),
            rx.text(SessionState.t["cases.where_none"], size="2", color_scheme="gray"),
        ),
        id="case-where",
    )


def path_card() -> rx.Component:
    return card(
        rx.heading(SessionState.t["cases.path"], size="4"),
        rx.text(SessionState.t["cases.path_help"], size="1", color_scheme="gray"),
        rx.cond(
            CaseState.has_graph,
            rx.box(
                canvas(
                    graph=CaseState.graph,
                    revision=CaseState.revision,
                    select={},
                    labels=CaseState.canvas_labels,
                    read_only=True,
                    draft={},
                    # Another case is another picture: mount afresh so it is fitted.
                    key=CaseState.case_id,
                ),
                height="420px",
                width="100%",
                border=f"1px solid {rx.color('gray', 5)}",
                border_radius="8px",
                overflow="hidden",
                style=CANVAS_MARKS,
                id="case-canvas",
            ),
            rx.cond(
                CaseState.canvas_error != "",
                rx.callout(
                    SessionState.t[CaseState.canvas_error],
                    icon="circle-alert",
                    color_scheme="amber",
                    size="1",
                ),
            ),
        ),
        id="case-path",
    )


def story_line(line: rx.Var[StoryLine]) -> rx.Component:
    return rx.hstack(
        rx.box(
            width="8px",
            height="8px",
            border_radius="50%",
            background_color=rx.color("accent", 9),
            margin_top="7px",
            flex="none",
        ),
        rx.vstack(
            rx.text(line.text, size="2", class_name="story-text"),
            rx.cond(
                line.detail != "",
                rx.text(line.detail, size="1", color_scheme="gray", class_name="story-detail"),
            ),
            rx.moment(line.at, format="YYYY-MM-DD HH:mm:ss", font_size="11px"),
            spacing="0",
        ),
        spacing="2",
        align="start",
        width="100%",
        class_name="story-line",
        custom_attrs={"data-kind": line.kind, "data-seq": line.seq},
    )


def history_card() -> rx.Component:
    return card(
        rx.heading(SessionState.t["cases.history"], size="4"),
        rx.vstack(
            rx.foreach(CaseState.case_history, story_line),
            spacing="2",
            width="100%",
            max_height="560px",
            overflow_y="auto",
        ),
        id="case-history",
    )


def variable_line(item: rx.Var[Variable]) -> rx.Component:
    return rx.hstack(
        rx.code(item.name, size="1"),
        rx.text(item.value, size="2", word_break="break-all"),
        spacing="2",
        class_name="case-variable",
    )


def variables_card() -> rx.Component:
    return card(
        rx.heading(SessionState.t["cases.variables"], size="4"),
        rx.cond(
            CaseState.case_variables.length() > 0,
            rx.vstack(rx.foreach(CaseState.case_variables, variable_line), spacing="1"),
            rx.text(SessionState.t["cases.variables_none"], size="2", color_scheme="gray"),
        ),
        id="case-variables",
    )


def tasks_card() -> rx.Component:
    return card(
        rx.heading(SessionState.t["cases.tasks"], size="4"),
        rx.cond(
            CaseState.case_tasks.length() > 0,
            task_table(CaseState.case_tasks, "case-tasks"),
            rx.text(SessionState.t["cases.tasks_none"], size="2", color_scheme="gray"),
        ),
    )


def body() -> rx.Component:
    return rx.grid(
        rx.vstack(path_card(), tasks_card(), variables_card(), spacing="4", width="100%"),
        rx.vstack(where_card(), facts_card(), history_card(), spacing="4", width="100%"),
        columns=rx.breakpoints(initial="1", lg="minmax(0, 1fr) 380px"),
        spacing="4",
        width="100%",
        align_items="start",
    )


def load_problem() -> rx.Component:
    return rx.callout(
        rx.hstack(
            rx.text(SessionState.t[CaseState.load_error]),
            rx.button(SessionState.t["common.retry"], on_click=CaseState.open, size="1"),
            align="center",
        ),
        icon="circle-alert",
        color_scheme="red",
        role="alert",
        id="case-error",
    )


def case_page() -> rx.Component:
    return rx.vstack(
        rx.cond(CaseState.found, heading()),
        rx.cond(
            CaseState.load_error != "",
            load_problem(),
            rx.cond(
                CaseState.found,
                body(),
                rx.center(rx.spinner(size="3"), padding="48px", width="100%"),
            ),
        ),
        spacing="4",
        width="100%",
        id="case-page",
        custom_attrs={
            "data-ready": rx.cond(CaseState.loading, "false", "true"),
            "data-status": CaseState.status,
        },
    )
