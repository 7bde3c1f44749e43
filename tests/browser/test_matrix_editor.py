"""The permission matrix editor in a real browser: hide a field from reps, widen a
manager's data scope, add temporary access with its times, save, preview as a role
(the server's answer once saved), and publish the form and the matrix as one change set.

Each test has a form and a matrix of its own (the tests share one API).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.helpers import api, sign_in
from tests.browser.stack import Studio

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _wide(page: Page) -> None:
    page.set_viewport_size({"width": 1600, "height": 1000})


def form(key: str) -> dict[str, Any]:
    def field(name: str, kind: str, **more: Any) -> dict[str, Any]:
        return {"key": name, "type": kind, "label": {"en": name.title()}, **more}

    stages = [{"value": v, "label": {"en": v.title()}} for v in ("open", "won")]
    return {
        "kind": "form",
        "schema_version": 2,
        "key": key,
        "title": {"en": key.replace("-", " ").title()},
        "stage_field": "stage",
        "fields": [
            field("name", "text", required=True),
            field("stage", "select", options=stages),
            field("amount", "money", currency="CNY"),
            field("margin", "percent"),
        ],
    }


def matrix(key: str, form_key: str) -> dict[str, Any]:
    return {
        "kind": "permission_matrix",
        "schema_version": 2,
        "key": key,
        "title": {"en": key.replace("-", " ").title()},
        "roles": [
            {
                "role": "rep",
                "forms": [{"form": form_key, "access": "write", "row_scope": "own"}],
                "actions": ["start"],
            },
            {
                "role": "manager",
                "forms": [{"form": form_key, "access": "read", "row_scope": "team"}],
            },
        ],
    }


def put(studio: Studio, content: dict[str, Any]) -> None:
    with api(studio) as client:
        response = client.put(f"/documents/{content['kind']}/{content['key']}/draft", json=content)
        assert response.status_code in (200, 201), response.text


def draft(studio: Studio, kind: str, key: str) -> dict[str, Any]:
    with api(studio) as client:
        body: dict[str, Any] = client.get(f"/documents/{kind}/{key}/draft").json()
        return body


def editor_ready(page: Page) -> None:
    expect(page.locator('#workspace[data-ready="true"]')).to_be_visible()


def settled(page: Page) -> None:
    expect(page.locator('#workspace[data-checking="false"]')).to_be_visible()


def cell(page: Page, holder: str, field: str) -> Locator:
    return page.locator(f'#matrix-grid .access-cell[data-holder="{holder}"][data-field="{field}"]')


def preview_line(page: Page, key: str) -> Locator:
    return page.locator(f'#matrix-preview .preview-line[data-key="{key}"]')


def test_edit_grid_grant_preview_and_publish_together(page: Page, studio: Studio) -> None:
    put(studio, form("grid-deal"))
    put(studio, matrix("grid-sales", "grid-deal"))
    sign_in(page, "admin", studio.password)
    page.goto("/matrices")
    page.locator('.document-row[data-key="grid-sales"] .open').click()
    expect(page).to_have_url(re.compile(r"/matrices/grid-sales$"))
    editor_ready(page)
    expect(page.locator("#matrix-form")).to_have_value("grid-deal")

    # Reps may not see the margin (their default is write): one click on the cell.
    margin = cell(page, "role:0", "margin")
    expect(margin).to_have_attribute("data-access", "write")
    expect(margin).to_have_attribute("data-explicit", "false")
    margin.click()
    expect(margin).to_have_attribute("data-access", "hidden")
    expect(margin).to_have_attribute("data-explicit", "true")
    # …except once the deal is won: a stage tab edits the exceptions of that stage.
    page.locator('#stage-tabs [data-stage="won"]').click()
    expect(margin).to_have_attribute("data-explicit", "false")  # inherits hidden here
    margin.click()
    expect(margin).to_have_attribute("data-access", "read")
    page.locator('#stage-tabs [data-stage=""]').click()
    expect(margin).to_have_attribute("data-access", "hidden")

    # A manager sees the region's deals.
    page.select_option('[data-scope="role:1"]', "region")
    settled(page)

    # Temporary access for the manager: from, until, why; margin writable meanwhile.
    page.click("#add-grant")
    grant = page.locator('.grant-card[data-grant="0"]')
    expect(grant).to_be_visible()
    grant.locator('[data-grant-name="0"]').fill("manager")
    grant.locator('[data-time="starts_at"]').fill("2026-12-01T09:00")
    grant.locator('[data-time="ends_at"]').fill("2027-01-15T18:00")
    grant.locator('[data-grant-reason="0"]').fill("Quarter-end margin review")
    export = grant.locator('[data-action="export"] button')
    export.click()
    # The toggle goes to the server and back; under load the next edits must
    # not overtake it (a lost click once saved a grant without the action).
    expect(export).to_have_attribute("data-state", "checked")
    expect(page.locator('.grid-row[data-holder="grant:0"]')).to_contain_text("manager")
    cell(page, "grant:0", "margin").click()  # read → write
    expect(cell(page, "grant:0", "margin")).to_have_attribute("data-access", "write")
    settled(page)
    expect(page.locator("#error-list-button")).to_contain_text("0")

    page.click("#save-button")
    expect(page.locator("#save-status")).to_have_text("All changes saved")
    stored = draft(studio, "permission_matrix", "grid-sales")
    assert stored["valid"], stored["errors"]
    rep, manager = stored["content"]["roles"]
    assert rep["forms"][0]["fields"] == {"margin": "hidden"}
    assert rep["forms"][0]["stages"] == {"won": {"margin": "read"}}
    assert manager["forms"][0]["row_scope"] == "region"
    (given,) = stored["content"]["grants"]
    assert given["role"] == "manager" and given["reason"] == "Quarter-end margin review"
    assert re.fullmatch(r"2026-12-01T09:00:00([+-]\d\d:\d\d)", given["starts_at"])
    assert given["ends_at"].startswith("2027-01-15T18:00:00")
    assert given["actions"] == ["export"]
    assert given["forms"][0]["fields"] == {"margin": "write"}

    # Preview as a rep: saved, so the server answers; the margin is hidden, but read when won.
    page.select_option("#preview-role", "rep")
    expect(page.locator("#preview-source")).to_have_attribute("data-server", "true")
    expect(preview_line(page, "margin")).to_have_attribute("data-access", "hidden")
    expect(preview_line(page, "amount")).to_have_attribute("data-access", "write")
    page.locator('#stage-tabs [data-stage="won"]').click()
    page.click("#preview-ask")
    expect(page.locator("#preview-source")).to_have_attribute("data-server", "true")
    expect(preview_line(page, "margin")).to_have_attribute("data-access", "read")
    # An unsaved change: the preview follows the grid and says so.
    cell(page, "role:0", "amount").click()  # won: write → hidden
    expect(page.locator("#preview-source")).to_have_attribute("data-server", "false")
    expect(preview_line(page, "amount")).to_have_attribute("data-access", "hidden")
    page.click("#undo-button")
    expect(page.locator("#save-status")).to_have_text("All changes saved")

    # The form and the matrix published together and made live in the same step.
    page.click("#publish-together")
    expect(page.locator("#together-dialog")).to_be_visible()
    expect(page.locator("#together-live-now")).to_be_checked()
    page.click("#together-submit")
    expect(page.locator("#together-done")).to_contain_text("Published together and live")
    expect(page.locator("#together-done")).to_contain_text("form grid-deal v1")
    expect(page.locator("#together-done")).to_contain_text("permission matrix grid-sales v1")
    expect(page.locator("#together-live")).to_have_count(0)
    with api(studio) as client:
        for kind, key in (("form", "grid-deal"), ("permission_matrix", "grid-sales")):
            versions = client.get(f"/documents/{kind}/{key}/versions").json()["items"]
            assert [v["version"] for v in versions] == [1]
            live = client.get(f"/documents/{kind}/{key}/active").json()
            assert live["variants"]["default"]["version"] == 1


def test_a_change_set_with_an_invalid_draft_publishes_nothing(page: Page, studio: Studio) -> None:
    broken = form("broken-deal")
    broken["fields"][1]["options"] = []  # a choice field without choices
    put(studio, broken)
    put(studio, matrix("broken-sales", "broken-deal"))
    sign_in(page, "admin", studio.password)
    page.goto("/matrices/broken-sales")
    editor_ready(page)
    page.click("#publish-together")
    page.click("#together-submit")
    error = page.locator("#together-error")
    expect(error).to_contain_text("form broken-deal /fields/1/options")
    with api(studio) as client:
        for kind, key in (("form", "broken-deal"), ("permission_matrix", "broken-sales")):
            assert client.get(f"/documents/{kind}/{key}/versions").json()["items"] == []


def test_roles_are_added_and_removed_and_errors_are_pinned(page: Page, studio: Studio) -> None:
    put(studio, form("roles-deal"))
    put(studio, matrix("roles-sales", "roles-deal"))
    sign_in(page, "editor", studio.password)
    page.goto("/matrices/roles-sales")
    editor_ready(page)
    page.fill("#new-role", "director")
    page.click("#add-role")
    row = page.locator('.grid-row[data-holder="role:2"]')
    expect(row).to_contain_text("director")
    expect(row).to_contain_text("Give access")
    row.locator("[data-give-access]").click()
    expect(cell(page, "role:2", "name")).to_have_attribute("data-access", "read")
    # The same role twice: the error is pinned to its row.
    page.fill("#new-role", "rep ")
    page.click("#add-role")  # not added: rep is there already
    expect(page.locator(".grid-row")).to_have_count(3)
    page.locator('.grid-row[data-holder="role:2"] .remove-role').click()
    expect(page.locator(".grid-row")).to_have_count(2)
    # A grant for nobody: pinned to the grant.
    page.click("#add-grant")
    settled(page)
    expect(page.locator('.grant-card[data-grant="0"] .field-error')).to_contain_text("exactly one")
    expect(page.locator('.grid-row[data-holder="grant:0"]')).to_have_attribute("data-kind", "grant")


def test_a_viewer_reads_the_matrix_but_changes_nothing(page: Page, studio: Studio) -> None:
    sign_in(page, "viewer", studio.password)
    page.goto("/matrices/sales")
    editor_ready(page)
    expect(page.locator("#read-only-badge")).to_be_visible()
    expect(page.locator("#save-button")).to_have_count(0)
    expect(page.locator("#publish-together")).to_have_count(0)
    expect(page.locator("#add-role")).to_have_count(0)
    expect(page.locator("#matrix-grid .access-cell").first).to_be_disabled()
    expect(page.locator('[data-scope="role:0"]')).to_be_disabled()
