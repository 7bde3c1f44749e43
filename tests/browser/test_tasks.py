"""The runtime in the browser: a manager finds a discount approval in the inbox and
approves it, and the case shows the path it took on the read-only canvas and its
history in words; a rep completes a form task after the form refused a value at its
field, and reads the notice the case sent.

Cases start through the API (as the people the demo gives each role), on deals of
this test's own; the tests share one database and run in parallel.
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


def make_deal(studio: Studio, name: str, **data: Any) -> dict[str, Any]:
    """An east deal of alice's, made by the admin."""
    body = {
        "name": name,
        "customer_type": "smb",
        "stage": "qualify",
        "region": "east",
        "owner": "alice",
        "amount": 1000,
        **data,
    }
    with api(studio) as admin:
        made = admin.post("/records/deal", json={"data": body})
    assert made.status_code == 201, made.text
    record: dict[str, Any] = made.json()
    return record


def start_case(studio: Studio, username: str, workflow: str, record: int) -> dict[str, Any]:
    with api(studio, username) as client:
        started = client.post("/instances", json={"workflow": workflow, "record_id": record})
    assert started.status_code == 201, started.text
    case: dict[str, Any] = started.json()
    return case


def open_task_of(studio: Studio, username: str, case_id: str) -> str:
    """The open task of ``case_id`` that ``username`` holds."""
    with api(studio, username) as client:
        items = client.get("/tasks", params={"scope": "mine", "status": "open"}).json()["items"]
    found = [t["id"] for t in items if t["instance_id"] == case_id]
    assert len(found) == 1, items
    return str(found[0])


def inbox_row(page: Page, task_id: str) -> Locator:
    return page.locator(f'.task-row[data-task-id="{task_id}"]')


def step(page: Page, node: str) -> Locator:
    return page.locator(f'#case-canvas [data-node-id="{node}"]')


def test_a_manager_approves_a_discount_and_the_case_shows_its_path(
    page: Page, studio: Studio
) -> None:
    # Above 100,000 the manager's approval is not final: the director's level follows.
    name = f"Discount probe {uuid.uuid4().hex[:8]}"
    deal = make_deal(studio, name, amount=150000, discount=0.15)
    case = start_case(studio, "alice", "quote-discount", deal["id"])
    task_id = open_task_of(studio, "dave", case["id"])
    sign_in(page, "dave", studio.password)
    page.get_by_role("link", name="Tasks", exact=True).click()
    expect(page).to_have_url(re.compile(r"/tasks$"))
    row = inbox_row(page, task_id)
    expect(row).to_contain_text("Manager approval")
    expect(row).to_contain_text("Quote discount approval")
    expect(row.locator(".task-kind")).to_have_text("Approval · level 1/2")
    expect(row.locator(".task-assignees")).to_have_text("dave")
    expect(row.locator(".task-due")).to_be_visible()  # the level's 48-hour deadline
    expect(row.locator(".overdue-badge")).to_have_count(0)
    expect(row.locator(".task-record")).to_have_text(f"deal #{deal['id']}")
    row.locator(".task-link").click()
    expect(page.locator("#task-title")).to_have_text("Manager approval")
    expect(page.locator("#task-values")).to_contain_text(name)
    expect(page.locator("#task-values")).to_contain_text("150,000 CNY")
    page.fill("#task-comment", "Within the quarter's budget")
    page.click("#approve-task")
    expect(page.locator("#task-status")).to_have_text("Done · Approved")
    expect(page.locator("#approve-task")).to_have_count(0)

    # The case waits at the same step, now for the director.
    page.click("#task-case-link")
    expect(page.locator("#case-status")).to_have_text("Running")
    for node in ("start", "check"):
        expect(step(page, node)).to_have_class(re.compile(r"\bhl-path\b"))
    expect(step(page, "mgr")).to_have_class(re.compile(r"\bhl-current\b"))
    expect(step(page, "done")).not_to_have_class(re.compile(r"\bhl-"))
    expect(page.locator('.case-position[data-node="mgr"]')).to_contain_text("for a person (task)")
    history = page.locator("#case-history")
    expect(history).to_contain_text("alice started the case")
    expect(history).to_contain_text("Discount above 10%?: a condition held")
    expect(history).to_contain_text("dave approved (level 1)")
    expect(history).to_contain_text("Within the quarter's budget")
    expect(history).to_contain_text("Manager approval: level 2 assigned to frank")

    # The director approves too; the case, read again, has ended on the approved end.
    with api(studio, "frank") as frank:
        second = open_task_of(studio, "frank", case["id"])
        decided = frank.post(f"/tasks/{second}/decide", json={"decision": "approve"})
    assert decided.status_code == 200, decided.text
    page.click("#case-reload")
    expect(page.locator("#case-status")).to_have_text("Completed · Approved")
    expect(step(page, "done")).to_have_class(re.compile(r"\bhl-path\b"))
    expect(step(page, "rejected")).not_to_have_class(re.compile(r"\bhl-"))
    expect(page.locator("#case-where")).to_contain_text("Nowhere: the case has ended.")
    expect(history.locator(".story-line").last).to_have_text(re.compile("The case ended: Approved"))

    # The inbox's history has the approval, done.
    page.goto("/tasks")
    expect(inbox_row(page, task_id)).to_have_count(0)
    page.locator("#task-tabs").get_by_role("radio", name="History").click()
    expect(inbox_row(page, task_id).locator(".task-status")).to_have_text("Done · Approved")

    # A discount the manager asked for himself goes to another manager; the rule says
    # why he may not approve it.
    own = make_deal(studio, f"{name} (own)", amount=150000, discount=0.15)
    asked = start_case(studio, "dave", "quote-discount", own["id"])
    page.goto(f"/tasks/{asked['tasks'][0]['id']}")
    page.click("#approve-task")
    expect(page.locator("#task-failure")).to_contain_text("The decision was not recorded.")
    expect(page.locator("#task-failure")).to_contain_text("someone else must decide it")
    expect(page.locator("#task-status")).to_have_text("Open")


