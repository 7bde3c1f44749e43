"""Edits of a workflow document, as pure functions: document in, new document out.

The canvas reports what the user did (dropped a node, connected two handles,
moved, deleted, pasted); these functions turn it into the next document. They
never touch the argument, so the editor can keep earlier documents for undo.
New ids come in as arguments (``new_id``) so that the functions stay
deterministic and testable; the editor passes a random one.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from typing import Any

__all__ = [
    "Clipboard",
    "add_node",
    "connect",
    "copy_selection",
    "delete",
    "edge_index",
    "move",
    "node_index",
    "paste",
    "update_edge",
    "update_node",
]

Document = dict[str, Any]
Clipboard = dict[str, list[dict[str, Any]]]
NewId = Callable[[str], str]

PASTE_OFFSET = 40


def _nodes(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    nodes = document.get("nodes")
    return [n for n in nodes if isinstance(n, dict)] if isinstance(nodes, list) else []


def _edges(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    edges = document.get("edges")
    return [e for e in edges if isinstance(e, dict)] if isinstance(edges, list) else []


def node_index(document: Mapping[str, Any], node_id: str) -> int | None:
    for index, node in enumerate(document.get("nodes") or []):
        if isinstance(node, dict) and node.get("id") == node_id:
            return index
    return None


def edge_index(document: Mapping[str, Any], edge_id: str) -> int | None:
    for index, edge in enumerate(document.get("edges") or []):
        if isinstance(edge, dict) and edge.get("id") == edge_id:
            return index
    return None


def _position(x: float, y: float) -> dict[str, int]:
    # Whole pixels: nobody places a step more finely, and integers keep diffs quiet.
    return {"x": round(x), "y": round(y)}


def add_node(document: Document, node_type: str, x: float, y: float, new_id: NewId) -> Document:
    """A new step of ``node_type`` at (x, y) with an empty config: the panel and the
    validator then say what it still needs."""
    out = copy.deepcopy(document)
    node = {"id": new_id(node_type), "type": node_type, "config": {}, "position": _position(x, y)}
    out["nodes"] = [*_nodes(out), node]
    return out


def connect(
    document: Document,
    source: str,
    target: str,
    port: str | None,
    first_port: str | None,
    new_id: NewId,
) -> Document:
    """An edge from ``source`` (leaving by ``port``) to ``target``.

    The first port of a node is implied by an edge that names none, so it is not
    written. Connecting what is connected already changes nothing."""
    named = port if port and port != first_port else None
    for existing in _edges(document):
        if (
            existing.get("source") == source
            and existing.get("target") == target
            and existing.get("source_port") == named
        ):
            return document
    out = copy.deepcopy(document)
    edge: dict[str, Any] = {"id": new_id("edge"), "source": source, "target": target}
    if named:
        edge["source_port"] = named
    out["edges"] = [*_edges(out), edge]
    return out


def move(document: Document, positions: Mapping[str, Mapping[str, float]]) -> Document:
    """Nodes placed at new positions (dragging, auto-layout); unknown ids are ignored."""
    out = copy.deepcopy(document)
    for node in _nodes(out):
        where = positions.get(str(node.get("id")))
        if where is not None:
            node["position"] = _position(float(where["x"]), float(where["y"]))
    return out


def delete(document: Document, node_ids: Iterable[str], edge_ids: Iterable[str]) -> Document:
    """Nodes and edges removed, with every edge that touched a removed node."""
    nodes, edges = set(node_ids), set(edge_ids)
    out = copy.deepcopy(document)
    out["nodes"] = [n for n in _nodes(out) if n.get("id") not in nodes]
    out["edges"] = [
        e
        for e in _edges(out)
        if e.get("id") not in edges
        and e.get("source") not in nodes
        and e.get("target") not in nodes
    ]
    return out


def copy_selection(document: Document, node_ids: Iterable[str]) -> Clipboard:
    """The selected nodes and the edges between them."""
    chosen = set(node_ids)
    return {
        "nodes": [copy.deepcopy(n) for n in _nodes(document) if n.get("id") in chosen],
        "edges": [
            copy.deepcopy(e)
            for e in _edges(document)
            if e.get("source") in chosen and e.get("target") in chosen
        ],
    }


def paste(document: Document, clipboard: Clipboard, new_id: NewId) -> tuple[Document, list[str]]:
    """The clipboard added under new ids, shifted so it does not hide what it was
    copied from; returns the document and the new node ids."""
    renamed: dict[str, str] = {}
    nodes = []
    for node in clipboard.get("nodes", []):
        twin = copy.deepcopy(node)
        twin["id"] = renamed[str(node["id"])] = new_id(str(node.get("type", "node")))
        where = node.get("position")
        x, y = (where.get("x"), where.get("y")) if isinstance(where, dict) else (0, 0)
        x, y = (v if isinstance(v, int | float) else 0 for v in (x, y))
        twin["position"] = _position(x + PASTE_OFFSET, y + PASTE_OFFSET)
        nodes.append(twin)
    edges = []
    for edge in clipboard.get("edges", []):
        twin = copy.deepcopy(edge)
        twin.update(
            id=new_id("edge"), source=renamed[edge["source"]], target=renamed[edge["target"]]
        )
        edges.append(twin)
    out = copy.deepcopy(document)
    out["nodes"] = [*_nodes(out), *nodes]
    out["edges"] = [*_edges(out), *edges]
    return out, [n["id"] for n in nodes]


def _replace(item: dict[str, Any], changes: Mapping[str, Any]) -> None:
    for name, value in changes.items():
        if value is None or value == {} or value == "":
            item.pop(name, None)  # documents leave defaults out
        else:
            item[name] = copy.deepcopy(value)


def update_node(document: Document, node_id: str, changes: Mapping[str, Any]) -> Document:
    """The node's fields (``config``, ``label``) replaced; ``None`` or empty removes one."""
    index = node_index(document, node_id)
    if index is None:
        return document
    out = copy.deepcopy(document)
    _replace(out["nodes"][index], changes)
    out["nodes"][index].setdefault("config", {})
    return out


def update_edge(document: Document, edge_id: str, changes: Mapping[str, Any]) -> Document:
    """The edge's fields (``condition``, ``default``, ``label``) replaced; ``None``,
    ``False`` or empty removes one."""
    index = edge_index(document, edge_id)
    if index is None:
        return document
    out = copy.deepcopy(document)
    _replace(out["edges"][index], {k: (v if v is not False else None) for k, v in changes.items()})
    return out
