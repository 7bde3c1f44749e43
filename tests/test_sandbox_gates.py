# ruff: noqa: F811
"""Compliance rules and publish gates (issue 7): rules are versioned per
workflow, checked against the candidate's drawing and over the replay; a
gated variant goes live only with a completed run of exactly that content."""

from __future__ import annotations

import copy
from typing import Any

from runtime.config import Settings
from runtime.sandbox.perform import perform_queued
from tests.test_sandbox_runs import (  # noqa: F401 (the admin fixture)
    API,
    WORKFLOW,
    admin,
    ask,
    save_draft,
    skip_supervisor_under,
)

RULES = {
    "rules": [
        {
            "kind": "min_approvals",
            "id": "three-above-1000",
            "when": "record['amount'] > 1000",
            "count": 3,
        },
        {"kind": "must_pass", "id": "supervisor-signs", "node": "supervisor"},
        {
            "kind": "never_sees",
            "id": "rep-amount",
            "role": "rep",
            "form": "declaration",
            "field": "amount",
        },
    ]
}


def test_rules_are_versioned_and_a_bad_rule_is_refused(admin: Any) -> None:
    client, _ = admin
    bad = copy.deepcopy(RULES)
    bad["rules"][0]["when"] = "record['amount' >"
    refused = client.put(f"{API}/sandbox/rules/travel-declaration", json=bad)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["pointer"] == "/rules/0/when"
    assert client.get(f"{API}/sandbox/rules/travel-declaration").status_code == 404
    first = client.put(f"{API}/sandbox/rules/travel-declaration", json={**RULES, "message": "v1"})
    assert first.status_code == 201 and first.json()["version"] == 1
    second = client.put(
        f"{API}/sandbox/rules/travel-declaration", json={"rules": RULES["rules"][:1]}
    )
    assert second.json()["version"] == 2
    versions = client.get(f"{API}/sandbox/rules/travel-declaration/versions").json()
    assert [v["version"] for v in versions] == [2, 1]
    assert client.put(f"{API}/sandbox/rules/no-such-flow", json=RULES).status_code == 404


def test_rules_are_checked_on_the_drawing_and_over_the_replay(
    admin: Any, settings: Settings
) -> None:
    client, dataset = admin
    assert client.put(f"{API}/sandbox/rules/travel-declaration", json=RULES).status_code == 201
    save_draft(client, skip_supervisor_under(5000))
    run_id = ask(client, dataset).json()["id"]
    perform_queued(settings)
    report = client.get(f"{API}/sandbox/runs/{run_id}").json()["report"]
    assert report["inputs"]["rules_version"] == 1
    found = {row["rule"]: row for row in report["compliance"]}
    # d3 (2,400) had administration, budget owner and supervisor; now two.
    assert found["three-above-1000"]["baseline"]["violations"] == 0
    assert found["three-above-1000"]["new"]["examples"] == ["d3"]
    assert not found["three-above-1000"]["ok"]  # a way with one approval exists
    # Without the supervisor the paid cases no longer pass them.
    assert found["supervisor-signs"]["baseline"]["violations"] == 0
    assert found["supervisor-signs"]["candidate"]["violations"] == 4
    assert not found["supervisor-signs"]["ok"]
    assert "avoids supervisor" in found["supervisor-signs"]["detail"]
    # No matrix lets a rep read declarations at all.
    assert found["rep-amount"]["ok"]


def test_a_gated_variant_goes_live_only_with_a_report_of_exactly_that_content(
    admin: Any, settings: Settings
) -> None:
    client, dataset = admin
    base = f"{API}/documents/workflow/travel-declaration"
    gate = client.put(
        f"{API}/sandbox/gates/travel-declaration/default", json={"require_sandbox": True}
    )
    assert gate.status_code == 200 and gate.json()["gates"] == {"default": True}
    draft = skip_supervisor_under(500)
    save_draft(client, draft)
    status = client.get(f"{API}/sandbox/gates/travel-declaration").json()
    assert status["draft_hash"] and status["report"] is None
    published = client.post(f"{base}/publish", json={"message": "skip small"})
    assert published.status_code == 201
    version = published.json()["version"]
    refused = client.put(f"{base}/active/default", json={"version": version})
    assert refused.status_code == 409 and "sandbox" in refused.json()["detail"]

    run_id = ask(client, dataset).json()["id"]  # the draft, now identical to the version
    perform_queued(settings)
    status = client.get(f"{API}/sandbox/gates/travel-declaration").json()
    assert status["report"]["id"] == run_id and not status["stale"]
    assert status["report"]["candidate_hash"] == published.json()["hash"]
    assert client.put(f"{base}/active/default", json={"version": version}).status_code == 200
    # Rolling back is never held up.
    assert client.put(f"{base}/active/default", json={"version": 1}).status_code == 200

    changed = copy.deepcopy(draft)
    changed["title"] = {"en": "Travel expenses", "zh-CN": "差旅费用"}
    save_draft(client, changed)
    status = client.get(f"{API}/sandbox/gates/travel-declaration").json()
    assert status["report"] is None and status["stale"]
    assert status["latest"]["id"] == run_id
    # A viewer may read the gate; only a publisher may set one.
    assert WORKFLOW["key"] == "travel-declaration"
