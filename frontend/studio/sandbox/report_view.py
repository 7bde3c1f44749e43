"""A completed simulation's report: the headline figures, decisions per approval level,
outcomes with their intervals, the path-change matrix, workload and cycle-time charts,
what the candidate changes and what the figures rest on."""

from __future__ import annotations

from typing import Any

import reflex as rx

from studio.sandbox import charts
from studio.sandbox.report import ApprovalRow, Bin, OutcomeRow, PathChange, WorkloadRow
from studio.sandbox.run_state import RunState
from studio.sandbox.setup_page import card
from studio.session import SessionState

__all__ = [
    "approvals_card",
    "change",
    "headline",
    "histogram_card",
    "notes_card",
    "outcomes_card",
    "paths_card",
    "workload_card",
]


def tone_colour(tone: rx.Var[str]) -> rx.Var[str]:
    colour: rx.Var[str] = rx.match(tone, ("down", "green"), ("up", "amber"), "gray")
    return colour


def change(value: rx.Var[str], tone: rx.Var[str], **props: Any) -> rx.Component:
    return rx.badge(value, color_scheme=tone_colour(tone), variant="soft", **props)


# ---- the headline -------------------------------------------------------------------------


def figure(label: str, value: rx.Var[str], *lines: rx.Component, ident: str) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(SessionState.t[label], size="2", color_scheme="gray"),
            rx.text(value, size="6", weight="bold", class_name="figure-value"),
            *lines,
            spacing="1",
        ),
        id=ident,
        width="100%",
    )


def tier_badge(tier: str, value: rx.Var[str]) -> rx.Component:
    return rx.tooltip(
        rx.badge(
            tier,
            " ",
            value,
            color_scheme={"A": "gray", "B": "blue", "C": "amber"}[tier],
            variant="soft",
            class_name="tier-count",
            custom_attrs={"data-tier": tier},
        ),
        content=SessionState.t[f"sandbox.tier_{tier}"],
    )


def headline() -> rx.Component:
    h = RunState.headline
    return rx.grid(
        figure(
            "sandbox.figure_reproduced",
            h.reproduced,
            rx.hstack(
                rx.text(h.share, size="1", color_scheme="gray"),
                rx.badge(
                    h.mismatched,
                    color_scheme=rx.cond(h.mismatches > 0, "amber", "gray"),
                    variant="soft",
                    id="figure-mismatched",
                ),
                spacing="2",
                align="center",
            ),
            rx.text(h.reasons, size="1", color_scheme="gray"),
            ident="figure-reproduced",
        ),
        figure(
            "sandbox.figure_changed",
            h.changed,
            rx.text(h.changed_share, size="1", color_scheme="gray"),
            rx.hstack(
                tier_badge("A", h.tier_a),
                tier_badge("B", h.tier_b),
                tier_badge("C", h.tier_c),
                spacing="1",
                id="figure-tiers",
            ),
            ident="figure-changed",
        ),
        figure(
            "sandbox.figure_approvals",
            h.approvals,
            change(h.approvals_change, h.approvals_tone),
            rx.cond(
                h.approvals_interval != "",
                rx.text(
                    SessionState.t["sandbox.interval"],
                    " ",
                    h.approvals_interval,
                    size="1",
                    color_scheme="gray",
                ),
            ),
            ident="figure-approvals",
        ),
        figure(
            "sandbox.figure_median",
            h.median,
            change(h.median_change, h.median_tone),
            rx.cond(
                h.median_interval != "",
                rx.text(
                    SessionState.t["sandbox.interval"],
                    " ",
                    h.median_interval,
                    size="1",
                    color_scheme="gray",
                    id="figure-median-interval",
                ),
            ),
            ident="figure-median",
        ),
        figure(
            "sandbox.figure_p90",
            h.p90,
            change(h.p90_change, h.p90_tone),
            rx.cond(
                h.p90_interval != "",
                rx.text(
                    SessionState.t["sandbox.interval"],
                    " ",
                    h.p90_interval,
                    size="1",
                    color_scheme="gray",
                ),
            ),
            ident="figure-p90",
        ),
        figure(
            "sandbox.figure_sla",
            h.breaches,
            rx.text(
                SessionState.t["sandbox.escalations"],
                " ",
                h.escalations,
                size="1",
                color_scheme="gray",
            ),
            ident="figure-sla",
        ),
        columns=rx.breakpoints(initial="1", sm="2", lg="3"),
        spacing="3",
        width="100%",
        id="sandbox-headline",
    )


def approval_line(row: rx.Var[ApprovalRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.text(row.step, weight="medium"),
            rx.text(
                SessionState.t["sandbox.column_level"],
                " ",
                row.level,
                " · ",
                row.role,
                size="1",
                color_scheme="gray",
            ),
        ),
        rx.table.cell(row.before, class_name="approval-before"),
        rx.table.cell(row.after, class_name="approval-after"),
        rx.table.cell(change(row.delta, row.tone), class_name="approval-delta"),
        rx.table.cell(row.approved, class_name="approval-approved"),
        class_name="approval-row",
        custom_attrs={"data-node": row.node, "data-level": row.level, "data-tone": row.tone},
    )


def approvals_card() -> rx.Component:
    return card(
        rx.heading(SessionState.t["sandbox.approvals"], size="4"),
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    *[
                        rx.table.column_header_cell(SessionState.t[c])
                        for c in (
                            "sandbox.column_step",
                            "sandbox.baseline",
                            "sandbox.candidate",
                            "sandbox.column_change",
                            "sandbox.column_approved",
                        )
                    ]
                )
            ),
            rx.table.body(rx.foreach(RunState.approvals, approval_line)),
            variant="surface",
            size="1",
            width="100%",
            id="approvals-table",
        ),
    )


