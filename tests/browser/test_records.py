"""Record screens in the browser, signed in as the demo's sales people: what a rep,
a manager and the API's refusals look like on the list and on one record.

Each test makes the records it looks at (through the API, as the admin, owned by
the person it signs in as) under a name of its own, and finds them with the
list's search: the tests share one database and run in parallel.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.helpers import api, sign_in
from tests.browser.stack import Studio

pytestmark = pytest.mark.browser


def unique(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:8]}"


def make_deal(studio: Studio, name: str, *, owner: str = "alice", **data: Any) -> dict[str, Any]:
    """A deal of ``owner``'s (in their region), made by the admin."""
    region = {"alice": "east", "bob": "east", "carol": "south"}[owner]
    body = {
        "name": name,
        "customer_type": "smb",
        "stage": "qualify",
        "region": region,
        "owner": owner,
        "amount": 1000,
        **data,
    }
    with api(studio) as admin:
        response = admin.post("/records/deal", json={"data": body})
    assert response.status_code == 201, response.text
    made: dict[str, Any] = response.json()
    return made


def publish(studio: Studio, document: dict[str, Any]) -> None:
    base = f"/documents/{document['kind']}/{document['key']}"
    with api(studio) as admin:
        saved = admin.put(f"{base}/draft", json=document)
        assert saved.status_code in (200, 201) and saved.json()["valid"], saved.text
        published = admin.post(f"{base}/publish", json={})
        assert published.status_code in (200, 201), published.text
        live = admin.put(f"{base}/active/default", json={"version": published.json()["version"]})
        assert live.status_code == 200, live.text


def open_list(page: Page, form: str = "deal", search: str = "") -> None:
    page.goto(f"/records/{form}")
    expect(page.locator('#records-page[data-ready="true"]')).to_be_visible()
    if search:
        page.fill("#record-search", search)
        expect(page.locator(".record-row")).to_have_count(1)


def open_record(page: Page, record: dict[str, Any]) -> None:
    page.goto(f"/records/{record['form']}/{record['id']}")
    expect(page.locator('#record-page[data-ready="true"]')).to_be_visible()
    expect(page.locator(".record-field").first).to_be_visible()


def field(page: Page, key: str) -> Locator:
    return page.locator(f'.record-field[data-field="{key}"]')


def value_input(page: Page, key: str) -> Locator:
    return page.locator(f'[data-input="{key}"]')


def save(page: Page) -> None:
    page.click("#save-record")


def sign_in_as(page: Page, studio: Studio, username: str) -> None:
    """Sign out whoever is signed in, then sign in as ``username``."""
    page.click("#sign-out")
    expect(page).to_have_url(re.compile(r"/login$"))
    sign_in(page, username, studio.password)


def test_a_rep_sees_no_margin_anywhere(page: Page, studio: Studio) -> None:
    name = unique("Confidential probe")
    made = make_deal(studio, name, margin=0.4321)
    sign_in(page, "alice", studio.password)
    open_list(page, search=name)
    expect(page.locator('th[data-column="name"]')).to_have_text("Deal name")
    expect(page.locator('th[data-column="amount"]')).to_have_text("Amount")
    expect(page.locator('[data-column="margin"]')).to_have_count(0)
    html = page.content()
    assert "Margin" not in html and "0.4321" not in html and "43.21" not in html
    # Nor on the record: the field is absent, its change in the history only counted.
    open_record(page, made)
    expect(field(page, "amount")).to_be_visible()
    expect(field(page, "margin")).to_have_count(0)
    expect(page.locator(".history-entry").last).to_contain_text("1 hidden change")
    html = page.content()
    assert "Margin" not in html and "0.4321" not in html and "43.21" not in html
    # The manager of the region sees it.
    sign_in_as(page, studio, "dave")
    open_record(page, made)
    expect(value_input(page, "margin")).to_have_value("43.21")


