"""Take the README's screenshots of the studio: the canvas, a config panel with an
error (in Chinese), a diff, the form designer, the permission matrix editor,
the deal list as a rep and as a manager, and a sandbox report with one case's
two paths.

    python docs/screenshots.py        # writes docs/images/*.png

Runs the API and the studio on a temporary demo database (bench/studio_stack.py)
and a lead-routing workflow stored through the API, so the pictures can be
retaken whenever the studio changes.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect, sync_playwright

sys.path[:0] = [str(Path(__file__).resolve().parents[1])]

from bench.studio_stack import CHROMIUM, FLAGS, studio_stack  # noqa: E402

IMAGES = Path(__file__).parent / "images"
KEY = "lead-routing"


def node(node_id: str, kind: str, x: int, y: int, en: str, zh: str, **config: Any) -> dict:
    return {
        "id": node_id,
        "type": kind,
        "label": {"en": en, "zh-CN": zh},
        "config": config,
        "position": {"x": x, "y": y},
    }


def lead_routing() -> dict[str, Any]:
    """Six steps: big deals get a qualification and a two-level approval."""
    return {
        "kind": "workflow",
        "schema_version": 2,
        "key": KEY,
        "title": {"en": "Lead routing", "zh-CN": "线索分配"},
        "record_form": "deal",
        "nodes": [
            node("start", "start", 0, 100, "New lead", "新线索"),
            node("size", "decision", 260, 100, "Large deal?", "大额商机？"),
            node(
                "qualify", "form_task", 520, 0, "Qualify the lead", "线索评估",
                form="deal", assignee={"by": "role_in_region", "role": "rep"},
                sla={"due": "PT48H"},
            ),
            node(
                "approve", "approval", 800, 0, "Discount approval", "折扣审批",
                levels=[{"role": "manager", "amount_limit": 10000}, {"role": "director"}],
                amount="record['amount']",
            ),
            node("won", "end", 1080, 0, "Approved", "已批准", outcome="approved"),
            node("routed", "end", 800, 200, "Routed to a rep", "已分配", outcome="routed"),
        ],
        "edges": [
            {"id": "e1", "source": "start", "target": "size"},
            {
                "id": "e2", "source": "size", "target": "qualify",
                "condition": "record['amount'] > 50000",
            },
            {"id": "e3", "source": "size", "target": "routed", "default": True},
            {"id": "e4", "source": "qualify", "target": "approve"},
            {"id": "e5", "source": "approve", "target": "won"},
            {"id": "e6", "source": "approve", "target": "routed", "source_port": "rejected"},
        ],
    }  # fmt: skip


def sign_in(page: Page, username: str, password: str) -> None:
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#sign-in")
    expect(page.locator("#current-user")).to_be_visible()


def editor(page: Page, step: str) -> None:
    page.goto(f"/workflows/{KEY}")
    expect(page.locator('#workspace[data-ready="true"]')).to_be_visible()
    page.locator(f'.react-flow__node[data-id="{step}"]').click()
    expect(page.locator('#workspace[data-checking="false"]')).to_be_visible()
    page.wait_for_timeout(600)  # the panel and fit-view settle


def skip_supervisor_under_500(content: dict[str, Any]) -> dict[str, Any]:
    """The README's example draft: declarations under 500 skip the supervisor."""
    draft = copy.deepcopy(content)
    for edge in draft["edges"]:
        if edge["target"] == "supervisor":
            edge["target"] = "small"
    draft["nodes"].append(node("small", "decision", 1080, 120, "Under 500?", "低于 500？"))
    draft["edges"] += [
        {
            "id": "e30",
            "source": "small",
            "target": "request",
            "condition": "record['amount'] < 500",
        },
        {"id": "e31", "source": "small", "target": "supervisor", "default": True},
    ]
    return draft


