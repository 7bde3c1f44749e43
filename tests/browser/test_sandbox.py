"""The sandbox in the browser: an analyst tries a draft of the travel declaration that
skips the supervisor for amounts under 500 on a small imported history, follows the
simulation to its report, reads the headline (every case reproduced, the supervisor's
decisions going down), filters the changed cases by tier and opens one, whose two
paths are drawn with the first difference marked; a draft adding an approval step
is refused until that step has a policy, the refusal shown at the step's choice; a
queued simulation is followed and cancelled, in Chinese.

Sandbox runs are performed by a worker. The shared stack has none (``trellis worker``
would also fire the other tests' timers), so this module runs only the worker's
sandbox part, ``python -m runtime.sandbox.perform``, whenever a run is queued, one
at a time across the test processes (a file lock beside the database). Each test
works on a copy of the demo's travel declaration of its own (the tests run in
parallel on one database), with a user of this module's own: the demo's matrix lets
the director role run simulations, the editor platform role use the sandbox.
"""

from __future__ import annotations

import copy
import fcntl
import json
import os
import re
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import api, sign_in
from tests.browser.stack import Studio
from tests.serve import ROOT, run_cli, trellis_env

pytestmark = pytest.mark.browser

ANALYST = "sandbox-analyst"
LINGUIST = "sandbox-linguist"  # switches to Chinese: nobody else signs in as them
MAPPING = ROOT / "docs" / "sandbox" / "bpic2020.mapping.json"
OUTPUT = Path(os.environ.get("TRELLIS_TEST_OUTPUT", ROOT / "test-results")) / "browser"
CASES = 20  # every other one under 500
RUN_TIMEOUT_MS = 180_000  # a simulation on a loaded two-core machine


def _folder(studio: Studio) -> Path:
    return Path(studio.database.removeprefix("sqlite:///")).parent


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _performing(studio: Studio) -> Path:
    """The lock held while queued runs are performed (or while a test keeps one queued)."""
    return _folder(studio) / "sandbox-performer.lock"


# ---- the module's user, worker and history ---------------------------------------------