def test_a_manager_sees_only_the_deals_of_their_region(page: Page, studio: Studio) -> None:
    tag = uuid.uuid4().hex[:8]
    east = make_deal(studio, f"East deal {tag}", owner="alice")
    south = make_deal(studio, f"South deal {tag}", owner="carol")
    sign_in(page, "dave", studio.password)
    open_list(page)
    regions = page.locator('.record-row [data-column="region"]')
    expect(regions.first).to_be_visible()
    assert set(regions.all_inner_texts()) == {"east"}
    page.fill("#record-search", tag)
    expect(page.locator(".record-row")).to_have_count(1)
    expect(page.locator(".record-row")).to_contain_text(f"East deal {tag}")
    # Another region's deal does not exist for the manager, even by its number.
    page.goto(f"/records/deal/{south['id']}")
    expect(page.locator("#record-error")).to_contain_text("outside your data scope")
    open_record(page, east)
    expect(page.locator("#record-title")).to_have_text(f"East deal {tag}")
    # A manager reads the amount and may not change it.
    expect(field(page, "amount")).to_have_attribute("data-access", "read")
    expect(value_input(page, "amount")).to_have_count(0)


def test_a_rep_changes_an_amount_and_finds_it_in_the_history(page: Page, studio: Studio) -> None:
    made = make_deal(studio, unique("Amount change"), amount=1000)
    sign_in(page, "alice", studio.password)
    open_record(page, made)
    expect(field(page, "amount")).to_have_attribute("data-access", "write")
    expect(field(page, "amount")).to_have_attribute("data-required", "true")
    value_input(page, "amount").fill("2500")
    save(page)
    newest = page.locator(".history-entry").first
    expect(newest).to_contain_text("alice")
    expect(newest).to_contain_text("changed the record")
    expect(newest.locator(".history-change").filter(has_text=re.compile("^Amount"))).to_have_text(
        "Amount: 1,000 CNY → 2,500 CNY"
    )
    expect(page.locator("#save-record")).to_be_disabled()
    page.reload()
    expect(value_input(page, "amount")).to_have_value("2500")


def test_a_bad_value_is_shown_at_its_field(page: Page, studio: Studio) -> None:
    made = make_deal(studio, unique("Bad value"))
    sign_in(page, "alice", studio.password)
    open_record(page, made)
    value_input(page, "amount").fill("-5")
    save(page)
    expect(field(page, "amount").locator(".field-error")).to_contain_text("below the minimum 0")
    expect(page.locator("#save-error")).to_contain_text("a value is not valid")
    # Typing again takes the error away; nothing was stored.
    value_input(page, "amount").fill("10")
    expect(field(page, "amount").locator(".field-error")).to_have_count(0)
    with api(studio, "alice") as alice:
        assert alice.get(f"/records/deal/{made['id']}").json()["data"]["amount"] == 1000


def test_a_field_that_became_read_only_is_refused_at_the_field(page: Page, studio: Studio) -> None:
    # A form and a matrix of this test's own: its rights change while the rep edits.
    key = f"probe-{uuid.uuid4().hex[:8]}"
    form = {
        "kind": "form",
        "schema_version": 2,
        "key": key,
        "title": {"en": "Probe", "zh-CN": "探针"},
        "fields": [
            {"key": "name", "type": "text", "label": {"en": "Name"}, "required": True},
            {"key": "amount", "type": "money", "label": {"en": "Amount"}, "currency": "CNY"},
        ],
    }
    rule: dict[str, Any] = {"form": key, "access": "write", "row_scope": "own"}
    matrix = {
        "kind": "permission_matrix",
        "schema_version": 2,
        "key": f"{key}-rights",
        "title": {"en": "Probe rights"},
        "roles": [{"role": "rep", "forms": [rule]}],
    }
    publish(studio, form)
    publish(studio, matrix)
    with api(studio, "alice") as alice:
        made = alice.post(f"/records/{key}", json={"data": {"name": "Probe", "amount": 5}})
    assert made.status_code == 201, made.text
    sign_in(page, "alice", studio.password)
    open_record(page, made.json())
    expect(field(page, "amount")).to_have_attribute("data-access", "write")
    publish(
        studio,
        {**matrix, "roles": [{"role": "rep", "forms": [{**rule, "fields": {"amount": "read"}}]}]},
    )
    value_input(page, "amount").fill("7")
    save(page)
    expect(field(page, "amount").locator(".field-error")).to_contain_text("You may not change")
    expect(page.locator("#save-error")).to_contain_text("you may not change a field")


