"""The editor's pure parts, without a browser: edits of the document and the graph drawn.

The catalogue is the API's own (``GET /components`` through the test client), so
the graph is checked against the node types the studio really gets.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from typing import Any

import pytest
from litestar.testing import TestClient

from builder import check
from components.catalogue import CATALOGUE
from frontend.launch import FRONTEND
from studio.editor import edits
from studio.editor.graph import Problem, error_lines, graph, pin
from tests.documents import api_example


@pytest.fixture
def ids() -> Any:
    counter = itertools.count(1)
    return lambda kind: f"{kind}-{next(counter)}"


@pytest.fixture
def catalogue(as_role: Callable[[str], TestClient[Any]]) -> dict[str, dict[str, Any]]:
    response = as_role("viewer").get("/api/v1/components")
    assert response.status_code == 200
    return {item["type"]: item for item in response.json()["items"]}


def blank() -> dict[str, Any]:
    return {
        "kind": "workflow",
        "schema_version": 2,
        "key": "routing",
        "title": {"en": "Routing"},
        "nodes": [],
        "edges": [],
    }


def test_a_drawn_flow_is_a_valid_workflow(ids: Any) -> None:
    doc = blank()
    for node_type, x in (("start", 0), ("approval", 250), ("end", 500)):
        doc = edits.add_node(doc, node_type, x, 10.4, ids)
    start, approval, end = (n["id"] for n in doc["nodes"])
    doc = edits.connect(doc, start, approval, "out", "out", ids)
    doc = edits.connect(doc, approval, end, "approved", "approved", ids)
    doc = edits.connect(doc, approval, end, "rejected", "approved", ids)
    doc = edits.update_node(doc, approval, {"config": {"levels": [{"role": "manager"}]}})
    assert doc["nodes"][1]["position"] == {"x": 250, "y": 10}
    # The first port is implied; only other ports are written.
    assert [e.get("source_port") for e in doc["edges"]] == [None, None, "rejected"]
    assert check(doc).errors == []


def test_edits_never_change_their_argument(ids: Any) -> None:
    doc = edits.add_node(blank(), "start", 0, 0, ids)
    before = repr(doc)
    edits.add_node(doc, "end", 1, 1, ids)
    edits.move(doc, {doc["nodes"][0]["id"]: {"x": 5, "y": 5}})
    edits.delete(doc, [doc["nodes"][0]["id"]], [])
    edits.update_node(doc, doc["nodes"][0]["id"], {"label": {"en": "Go"}})
    assert repr(doc) == before


def test_connecting_twice_adds_one_edge(ids: Any) -> None:
    doc = edits.add_node(edits.add_node(blank(), "start", 0, 0, ids), "end", 200, 0, ids)
    a, b = (n["id"] for n in doc["nodes"])
    once = edits.connect(doc, a, b, None, "out", ids)
    assert edits.connect(once, a, b, "out", "out", ids) is once
    assert len(once["edges"]) == 1


def test_deleting_a_node_takes_its_edges(ids: Any) -> None:
    doc = api_example()
    out = edits.delete(doc, ["check"], [])
    assert [n["id"] for n in out["nodes"]] == ["start", "mgr", "done"]
    assert [e["id"] for e in out["edges"]] == ["e4"]
    assert [e["id"] for e in edits.delete(doc, [], ["e2"])["edges"]] == ["e1", "e3", "e4"]


def test_copy_and_paste_renames_and_keeps_inner_edges(ids: Any) -> None:
    doc = api_example()
    clip = edits.copy_selection(doc, ["check", "mgr"])
    assert [e["id"] for e in clip["edges"]] == ["e2"]  # only edges inside the selection
    out, pasted = edits.paste(doc, clip, ids)
    assert pasted == ["decision-1", "approval-2"]
    twin = out["edges"][-1]
    assert (twin["source"], twin["target"], twin["condition"]) == (
        "decision-1",
        "approval-2",
        "record['discount'] > 0.1",
    )
    assert out["nodes"][-1]["position"] == {"x": 440, "y": -40}
    assert out["nodes"][-1]["config"] == doc["nodes"][2]["config"]


def test_empty_values_leave_the_document() -> None:
    doc = api_example()
    out = edits.update_edge(doc, "e3", {"default": False, "condition": "amount > 1"})
    assert "default" not in out["edges"][2]
    assert out["edges"][2]["condition"] == "amount > 1"
    out = edits.update_node(doc, "mgr", {"label": None})
    assert "label" not in out["nodes"][2]


def test_errors_are_pinned_to_their_node_edge_or_the_workflow() -> None:
    doc = api_example()
    problems = [
        Problem("/nodes/2/config/levels/0", "who approves?"),
        Problem("/edges/1/condition", "bad condition"),
        Problem("/nodes/9", "gone"),
        Problem("", "whole"),
    ]
    pinned = pin(doc, problems)
    assert pinned.nodes == {"mgr": [("/config/levels/0", "who approves?")]}
    assert pinned.edges == {"e2": [("/condition", "bad condition")]}
    assert pinned.document == [("/nodes/9", "gone"), ("", "whole")]


def test_the_graph_speaks_the_users_language(catalogue: dict[str, dict[str, Any]]) -> None:
    doc = api_example()
    doc["nodes"].append({"id": "odd", "type": "teleport", "config": {}})
    drawn = graph(doc, catalogue, [Problem("/nodes/2/config", "x")], "zh-CN")
    nodes = {n["id"]: n for n in drawn["nodes"]}
    assert nodes["mgr"]["type_label"] == "审批"
    assert nodes["mgr"]["errors"] == ["x"]
    assert [p["name"] for p in nodes["mgr"]["outputs"]] == ["approved", "rejected"]
    assert all(p["label"] for p in nodes["mgr"]["outputs"])  # two ports: both named
    assert nodes["odd"]["unknown"] and nodes["odd"]["type_label"] == "未知类型：teleport"
    edges = {e["id"]: e for e in drawn["edges"]}
    assert edges["e2"]["label"] == "record['discount'] > 0.1"
    assert edges["e3"]["label"] == "默认"
    assert edges["e4"]["label"] == "" and edges["e4"]["port"] == "approved"


def test_the_canvas_draws_every_icon_of_the_catalogue() -> None:
    # canvas.jsx imports each icon it may draw (no whole-library import); a new
    # component with a new icon must be added there, or it is drawn as "?".
    source = (FRONTEND / "studio" / "editor" / "canvas.jsx").read_text(encoding="utf-8")
    start = source.index("const ICONS = {")
    table = source[start : source.index("};", start)]
    drawn = set(re.findall(r'^\s+"?([a-z-]+)"?: [A-Z]\w+,$', table, flags=re.M))
    assert {c.icon for c in CATALOGUE.values()} <= drawn


def test_the_error_list_names_steps_and_connections(catalogue: dict[str, dict[str, Any]]) -> None:
    doc = api_example()
    problems = [Problem("/edges/1/condition", "bad"), Problem("/nodes/2", "x"), Problem("", "y")]
    drawn = graph(doc, catalogue, problems, "en")
    assert error_lines(doc, drawn, problems, "Workflow") == [
        ("e2", "Decision → Approval", "/edges/1/condition", "bad"),
        ("mgr", "Approval", "/nodes/2", "x"),
        ("", "Workflow", "", "y"),
    ]


def test_a_broken_draft_is_still_drawn(catalogue: dict[str, dict[str, Any]]) -> None:
    # Drafts are stored even when invalid; whatever they hold, the canvas draws them.
    doc = blank()
    doc["nodes"] = [
        {"id": "a", "type": "start", "position": [1, 2], "label": "plain", "config": []},
        {"id": "b", "type": "end", "position": {"x": "far", "y": True}},
        {"type": "approval"},
        "not a node",
    ]
    doc["edges"] = [{"id": "e", "source": "a", "target": "zzz"}, 7]
    drawn = graph(doc, catalogue, [Problem("/nodes/3", "not an object")], "en")
    assert [n["position"] for n in drawn["nodes"]] == [{"x": 0.0, "y": 0.0}] * 3
    assert drawn["nodes"][0]["label"] == "plain"
    assert [e["id"] for e in drawn["edges"]] == ["e"]
    assert error_lines(doc, drawn, [Problem("/nodes/3", "x")], "Workflow") == [
        ("", "Workflow", "/nodes/3", "x")
    ]
