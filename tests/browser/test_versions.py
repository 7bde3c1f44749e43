"""The versions page in a real browser: publish, see a change as a diff, roll back;
a variant that goes live only with a sandbox report of exactly that content.

Each test has a workflow of its own; the drafts are drawn in the editor or, where
the drawing is not the point, stored through the API.

The stack has no worker to perform sandbox runs (and the Sandbox page's tests keep
runs queued on purpose), so the gate's test performs exactly its own run, in this
process, on the stack's database.
"""

from __future__ import annotations

import copy
import json
import re
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import update

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
from tests.serve import ROOT, run_cli
from tests.test_sandbox_runs import HISTORY

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


def live_version(studio: Studio, key: str, variant: str = "default") -> int | None:
    with api(studio) as client:
        found = client.get(f"/documents/workflow/{key}/active").json()["variants"]
    return found[variant]["version"] if variant in found else None


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


# ---- the sandbox gate ----------------------------------------------------------------

MAPPING = ROOT / "docs" / "sandbox" / "bpic2020.mapping.json"
RUN_TIMEOUT_S = 180  # a small simulation on a loaded two-core machine


def travel_copy(studio: Studio, key: str) -> dict[str, Any]:
    """The demo's travel declaration published as ``key``, version 1 live by default."""
    with api(studio) as admin:
        found = admin.get("/documents/workflow/travel-declaration/versions/1")
        assert found.status_code == 200, found.text
        content = copy.deepcopy(found.json()["content"])
        content["key"] = key
        base = f"/documents/workflow/{key}"
        saved = admin.put(f"{base}/draft", json=content)
        assert saved.status_code in (200, 201) and saved.json()["valid"], saved.text
        assert admin.post(f"{base}/publish", json={"message": "as the demo"}).status_code == 201
        assert admin.put(f"{base}/active/default", json={"version": 1}).status_code == 200
    return content


def skipping_small(content: dict[str, Any]) -> dict[str, Any]:
    """Declarations under 500 skip the supervisor: a change the history can replay."""
    draft = copy.deepcopy(content)
    for edge in draft["edges"]:
        if edge["target"] == "supervisor":
            edge["target"] = "small"
    draft["nodes"].append(
        {"id": "small", "type": "decision", "config": {}, "position": {"x": 1080, "y": 140}}
    )
    draft["edges"] += [
        {
            "id": "gate-small",
            "source": "small",
            "target": "request",
            "condition": "record['amount'] < 500",
        },
        {"id": "gate-other", "source": "small", "target": "supervisor", "default": True},
    ]
    return draft


def require_sandbox(studio: Studio, key: str, variant: str, required: bool) -> dict[str, Any]:
    with api(studio) as admin:
        set_ = admin.put(f"/sandbox/gates/{key}/{variant}", json={"require_sandbox": required})
    assert set_.status_code == 200, set_.text
    status: dict[str, Any] = set_.json()
    return status


def sandbox_run(studio: Studio, key: str, candidate: int, baseline: int) -> int:
    """A completed sandbox run of version ``candidate`` over a small imported history.

    Only this run is claimed and performed here (a worker would take the oldest queued
    one, which may be another test's on purpose); if a performer elsewhere took it
    first, it is waited for."""
    from runtime.sandbox.runs import LEASE, perform_run
    from runtime.store.db import make_engine, make_sessionmaker, transaction
    from runtime.store.sandbox_models import SandboxRun

    with api(studio) as admin:
        made = admin.post(
            "/sandbox/datasets",
            files={"file": (f"{key}.csv", HISTORY.encode(), "text/csv")},
            data={"mapping": MAPPING.read_text(encoding="utf-8"), "name": f"{key} history"},
        )
        assert made.status_code in (200, 201), made.text
        asked = admin.post(
            "/sandbox/runs",
            json={
                "candidate": {"workflow": key, "version": candidate},
                "baseline": {"version": baseline},
                "dataset": made.json()["id"],
            },
        )
        assert asked.status_code == 202, asked.text
        run_id = int(asked.json()["id"])
        engine = make_engine(studio.database)
        try:
            sessions = make_sessionmaker(engine)
            now = datetime.now(UTC)
            with transaction(sessions) as session:
                claimed = session.execute(
                    update(SandboxRun)
                    .where(SandboxRun.id == run_id, SandboxRun.status == "queued")
                    .values(status="running", started_at=now, claimed_until=now + LEASE, done=0)
                ).rowcount
            if claimed:
                perform_run(sessions, run_id, clock=lambda: datetime.now(UTC), executor="inline")
        finally:
            engine.dispose()
        deadline = time.monotonic() + RUN_TIMEOUT_S
        while True:
            run = admin.get(f"/sandbox/runs/{run_id}").json()
            if run["status"] != "queued" and run["status"] != "running":
                break
            assert time.monotonic() < deadline, f"sandbox run {run_id} still {run['status']}"
            time.sleep(0.5)  # another performer has it: wait for its end
    assert run["status"] == "completed", json.dumps(run.get("error"))
    return run_id


