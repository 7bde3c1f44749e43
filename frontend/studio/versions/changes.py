"""A diff as the versions page shows it: pure functions over the API's changes.

``GET .../diff`` names nodes and edges by id in each change's path, never by list
position (``builder/diff.py`` aligns items by id): ``/nodes/mgr`` is the step
``mgr`` added or removed as a whole, ``/nodes/mgr/config/levels/0/role`` a change
inside it, ``/edges/e2/condition`` one inside connection ``e2``. So the second
segment of a path is the id to colour on the canvas. A change of the collection
itself (``/edges``: the order of connections, which decides the branch a decision
takes) carries the lists of ids before and after; a draft whose ids cannot be
aligned (duplicates) changes as a whole list of items.

The canvas draws the "to" document; what the "from" document had and "to" lost is
added back (:func:`overlay`) so that it can be drawn in red where it was.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Literal

__all__ = ["Grouped", "Line", "Mark", "group", "highlight", "overlay", "segments", "target"]

Mark = Literal["added", "removed", "changed"]
COLLECTIONS = ("nodes", "edges")
# A whole item added or removed says more than a change inside it.
_STRONG = frozenset({"added", "removed"})


@dataclasses.dataclass(frozen=True)
class Line:
    """One change in words: its kind, the sentence, and the node or edge it is about
    (``""`` for the workflow as a whole)."""

    op: str
    text: str
    target: str


@dataclasses.dataclass(frozen=True)
class Grouped:
    """The changes as a reader wants them: what changes behaviour first, and the layout
    apart (``moved`` steps, listed in ``layout`` for whoever opens it)."""

    logic: list[Line]
    layout: list[Line]
    moved: int


def segments(path: str) -> list[str]:
    """The RFC 6901 segments of ``path``, unescaped (``~1`` is ``/``, ``~0`` is ``~``)."""
    if not path.startswith("/"):
        return []
    return [s.replace("~1", "/").replace("~0", "~") for s in path[1:].split("/")]


def target(path: str) -> str:
    """The id of the node or edge a change is inside, or ``""`` when it is about the
    workflow itself (its title, its form) or a whole collection."""
    parts = segments(path)
    return parts[1] if len(parts) >= 2 and parts[0] in COLLECTIONS else ""


def _ident(item: Any) -> str | None:
    if isinstance(item, str):
        return item
    if isinstance(item, Mapping) and isinstance(item.get("id"), str):
        return str(item["id"])
    return None


def _by_id(items: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for item in items if isinstance(items, list) else []:
        ident = _ident(item)
        if ident is not None and ident not in found:
            found[ident] = item
    return found


def _collection_marks(before: Any, after: Any) -> Iterator[tuple[str, Mark]]:
    """The marks of a change of a whole collection: items only one side has, and
    items both have that differ or moved in the order."""
    old, new = _by_id(before), _by_id(after)
    for ident in new.keys() - old.keys():
        yield ident, "added"
    for ident in old.keys() - new.keys():
        yield ident, "removed"
    common_old = [i for i in old if i in new]
    common_new = [i for i in new if i in old]
    # An item whose place in the order differs has moved; so has the one now in its
    # place (a swap marks both), since both changed rank.
    for index, ident in enumerate(common_old):
        if common_new[index] != ident or old[ident] != new[ident]:
            yield ident, "changed"


def _marks(change: Mapping[str, Any]) -> Iterator[tuple[str, Mark]]:
    parts = segments(str(change.get("path", "")))
    if not parts or parts[0] not in COLLECTIONS:
        return
    op = change.get("op")
    if len(parts) == 1:
        yield from _collection_marks(change.get("before"), change.get("after"))
    elif len(parts) == 2 and op == "added":
        yield parts[1], "added"
    elif len(parts) == 2 and op == "removed":
        yield parts[1], "removed"
    else:
        yield parts[1], "changed"


def highlight(changes: Sequence[Mapping[str, Any]], *, layout: bool = False) -> dict[str, Mark]:
    """Node and edge id -> how the diff touched it, for ``graph(..., highlight)``.

    Layout-only changes (a step moved) are left out unless ``layout``: a moved
    step behaves as before and would drown the changes that matter."""
    marks: dict[str, Mark] = {}
    for change in changes:
        if change.get("aspect") == "layout" and not layout:
            continue
        for ident, mark in _marks(change):
            if marks.get(ident) not in _STRONG:
                marks[ident] = mark
    return marks


def _items(document: Mapping[str, Any], name: str) -> list[Mapping[str, Any]]:
    items = document.get(name)
    return [i for i in items if isinstance(i, Mapping)] if isinstance(items, list) else []


def overlay(
    before: Mapping[str, Any], after: Mapping[str, Any], marks: Mapping[str, str]
) -> dict[str, Any]:
    """``after`` with the nodes and edges marked ``removed`` put back from ``before``,
    at their old positions, after the items of ``after`` (so pointers into ``after``
    still name the same items). A removed edge whose ends are gone from both is left
    out: there is nothing to draw it between."""
    nodes = _items(after, "nodes")
    edges = _items(after, "edges")
    present = {n.get("id") for n in nodes}
    gone_nodes = [
        n
        for n in _items(before, "nodes")
        if marks.get(str(n.get("id"))) == "removed" and n.get("id") not in present
    ]
    drawn = present | {n.get("id") for n in gone_nodes}
    kept_edges = {e.get("id") for e in edges}
    gone_edges = [
        e
        for e in _items(before, "edges")
        if marks.get(str(e.get("id"))) == "removed"
        and e.get("id") not in kept_edges
        and e.get("source") in drawn
        and e.get("target") in drawn
    ]
    return {**after, "nodes": [*nodes, *gone_nodes], "edges": [*edges, *gone_edges]}


def _sentence(change: Mapping[str, Any], language: str) -> str:
    summary = change.get("summary")
    if isinstance(summary, Mapping):
        found = summary.get(language) or summary.get("en")
        if isinstance(found, str) and found:
            return found
    return f"{change.get('op', '')} {change.get('path', '')}".strip()


def group(changes: Sequence[Mapping[str, Any]], language: str) -> Grouped:
    """The changes in ``language``, logic first (in the diff's order: the document's,
    then what is new), layout apart with the number of steps moved."""
    logic: list[Line] = []
    layout: list[Line] = []
    moved: set[str] = set()
    for change in changes:
        line = Line(
            op=str(change.get("op", "changed")),
            text=_sentence(change, language),
            target=target(str(change.get("path", ""))),
        )
        if change.get("aspect") == "layout":
            layout.append(line)
            if line.target and segments(str(change.get("path", "")))[0] == "nodes":
                moved.add(line.target)
        else:
            logic.append(line)
    return Grouped(logic=logic, layout=layout, moved=len(moved))
