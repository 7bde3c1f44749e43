"""The versions page's pure parts, without a browser: a diff coloured on the canvas and
put in words, and the page's first choices.

The diffs are real: the API's own (``GET .../diff`` through the test client) or
``builder.diff`` turned into JSON the way the API sends it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import msgspec
import pytest
from litestar.testing import TestClient

from builder.diff import diff
from studio.editor.graph import graph
from studio.labels import text
from studio.versions.changes import group, highlight, overlay, segments, target
from studio.versions.choice import default_pair, move_kind, still_there
from tests.documents import api_example, deal_form

Client = TestClient[Any]
WORKFLOW = "/api/v1/documents/workflow/discount-approval"
FORM = "/api/v1/documents/form/deal"


def changes_between(a: dict[str, Any], b: dict[str, Any]) -> list[dict[str, Any]]:
    """``builder.diff`` as the API sends it (JSON, defaults left out)."""
    found: list[dict[str, Any]] = msgspec.json.decode(msgspec.json.encode(diff(a, b)))
    return found


def edited(doc: dict[str, Any]) -> dict[str, Any]:
    """The API example with one of each kind of change: a step removed (with its
    connections), a step and a connection added, a setting and a condition changed,
    a step moved."""
    new = copy.deepcopy(doc)
    new["nodes"] = [n for n in new["nodes"] if n["id"] != "done"]
    new["edges"] = [e for e in new["edges"] if e["target"] != "done"]
    new["nodes"].append(
        {"id": "closed", "type": "end", "config": {}, "position": {"x": 700, "y": 0}}
    )
    new["edges"].append({"id": "e5", "source": "mgr", "target": "closed"})
    new["edges"].append({"id": "e6", "source": "check", "target": "closed", "default": True})
    mgr = next(n for n in new["nodes"] if n["id"] == "mgr")
    mgr["config"]["levels"][0]["role"] = "director"
    new["edges"][1]["condition"] = "record['discount'] > 0.2"
    new["nodes"][1]["position"] = {"x": 220, "y": 40}
    return new


@pytest.fixture
def admin(as_role: Callable[[str], Client]) -> Client:
    return as_role("admin")


def test_a_diff_from_the_api_colours_steps_and_connections_by_id(admin: Client) -> None:
    assert admin.put(f"{FORM}/draft", json=deal_form()).status_code == 201
    assert admin.post(f"{FORM}/publish", json={}).status_code == 201
    assert admin.put(f"{WORKFLOW}/draft", json=api_example()).status_code == 201
    assert admin.post(f"{WORKFLOW}/publish", json={"message": "first"}).status_code == 201
    published = admin.get(f"{WORKFLOW}/versions/1").json()["content"]
    saved = admin.put(f"{WORKFLOW}/draft", json=edited(published), headers={"If-Match": '"1"'})
    assert saved.status_code == 200, saved.text

    body = admin.get(f"{WORKFLOW}/diff", params={"from": "1", "to": "draft"}).json()
    assert body["layout_changes"] == 1

    marks = highlight(body["changes"])
    assert marks == {
        "done": "removed",
        "e3": "removed",
        "e4": "removed",
        "closed": "added",
        "e5": "added",
        "e6": "added",
        "mgr": "changed",
        "e2": "changed",
    }
    # A step only moved behaves as before: coloured only when asked for.
    assert "check" not in marks
    assert highlight(body["changes"], layout=True)["check"] == "changed"


def test_the_canvas_draws_to_with_what_from_lost_in_red() -> None:
    before = api_example()
    after = edited(before)
    before_copy, after_copy = copy.deepcopy(before), copy.deepcopy(after)
    marks = highlight(changes_between(before, after))

    drawn = overlay(before, after, marks)
    ids = [n["id"] for n in drawn["nodes"]]
    # The "to" items first and in order (error pointers into "to" stay right), then
    # the removed step where it was.
    assert ids == [*(n["id"] for n in after["nodes"]), "done"]
    assert drawn["nodes"][-1]["position"] == {"x": 600, "y": 0}
    assert [e["id"] for e in drawn["edges"]][-2:] == ["e3", "e4"]
    assert (before, after) == (before_copy, after_copy)  # nothing changed in place

    shown = graph(drawn, {}, [], "en", marks)
    colour = {item["id"]: item["highlight"] for item in shown["nodes"] + shown["edges"]}
    assert colour["done"] == "removed" and colour["e4"] == "removed"
    assert colour["closed"] == "added" and colour["mgr"] == "changed"
    assert colour["start"] == "" and colour["check"] == ""


def test_a_removed_connection_with_nothing_to_hang_on_is_left_out() -> None:
    before = api_example()
    after = copy.deepcopy(before)
    after["edges"] = after["edges"][:-1]  # e4 (mgr -> done) removed
    marks = {"e4": "removed", "done": "removed", "mgr": "removed"}
    drawn = overlay({**before, "nodes": []}, after, marks)
    # Its ends are drawn ("to" still has them), so it is drawn too.
    assert [e["id"] for e in drawn["edges"]][-1] == "e4"
    gone = {**after, "nodes": [n for n in after["nodes"] if n["id"] not in ("mgr", "done")]}
    assert [e["id"] for e in overlay({**before, "nodes": []}, gone, marks)["edges"]] == [
        "e1",
        "e2",
        "e3",
    ]


def test_a_new_order_of_connections_colours_the_ones_that_moved() -> None:
    before = api_example()
    after = copy.deepcopy(before)
    after["edges"][1], after["edges"][2] = after["edges"][2], after["edges"][1]
    found = changes_between(before, after)
    assert [c["path"] for c in found] == ["/edges"]
    assert highlight(found) == {"e2": "changed", "e3": "changed"}


def test_lists_that_cannot_be_aligned_are_compared_by_id_anyway() -> None:
    before = api_example()
    after = copy.deepcopy(before)
    after["nodes"].append(copy.deepcopy(after["nodes"][0]))  # a duplicate id: no alignment
    after["nodes"][2]["config"] = {"levels": [{"role": "director"}]}
    after["nodes"] = [n for n in after["nodes"] if n["id"] != "done"]
    found = changes_between(before, after)
    assert "/nodes" in [c["path"] for c in found]
    assert highlight(found) == {"mgr": "changed", "done": "removed"}


def test_ids_in_paths_are_unescaped() -> None:
    assert segments("/nodes/a~1b~0c/config") == ["nodes", "a/b~c", "config"]
    assert target("/nodes/a~1b~0c/config") == "a/b~c"
    assert target("/edges/e1") == "e1"
    assert target("/title/en") == ""
    assert target("/edges") == ""
    assert segments("") == []


def test_words_come_in_the_users_language_logic_first_and_moves_apart() -> None:
    before = api_example()
    after = edited(before)
    after["nodes"][0]["position"] = {"x": -40, "y": 0}  # a second step moved
    after["title"] = {"en": "Discounts", "zh-CN": "折扣"}
    found = changes_between(before, after)
    # The diff lists a move between two logic changes; the page does not.
    paths = [c["path"] for c in found]
    assert paths.index("/nodes/start/position") < paths.index("/nodes/done")

    chinese = group(found, "zh-CN")
    assert chinese.moved == 2 and len(chinese.layout) == 2
    assert all(line.op == "changed" for line in chinese.layout)
    assert {line.target for line in chinese.layout} == {"start", "check"}
    assert [line.target for line in chinese.logic] == [
        "",
        "",
        "mgr",
        "done",
        "closed",
        "e2",
        "e3",
        "e4",
        "e5",
        "e6",
    ]
    assert chinese.logic[0].text.startswith("标题（英文）")
    assert any(line.op == "removed" and "删除" in line.text for line in chinese.logic)

    english = group(found, "en")
    assert english.logic[0].text.startswith("Title (English) changed")
    # A language the diff does not speak falls back to English.
    assert group(found, "fr").logic[0].text == english.logic[0].text
    assert text("en", "versions.moved", n=chinese.moved) == "2 steps moved (layout only)"


def test_a_change_without_words_still_says_what_it_is() -> None:
    found = [{"op": "changed", "path": "/nodes/x/config", "aspect": "logic"}]
    assert group(found, "en").logic[0].text == "changed /nodes/x/config"


def test_the_page_opens_on_what_the_draft_would_change() -> None:
    newest_first = [4, 3, 2, 1]
    # The draft against what is live for the default variant…
    assert default_pair(newest_first, {"default": 2, "east": 3}, True) == ("2", "draft")
    # …or the newest live one, or the newest version when nothing is live.
    assert default_pair(newest_first, {"east": 3, "south": 1}, True) == ("3", "draft")
    assert default_pair(newest_first, {}, True) == ("4", "draft")
    # No draft: what the newest version changed.
    assert default_pair(newest_first, {"default": 2}, False) == ("3", "4")
    assert default_pair([1], {"default": 1}, False) == ("1", "1")
    assert default_pair([], {}, True) == ("", "draft")
    assert default_pair([], {}, False) == ("", "")


def test_a_choice_survives_a_reload_only_while_it_names_something() -> None:
    assert still_there("draft", [1], True) and not still_there("draft", [1], False)
    assert still_there("1", [2, 1], False) and not still_there("3", [2, 1], False)
    assert not still_there("", [1], True)


def test_what_activating_a_version_does_to_a_variant() -> None:
    assert move_kind(None, 2) == "first"
    assert move_kind(2, 2) == "same"
    assert move_kind(2, 3) == "forward"
    assert move_kind(3, 2) == "rollback"
    assert (
        text("en", "versions.move", variant="default", **{"from": 3, "to": 2})
        == "Variant default: version 3 → version 2"
    )
    assert text("zh-CN", "versions.move_effect", to=2).startswith("新的流程实例将使用版本 2")
