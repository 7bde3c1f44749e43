"""Signing in and out, and the language that follows the user."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.helpers import LINGUIST, row, sign_in
from tests.browser.stack import Studio

pytestmark = pytest.mark.browser


def test_wrong_password_is_refused_with_a_message(page: Page, studio: Studio) -> None:
    page.goto("/")
    expect(page).to_have_url(f"{studio.url}/login")
    page.fill("#username", "viewer")
    page.fill("#password", "not the password")
    page.click("#sign-in")
    expect(page.locator("#login-error")).to_have_text("Wrong username or password.")
    expect(page).to_have_url(f"{studio.url}/login")
    expect(page.locator("#current-user")).to_have_count(0)


def test_sign_in_shows_the_demo_workflows(page: Page, studio: Studio) -> None:
    sign_in(page, "admin", studio.password)
    expect(page).to_have_url(f"{studio.url}/")
    expect(page.locator("#current-user")).to_have_text("Admin")
    lead = row(page, "lead-follow-up")
    expect(lead).to_contain_text("Lead follow-up with escalation")
    expect(lead).to_contain_text("Valid")
    expect(lead).to_contain_text("default: v1")
    expect(lead).to_contain_text("by demo")
    expect(row(page, "quote-discount")).to_contain_text("Quote discount approval")


def test_a_reload_keeps_the_session_and_sign_out_ends_it(page: Page, studio: Studio) -> None:
    sign_in(page, "publisher", studio.password)
    page.reload()
    expect(page.locator("#current-user")).to_have_text("Publisher")
    page.click("#sign-out")
    expect(page).to_have_url(f"{studio.url}/login")
    page.goto("/")
    expect(page).to_have_url(f"{studio.url}/login")


def test_language_switch_is_kept_for_the_user(page: Page, browser: Browser, studio: Studio) -> None:
    sign_in(page, LINGUIST, studio.password)
    page.locator("#language-switch").get_by_role("radio", name="中文").click()
    expect(page.get_by_role("columnheader", name="生效版本")).to_be_visible()
    expect(page.get_by_role("link", name="流程", exact=True)).to_be_visible()
    expect(page.locator("#sign-out")).to_have_text("退出登录")
    expect(row(page, "lead-follow-up")).to_contain_text("线索跟进与超时升级")
    page.click("#sign-out")
    expect(page.get_by_role("heading", name="登录 Trellis")).to_be_visible()

    # Another browser, nothing stored: English until the same user signs in.
    other = browser.new_context(base_url=studio.url, locale="en-US").new_page()
    try:
        other.goto("/login")
        expect(other.get_by_role("heading", name="Sign in to Trellis")).to_be_visible()
        sign_in(other, LINGUIST, studio.password)
        expect(other.get_by_role("columnheader", name="生效版本")).to_be_visible()
        expect(other.locator("#current-user")).to_have_text(LINGUIST)
        other.locator("#language-switch").get_by_role("radio", name="English").click()
        expect(other.get_by_role("columnheader", name="Live version")).to_be_visible()
    finally:
        other.context.close()