def outcome_line(row: rx.Var[OutcomeRow]) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(row.label, weight="medium", size="2"),
            change(row.delta, row.tone),
            rx.spacer(),
            rx.cond(
                row.interval != "",
                rx.text(
                    SessionState.t["sandbox.interval"],
                    " ",
                    row.interval,
                    size="1",
                    color_scheme="gray",
                    class_name="outcome-interval",
                ),
            ),
            rx.text(row.tiers, size="1", color_scheme="gray"),
            spacing="2",
            align="center",
            width="100%",
        ),
        charts.bar(row.before_pct, charts.BASELINE, row.before, class_name="outcome-before"),
        charts.whisker(
            row.after_pct,
            row.low_pct,
            row.high_pct,
            row.interval != "",
            row.after,
            class_name="outcome-after",
        ),
        spacing="1",
        width="100%",
        class_name="outcome-row",
        custom_attrs={"data-outcome": row.outcome},
    )


def outcomes_card() -> rx.Component:
    return card(
        rx.hstack(
            rx.heading(SessionState.t["sandbox.outcomes"], size="4"),
            rx.spacer(),
            charts.legend(),
            width="100%",
            align="center",
        ),
        rx.vstack(rx.foreach(RunState.outcomes, outcome_line), spacing="3", width="100%"),
        id="outcomes",
    )


# ---- paths, workload, cycle time ------------------------------------------------------------


def path_line(row: rx.Var[PathChange]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row.before, size="1"), max_width="360px"),
        rx.table.cell(rx.text(row.after, size="1"), max_width="360px"),
        rx.table.cell(
            rx.vstack(
                rx.cond(
                    row.removed != "",
                    rx.text("− ", row.removed, size="1", color_scheme="red"),
                ),
                rx.cond(row.added != "", rx.text("+ ", row.added, size="1", color_scheme="green")),
                spacing="0",
            )
        ),
        rx.table.cell(rx.text(row.cases, weight="bold"), class_name="path-cases"),
        class_name="path-change",
    )


def paths_card() -> rx.Component:
    return card(
        rx.heading(SessionState.t["sandbox.paths"], size="4"),
        rx.text(SessionState.t["sandbox.paths_help"], size="1", color_scheme="gray"),
        rx.cond(
            RunState.path_changes.length() > 0,
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        *[
                            rx.table.column_header_cell(SessionState.t[c])
                            for c in (
                                "sandbox.column_from",
                                "sandbox.column_to",
                                "sandbox.column_steps",
                                "sandbox.column_cases",
                            )
                        ]
                    )
                ),
                rx.table.body(rx.foreach(RunState.path_changes, path_line)),
                variant="surface",
                size="1",
                width="100%",
                id="path-changes",
            ),
            rx.text(
                SessionState.t["sandbox.paths_none"],
                size="2",
                color_scheme="gray",
                id="path-changes-none",
            ),
        ),
    )


def workload_line(row: rx.Var[WorkloadRow]) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.text(row.name, size="2", weight="medium", class_name="workload-name"),
            change(row.delta, row.tone),
            spacing="1",
            width="200px",
            flex="none",
        ),
        rx.vstack(
            charts.bar(row.before_pct, charts.BASELINE, row.before, title=row.before_hours),
            charts.bar(row.after_pct, charts.CANDIDATE, row.after, title=row.after_hours),
            spacing="1",
            flex="1",
        ),
        spacing="3",
        align="center",
        width="100%",
        class_name="workload-row",
        custom_attrs={"data-name": row.name},
    )


def workload_card() -> rx.Component:
    return card(
        rx.hstack(
            rx.heading(SessionState.t["sandbox.workload"], size="4"),
            rx.spacer(),
            charts.legend(),
            rx.segmented_control.root(
                rx.foreach(
                    RunState.workload_kinds,
                    lambda kind: rx.segmented_control.item(
                        SessionState.t["sandbox.workload_" + kind], value=kind
                    ),
                ),
                value=RunState.workload_by,
                on_change=RunState.set_workload_by,
                size="1",
                id="workload-by",
            ),
            width="100%",
            align="center",
            spacing="3",
        ),
        rx.vstack(rx.foreach(RunState.workload, workload_line), spacing="3", width="100%"),
        id="workload",
    )


def bin_column(item: rx.Var[Bin]) -> rx.Component:
    return charts.column(
        item.before_pct,
        item.after_pct,
        item.label,
        item.before + " → " + item.after,
        class_name="histogram-bin",
    )


def histogram_card() -> rx.Component:
    return card(
        rx.hstack(
            rx.heading(SessionState.t["sandbox.histogram"], size="4"),
            rx.spacer(),
            charts.legend(),
            width="100%",
            align="center",
        ),
        rx.text(SessionState.t["sandbox.histogram_help"], size="1", color_scheme="gray"),
        rx.hstack(
            rx.foreach(RunState.bins, bin_column),
            spacing="2",
            align="end",
            overflow_x="auto",
            width="100%",
            id="cycle-histogram",
        ),
    )


def notes_card() -> rx.Component:
    return card(
        rx.cond(
            RunState.edits.length() > 0,
            rx.vstack(
                rx.heading(SessionState.t["sandbox.edits"], size="4"),
                rx.el.ul(
                    rx.foreach(RunState.edits, lambda e: rx.el.li(rx.text(e, size="2"))),
                    padding_left="20px",
                ),
                spacing="2",
                id="edits",
            ),
        ),
        rx.heading(SessionState.t["sandbox.disclosure"], size="4"),
        rx.el.ul(
            rx.foreach(
                RunState.disclosure,
                lambda line: rx.el.li(rx.text(line, size="2"), class_name="disclosure-line"),
            ),
            padding_left="20px",
            id="disclosure",
        ),
    )
