"""The versions page's pure parts, without a browser: a diff coloured on the canvas and
put in words, the page's first choices, and what the dialogs say of the sandbox gate.

The diffs are real: the API's own (``GET .../diff`` through the test client) or
``builder.diff`` turned into JSON the way the API sends it; so is one sandbox gate
status, with a run performed in-process.
"""

from __future__ import annotations

import ast
import copy
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
from litestar.testing import TestClient
from sqlalchemy.engine import Engine

from builder.diff import diff
from runtime.api.app import create_app
from runtime.config import Settings
from runtime.sandbox.perform import perform_queued
from studio.editor.graph import graph
from studio.labels import LABELS, text
from studio.versions import gate
from studio.versions.changes import group, highlight, overlay, segments, target
from studio.versions.choice import default_pair, move_kind, still_there
from tests import test_sandbox_runs as runs
from tests.cases import publish, signed_in
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


# ---- the sandbox gate ------------------------------------------------------------------

VERSIONS = Path(gate.__file__).parent


def run(run_id: int, digest: str = "sha256:aaa", **figures: Any) -> dict[str, Any]:
    """One run as ``GET /sandbox/gates/{workflow}`` names it."""
    return {
        "id": run_id,
        "candidate_hash": digest,
        "baseline_version": 1,
        "finished_at": "2024-05-01T10:00:00+00:00",
        "cases": 20,
        "reproduced": 19,
        "mismatched": 1,
        "changed": 10,
        "tiers": {"A": 10, "B": 8, "C": 2},
        "compliance_new_violations": 3,
        **figures,
    }


def status(**given: Any) -> gate.GateStatus:
    body = {
        "workflow": "travel-declaration",
        "draft_hash": "sha256:aaa",
        "report": None,
        "latest": None,
        "stale": False,
        "gates": {},
        **given,
    }
    return gate.GateStatus.decode(body)


def test_a_report_of_exactly_the_draft_is_named_with_its_figures_and_link() -> None:
    found = gate.box(status(report=run(7), latest=run(7)), "en")
    assert found.kind == "report"
    assert found.text == (
        "Sandbox run #7: 20 cases, baseline reproduced 19 (1 mismatches), "
        "10 change path (A 10 · B 8 · C 2), 3 new compliance violations"
    )
    assert (found.link, found.link_text) == ("/sandbox/7", "Open the report")
    chinese = gate.box(status(report=run(7)), "zh-CN")
    assert chinese.text.startswith("模拟运行 #7：20 个流程实例，基线重放一致 19 个（1 个不一致）")
    assert "新增合规违规 3 项" in chinese.text and chinese.link_text == "查看报告"
    # The report of exactly the draft wins even when a newer run is of other content.
    newer = gate.box(status(report=run(7), latest=run(9, "sha256:bbb"), stale=True), "en")
    assert (newer.kind, newer.link) == ("report", "/sandbox/7")


def test_a_report_of_other_content_is_stale_and_links_to_that_report() -> None:
    found = gate.box(status(latest=run(9, "sha256:bbb"), stale=True), "en")
    assert found.kind == "stale"
    assert found.text == "The latest sandbox report is of another version of this draft (stale)."
    assert (found.link, found.link_text) == ("/sandbox/9", "Open that report")
    assert gate.box(status(latest=run(9, "sha256:bbb")), "zh-CN").text.endswith("（已过时）。")


def test_no_run_yet_links_to_the_sandbox_with_the_workflow_chosen() -> None:
    found = gate.box(status(), "en")
    assert found.kind == "none"
    assert found.text == "No sandbox run of this draft yet."
    assert (found.link, found.link_text) == (
        "/sandbox?workflow=travel-declaration",
        "Run the sandbox",
    )
    assert gate.box(status(), "zh-CN").text == "此草稿尚无沙盒模拟运行。"
    # A draft that cannot be published has no hash, and so no report either.
    assert gate.box(status(draft_hash=None, latest=None), "en").kind == "none"
    assert gate.sandbox_route("a b/c") == "/sandbox?workflow=a%20b%2Fc"
    assert gate.sandbox_route("") == "/sandbox"


def test_the_variants_that_need_a_report_are_named_the_default_first() -> None:
    gated = status(gates={"south": False, "east": True, "default": True})
    assert gated.required() == ["default", "east"]
    assert gated.requires("east") and not gated.requires("south")
    assert not gated.requires("west")  # never set: not gated
    assert gate.required_text(gated, "en") == (
        "Going live in default, east needs a sandbox report of exactly this content."
    )
    assert gate.required_text(gated, "zh-CN") == (
        "变体 默认、east 须有针对完全相同内容的沙盒报告才能生效。"
    )
    assert gate.required_text(status(gates={"east": False}), "en") == ""
    assert gate.required_text(status(), "en") == ""