def deal_check(key: str) -> dict[str, Any]:
    """A rep confirms a deal's amount (the hand-off lock wants it above 0), then is told."""
    return {
        "kind": "workflow",
        "schema_version": 2,
        "key": key,
        "title": {"en": "Deal check", "zh-CN": "商机核对"},
        "record_form": "deal",
        "nodes": [
            {"id": "start", "type": "start", "config": {}, "position": {"x": 0, "y": 0}},
            {
                "id": "fill",
                "type": "form_task",
                "label": {"en": "Confirm the amount", "zh-CN": "确认金额"},
                "config": {
                    "form": "deal",
                    "fields": ["amount", "discount", "stage"],
                    "assignee": {"by": "user", "user": "alice"},
                    "sla": {"due": "PT24H"},
                    "lock": "record['amount'] > 0",
                },
                "position": {"x": 250, "y": 0},
            },
            {
                "id": "tell",
                "type": "notify",
                "config": {
                    "message": {"en": f"Checked: {key}", "zh-CN": f"已核对：{key}"},
                    "to": [{"by": "user", "user": "alice"}],
                },
                "position": {"x": 500, "y": 0},
            },
            {"id": "done", "type": "end", "config": {}, "position": {"x": 750, "y": 0}},
        ],
        "edges": [
            {"id": "e1", "source": "start", "target": "fill"},
            {"id": "e2", "source": "fill", "target": "tell"},
            {"id": "e3", "source": "tell", "target": "done"},
        ],
    }


def publish_workflow(studio: Studio, content: dict[str, Any]) -> None:
    base = f"/documents/workflow/{content['key']}"
    with api(studio) as admin:
        saved = admin.put(f"{base}/draft", json=content)
        assert saved.status_code in (200, 201) and saved.json()["valid"], saved.text
        published = admin.post(f"{base}/publish", json={})
        assert published.status_code in (200, 201), published.text
        live = admin.put(f"{base}/active/default", json={"version": published.json()["version"]})
        assert live.status_code == 200, live.text


def test_a_form_task_is_completed_after_a_bad_value_is_shown_at_its_field(
    page: Page, studio: Studio
) -> None:
    key = f"deal-check-{uuid.uuid4().hex[:8]}"
    publish_workflow(studio, deal_check(key))
    deal = make_deal(studio, f"Check probe {key}", amount=1000)
    case = start_case(studio, "admin", key, deal["id"])
    task_id = case["tasks"][0]["id"]
    sign_in(page, "alice", studio.password)
    page.goto("/tasks")
    row = inbox_row(page, task_id)
    expect(row.locator(".task-kind")).to_have_text("Form task")
    row.locator(".task-link").click()
    expect(page.locator("#task-title")).to_have_text("Confirm the amount")
    expect(page.locator("#task-lock")).to_have_attribute("data-holds", "true")
    fields = page.locator(".task-field")
    expect(fields).to_have_count(3)
    expect(page.locator('.task-field[data-field="stage"]')).to_have_attribute("data-kind", "select")
    amount = page.locator('[data-input="amount"]')
    expect(amount).to_have_value("1000")
    amount.fill("-5")
    page.click("#complete-task")
    error = page.locator('.task-field[data-field="amount"] .field-error')
    expect(error).to_contain_text("-5 is below the minimum 0.")
    expect(page.locator("#task-failure")).to_contain_text("The task was not completed.")
    expect(page.locator("#task-status")).to_have_text("Open")
    with api(studio, "alice") as alice:
        assert alice.get(f"/records/deal/{deal['id']}").json()["data"]["amount"] == 1000
    # Typing again takes the error away; the next try goes through.
    amount.fill("2500")
    expect(error).to_have_count(0)
    page.click("#complete-task")
    expect(page.locator("#task-status")).to_have_text("Done")
    expect(page.locator("#task-failure")).to_have_count(0)
    expect(page.locator("#task-values")).to_contain_text("2,500 CNY")
    with api(studio, "alice") as alice:
        assert alice.get(f"/records/deal/{deal['id']}").json()["data"]["amount"] == 2500

    # The case told alice: the notice opens the case, and is read from then on.
    page.click("#notices-button")
    notice = page.locator(".notice").filter(has_text=f"Checked: {key}")
    expect(notice).to_have_attribute("data-read", "false")
    expect(page.locator("#notices-unread")).to_be_visible()
    notice.locator(".notice-open").click()
    expect(page).to_have_url(re.compile(rf"/cases/{case['id']}$"))
    expect(page.locator("#case-status")).to_have_text("Completed")
    history = page.locator("#case-history")
    expect(history).to_contain_text("alice completed Confirm the amount")
    expect(history).to_contain_text("amount = 2500")
    for node in ("start", "fill", "tell", "done"):
        expect(step(page, node)).to_have_class(re.compile(r"\bhl-path\b"))
    page.click("#notices-button")
    expect(notice).to_have_attribute("data-read", "true")
