"""The workflow list: search, and creating a workflow blank or as a copy."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import create_workflow, row, sign_in
from tests.browser.stack import Studio

pytestmark = pytest.mark.browser


def test_search_filters_by_key_and_title(page: Page, studio: Studio) -> None:
    sign_in(page, "admin", studio.password)
    search = page.locator("#workflow-search")
    search.fill("quote")
    expect(row(page, "quote-discount")).to_be_visible()
    expect(row(page, "lead-follow-up")).to_have_count(0)
    search.fill("ESCALATION")  # a word of the title, any case
    expect(row(page, "lead-follow-up")).to_be_visible()
    expect(row(page, "quote-discount")).to_have_count(0)
    search.fill("no such workflow")
    expect(page.locator("#workflows-empty")).to_have_text("No workflow matches the search.")
    search.fill("")
    expect(row(page, "quote-discount")).to_be_visible()
    expect(row(page, "lead-follow-up")).to_be_visible()


def test_create_a_blank_workflow(page: Page, studio: Studio) -> None:
    sign_in(page, "editor", studio.password)
    create_workflow(page, "blank-routing", title="Blank routing")
    # A new workflow opens in the canvas, ready to be drawn.
    expect(page).to_have_url(re.compile(r"/workflows/blank-routing$"))
    expect(page.locator("#editor-title")).to_have_text("Blank routing")
    expect(page.locator(".react-flow__node")).to_have_count(2)
    page.get_by_role("link", name="Workflows").first.click()
    created = row(page, "blank-routing")
    expect(created).to_contain_text("Blank routing")
    expect(created).to_contain_text("Valid")
    expect(created).to_contain_text("Not live")
    expect(created).to_contain_text("by editor")
    expect(page.get_by_role("dialog")).to_have_count(0)


def test_create_a_copy_of_an_existing_workflow(page: Page, studio: Studio) -> None:
    sign_in(page, "editor", studio.password)
    create_workflow(page, "lead-follow-up-east", copy_of="lead-follow-up")
    expect(page.locator("#editor-title")).to_have_text("Lead follow-up with escalation (copy)")
    page.goto("/")
    copy = row(page, "lead-follow-up-east")
    expect(copy).to_contain_text("Lead follow-up with escalation (copy)")
    expect(copy).to_contain_text("Valid")


def test_a_taken_or_invalid_key_is_explained(page: Page, studio: Studio) -> None:
    sign_in(page, "admin", studio.password)
    create_workflow(page, "quote-discount")
    error = page.locator("#create-error")
    expect(error).to_contain_text("A workflow with the key quote-discount already exists.")
    expect(page.get_by_role("dialog")).to_be_visible()

    # The API's own message says what a key may be.
    page.fill("#create-key", "Not A Key")
    page.click("#create-submit")
    expect(error).to_contain_text("The workflow was not created.")
    expect(error).to_contain_text("is not a document key")
    expect(row(page, "quote-discount")).to_contain_text("Valid")


def test_a_row_opens_the_workflow_in_the_canvas(page: Page, studio: Studio) -> None:
    sign_in(page, "viewer", studio.password)
    row(page, "lead-follow-up").click()
    expect(page).to_have_url(re.compile(r"/workflows/lead-follow-up$"))
    expect(page.locator("#editor-title")).to_have_text("Lead follow-up with escalation")
    expect(page.locator(".react-flow__node")).to_have_count(4)


def test_a_viewer_is_not_offered_to_create(page: Page, studio: Studio) -> None:
    # The role's actions (GET /me) say a viewer may not edit: no button to press
    # (the API refuses it anyway, tested in test_documents_api).
    sign_in(page, "viewer", studio.password)
    expect(row(page, "quote-discount")).to_be_visible()
    expect(page.locator("#create-open")).to_have_count(0)