def test_a_gated_variant_goes_live_only_after_a_sandbox_run_of_that_content(
    page: Page, studio: Studio
) -> None:
    key = "gated-travel"
    first = travel_copy(studio, key)
    require_sandbox(studio, key, "default", True)
    put_draft(studio, skipping_small(first))
    sign_in(page, "admin", studio.password)
    page.goto(f"/workflows/{key}/versions")

    # The publish dialog: no run of this draft yet, and the default variant is gated.
    page.click("#publish-open")
    box = page.locator("#publish-sandbox")
    expect(box).to_have_attribute("data-kind", "none")
    expect(page.locator("#publish-sandbox-text")).to_have_text("No sandbox run of this draft yet.")
    link = page.locator("#publish-sandbox-link")
    expect(link).to_have_attribute("href", f"/sandbox?workflow={key}")
    expect(page.locator("#publish-sandbox-required")).to_have_text(
        "Going live in default needs a sandbox report of exactly this content."
    )
    page.fill("#publish-message", "Small declarations skip the supervisor")
    page.click("#publish-submit")
    expect(page.locator("#publish-dialog")).to_have_count(0)
    expect(page.locator('#version-row[data-version="2"]')).to_be_visible()

    # Making it live is refused, and the dialog says why and where to go.
    page.locator('#version-row[data-version="2"] .version-activate').click()
    expect(page.locator("#activate-gate-note")).to_have_text(
        "Going live in default needs a sandbox report of exactly this content."
    )
    toggle = page.locator("#activate-gate-toggle")
    expect(toggle).to_have_attribute("aria-checked", "true")
    page.click("#activate-confirm")
    refused = page.locator("#activate-refused")
    expect(refused).to_contain_text("Version 2 cannot go live in default yet")
    expect(refused).to_contain_text("run the sandbox on it first")  # the API's own words
    expect(page.locator("#activate-refused-link")).to_have_attribute(
        "href", f"/sandbox?workflow={key}"
    )
    expect(page.locator("#activate-error")).to_have_count(0)  # not "someone else changed it"
    assert live_version(studio, key) == 1
    page.click("#activate-cancel")
    expect(page.locator("#activate-dialog")).to_have_count(0)

    # A completed run of exactly version 2's content (the draft's too): named, linked.
    run_id = sandbox_run(studio, key, candidate=2, baseline=1)
    page.click("#publish-open")
    expect(box).to_have_attribute("data-kind", "report")
    expect(page.locator("#publish-sandbox-text")).to_contain_text(
        f"Sandbox run #{run_id}: 5 cases, baseline reproduced 5 (0 mismatches), 4 change path"
    )
    expect(link).to_have_attribute("href", f"/sandbox/{run_id}")
    page.click("#publish-cancel")
    expect(page.locator("#publish-dialog")).to_have_count(0)

    # Now it goes live; rolling back needs nothing.
    page.locator('#version-row[data-version="2"] .version-activate').click()
    expect(page.locator("#activate-gate-run")).to_have_text(
        f"Sandbox run #{run_id} replayed exactly this content."
    )
    page.click("#activate-confirm")
    expect(page.locator("#activate-dialog")).to_have_count(0)
    expect(page.locator('.live-row[data-variant="default"]')).to_contain_text("2")
    assert live_version(studio, key) == 2
    make_live(page, 1)
    expect(page.locator('.live-row[data-variant="default"]')).to_contain_text("1")


def test_a_publisher_switches_a_variants_gate_in_the_make_live_dialog(
    page: Page, studio: Studio
) -> None:
    key = "gate-switch-flow"
    put_draft(studio, simple(key))
    with api(studio) as admin:
        assert admin.post(f"/documents/workflow/{key}/publish", json={}).status_code == 201
    sign_in(page, "publisher", studio.password)
    page.goto(f"/workflows/{key}/versions")
    page.locator('#version-row[data-version="1"] .version-activate').click()
    toggle = page.locator("#activate-gate-toggle")
    expect(toggle).to_have_attribute("data-known", "true")
    expect(toggle).to_have_attribute("aria-checked", "false")
    expect(page.locator("#activate-gate")).to_contain_text(
        "Require a sandbox report before going live"
    )
    expect(page.locator("#activate-gate-note")).to_have_count(0)

    toggle.click()
    expect(toggle).to_have_attribute("aria-checked", "true")
    expect(page.locator("#activate-gate-note")).to_be_visible()  # even a first version
    with api(studio) as client:
        assert client.get(f"/sandbox/gates/{key}").json()["gates"] == {"default": True}
    page.click("#activate-confirm")
    expect(page.locator("#activate-refused")).to_contain_text("Version 1 cannot go live")
    assert live_version(studio, key) is None

    toggle.click()
    expect(toggle).to_have_attribute("aria-checked", "false")
    expect(page.locator("#activate-refused")).to_have_count(0)
    with api(studio) as client:
        assert client.get(f"/sandbox/gates/{key}").json()["gates"] == {"default": False}
    page.click("#activate-confirm")
    expect(page.locator("#activate-dialog")).to_have_count(0)
    assert live_version(studio, key) == 1
