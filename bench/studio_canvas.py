"""How fast the studio's canvas is, in a real browser against the production build.

    python bench/studio_canvas.py [--runs 5]

Starts ``trellis serve`` on a fresh SQLite database with the demo data and the
studio (``reflex run --env prod``) on free ports, stores generated workflows of
50, 200 and 300 steps as drafts, and measures with Playwright and Debian's
chromium:

- **interactive**: from navigation to the editor until every step is drawn and a
  click on one opens its settings (the page is then usable). Goal: < 2 s for
  50 steps, < 4 s for 300.
- **validate round trip** on 200 steps: from an edit (deleting a step, then undoing
  it: edits with no typing delay) until the error count shows the validator's
  answer: browser → studio → ``POST /validate`` → graph → browser. Goal: < 150 ms.
  (Typing waits 400 ms for a pause before it sends; that wait is the user's, not
  the round trip's.)

Each figure is the median of ``--runs``; the workflow list (a small page) is timed
in the same run as a reference, so a slow machine shows as a ratio that stays put.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright

sys.path[:0] = [str(Path(__file__).resolve().parents[1])]

from bench.studio_stack import CHROMIUM, FLAGS, studio_stack  # noqa: E402
from bench.workflows import generated_workflow  # noqa: E402

COLUMNS = 12


def workflow(key: str, size: int) -> dict[str, Any]:
    """A generated flow of ``size`` steps laid out in a grid, as a person would."""
    doc = generated_workflow(nodes=size, edges=size + size // 4)
    doc["key"] = key
    for index, node in enumerate(doc["nodes"]):
        node["position"] = {"x": 260 * (index % COLUMNS), "y": 120 * (index // COLUMNS)}
    return doc


def timed_open(page: Page, path: str, ready: str, count: int) -> float:
    start = time.perf_counter()
    page.goto(path)
    page.wait_for_function(
        f"document.querySelectorAll({ready!r}).length >= {count}", timeout=60_000
    )
    return time.perf_counter() - start


def interactive(page: Page, key: str, size: int) -> float:
    """Navigation → every step drawn → a click on one shows its settings."""
    start = time.perf_counter()
    page.goto(f"/workflows/{key}")
    page.wait_for_function(
        f"document.querySelectorAll('.react-flow__node').length >= {size}", timeout=60_000
    )
    page.locator('.react-flow__node:has([data-node-type="start"])').click()
    page.wait_for_function(
        "document.querySelector('#panel-type')?.textContent === 'Start'", timeout=60_000
    )
    return time.perf_counter() - start


def validate_round_trip(page: Page, key: str) -> float:
    """Delete the start step, then undo: the time from each key press until the
    error count shows the validator's answer (median of the two)."""
    page.goto(f"/workflows/{key}")
    page.wait_for_selector(".react-flow__node")
    count = "document.querySelector('#error-list-button').textContent"
    page.wait_for_function(f"{count}.endsWith('0')")
    page.locator('.react-flow__node:has([data-node-type="start"])').click()
    times = []
    for key_press in ("Delete", "Control+z"):
        before = page.evaluate(count)
        start = time.perf_counter()
        page.keyboard.press(key_press)
        page.wait_for_function(f"{count} !== {before!r}", timeout=10_000)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with studio_stack() as stack:
        for size in (50, 200, 300):
            key = f"bench-{size}"
            stack.api.put(f"/documents/workflow/{key}/draft", json=workflow(key, size))
        report(stack.url, stack.password, runs)
    return 0


def report(url: str, password: str, runs: int) -> None:
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_context(base_url=url, viewport={"width": 1600, "height": 900}).new_page()
        page.goto("/login")
        page.fill("#username", "admin")
        page.fill("#password", password)
        page.click("#sign-in")
        page.wait_for_selector("#current-user")
        interactive(page, "bench-50", 50)  # warm: first compile of the page's chunks
        reference = statistics.median(
            timed_open(page, "/", ".workflow-row", 3) for _ in range(runs)
        )
        print(f"reference: workflow list shown        {reference * 1000:7.0f} ms")
        for size, goal in ((50, 2.0), (300, 4.0)):
            took = statistics.median(interactive(page, f"bench-{size}", size) for _ in range(runs))
            print(
                f"canvas interactive, {size:3d} steps        {took * 1000:7.0f} ms"
                f"  (goal < {goal * 1000:.0f} ms; {took / reference:4.1f}x the list)"
            )
        round_trip = statistics.median(validate_round_trip(page, "bench-200") for _ in range(runs))
        print(
            f"validate round trip, 200 steps     {round_trip * 1000:7.0f} ms  (goal < 150 ms; "
            f"{round_trip / reference:4.2f}x the list)"
        )
        browser.close()


if __name__ == "__main__":
    raise SystemExit(main())
