"""The versions page in a real browser: publish, see a change as a diff, roll back.

Each test has a workflow of its own; the drafts are drawn in the editor or, where
the drawing is not the point, stored through the API.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    api,
    editor_ready,
    field,
    open_editor,
    put_draft,
    save,
    sign_in,
    simple,
    step,
)
from tests.browser.stack import Studio
from tests.serve import run_cli

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _wide(page: Page) -> None:
    page.set_viewport_size({"width": 1600, "height": 1000})


def with_approval(key: str) -> dict[str, object]:
    content = simple(key)
    content["nodes"].insert(  # type: ignore[attr-defined]
        1,
        {
            "id": "ok",
            "type": "approval",
            "config": {"levels": [{"role": "manager"}]},
            "position": {"x": 300, "y": 0},
        },
    )
    content["nodes"][2]["position"] = {"x": 600, "y": 0}  # type: ignore[index]
    content["edges"] = [  # the end is reached either way
        {"id": "e1", "source": "start", "target": "ok"},
        {"id": "e2", "source": "ok", "target": "end"},
        {"id": "e3", "source": "ok", "target": "end", "source_port": "rejected"},
    ]
    return content


def publish(page: Page, message: str) -> None:
    page.click("#publish-open")
    page.fill("#publish-message", message)
    page.click("#publish-submit")
    expect(page.locator("#publish-dialog")).to_have_count(0)


def make_live(page: Page, version: int) -> None:
    """Make ``version`` live for the default variant, through the confirmation."""
    page.locator(f'#version-row[data-version="{version}"] .version-activate').click()
    expect(page.locator("#activate-dialog")).to_be_visible()
    page.click("#activate-confirm")
    expect(page.locator("#activate-dialog")).to_have_count(0)


def test_publish_change_see_the_diff_and_roll_back(page: Page, studio: Studio) -> None:
    key = "versioned-flow"
    put_draft(studio, with_approval(key))
    sign_in(page, "admin", studio.password)
    open_editor(page, key)
    page.click("#versions-link")
    expect(page).to_have_url(re.compile(rf"/workflows/{key}/versions$"))

    publish(page, "First rules")
    expect(page.locator('#version-row[data-version="1"]')).to_contain_text("First rules")
    make_live(page, 1)
    expect(page.locator('.live-row[data-variant="default"]')).to_contain_text("1")

    # A second change, made in the editor: the manager's level becomes the director's.
    page.click("#editor-link")
    editor_ready(page)
    step(page, "approval").click()
    field(page, "/levels/0/role").fill("director")
    expect(page.locator("#save-status")).to_have_text("Unsaved changes")
    save(page)
    page.click("#versions-link")
    # Live version against the draft: the change in words and on the canvas.
    expect(page.locator("#diff-list")).to_contain_text("director")
    expect(page.locator("#diff-canvas .trellis-node.hl-changed")).to_have_count(1)
    expect(page.locator('#diff-canvas [data-node-type="approval"].hl-changed')).to_be_visible()

    publish(page, "Directors approve")
    expect(page.locator('#version-row[data-version="2"]')).to_contain_text("Directors approve")
    make_live(page, 2)
    expect(page.locator('.live-row[data-variant="default"]')).to_contain_text("2")

    # Roll back: the confirmation names the move before anything changes.
    page.locator('#version-row[data-version="1"] .version-activate').click()
    expect(page.locator("#activate-move")).to_contain_text("2")
    expect(page.locator("#activate-move")).to_contain_text("1")
    page.click("#activate-confirm")
    expect(page.locator('.live-row[data-variant="default"]')).to_contain_text("1")
    with api(studio) as client:
        active = client.get(f"/documents/workflow/{key}/active").json()
    assert active["variants"]["default"]["version"] == 1, active


def test_an_invalid_draft_cannot_be_published_and_says_why(page: Page, studio: Studio) -> None:
    key = "broken-flow"
    content = simple(key)
    content["edges"] = []  # the end is unreachable: not publishable
    put_draft(studio, content)
    sign_in(page, "publisher", studio.password)
    page.goto(f"/workflows/{key}/versions")
    expect(page.locator("#publish-blocked")).to_be_visible()
    expect(page.locator("#publish-open")).to_be_disabled()


def test_a_viewer_sees_versions_without_controls(page: Page, studio: Studio) -> None:
    put_draft(studio, simple("viewed-flow"))
    sign_in(page, "viewer", studio.password)
    page.goto("/workflows/viewed-flow/versions")
    expect(page.locator("#versions-read-only")).to_be_visible()
    expect(page.locator("#publish-open")).to_have_count(0)
    expect(page.locator("#activate-open")).to_have_count(0)


def test_a_role_taken_away_is_refused_with_a_clear_message(page: Page, studio: Studio) -> None:
    # The page was opened by a publisher; an admin demotes them before they press publish.
    username, key = "demoted", "demoted-flow"
    created = run_cli(
        studio.database, "users", "create", "--username", username,
        "--password", studio.password, "--role", "publisher",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    put_draft(studio, simple(key))
    sign_in(page, username, studio.password)
    page.goto(f"/workflows/{key}/versions")
    page.click("#publish-open")
    page.fill("#publish-message", "Should not land")
    demoted = run_cli(
        studio.database, "users", "set-role", "--username", username, "--role", "viewer"
    )
    assert demoted.returncode == 0, demoted.stderr
    page.click("#publish-submit")
    expect(page.locator("#publish-error")).to_contain_text("Your role may not do this.")
    with api(studio) as client:
        versions = client.get(f"/documents/workflow/{key}/versions").json()["items"]
    assert versions == []
