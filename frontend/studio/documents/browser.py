"""The Reflex side of ``browser.jsx``: the draft keeper and the sortable list.

As with the canvas, the JavaScript is a real module shipped as a shared asset.
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex_base.event import EventHandler, passthrough_event_spec

__all__ = ["DraftKeeper", "Sortable", "draft_keeper", "sortable"]

LIBRARY = f"$/public{rx.asset('browser.jsx', shared=True)}"


class DraftKeeper(rx.Component):
    """``<TrellisDraftKeeper>``: unsaved work in localStorage, a warning before closing."""

    library = LIBRARY
    tag = "TrellisDraftKeeper"

    draft: rx.Var[dict[str, Any]]


class Sortable(rx.Component):
    """``<TrellisSortable>``: items with ``data-sort-index`` reorder by dragging;
    palette entries with ``data-palette-field`` are dropped in."""

    library = LIBRARY
    tag = "TrellisSortable"

    disabled: rx.Var[bool]

    on_move: EventHandler[passthrough_event_spec(dict[str, Any])]
    on_add: EventHandler[passthrough_event_spec(dict[str, Any])]


draft_keeper = DraftKeeper.create
sortable = Sortable.create