def sandbox(page: Page, stack: Any) -> None:
    """The demo's declarations replayed through that draft; the report and a case."""
    from runtime.config import Settings
    from runtime.sandbox.perform import perform_queued

    api = stack.api
    path = "/documents/workflow/travel-declaration"
    content = api.get(f"{path}/versions/1").json()["content"]
    api.put(f"{path}/draft", json=skip_supervisor_under_500(content))
    [dataset] = [
        d for d in api.get("/sandbox/datasets").json()["items"] if "generated" in d["name"]
    ]
    body = {
        "candidate": {"workflow": "travel-declaration"},
        "baseline": {"version": 1},
        "dataset": dataset["id"],
        "seed": 2020,
    }
    run = api.post("/sandbox/runs", json=body).json()["id"]
    perform_queued(Settings(database_url=stack.database))
    page.goto(f"/sandbox/{run}")
    expect(page.locator("#sandbox-headline")).to_be_visible()
    page.locator("#language-switch").get_by_role("radio", name="English").click()
    expect(page.locator("#run-title")).to_contain_text("Simulation")
    page.wait_for_timeout(800)
    page.screenshot(path=str(IMAGES / "sandbox-report.png"))
    # One case in Chinese.
    page.locator("#language-switch").get_by_role("radio", name="中文").click()
    expect(page.locator("#run-title")).to_contain_text("模拟运行")
    page.locator(".sandbox-case").first.click()
    expect(page.locator("#case-paths")).to_be_visible()
    page.locator("#case-divergence").scroll_into_view_if_needed()
    page.wait_for_timeout(1200)
    page.screenshot(path=str(IMAGES / "sandbox-case.png"))


def main() -> int:
    IMAGES.mkdir(exist_ok=True)
    with studio_stack() as stack, sync_playwright() as driver:
        api = stack.api
        path = f"/documents/workflow/{KEY}"
        revision = api.put(f"{path}/draft", json=lead_routing()).json()["revision"]
        api.post(f"{path}/publish", json={"message": "First rules", "revision": revision})
        api.put(f"{path}/active/default", json={"version": 1})

        browser = driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_context(
            base_url=stack.url, viewport={"width": 1680, "height": 900}
        ).new_page()
        sign_in(page, "admin", stack.password)

        editor(page, "approve")
        page.screenshot(path=str(IMAGES / "canvas.png"))

        # A change: directors approve from 20,000; a third level for large discounts.
        changed = lead_routing()
        levels = changed["nodes"][3]["config"]["levels"]
        levels[0]["amount_limit"] = 20000
        levels.append({"role": "vp"})
        changed["nodes"][5]["position"] = {"x": 1080, "y": 200}
        draft = api.get(f"{path}/draft").json()["revision"]
        api.put(f"{path}/draft", json=changed, headers={"If-Match": f'"{draft}"'})
        page.goto(f"/workflows/{KEY}/versions")
        expect(page.locator("#diff-list")).to_be_visible()
        page.wait_for_timeout(800)
        page.screenshot(path=str(IMAGES / "diff.png"))

        # In Chinese, a level that names no approver: the error sits on the field.
        broken = copy.deepcopy(changed)
        broken["nodes"][3]["config"]["levels"][1] = {"mode": "all"}
        draft = api.get(f"{path}/draft").json()["revision"]
        api.put(f"{path}/draft", json=broken, headers={"If-Match": f'"{draft}"'})
        editor(page, "approve")
        page.locator("#language-switch").get_by_role("radio", name="中文").click()
        expect(page.locator("#panel-type")).to_have_text("审批")
        page.locator("#config-panel .field-error").first.scroll_into_view_if_needed()
        page.wait_for_timeout(400)
        page.screenshot(path=str(IMAGES / "config-panel.png"))
        page.locator("#language-switch").get_by_role("radio", name="English").click()

        page.goto("/forms/deal")
        expect(page.locator('#workspace[data-ready="true"]')).to_be_visible()
        page.wait_for_timeout(800)
        page.screenshot(path=str(IMAGES / "form-designer.png"))
        page.goto("/matrices/sales")
        expect(page.locator('#workspace[data-ready="true"]')).to_be_visible()
        page.wait_for_timeout(800)
        page.screenshot(path=str(IMAGES / "matrix-editor.png"))
        for username, name in (("alice", "records-rep"), ("dave", "records-manager")):
            person = browser.new_context(
                base_url=stack.url, viewport={"width": 1680, "height": 900}
            ).new_page()
            sign_in(person, username, stack.password)
            person.goto("/records/deal")
            expect(person.locator('#records-page[data-ready="true"]')).to_be_visible()
            person.wait_for_timeout(600)
            person.screenshot(path=str(IMAGES / f"{name}.png"))
        sandbox(page, stack)
        browser.close()
    print(f"screenshots in {IMAGES}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
