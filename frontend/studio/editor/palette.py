"""The palette: every node type of the catalogue, by category, searchable.

Entries carry ``data-palette-type``; the canvas turns dragging one into a new
step at the drop point. Clicking an entry adds the step too (keyboard users,
and anyone who does not drag).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import reflex as rx

from studio.editor.graph import localized
from studio.editor.state import EditorState
from studio.labels import text
from studio.session import SessionState

__all__ = ["PaletteState", "palette", "palette_groups"]

CATEGORIES = ("flow", "human", "logic", "automation", "integration")


@dataclasses.dataclass
class Entry:
    type: str
    label: str
    description: str
    icon: str


@dataclasses.dataclass
class Group:
    category: str
    label: str
    steps: list[Entry]


def _matches(item: Mapping[str, Any], query: str) -> bool:
    words = [
        str(item.get("type", "")),
        *(str(v) for v in (item.get("label") or {}).values()),
        *(str(k) for k in item.get("keywords") or []),
    ]
    return any(query in word.casefold() for word in words)


def palette_groups(
    catalogue: Mapping[str, Mapping[str, Any]], query: str, language: str
) -> list[Group]:
    """The catalogue grouped by category (in a fixed order), filtered by ``query``
    over type, labels in both languages and keywords."""
    wanted = query.strip().casefold()
    groups = []
    order = [*CATEGORIES, *sorted({str(i.get("category")) for i in catalogue.values()})]
    for category in dict.fromkeys(order):
        entries = [
            Entry(
                type=str(item["type"]),
                label=localized(item.get("label"), language),
                description=localized(item.get("description"), language),
                icon=str(item.get("icon", "")),
            )
            for item in catalogue.values()
            if item.get("category") == category and (not wanted or _matches(item, wanted))
        ]
        if entries:
            label_key = f"category.{category}"
            label = text(language, label_key) if category in CATEGORIES else category
            groups.append(Group(category=category, label=label, steps=entries))
    return groups


class PaletteState(EditorState):
    query: str = ""

    @rx.var
    def groups(self) -> list[Group]:
        return palette_groups(self._catalogue, self.query, self.lang)

    @rx.event
    def set_query(self, query: str) -> None:
        self.query = query


def entry(item: rx.Var[Entry]) -> rx.Component:
    return rx.el.div(
        rx.hstack(
            rx.center(
                rx.icon(item.icon, size=16),
                width="24px",
                height="24px",
                border_radius="7px",
                background_color=rx.color("accent", 3),
                color=rx.color("accent", 11),
                flex="none",
            ),
            rx.text(item.label, size="2", weight="medium"),
            spacing="2",
            align="center",
        ),
        draggable=True,
        custom_attrs={"data-palette-type": item.type},
        on_click=EditorState.add_from_palette(item.type),
        title=item.description,
        class_name="palette-entry",
        width="100%",
        style={
            "cursor": "grab",
            "padding": "4px 8px",
            "border_radius": "8px",
            "border": f"1px solid {rx.color('gray', 5)}",
            "background_color": rx.color("gray", 1),
            "_hover": {"border_color": rx.color("accent", 8)},
        },
    )


def group(item: rx.Var[Group]) -> rx.Component:
    return rx.vstack(
        rx.text(item.label, size="1", weight="bold", color_scheme="gray"),
        rx.foreach(item.steps, entry),
        spacing="1",
        width="100%",
        custom_attrs={"data-category": item.category},
    )


def palette() -> rx.Component:
    return rx.vstack(
        rx.heading(SessionState.t["palette.title"], size="3"),
        rx.input(
            rx.input.slot(rx.icon("search", size=14)),
            placeholder=SessionState.t["palette.search"],
            value=PaletteState.query,
            on_change=PaletteState.set_query,
            size="2",
            width="100%",
            id="palette-search",
        ),
        rx.text(SessionState.t["palette.help"], size="1", color_scheme="gray"),
        rx.cond(
            PaletteState.groups.length() > 0,
            rx.foreach(PaletteState.groups, group),
            rx.text(SessionState.t["palette.no_match"], size="2", color_scheme="gray"),
        ),
        spacing="3",
        width="240px",
        flex="none",
        padding="12px",
        overflow_y="auto",
        height="100%",
        border_right=f"1px solid {rx.color('gray', 5)}",
        background_color=rx.color("gray", 1),
        id="palette",
    )
