"""The record screen: its fields (inputs where the caller may write), save and
conflict handling, the facts about the record and its history timeline."""

from __future__ import annotations

import reflex as rx

from studio.records.detail_state import Fact, RecordState
from studio.records.inputs import field_grid, save_failure
from studio.records.timeline import Change, Entry
from studio.session import SessionState

__all__ = ["record_page"]


def card(*children: rx.Component, **props: object) -> rx.Component:
    return rx.card(rx.vstack(*children, spacing="3", width="100%"), width="100%", **props)


def back_link() -> rx.Component:
    return rx.link(
        rx.hstack(rx.icon("arrow-left", size=16), RecordState.form_title, spacing="1"),
        href=RecordState.list_route,
        color_scheme="gray",
        size="2",
        id="records-link",
    )


def actions() -> rx.Component:
    return rx.hstack(
        rx.cond(
            RecordState.dirty,
            rx.button(
                SessionState.t["records.discard"],
                on_click=RecordState.discard,
                variant="soft",
                color_scheme="gray",
                id="discard-button",
            ),
        ),
        rx.button(
            rx.icon("save", size=16),
            SessionState.t["records.save"],
            on_click=RecordState.save,
            loading=RecordState.busy,
            disabled=~RecordState.dirty,
            id="save-record",
        ),
        spacing="2",
    )


def heading() -> rx.Component:
    return rx.hstack(
        rx.vstack(
            back_link(),
            rx.hstack(
                rx.heading(RecordState.heading, size="7", id="record-title"),
                rx.code("#", RecordState.record_id, variant="ghost", color_scheme="gray", size="3"),
                align="baseline",
                spacing="3",
            ),
            spacing="1",
        ),
        rx.spacer(),
        rx.cond(RecordState.load_error == "", actions()),
        align="end",
        width="100%",
    )


def conflict() -> rx.Component:
    return rx.cond(
        RecordState.conflict,
        rx.callout.root(
            rx.callout.icon(rx.icon("git-compare")),
            rx.vstack(
                rx.text(SessionState.t["records.conflict_title"], weight="medium"),
                rx.text(SessionState.t["records.conflict_body"], size="2"),
                rx.button(
                    rx.icon("refresh-cw", size=14),
                    SessionState.t["records.conflict_reload"],
                    on_click=RecordState.reload,
                    size="1",
                    id="conflict-reload",
                ),
                spacing="2",
                align="start",
            ),
            color_scheme="amber",
            role="alert",
            width="100%",
            id="record-conflict",
        ),
    )


def load_problem() -> rx.Component:
    return rx.callout(
        rx.hstack(
            rx.text(SessionState.t[RecordState.load_error]),
            rx.button(SessionState.t["common.retry"], on_click=RecordState.reload, size="1"),
            align="center",
        ),
        icon="circle-alert",
        color_scheme="red",
        role="alert",
        id="record-error",
    )


def fact(item: rx.Var[Fact]) -> rx.Component:
    return rx.hstack(
        rx.text(item.name, size="2", color_scheme="gray", min_width="88px"),
        rx.text(item.value, size="2", weight="medium"),
        spacing="2",
    )


def facts_card() -> rx.Component:
    return card(
        rx.foreach(RecordState.facts, fact),
        rx.separator(),
        rx.vstack(
            rx.text(
                SessionState.t["records.created"],
                " ",
                RecordState.created_by,
                size="1",
                color_scheme="gray",
            ),
            rx.moment(RecordState.created_at, format="YYYY-MM-DD HH:mm", font_size="12px"),
            rx.text(
                SessionState.t["records.updated"],
                " ",
                RecordState.updated_by,
                size="1",
                color_scheme="gray",
            ),
            rx.moment(RecordState.updated_at, format="YYYY-MM-DD HH:mm", font_size="12px"),
            spacing="1",
        ),
        id="record-facts",
    )


def change_line(change: rx.Var[Change]) -> rx.Component:
    return rx.text(
        rx.text.span(change.name, weight="medium"),
        SessionState.t["records.colon"],
        rx.cond(
            change.before != "",
            rx.fragment(
                rx.text.span(change.before, color_scheme="gray", class_name="before"), " → "
            ),
        ),
        rx.text.span(change.after, class_name="after"),
        size="2",
        class_name="history-change",
    )


def history_entry(entry: rx.Var[Entry]) -> rx.Component:
    return rx.hstack(
        rx.box(
            width="10px",
            height="10px",
            border_radius="50%",
            background_color=rx.color("accent", 9),
            margin_top="6px",
            flex="none",
        ),
        rx.vstack(
            rx.hstack(
                rx.text(entry.actor, weight="bold", size="2"),
                rx.text(entry.action, size="2"),
                spacing="1",
                wrap="wrap",
            ),
            rx.hstack(
                rx.moment(entry.at, format="YYYY-MM-DD HH:mm"),
                rx.cond(entry.version != "", rx.text(entry.version)),
                spacing="2",
                font_size="12px",
                color=rx.color("gray", 11),
            ),
            rx.foreach(entry.changes, change_line),
            rx.cond(
                entry.hidden != "",
                rx.badge(
                    rx.icon("eye-off", size=12),
                    entry.hidden,
                    color_scheme="gray",
                    variant="soft",
                    class_name="history-hidden",
                ),
            ),
            spacing="1",
            width="100%",
        ),
        align="start",
        spacing="3",
        width="100%",
        padding_bottom="10px",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        class_name="history-entry",
        custom_attrs={"data-seq": entry.seq},
    )


def history_card() -> rx.Component:
    return card(
        rx.heading(SessionState.t["records.history"], size="4"),
        rx.text(SessionState.t["records.history_help"], size="1", color_scheme="gray"),
        rx.vstack(
            rx.foreach(RecordState.history, history_entry),
            spacing="3",
            width="100%",
            max_height="640px",
            overflow_y="auto",
        ),
        id="record-history",
    )


def body() -> rx.Component:
    return rx.grid(
        rx.vstack(conflict(), save_failure(), field_grid(), spacing="3", width="100%"),
        rx.vstack(facts_card(), history_card(), spacing="4", width="100%"),
        columns=rx.breakpoints(initial="1", md="minmax(0, 1fr) 360px"),
        spacing="4",
        width="100%",
        align_items="start",
    )


def record_page() -> rx.Component:
    return rx.vstack(
        heading(),
        rx.cond(
            RecordState.load_error != "",
            load_problem(),
            rx.cond(
                RecordState.loading & (RecordState.revision == 0),
                rx.center(rx.spinner(size="3"), padding="48px", width="100%"),
                body(),
            ),
        ),
        spacing="4",
        width="100%",
        custom_attrs={"data-ready": rx.cond(RecordState.loading, "false", "true")},
        id="record-page",
    )