def test_the_run_of_a_versions_content_is_found_by_its_hash() -> None:
    known = status(report=run(7, "sha256:aaa"), latest=run(9, "sha256:bbb"), stale=True)
    assert gate.has_run_text(known, "sha256:bbb", "en") == (
        "Sandbox run #9 replayed exactly this content."
    )
    assert gate.has_run_text(known, "sha256:aaa", "zh-CN") == "模拟运行 #7 已重放完全相同的内容。"
    assert gate.has_run_text(known, "sha256:ccc", "en") == ""
    assert gate.has_run_text(known, "", "en") == ""  # a version whose hash is not known


def test_an_odd_or_empty_status_reads_as_nothing_known() -> None:
    empty = gate.GateStatus.decode(None)
    assert (empty.report, empty.latest, empty.gates, empty.stale) == (None, None, {}, False)
    partial = gate.GateStatus.decode(
        {"workflow": "w", "report": {"id": 3, "tiers": None}, "latest": "x", "gates": {"d": 1}}
    )
    assert partial.report is not None and partial.latest is None
    assert (partial.report.cases, partial.report.tiers) == (0, {"A": 0, "B": 0, "C": 0})
    assert partial.gates == {"d": False}  # only ``true`` gates a variant


def test_only_the_sandbox_409_is_a_refusal_for_want_of_a_report() -> None:
    detail = (
        "Variant 'east' of 'travel-declaration' goes live only after a completed sandbox "
        "run of exactly this content (sha256:ab); run the sandbox on it first."
    )
    assert gate.refused_by_gate(409, detail)
    assert not gate.refused_by_gate(409, "A concurrent change got there first; retry.")
    assert not gate.refused_by_gate(422, detail)


def test_every_gate_label_is_in_both_languages_and_every_one_used_exists() -> None:
    for key, (en, zh) in gate.GATE_LABELS.items():
        assert LABELS[key] == (en, zh), key  # joined to the one table, not shadowing it
        assert sorted(re.findall(r"{(\w+)}", en)) == sorted(re.findall(r"{(\w+)}", zh)), key
    used = {
        node.value
        for path in VERSIONS.glob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and re.fullmatch(r"gate\.[a-z_]+", node.value)
    }
    assert {"gate.toggle", "gate.refused", "gate.title"} <= used
    assert sorted(used - LABELS.keys()) == []


@pytest.fixture
def travel(settings: Settings, engine: Engine, make_user: Any) -> Iterator[tuple[Any, int]]:
    """An admin's client with the travel declaration live and a small history imported."""
    with TestClient(app=create_app(settings)) as client:
        admin = signed_in(client, engine, make_user("admin", "root"))
        publish(admin, runs.FORM)
        publish(admin, runs.WORKFLOW)
        made = admin.post(
            f"{runs.API}/sandbox/datasets",
            files={"file": ("declarations.csv", runs.HISTORY.encode(), "text/csv")},
            data={"mapping": json.dumps(runs.MAPPING_JSON)},
        )
        assert made.status_code == 201, made.text
        yield admin, int(made.json()["id"])


def test_the_gate_status_of_the_api_reads_none_then_report_then_stale(
    travel: tuple[Any, int], settings: Settings
) -> None:
    """The real status through the test client: the same words from the API's shape."""
    client, dataset = travel
    base = f"{runs.API}/documents/workflow/travel-declaration"
    gates = f"{runs.API}/sandbox/gates/travel-declaration"
    assert client.put(f"{gates}/default", json={"require_sandbox": True}).status_code == 200
    draft = runs.skip_supervisor_under(500)
    runs.save_draft(client, draft)
    none = gate.GateStatus.decode(client.get(gates).json())
    assert gate.box(none, "en").kind == "none" and none.required() == ["default"]
    published = client.post(f"{base}/publish", json={"message": "skip small"}).json()
    refused = client.put(f"{base}/active/default", json={"version": published["version"]})
    assert gate.refused_by_gate(refused.status_code, refused.json()["detail"])
    assert gate.refused_by_gate(409, "", refused.json()["errors"])
    assert refused.json()["errors"][0]["code"] == "sandbox_required"

    run_id = runs.ask(client, dataset).json()["id"]  # the draft: the published content
    assert perform_queued(settings) == 1
    report = client.get(f"{runs.API}/sandbox/runs/{run_id}").json()["report"]
    found = gate.GateStatus.decode(client.get(gates).json())
    assert found.report is not None and found.report.id == run_id
    assert found.run_for(published["hash"]) == found.report
    said = gate.box(found, "en")
    assert said.link == f"/sandbox/{run_id}"
    assert said.text.startswith(
        f"Sandbox run #{run_id}: {report['cases']} cases, baseline reproduced "
        f"{report['baseline_reproduction']['reproduced']} (0 mismatches), "
        f"{report['changed']['cases']} change path"
    )

    changed = copy.deepcopy(draft)
    changed["title"] = {"en": "Travel expenses"}
    runs.save_draft(client, changed)
    stale = gate.GateStatus.decode(client.get(gates).json())
    assert gate.box(stale, "en").kind == "stale" and gate.box(stale, "en").link == said.link
