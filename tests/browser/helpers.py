"""What the browser tests do over and over, in the user's terms."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from playwright.sync_api import Locator, Page, expect

from tests.browser.stack import Studio

__all__ = [
    "LINGUIST",
    "api",
    "connect",
    "create_workflow",
    "drag_step",
    "edge_between",
    "editor_ready",
    "field",
    "flow",
    "node_id",
    "open_editor",
    "put_draft",
    "row",
    "save",
    "settled",
    "sign_in",
    "simple",
    "step",
]

# An editor of its own for the tests that change the user's language: the tests run in
# parallel against one database, and every other user must stay in English.
LINGUIST = "linguist"


def sign_in(page: Page, username: str, password: str) -> None:
    """Sign in from the login page and wait until the studio shows who is signed in."""
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#sign-in")
    expect(page.locator("#current-user")).to_be_visible()


def row(page: Page, key: str) -> Locator:
    """The workflow list's line of ``key``."""
    return page.locator(f'.workflow-row[data-key="{key}"]')


def create_workflow(page: Page, key: str, title: str = "", copy_of: str = "") -> None:
    """Fill in and submit the "new workflow" dialog (blank, or a copy of ``copy_of``)."""
    page.click("#create-open")
    if copy_of:
        page.get_by_test_id("create-mode").locator('button[value="copy"]').click()
        page.click("#create-source")
        page.get_by_role("option").filter(has_text=copy_of).click()
    page.fill("#create-key", key)
    if title:
        page.fill("#create-title_en", title)
    page.click("#create-submit")


# ---- the canvas editor ---------------------------------------------------------------


def open_editor(page: Page, key: str) -> None:
    """Open the canvas of ``key`` and wait until its steps are drawn."""
    page.goto(f"/workflows/{key}")
    editor_ready(page)


def editor_ready(page: Page) -> None:
    """Wait until the editor has loaded the draft (and any unsaved local copy)."""
    expect(page.locator('#workspace[data-ready="true"]')).to_be_visible()
    expect(page.locator(".react-flow__node").first).to_be_visible()


def step(page: Page, node_type: str, nth: int = 0) -> Locator:
    """The ``nth`` step of ``node_type`` on the canvas."""
    return page.locator(f'.react-flow__node:has([data-node-type="{node_type}"])').nth(nth)


def settled(page: Page) -> None:
    """Wait until the last edit has been validated (its errors are on the canvas)."""
    expect(page.locator('#workspace[data-checking="false"]')).to_be_visible()


def drag_step(page: Page, node_type: str, x: int, y: int) -> None:
    """Drag ``node_type`` from the palette onto the canvas at (x, y) of the pane."""
    settled(page)
    before = page.locator(".react-flow__node").count()
    page.drag_and_drop(
        f'[data-palette-type="{node_type}"]',
        ".react-flow__pane",
        target_position={"x": x, "y": y},
    )
    expect(page.locator(".react-flow__node")).to_have_count(before + 1)
    settled(page)


def _centre(locator: Locator) -> tuple[float, float]:
    box = locator.bounding_box()
    assert box is not None, locator
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def connect(page: Page, source: Locator, target: Locator, port: str = "") -> None:
    """Drag from the source step's handle (``port``, or its only one) to the target's."""
    settled(page)
    before = page.locator(".react-flow__edge").count()
    handle = (
        f'.react-flow__handle[data-handleid="{port}"]' if port else ".react-flow__handle.source"
    )
    edges = page.locator(".react-flow__edge")
    for attempt in range(2):
        x, y = _centre(source.locator(handle))
        to_x, to_y = _centre(target.locator(".react-flow__handle.target"))
        page.mouse.move(x, y)
        page.mouse.down()
        for i in range(1, 11):  # React Flow follows a pointer that moves, not one that jumps
            page.mouse.move(x + (to_x - x) * i / 10, y + (to_y - y) * i / 10)
        page.mouse.up()
        if attempt == 0:
            # On a loaded machine the first gesture is sometimes lost before React
            # Flow has bound its handlers; a second, identical one is then made.
            try:
                expect(edges).to_have_count(before + 1, timeout=5000)
                break
            except AssertionError:
                settled(page)
                if edges.count() == before + 1:  # it was only slow
                    break
    expect(edges).to_have_count(before + 1)
    settled(page)


def edge_between(page: Page, source_id: str, target_id: str) -> Locator:
    """The edge from one step to another, by their ids (``data-id`` of the nodes)."""
    return page.locator(
        f'.react-flow__edge[data-testid^="rf__edge-"]'
        f'[aria-label*="{source_id}"][aria-label*="{target_id}"]'
    )


def node_id(locator: Locator) -> str:
    found = locator.get_attribute("data-id")
    assert found, locator
    return found


def field(page: Page, pointer: str) -> Locator:
    """The config panel's input for the setting at ``pointer`` (relative to the config)."""
    return page.locator(f'#config-panel [data-pointer="{pointer}"]')


def save(page: Page) -> None:
    page.click("#save-button")
    expect(page.locator("#save-status")).to_have_text("All changes saved")


# ---- data through the API itself -------------------------------------------------------


@contextmanager
def api(studio: Studio, username: str = "admin") -> Iterator[httpx.Client]:
    """A client of the API itself, signed in as ``username``."""
    with httpx.Client(base_url=studio.api, timeout=30) as client:
        credentials = {"username": username, "password": studio.password}
        body = client.post("/auth/login", json=credentials).json()
        client.headers["Authorization"] = f"Bearer {body['token']}"
        yield client


def put_draft(studio: Studio, content: dict[str, Any]) -> int:
    with api(studio) as client:
        response = client.put(f"/documents/workflow/{content['key']}/draft", json=content)
        assert response.status_code in (200, 201), response.text
        return int(response.json()["revision"])


def flow(key: str, *nodes: dict[str, Any], edges: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "kind": "workflow",
        "schema_version": 2,
        "key": key,
        "title": {"en": key.replace("-", " ").capitalize()},
        "nodes": list(nodes),
        "edges": edges,
    }


def simple(key: str) -> dict[str, Any]:
    """start → end, valid."""
    return flow(
        key,
        {"id": "start", "type": "start", "position": {"x": 0, "y": 0}},
        {"id": "end", "type": "end", "position": {"x": 300, "y": 0}},
        edges=[{"id": "e1", "source": "start", "target": "end"}],
    )