def test_a_stale_save_offers_to_reload(page: Page, studio: Studio) -> None:
    made = make_deal(studio, unique("Stale"), amount=1000)
    sign_in(page, "alice", studio.password)
    open_record(page, made)
    renamed = unique("Renamed")
    with api(studio, "alice") as alice:
        changed = alice.patch(f"/records/deal/{made['id']}", json={"data": {"name": renamed}})
        assert changed.status_code == 200, changed.text
    value_input(page, "amount").fill("3000")
    save(page)
    conflict = page.locator("#record-conflict")
    expect(conflict).to_contain_text("Someone else changed this record")
    page.click("#conflict-reload")
    expect(conflict).to_have_count(0)
    expect(page.locator("#record-title")).to_have_text(renamed)
    expect(value_input(page, "amount")).to_have_value("1000")
    with api(studio, "alice") as alice:
        assert alice.get(f"/records/deal/{made['id']}").json()["data"]["amount"] == 1000


def test_the_list_sorts_filters_and_exports_for_a_manager(page: Page, studio: Studio) -> None:
    tag = uuid.uuid4().hex[:8]
    for amount in (300, 100, 200):
        make_deal(studio, f"Sorted {tag} {amount}", amount=amount)
    sign_in(page, "dave", studio.password)
    open_list(page)
    page.fill("#record-search", tag)
    rows = page.locator(".record-row")
    expect(rows).to_have_count(3)
    page.locator('th[data-column="amount"] div').click()
    expect(page.locator('th[data-column="amount"]')).to_have_attribute("data-sort", "asc")
    expect(rows.first).to_contain_text(f"Sorted {tag} 100")
    page.locator('th[data-column="amount"] div').click()
    expect(page.locator('th[data-column="amount"]')).to_have_attribute("data-sort", "desc")
    expect(rows.first).to_contain_text(f"Sorted {tag} 300")
    page.select_option("#filter-field", "amount")
    page.select_option("#filter-op", "ge")
    page.fill("#filter-value", "200")
    page.click("#filter-add")
    expect(page.locator(".filter-chip")).to_have_text("Amount ≥ 200")
    expect(rows).to_have_count(2)
    with page.expect_download() as download:
        page.click("#export-records")
    exported = download.value.path().read_text(encoding="utf-8")
    assert exported.startswith("# Exported by dave")
    assert "amount:ge:200" in exported.splitlines()[0]
    assert len([line for line in exported.splitlines()[1:] if tag in line]) == 2
    # A rep may neither export nor see the button.
    sign_in_as(page, studio, "alice")
    open_list(page)
    expect(page.locator("#records-title")).to_have_text("Deal")
    expect(page.locator("#export-records")).to_have_count(0)


def test_a_new_key_account_asks_for_its_fields(page: Page, studio: Studio) -> None:
    sign_in(page, "alice", studio.password)
    page.goto("/records/deal/new")
    expect(field(page, "name")).to_be_visible()
    expect(field(page, "sponsor")).to_have_count(0)
    expect(field(page, "margin")).to_have_count(0)
    page.select_option('[data-input="customer_type"]', "key_account")
    expect(field(page, "sponsor")).to_have_attribute("data-required", "true")
    expect(field(page, "budget")).to_have_attribute("data-required", "true")
    page.locator('[data-exempt="budget"]').click()
    expect(field(page, "budget")).to_contain_text("Skipped")
    page.select_option('[data-input="customer_type"]', "smb")
    expect(field(page, "sponsor")).to_have_count(0)


def test_the_records_menu_lists_the_live_forms_in_chinese(page: Page, studio: Studio) -> None:
    # bob's language is stored with him: no other test signs in as bob.
    sign_in(page, "bob", studio.password)
    page.locator("#language-switch").get_by_role("radio", name="中文").click()
    page.click("#records-menu")
    page.get_by_role("menuitem", name="商机").click()
    expect(page).to_have_url(re.compile(r"/records/deal$"))
    expect(page.locator("#records-title")).to_have_text("商机")
    expect(page.locator("#record-table thead")).to_contain_text("商机名称")
    expect(page.locator("#record-table thead")).not_to_contain_text("毛利率")