@pytest.fixture(scope="module")
def analysts(studio: Studio, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Two users who may run simulations: editors holding the director role."""
    users = tmp_path_factory.mktemp("sandbox-users") / "users.csv"
    users.write_text(
        "username,display_name,platform_role,roles,password\n"
        f"{ANALYST},Sandbox analyst,editor,director,{studio.password}\n"
        f"{LINGUIST},Sandbox linguist,editor,director,{studio.password}\n",
        encoding="utf-8",
    )
    with _locked(_folder(studio) / "sandbox-users.lock"):
        result = run_cli(studio.database, "users", "import", str(users))
    assert result.returncode == 0, result.stdout + result.stderr


def _perform(studio: Studio, stop: threading.Event) -> None:
    """Whenever a run is queued, perform the queued runs as a worker would."""
    with (
        api(studio, ANALYST) as client,
        (OUTPUT / "sandbox-performer.log").open("ab") as log,
    ):
        while not stop.is_set():
            try:
                items = client.get("/sandbox/runs", params={"limit": 100}).json()["items"]
            except (httpx.HTTPError, ValueError, KeyError):
                items = []
            if any(item["status"] == "queued" for item in items):
                with _locked(_performing(studio)):
                    subprocess.run(
                        [sys.executable, "-m", "runtime.sandbox.perform"],
                        env=trellis_env(studio.database),
                        cwd=ROOT,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        timeout=600,
                        check=False,
                    )
                continue
            stop.wait(0.3)


@pytest.fixture(scope="module")
def performer(studio: Studio, analysts: None) -> Iterator[None]:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    stop = threading.Event()
    thread = threading.Thread(target=_perform, args=(studio, stop), daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join(timeout=60)


def history_csv() -> str:
    """A small log in the shape of BPIC 2020's domestic declarations: submitted, approved
    by the administration (every other pair), finally approved by the supervisor, paid."""
    rows = ["case_id,activity,timestamp,role,resource,amount"]
    start = datetime(2024, 3, 4, 9, 0)
    for i in range(CASES):
        amount = 100 + 20 * i if i % 2 == 0 else 800 + 50 * i
        steps = [("Declaration SUBMITTED by EMPLOYEE", "EMPLOYEE", "STAFF MEMBER", 0)]
        if i % 4 in (0, 1):
            steps.append(
                ("Declaration APPROVED by ADMINISTRATION", "ADMINISTRATION", "STAFF MEMBER", 5)
            )
        steps += [
            ("Declaration FINAL_APPROVED by SUPERVISOR", "SUPERVISOR", "STAFF MEMBER", 30),
            ("Request Payment", "UNDEFINED", "SYSTEM", 54),
            ("Payment Handled", "UNDEFINED", "SYSTEM", 80),
        ]
        begun = start + timedelta(days=i, minutes=7 * i)
        for activity, role, resource, hours in steps:
            at = (begun + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")
            rows.append(f"declaration {1000 + i},{activity},{at},{role},{resource},{amount}")
    return "\n".join(rows) + "\n"


@pytest.fixture(scope="module")
def dataset(studio: Studio, analysts: None) -> int:
    """The small history, imported through the API under a name of this run's own."""
    name = f"Declarations probe {uuid.uuid4().hex[:8]}"
    with api(studio, ANALYST) as client:
        made = client.post(
            "/sandbox/datasets",
            files={"file": (f"{name}.csv", history_csv().encode(), "text/csv")},
            data={"mapping": MAPPING.read_text(encoding="utf-8"), "name": name},
        )
    assert made.status_code in (200, 201), made.text
    assert made.json()["cases"] == CASES
    return int(made.json()["id"])


# ---- workflows of the tests' own ---------------------------------------------------------


def travel_copy(studio: Studio) -> dict[str, Any]:
    """The demo's travel declaration published under a key of its own, version 1 live."""
    with api(studio) as admin:
        found = admin.get("/documents/workflow/travel-declaration/versions/1")
        assert found.status_code == 200, found.text
        content = copy.deepcopy(found.json()["content"])
        key = f"travel-{uuid.uuid4().hex[:8]}"
        content["key"] = key
        base = f"/documents/workflow/{key}"
        saved = admin.put(f"{base}/draft", json=content)
        assert saved.status_code in (200, 201) and saved.json()["valid"], saved.text
        published = admin.post(f"{base}/publish", json={})
        assert published.status_code in (200, 201), published.text
        live = admin.put(f"{base}/active/default", json={"version": published.json()["version"]})
        assert live.status_code == 200, live.text
    return content


def save_draft(studio: Studio, content: dict[str, Any]) -> None:
    with api(studio) as admin:
        saved = admin.put(f"/documents/workflow/{content['key']}/draft", json=content)
    assert saved.status_code in (200, 201) and saved.json()["valid"], saved.text


def skipping_the_supervisor(content: dict[str, Any]) -> dict[str, Any]:
    """A decision before the supervisor: under 500 goes straight to the payment request."""
    draft = copy.deepcopy(content)
    draft["nodes"].append(
        {
            "id": "small",
            "type": "decision",
            "config": {},
            "position": {"x": 1080, "y": 140},
            "label": {"en": "Under 500?", "zh-CN": "低于 500？"},
        }
    )
    for edge in draft["edges"]:
        if edge["id"] in ("e8", "e9"):
            edge["target"] = "small"
    draft["edges"] += [
        {
            "id": "e19",
            "source": "small",
            "target": "request",
            "condition": "record['amount'] < 500",
        },
        {"id": "e20", "source": "small", "target": "supervisor", "default": True},
    ]
    return draft


def with_a_finance_check(content: dict[str, Any]) -> dict[str, Any]:
    """A new approval after the supervisor's: history has no decision for it."""
    draft = copy.deepcopy(content)
    draft["nodes"].append(
        {
            "id": "finance",
            "type": "approval",
            "config": {"levels": [{"role": "supervisor"}]},
            "position": {"x": 1320, "y": 140},
            "label": {"en": "Finance check", "zh-CN": "财务复核"},
        }
    )
    for edge in draft["edges"]:
        if edge["id"] == "e10":
            edge["target"] = "finance"
    draft["edges"] += [
        {"id": "e19", "source": "finance", "target": "request"},
        {"id": "e20", "source": "finance", "source_port": "rejected", "target": "seen"},
    ]
    return draft


# ---- the page ------------------------------------------------------------------------------


def open_setup(page: Page, key: str, dataset: int) -> None:
    page.goto(f"/sandbox?workflow={key}")
    expect(page.locator('#sandbox-page[data-ready="true"]')).to_be_visible()
    expect(page.locator("#sandbox-workflow")).to_have_value(key)
    page.select_option("#sandbox-dataset", str(dataset))
    expect(page.locator("#sandbox-candidate")).to_have_value("draft")
    expect(page.locator("#sandbox-baseline")).to_have_value("1")


def completed(page: Page) -> None:
    expect(page).to_have_url(re.compile(r"/sandbox/\d+$"))
    expect(page.locator('#run-page[data-status="completed"]')).to_be_visible(timeout=RUN_TIMEOUT_MS)
    expect(page.locator("#sandbox-headline")).to_be_visible()


def step(page: Page, canvas: str, node: str) -> Any:
    return page.locator(f'#{canvas}-canvas [data-node-id="{node}"]')


def test_a_draft_skipping_the_supervisor_is_replayed_and_a_changed_case_drawn(
    page: Page, studio: Studio, performer: None, dataset: int
) -> None:
    content = travel_copy(studio)
    save_draft(studio, skipping_the_supervisor(content))
    sign_in(page, ANALYST, studio.password)
    page.get_by_role("link", name="Sandbox", exact=True).click()
    expect(page).to_have_url(re.compile(r"/sandbox$"))
    open_setup(page, content["key"], dataset)
    # The draft asks nobody anything new: its steps may keep the default (none).
    expect(page.locator('.policy-step[data-node="supervisor"]')).to_be_visible()
    expect(page.locator("#sandbox-steps")).not_to_contain_text("New")
    page.click("#sandbox-run")
    completed(page)
    expect(page.locator("#run-candidate")).to_contain_text("Draft")
    expect(page.locator("#run-baseline")).to_have_text("Version 1")

    # The headline: every case reproduced; half change path; the supervisor decides half.
    expect(page.locator("#figure-reproduced .figure-value")).to_have_text(f"{CASES} of {CASES}")
    expect(page.locator("#figure-mismatched")).to_have_text("0 mismatched")
    expect(page.locator("#figure-changed .figure-value")).to_have_text("10")
    expect(page.locator('#figure-tiers [data-tier="B"]')).to_have_text("B 10")
    supervisor = page.locator('.approval-row[data-node="supervisor"]')
    expect(supervisor.locator(".approval-before")).to_have_text("20")
    expect(supervisor.locator(".approval-after")).to_have_text("10")
    expect(supervisor).to_have_attribute("data-tone", "down")
    expect(supervisor).to_contain_text("Supervisor (final)")
    expect(page.locator("#figure-median .figure-value")).to_contain_text("→")
    expect(page.locator('.outcome-row[data-outcome="paid"]')).to_contain_text("Paid")
    changes = page.locator("#path-changes .path-change")
    expect(changes.first).to_contain_text("Under 500?")
    expect(changes.first).to_contain_text("Supervisor (final)")
    expect(page.locator(".workload-row").first).to_be_visible()
    expect(page.locator(".histogram-bin").first).to_be_visible()
    expect(page.locator("#disclosure .disclosure-line").first).to_be_visible()

    # The changed cases, by tier: all ten are tier B (history says it all).
    cases = page.locator(".sandbox-case")
    expect(cases).to_have_count(10)
    tiers = page.locator("#cases-tier")
    tiers.get_by_role("radio", name="C", exact=True).click()
    expect(page.locator("#cases-none")).to_be_visible()
    tiers.get_by_role("radio", name="B", exact=True).click()
    expect(cases).to_have_count(10)
    expect(page.locator('.sandbox-case[data-tier="B"]')).to_have_count(10)
    page.click("#cases-changed-only")
    expect(cases).to_have_count(10)  # tier B holds only changed cases anyway
    tiers.get_by_role("radio", name="All tiers").click()
    expect(cases).to_have_count(CASES)
    page.click("#cases-changed-only")
    expect(cases).to_have_count(10)

    # One case: both paths drawn, the first difference marked on each.
    first = page.locator('.sandbox-case[data-case="declaration 1000"]')
    expect(first).to_contain_text("Supervisor (final) → Payment requested")
    first.click()
    expect(page.locator('#case-paths[data-case="declaration 1000"]')).to_be_visible()
    expect(page.locator("#case-divergence")).to_contain_text(
        "the baseline goes to Supervisor (final), the candidate to Payment requested"
    )
    expect(page.locator("#case-divergence")).to_contain_text("Under 500?")  # the edit why
    divergence = re.compile(r"\bhl-divergence\b")
    on_path = re.compile(r"\bhl-path\b")
    expect(step(page, "baseline", "supervisor")).to_have_class(divergence)
    expect(step(page, "baseline", "admin")).to_have_class(on_path)
    expect(step(page, "baseline", "small")).to_have_count(0)  # not in the baseline at all
    expect(step(page, "candidate", "request")).to_have_class(divergence)
    expect(step(page, "candidate", "small")).to_have_class(on_path)
    expect(step(page, "candidate", "supervisor")).not_to_have_class(re.compile(r"\bhl-"))
    expect(page.locator("#baseline-path")).to_contain_text("Supervisor (final)")
    expect(page.locator("#candidate-path")).to_contain_text("Under 500? → Payment requested")
    expect(page.locator("#candidate-path")).not_to_contain_text("Supervisor")


def test_a_new_approval_step_needs_a_policy_which_the_refusal_shows_at_its_choice(
    page: Page, studio: Studio, performer: None, dataset: int
) -> None:
    content = travel_copy(studio)
    save_draft(studio, with_a_finance_check(content))
    sign_in(page, ANALYST, studio.password)
    open_setup(page, content["key"], dataset)
    finance = page.locator('.policy-step[data-node="finance"]')
    expect(finance).to_contain_text("Finance check")
    expect(finance).to_contain_text("New")
    expect(page.locator("#sandbox-policy")).to_have_value("")  # no default policy
    page.click("#sandbox-run")
    expect(page.locator('.policy-step[data-node="finance"][data-invalid="true"]')).to_be_visible()
    expect(finance.locator(".field-error")).to_contain_text("needs a decision history cannot tell")
    expect(page.locator("#sandbox-failure")).to_contain_text("The simulation was not started.")
    expect(page).to_have_url(re.compile(r"/sandbox/?(\?[^/]*)?$"))  # still setting it up
    expect(page.locator('.policy-step[data-node="supervisor"][data-invalid="true"]')).to_have_count(
        0
    )

    # Always approve, after four hours: the message goes, and the simulation runs.
    page.select_option('[data-policy-node="finance"]', "approve")
    expect(page.locator('.policy-step[data-node="finance"][data-invalid="false"]')).to_be_visible()
    page.fill('[data-hours-node="finance"]', "4")
    page.click("#sandbox-run")
    completed(page)
    expect(page.locator("#run-policy")).to_contain_text("Finance check: Always approve after 4 h")
    # Every case now rests on the stated policy at the new step.
    expect(page.locator('#figure-tiers [data-tier="C"]')).to_have_text(f"C {CASES}")
    expect(page.locator('.approval-row[data-node="finance"] .approval-after')).to_have_text(
        str(CASES)
    )
    expect(page.locator("#disclosure")).to_contain_text("stated policy")


def test_a_queued_simulation_is_followed_and_cancelled_in_chinese(
    page: Page, studio: Studio, performer: None, dataset: int
) -> None:
    content = travel_copy(studio)
    save_draft(studio, skipping_the_supervisor(content))
    sign_in(page, LINGUIST, studio.password)
    page.locator("#language-switch").get_by_role("radio", name="中文").click()
    expect(page.get_by_role("link", name="沙盒", exact=True)).to_be_visible()
    # Nobody performs runs while this test holds the performers' lock: it stays queued.
    with _locked(_performing(studio)):
        page.goto(f"/sandbox?workflow={content['key']}")
        expect(page.locator('#sandbox-page[data-ready="true"]')).to_be_visible()
        expect(page.locator("#sandbox-workflow")).to_have_value(content["key"])
        page.select_option("#sandbox-dataset", str(dataset))
        page.click("#sandbox-run")
        expect(page).to_have_url(re.compile(r"/sandbox/\d+$"))
        expect(page.locator("#run-status")).to_have_text("排队中")
        expect(page.locator("#run-progress")).to_contain_text("等待后台进程")
        page.click("#run-cancel")
        expect(page.locator("#run-status")).to_have_text("已取消")
        expect(page.locator("#run-cancelled")).to_contain_text("模拟运行已取消")
        expect(page.locator("#run-progress")).to_have_count(0)
    run_id = page.url.rsplit("/", 1)[-1]
    with api(studio, LINGUIST) as client:
        body = client.get(f"/sandbox/runs/{run_id}").json()
        client.patch("/me", json={"language": "en"})  # as it was, for a rerun
    assert body["status"] == "cancelled" and "report" not in body, json.dumps(body)
