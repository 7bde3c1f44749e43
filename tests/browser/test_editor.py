"""The canvas editor in a real browser: drawing, configuring, validating and saving.

Each test works on a workflow of its own (the tests share one API and run in
parallel); where a test needs a starting point it is made through the API.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser.helpers import (
    LINGUIST,
    api,
    connect,
    create_workflow,
    drag_step,
    field,
    flow,
    node_id,
    open_editor,
    put_draft,
    save,
    sign_in,
    simple,
    step,
)
from tests.browser.stack import Studio

pytestmark = pytest.mark.browser
# Palette, canvas and panel side by side: a laptop-sized screen.
SCREEN = {"width": 1600, "height": 900}


@pytest.fixture(autouse=True)
def _wide(page: Page) -> None:
    page.set_viewport_size(SCREEN)


@contextmanager
def api_down(studio: Studio, key: str) -> Iterator[None]:
    """Every call the studio makes about ``key`` fails as if the API were down."""
    down = Path(studio.down)
    with down.open("a", encoding="utf-8") as handle:
        handle.write(f"{key}\n")
    try:
        yield
    finally:
        keys = [k for k in down.read_text(encoding="utf-8").split() if k != key]
        down.write_text("".join(f"{k}\n" for k in keys), encoding="utf-8")


def edge_label(page: Page, text: str) -> Locator:
    """The label of the edge(s) showing ``text`` (a click on it selects the edge)."""
    return page.locator(".react-flow__edge-textwrapper", has_text=text)


def test_draw_configure_fix_save_and_reload(page: Page, studio: Studio) -> None:
    sign_in(page, "editor", studio.password)
    create_workflow(page, "drawn-routing", title="Drawn routing")
    expect(page.locator(".react-flow__node")).to_have_count(2)  # blank: start → end
    # Start from an empty canvas: select both steps of the blank and delete them.
    step(page, "start").click()
    step(page, "end").click(modifiers=["Shift"])
    page.keyboard.press("Delete")
    expect(page.locator(".react-flow__node")).to_have_count(0)
    expect(page.locator(".react-flow__edge")).to_have_count(0)

    drag_step(page, "start", 120, 300)
    drag_step(page, "decision", 370, 300)
    drag_step(page, "approval", 600, 160)
    drag_step(page, "end", 880, 300)
    drag_step(page, "end", 880, 480)
    start, decision, approval = step(page, "start"), step(page, "decision"), step(page, "approval")
    done, skipped = step(page, "end", 0), step(page, "end", 1)
    connect(page, start, decision)
    connect(page, decision, approval)
    connect(page, decision, skipped)
    connect(page, approval, done, port="approved")
    connect(page, approval, skipped, port="rejected")

    # The approval needs levels: two, each with a role.
    approval.click()
    expect(page.locator("#panel-type")).to_have_text("Approval")
    page.click('[data-add="/levels"]')
    page.click('[data-add="/levels"]')
    # Both levels are drawn before typing: a loaded browser may otherwise
    # redraw the list (the second add) over what was typed into the first.
    expect(field(page, "/levels/1/role")).to_be_visible()
    field(page, "/levels/0/role").fill("manager")
    field(page, "/levels/1/role").fill("director")
    expect(field(page, "/levels/0/role")).to_have_value("manager")
    expect(field(page, "/levels/1/role")).to_have_value("director")

    # The decision has no default way out: the error is pinned on its node.
    expect(decision.locator("[data-testid=error-badge]")).to_be_visible()
    assert "default" in (decision.locator(".trellis-node").get_attribute("title") or "")
    # Fix it: one edge gets a condition, the other becomes the default.
    edge_label(page, "no condition").first.click()
    page.fill("#edge-condition", "record['discount'] > 0.1")
    page.locator("#edge-condition").blur()
    expect(edge_label(page, "no condition")).to_have_count(1)
    edge_label(page, "no condition").click()
    page.click("#edge-default")
    expect(edge_label(page, "default")).to_have_count(1)
    expect(page.locator("#error-list-button")).to_contain_text("0")
    expect(decision.locator("[data-testid=error-badge]")).to_have_count(0)

    save(page)
    page.reload()
    expect(page.locator(".react-flow__node")).to_have_count(5)
    expect(page.locator(".react-flow__edge")).to_have_count(5)
    expect(page.locator("#error-list-button")).to_contain_text("0")
    expect(page.locator("#save-status")).to_have_text("All changes saved")
    with api(studio) as client:
        stored = client.get("/documents/workflow/drawn-routing/draft").json()
    assert stored["valid"], stored["errors"]
    levels = next(n for n in stored["content"]["nodes"] if n["type"] == "approval")
    assert levels["config"]["levels"] == [{"role": "manager"}, {"role": "director"}]


def test_a_bad_expression_is_marked_before_saving(page: Page, studio: Studio) -> None:
    key = "bad-expression"
    content = flow(
        key,
        {"id": "start", "type": "start", "position": {"x": 0, "y": 0}},
        {"id": "check", "type": "decision", "position": {"x": 280, "y": 0}},
        {"id": "a", "type": "end", "position": {"x": 560, "y": -80}},
        {"id": "b", "type": "end", "position": {"x": 560, "y": 80}},
        edges=[
            {"id": "e1", "source": "start", "target": "check"},
            {"id": "e2", "source": "check", "target": "a", "condition": "record['x'] > 1"},
            {"id": "e3", "source": "check", "target": "b", "default": True},
        ],
    )
    put_draft(studio, content)
    sign_in(page, "editor", studio.password)
    open_editor(page, key)
    expect(page.locator("#error-list-button")).to_contain_text("0")
    edge_label(page, "record['x'] > 1").click()
    page.fill("#edge-condition", "record['x' >")
    expect(page.locator("#config-panel")).to_contain_text("does not compile")
    expect(page.locator(".react-flow__edge.has-error")).to_have_count(1)
    expect(page.locator("#save-status")).to_have_text("Unsaved changes")
    page.click("#error-list-button")
    expect(page.locator("#error-list")).to_contain_text("/edges/1/condition")


def test_undo_redo_copy_and_paste(page: Page, studio: Studio) -> None:
    put_draft(studio, simple("keyboard-flow"))
    sign_in(page, "editor", studio.password)
    open_editor(page, "keyboard-flow")
    drag_step(page, "notify", 300, 350)
    page.keyboard.press("Control+z")
    expect(page.locator(".react-flow__node")).to_have_count(2)
    page.keyboard.press("Control+Shift+z")
    expect(page.locator(".react-flow__node")).to_have_count(3)
    # Copy two steps with the edge between them; the copy is selected.
    step(page, "start").click()
    step(page, "end").click(modifiers=["Shift"])
    page.keyboard.press("Control+c")
    page.keyboard.press("Control+v")
    expect(page.locator(".react-flow__node")).to_have_count(5)
    expect(page.locator(".react-flow__edge")).to_have_count(2)
    expect(page.locator(".react-flow__node.selected")).to_have_count(2)
    page.click("#auto-layout")
    expect(page.locator("#save-status")).to_have_text("Unsaved changes")


def test_unsaved_work_survives_a_reload_and_can_be_discarded(page: Page, studio: Studio) -> None:
    put_draft(studio, simple("reload-flow"))
    sign_in(page, "editor", studio.password)
    open_editor(page, "reload-flow")
    drag_step(page, "wait", 300, 350)
    expect(page.locator("#save-status")).to_have_text("Unsaved changes")
    page.reload()
    expect(page.locator("#restored-banner")).to_be_visible()
    expect(page.locator(".react-flow__node")).to_have_count(3)
    expect(page.locator("#save-status")).to_have_text("Unsaved changes")
    page.click("#discard-local")
    expect(page.locator(".react-flow__node")).to_have_count(2)
    expect(page.locator("#save-status")).to_have_text("All changes saved")
    page.reload()
    expect(page.locator(".react-flow__node")).to_have_count(2)
    expect(page.locator("#restored-banner")).to_have_count(0)


def test_saving_while_the_api_is_down_keeps_the_work(page: Page, studio: Studio) -> None:
    key = "down-flow"
    put_draft(studio, simple(key))
    sign_in(page, "editor", studio.password)
    open_editor(page, key)
    drag_step(page, "wait", 300, 350)
    with api_down(studio, key):
        page.click("#save-button")
        expect(page.get_by_text("The draft was not saved")).to_be_visible()
        expect(page.locator("#save-status")).to_have_text("Unsaved changes")
        stored = page.evaluate(
            f"window.localStorage.getItem('trellis-draft:editor:workflow:{key}')"
        )
        assert stored and len(json.loads(stored)["document"]["nodes"]) == 3
    save(page)  # back up: the same work is saved
    with api(studio) as client:
        assert len(client.get(f"/documents/workflow/{key}/draft").json()["content"]["nodes"]) == 3


def test_someone_elses_save_is_a_choice_not_a_loss(
    browser: Browser, studio: Studio, page: Page
) -> None:
    key = "conflict-flow"
    put_draft(studio, simple(key))
    pages = []
    for _ in range(2):
        context = browser.new_context(base_url=studio.url, viewport=SCREEN)
        page = context.new_page()
        sign_in(page, "editor", studio.password)
        open_editor(page, key)
        pages.append(page)
    mine, theirs = pages
    drag_step(theirs, "notify", 300, 350)
    save(theirs)
    drag_step(mine, "wait", 300, 350)
    mine.click("#save-button")
    expect(mine.locator("#conflict-dialog")).to_be_visible()
    mine.click("#conflict-reload")
    expect(step(mine, "notify")).to_be_visible()
    expect(step(mine, "wait")).to_have_count(0)
    # And the other way round: overwrite keeps mine.
    drag_step(theirs, "script", 300, 500)
    save(theirs)
    drag_step(mine, "wait", 500, 500)
    mine.click("#save-button")
    mine.click("#conflict-overwrite")
    expect(mine.locator("#save-status")).to_have_text("All changes saved")
    with api(studio) as client:
        types = [
            n["type"]
            for n in client.get(f"/documents/workflow/{key}/draft").json()["content"]["nodes"]
        ]
    assert "wait" in types
    assert "script" not in types
    for page in pages:
        page.context.close()


def test_a_viewer_reads_but_cannot_edit(page: Page, studio: Studio) -> None:
    put_draft(studio, simple("viewer-flow"))
    sign_in(page, "viewer", studio.password)
    open_editor(page, "viewer-flow")
    expect(page.locator("#palette")).to_have_count(0)
    expect(page.locator("#save-button")).to_have_count(0)
    expect(page.get_by_text("Read only")).to_be_visible()
    step(page, "start").click()
    expect(page.locator("#label-en")).to_be_disabled()
    page.keyboard.press("Delete")
    expect(page.locator(".react-flow__node")).to_have_count(2)


def test_an_unknown_step_type_is_shown_not_fatal(page: Page, studio: Studio) -> None:
    key = "unknown-step"
    content = simple(key)
    content["nodes"].append({"id": "beam", "type": "teleport", "position": {"x": 150, "y": 200}})
    put_draft(studio, content)
    sign_in(page, "editor", studio.password)
    open_editor(page, key)
    unknown = step(page, "teleport")
    expect(unknown).to_contain_text("Unknown type: teleport")
    expect(page.locator("#error-list-button")).not_to_contain_text(
        re.compile(r"^\s*Errors\s*0\s*$")
    )
    unknown.click()
    expect(page.locator("#config-panel")).to_contain_text("cannot be published")
    with api(studio, "publisher") as client:
        revision = client.get(f"/documents/workflow/{key}/draft").json()["revision"]
        refused = client.post(
            f"/documents/workflow/{key}/publish", json={"message": "x", "revision": revision}
        )
    assert refused.status_code == 422


def test_a_broken_draft_opens_and_can_be_mended(page: Page, studio: Studio) -> None:
    # Drafts are saved even when invalid (through the API, say): the canvas still opens.
    key = "broken-draft"
    content = simple(key)
    content["nodes"][0]["position"] = [1, 2]
    content["nodes"][1]["config"] = ["not", "settings"]
    put_draft(studio, content)
    sign_in(page, "editor", studio.password)
    open_editor(page, key)
    expect(page.locator(".react-flow__node")).to_have_count(2)
    step(page, "end").click()
    expect(page.locator("#panel-type")).to_have_text("End")
    expect(page.locator("#error-list-button")).not_to_contain_text(
        re.compile(r"^\s*Errors\s*0\s*$")
    )


def test_chinese_labels_on_palette_and_panel(page: Page, studio: Studio) -> None:
    put_draft(studio, simple("chinese-flow"))
    sign_in(page, LINGUIST, studio.password)
    open_editor(page, "chinese-flow")
    page.locator("#language-switch").get_by_role("radio", name="中文").click()
    expect(page.locator('[data-palette-type="approval"]')).to_contain_text("审批")
    expect(page.locator("#palette")).to_contain_text("步骤")
    # The palette searches labels in both languages and keywords.
    page.fill("#palette-search", "审批")
    expect(page.locator('[data-palette-type="decision"]')).to_have_count(0)
    page.fill("#palette-search", "discount")
    expect(page.locator('[data-palette-type="approval"]')).to_be_visible()
    page.fill("#palette-search", "")
    expect(page.locator('[data-palette-type="decision"]')).to_be_visible()
    drag_step(page, "approval", 400, 350)
    step(page, "approval").click()
    expect(page.locator("#panel-type")).to_have_text("审批")
    expect(page.locator("#config-panel")).to_contain_text("审批级别")
    expect(step(page, "approval")).to_contain_text("审批")
    page.locator("#language-switch").get_by_role("radio", name="English").click()
    expect(page.locator("#panel-type")).to_have_text("Approval")
    node_id(step(page, "approval"))
