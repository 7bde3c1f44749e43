"""The Reflex side of the canvas: a thin wrapper of ``canvas.jsx``.

The JavaScript lives in a real module shipped as a shared asset (custom code
added inline is lost when Reflex splits state-bound components into modules of
their own). React Flow and dagre come from npm through ``lib_dependencies``.
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex_base.event import EventHandler, passthrough_event_spec

__all__ = ["Canvas", "canvas"]

XYFLOW = "@xyflow/react@12.12.1"
DAGRE = "@dagrejs/dagre@3.1.3"


class Canvas(rx.Component):
    """``<TrellisCanvas>``: draws ``graph`` and reports edits, selection and commands."""

    library = f"$/public{rx.asset('canvas.jsx', shared=True)}"
    tag = "TrellisCanvas"
    lib_dependencies: list[str] = [XYFLOW, DAGRE]

    graph: rx.Var[dict[str, Any]]
    revision: rx.Var[int]
    select: rx.Var[dict[str, Any]]
    labels: rx.Var[dict[str, str]]
    read_only: rx.Var[bool]
    draft: rx.Var[dict[str, Any]]

    on_edit: EventHandler[passthrough_event_spec(dict[str, Any])]
    on_select: EventHandler[passthrough_event_spec(dict[str, Any])]
    on_command: EventHandler[passthrough_event_spec(str)]


canvas = Canvas.create
