"""What the canvas draws, computed from a workflow document: pure functions.

The canvas (``canvas.jsx``) knows nothing about workflows: it draws the
``graph`` built here, with every text already in the user's language, every
error already pinned to its node or edge, and the catalogue's icon, ports and
category for each step. A node type the catalogue does not know is drawn as
"unknown type" instead of breaking the page.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

from studio.labels import text

__all__ = ["Pinned", "Problem", "error_lines", "graph", "localized", "pin"]

_WHERE = re.compile(r"^/(nodes|edges)/(\d+)(/.*)?$")
CONDITION_WIDTH = 36


@dataclasses.dataclass(frozen=True)
class Problem:
    """One validation error: where (the document pointer) and what, in the user's language."""

    pointer: str
    message: str
    code: str = ""


@dataclasses.dataclass
class Pinned:
    """Errors sorted by what they belong to; ``field`` pointers are relative to the node
    or edge (``/config/levels/0/role``)."""

    nodes: dict[str, list[tuple[str, str]]] = dataclasses.field(default_factory=dict)
    edges: dict[str, list[tuple[str, str]]] = dataclasses.field(default_factory=dict)
    document: list[tuple[str, str]] = dataclasses.field(default_factory=list)


def localized(value: Any, language: str) -> str:
    """A bilingual ``{"en": .., "zh-CN": ..}`` text in ``language``, English when missing."""
    if isinstance(value, Mapping):
        return str(value.get(language) or value.get("en") or "")
    return str(value or "")


def pin(document: Mapping[str, Any], problems: list[Problem]) -> Pinned:
    """Each error attached to the node or edge its pointer names."""
    pinned = Pinned()
    nodes = document.get("nodes") or []
    edges = document.get("edges") or []
    for problem in problems:
        match = _WHERE.match(problem.pointer)
        if match:
            items = nodes if match[1] == "nodes" else edges
            index = int(match[2])
            item = items[index] if index < len(items) else None
            if isinstance(item, Mapping) and isinstance(item.get("id"), str):
                target = pinned.nodes if match[1] == "nodes" else pinned.edges
                target.setdefault(item["id"], []).append((match[3] or "", problem.message))
                continue
        pinned.document.append((problem.pointer, problem.message))
    return pinned


def _ports(component: Mapping[str, Any] | None, language: str) -> tuple[int, list[dict[str, str]]]:
    if component is None:
        # Unknown type: one way in and out, so its edges still show.
        return 1, [{"name": "out", "label": ""}]
    ports = component.get("ports") or {}
    names = [str(n) for n in ports.get("outputs") or []]
    vocabulary = (component.get("vocabulary") or {}).get("ports") or {}
    labelled = len(names) > 1  # one port needs no name on the canvas
    return int(ports.get("inputs", 1)), [
        {"name": n, "label": localized(vocabulary.get(n), language) or n if labelled else ""}
        for n in names
    ]


def _position(value: Any) -> dict[str, float]:
    """Where to draw a node; a draft may hold anything (drafts are stored even when
    invalid), and a broken position must not break the page."""
    where = value if isinstance(value, Mapping) else {}
    return {
        axis: float(where[axis])
        if isinstance(where.get(axis), int | float) and not isinstance(where.get(axis), bool)
        else 0.0
        for axis in ("x", "y")
    }


def _node(
    node: Mapping[str, Any],
    catalogue: Mapping[str, Mapping[str, Any]],
    errors: list[tuple[str, str]],
    language: str,
    highlight: str,
) -> dict[str, Any]:
    node_type = str(node.get("type", ""))
    component = catalogue.get(node_type)
    type_label = (
        localized(component.get("label"), language)
        if component
        else text(language, "canvas.unknown_type", type=node_type)
    )
    inputs, outputs = _ports(component, language)
    return {
        "id": str(node.get("id")),
        "type": node_type,
        "label": localized(node.get("label"), language) or type_label,
        "type_label": type_label,
        "icon": str(component.get("icon", "")) if component else "circle-help",
        "category": str(component.get("category", "")) if component else "unknown",
        "unknown": component is None,
        "inputs": inputs,
        "outputs": outputs,
        "position": _position(node.get("position")),
        "errors": [message for _, message in errors],
        "highlight": highlight,
    }


def _edge_label(
    edge: Mapping[str, Any],
    source: Mapping[str, Any] | None,
    language: str,
) -> str:
    own = localized(edge.get("label"), language)
    if own:
        return own
    if source is None or not (source.get("traits") or {}).get("branches_by_condition"):
        return ""
    if edge.get("default"):
        return text(language, "canvas.default_edge")
    condition = str(edge.get("condition") or "")
    if len(condition) > CONDITION_WIDTH:
        condition = condition[: CONDITION_WIDTH - 1] + "…"
    return condition or text(language, "canvas.no_condition")


def graph(
    document: Mapping[str, Any],
    catalogue: Mapping[str, Mapping[str, Any]],
    problems: list[Problem],
    language: str,
    highlight: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The ``graph`` prop of the canvas: nodes and edges ready to draw.

    ``catalogue`` maps a type to its ``GET /components`` item (its ``traits`` say
    whose edges carry conditions).
    ``highlight`` maps node and edge ids to ``added``, ``removed`` or ``changed``
    (the versions page colours a diff with it)."""
    highlight = highlight or {}
    pinned = pin(document, problems)
    nodes = [n for n in document.get("nodes") or [] if isinstance(n, Mapping)]
    types = {str(n.get("id")): catalogue.get(str(n.get("type", ""))) for n in nodes}
    edges = []
    for edge in document.get("edges") or []:
        if not isinstance(edge, Mapping):
            continue
        edge_id = str(edge.get("id"))
        source = types.get(str(edge.get("source")))
        first_port = ((source or {}).get("ports") or {}).get("outputs") or ["out"]
        edges.append(
            {
                "id": edge_id,
                "source": str(edge.get("source")),
                "target": str(edge.get("target")),
                "port": str(edge.get("source_port") or first_port[0]),
                "label": _edge_label(edge, source, language),
                "is_default": bool(edge.get("default")),
                "errors": [message for _, message in pinned.edges.get(edge_id, [])],
                "highlight": highlight.get(edge_id, ""),
            }
        )
    return {
        "nodes": [
            _node(
                n,
                catalogue,
                pinned.nodes.get(str(n.get("id")), []),
                language,
                highlight.get(str(n.get("id")), ""),
            )
            for n in nodes
        ],
        "edges": edges,
    }


def error_lines(
    document: Mapping[str, Any], drawn: Mapping[str, Any], problems: list[Problem], workflow: str
) -> list[tuple[str, str, str, str]]:
    """Every error in the validator's order as (target id, what it is about in words,
    full pointer, message): a step by its label, a connection as "From → To", the
    rest as ``workflow``."""
    names = {str(n["id"]): str(n["label"]) for n in drawn.get("nodes", [])}
    ends = {str(e["id"]): (str(e["source"]), str(e["target"])) for e in drawn.get("edges", [])}
    lines = []
    for problem in problems:
        match = _WHERE.match(problem.pointer)
        items = document.get(match[1] if match else "") or []
        index = int(match[2]) if match else len(items)
        item = items[index] if index < len(items) else None
        target = str(item.get("id")) if isinstance(item, Mapping) else ""
        if target in names:
            about = names[target]
        elif target in ends:
            source, end = ends[target]
            about = f"{names.get(source, source)} → {names.get(end, end)}"
        else:
            target, about = "", workflow
        lines.append((target, about, problem.pointer, problem.message))
    return lines
