"""The form designer in a real browser: design a form with a field shown for one
customer type only, see it in the preview, save, reload, have an invalid rule pinned
to its field, publish; a viewer reads it all but changes nothing.

Each test has a form of its own (the tests share one API and run in parallel).
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


def designer_ready(page: Page) -> None:
    expect(page.locator('#workspace[data-ready="true"]')).to_be_visible()


def settled(page: Page) -> None:
    """The last edit has been validated (its errors are on screen)."""
    expect(page.locator('#workspace[data-checking="false"]')).to_be_visible()


def row(page: Page, key: str) -> Locator:
    return page.locator(f'.field-row[data-field-key="{key}"]')


def keys(page: Page) -> list[str]:
    return [
        k or ""
        for k in page.locator(".field-row").evaluate_all(
            "rows => rows.map(r => r.getAttribute('data-field-key'))"
        )
    ]


def typed(locator: Locator, value: str) -> None:
    """Fill a debounced input and wait until the edit it makes is in."""
    locator.fill(value)
    locator.blur()
    expect(locator).to_have_value(value)


def option(page: Page, index: int, part: str) -> Locator:
    return page.locator(f'#field-options [data-option="{index}"][data-part="{part}"]')


def put_form(studio: Studio, content: dict[str, Any]) -> None:
    with api(studio) as client:
        response = client.put(f"/documents/form/{content['key']}/draft", json=content)
        assert response.status_code in (200, 201), response.text


def test_design_preview_save_reload_and_an_invalid_rule_pinned(page: Page, studio: Studio) -> None:
    sign_in(page, "admin", studio.password)
    page.goto("/forms")
    page.click("#create-open")
    page.fill("#create-key", "designed-lead")
    page.fill("#create-title_en", "Designed lead")
    page.click("#create-submit")
    expect(page).to_have_url(re.compile(r"/forms/designed-lead$"))
    designer_ready(page)
    expect(page.locator("#fields-empty")).to_be_visible()

    # A choice field, clicked from the palette: the customer type, with two choices.
    page.click('[data-palette-field="select"]')
    expect(page.locator("#panel-type")).to_have_text("Choice")
    typed(page.locator("#field-label-en"), "Customer type")
    typed(page.locator("#field-key"), "customer_type")
    typed(option(page, 0, "value"), "key_account")
    typed(option(page, 0, "en"), "Key account")
    typed(option(page, 1, "value"), "smb")
    typed(option(page, 1, "en"), "Small business")
    settled(page)

    # A text field, dragged from the palette onto the list: shown for key accounts only.
    box = page.locator("#field-list").bounding_box()
    assert box is not None
    bottom = {"x": 100, "y": box["height"] - 12}  # below the last field: at the end
    page.drag_and_drop('[data-palette-field="text"]', "#field-list", target_position=bottom)
    expect(page.locator(".field-row")).to_have_count(2)
    expect(page.locator("#panel-type")).to_have_text("Text")
    typed(page.locator("#field-label-en"), "Executive sponsor")
    typed(page.locator("#field-key"), "sponsor")
    page.click('[data-rule-switch="show_when"]')
    rule = page.locator('[data-rule="show_when"]')
    expect(rule.locator('[data-rule-field="show_when"]')).to_have_value("customer_type")
    rule.locator('button[data-value="key_account"]').click()
    expect(rule.locator('button[data-value="key_account"]')).to_be_checked()
    settled(page)
    expect(row(page, "sponsor")).to_contain_text("Conditional")

    # Drag to reorder: the sponsor above the customer type, then back with its arrow.
    page.drag_and_drop(
        '.field-row[data-field-key="sponsor"]',
        '.field-row[data-field-key="customer_type"]',
        target_position={"x": 200, "y": 4},
    )
    expect(page.locator(".field-row").first).to_have_attribute("data-field-key", "sponsor")
    row(page, "sponsor").locator(".field-arrow-down").click()
    expect(page.locator(".field-row").first).to_have_attribute("data-field-key", "customer_type")

    # The preview follows the document: hidden for a small business, shown for a key account.
    page.click("#tab-preview")
    hidden = page.locator('#preview-hidden [data-key="sponsor"]')
    shown = page.locator('#preview-shown [data-key="sponsor"]')
    expect(hidden).to_be_visible()  # no customer type yet: the rule does not hold
    page.select_option('[data-preview-field="customer_type"]', "smb")
    expect(hidden).to_be_visible()
    expect(shown).to_have_count(0)
    page.select_option('[data-preview-field="customer_type"]', "key_account")
    expect(shown).to_be_visible()
    expect(hidden).to_have_count(0)
    expect(page.locator("#preview-summary")).to_have_text("2 of 2 fields shown, 0 required")

    # Save, reload: all of it is the server's now.
    expect(page.locator("#error-list-button")).to_contain_text("0")
    page.click("#save-button")
    expect(page.locator("#save-status")).to_have_text("All changes saved")
    page.reload()
    designer_ready(page)
    assert keys(page) == ["customer_type", "sponsor"]
    with api(studio) as client:
        stored = client.get("/documents/form/designed-lead/draft").json()
    assert stored["valid"], stored["errors"]
    sponsor = stored["content"]["fields"][1]
    assert sponsor["show_when"] == {"field": "customer_type", "in": ["key_account"]}
    assert [o["value"] for o in stored["content"]["fields"][0]["options"]] == [
        "key_account",
        "smb",
    ]

    # An invalid rule: the choice it names is taken away; the error is pinned to the rule.
    row(page, "customer_type").click()
    page.click('#field-options [data-remove-option="0"]')
    settled(page)
    expect(row(page, "sponsor").locator(".field-error-badge")).to_be_visible()
    page.click("#error-list-button")
    expect(page.locator('#error-list [data-pointer="/fields/1/show_when/in/0"]')).to_be_visible()
    page.locator('#error-list [data-pointer="/fields/1/show_when/in/0"]').click()
    expect(page.locator("#field-key")).to_have_value("sponsor")
    pinned = page.locator('[data-rule="show_when"] .field-error')
    expect(pinned).to_contain_text("not allowed")
    # The stale value is still listed (struck through) so it can be unticked.
    page.locator('[data-rule="show_when"] button[data-value="key_account"]').click()
    settled(page)
    expect(page.locator('[data-rule="show_when"] .field-error')).to_contain_text("at least 1")


def test_publish_a_form_from_its_versions_page(page: Page, studio: Studio) -> None:
    put_form(
        studio,
        {
            "kind": "form",
            "schema_version": 2,
            "key": "published-form",
            "title": {"en": "Published form"},
            "fields": [{"key": "name", "type": "text", "label": {"en": "Name"}}],
        },
    )
    sign_in(page, "admin", studio.password)
    page.goto("/forms/published-form")
    designer_ready(page)
    page.click("#versions-link")
    expect(page).to_have_url(re.compile(r"/forms/published-form/versions$"))
    page.click("#publish-open")
    page.fill("#publish-message", "First fields")
    page.click("#publish-submit")
    expect(page.locator("#publish-dialog")).to_have_count(0)
    expect(page.locator('#version-row[data-version="1"]')).to_contain_text("First fields")
    page.locator('#version-row[data-version="1"] .version-activate').click()
    page.click("#activate-confirm")
    expect(page.locator('.live-row[data-variant="default"]')).to_contain_text("Version 1")


def test_unsaved_work_survives_a_reload_and_a_conflict_is_resolved(
    page: Page, studio: Studio
) -> None:
    content = {
        "kind": "form",
        "schema_version": 2,
        "key": "kept-form",
        "title": {"en": "Kept form"},
        "fields": [{"key": "name", "type": "text", "label": {"en": "Name"}}],
    }
    put_form(studio, content)
    sign_in(page, "editor", studio.password)
    page.goto("/forms/kept-form")
    designer_ready(page)
    row(page, "name").click()
    typed(page.locator("#field-label-en"), "Customer name")
    settled(page)
    expect(page.locator("#save-status")).to_have_text("Unsaved changes")
    page.reload()
    designer_ready(page)
    expect(page.locator("#restored-banner")).to_be_visible()
    expect(row(page, "name")).to_contain_text("Customer name")
    # Someone else saves meanwhile: saving now is a conflict, resolved by overwriting.
    with api(studio) as client:
        content["fields"][0]["label"] = {"en": "Their name"}
        response = client.put(
            "/documents/form/kept-form/draft", json=content, headers={"If-Match": '"1"'}
        )
        assert response.status_code == 200, response.text
    page.click("#save-button")
    expect(page.locator("#conflict-dialog")).to_be_visible()
    page.click("#conflict-overwrite")
    expect(page.locator("#save-status")).to_have_text("All changes saved")
    with api(studio) as client:
        stored = client.get("/documents/form/kept-form/draft").json()
    assert stored["revision"] == 3
    assert stored["content"]["fields"][0]["label"] == {"en": "Customer name"}


def test_a_viewer_reads_the_designer_but_changes_nothing(page: Page, studio: Studio) -> None:
    sign_in(page, "viewer", studio.password)
    page.goto("/forms")
    expect(page.locator('.document-row[data-key="deal"]')).to_be_visible()
    expect(page.locator("#create-open")).to_have_count(0)
    page.locator('.document-row[data-key="deal"] .open').click()
    designer_ready(page)
    expect(page.locator("#read-only-badge")).to_be_visible()
    expect(page.locator("#palette")).to_have_count(0)
    expect(page.locator("#save-button")).to_have_count(0)
    expect(page.locator(".field-remove")).to_have_count(0)
    row(page, "customer_type").click()
    expect(page.locator("#field-label-en")).to_be_disabled()
    expect(page.locator("#field-type")).to_be_disabled()
    # The preview still works for a viewer: it changes nothing.
    page.click("#tab-preview")
    page.select_option('[data-preview-field="customer_type"]', "key_account")
    expect(page.locator('#preview-shown [data-key="customer_type"]')).to_be_visible()
