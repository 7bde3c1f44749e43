"""What the browser tests do over and over, in the user's terms."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

__all__ = ["LINGUIST", "create_workflow", "row", "sign_in"]

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
