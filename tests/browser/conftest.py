"""Browser tests: Playwright drives Debian's chromium against the real studio.

One ``trellis serve`` on a fresh SQLite database with the demo data, and one studio
(``reflex run --env prod``, built into a folder of its own), on free ports, serve the
whole run, whichever xdist workers the tests land on (``stack.py``). Every test gets a
fresh browser context: no cookies, no storage.

A failed test leaves a screenshot in ``test-results/browser/`` (or
``$TRELLIS_TEST_OUTPUT/browser/``), beside the logs of the API and the studio.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import sys
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from frontend.launch import spawn, start_api, start_studio, stop, wait_until_up
from tests.browser.helpers import LINGUIST
from tests.browser.stack import Studio, shared
from tests.serve import ROOT, free_port, run_cli

CHROMIUM = os.environ.get("TRELLIS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
OUTPUT = Path(os.environ.get("TRELLIS_TEST_OUTPUT", ROOT / "test-results")) / "browser"
IN_CI = os.environ.get("CI", "").lower() == "true"
HOST = "127.0.0.1"
TIMEOUT_MS = 15_000


def _missing(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (CI must run the browser tests; `make test` installs it)")
    pytest.skip(reason)


def start_proxy(host: str, port: int, env: dict[str, str], output: Any) -> int:
    """The cuttable proxy between the studio and the API (proxy.py); its pid once up."""
    command = [sys.executable, "-m", "uvicorn", "tests.browser.proxy:app"]
    command += ["--host", host, "--port", str(port), "--log-level", "warning"]
    pid = spawn(command, ROOT, dict(os.environ, **env), output)
    wait_until_up(pid, f"http://{host}:{port}/api/v1/health", "the test proxy", 60)
    return pid


def _start(folder: Path) -> Studio:
    """A migrated database with the demo data, the API on it, and the studio on the API."""
    database = f"sqlite:///{folder / 'trellis.db'}"
    password_file = folder / "password"
    for args in (("db", "upgrade"), ("demo", "--password-file", str(password_file))):
        result = run_cli(database, *args)
        assert result.returncode == 0, result.stdout + result.stderr
    password = password_file.read_text(encoding="utf-8").strip()
    # The tests run in parallel against this one database: a test that changes a
    # user's preferences gets a user of its own.
    user = ("users", "create", "--username", LINGUIST, "--password", password, "--role", "editor")
    result = run_cli(database, *user)
    assert result.returncode == 0, result.stdout + result.stderr
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for stale in OUTPUT.glob("*.png"):  # screenshots of an earlier run's failures
        stale.unlink()
    api_port = free_port()
    with (OUTPUT / "api.log").open("wb") as log:
        api = start_api(HOST, api_port, env={"TRELLIS_DATABASE_URL": database}, output=log)
    api_url = f"http://{HOST}:{api_port}/api/v1"
    down = folder / "down"
    proxy_env = {
        "TRELLIS_PROXY_TARGET": f"http://{HOST}:{api_port}",
        "TRELLIS_PROXY_DOWN": str(down),
    }
    pids = [api]
    try:
        with (OUTPUT / "proxy.log").open("wb") as log:
            proxy_port = free_port()
            pids.append(start_proxy(HOST, proxy_port, proxy_env, log))
        with (OUTPUT / "studio.log").open("wb") as log:
            port = free_port()
            proxied = f"http://{HOST}:{proxy_port}/api/v1"
            pids.append(start_studio(proxied, port, host=HOST, web_dir=folder / "web", output=log))
    except BaseException:
        for pid in pids:
            stop(pid)
        raise
    return Studio(
        url=f"http://{HOST}:{port}",
        api=api_url,
        password=password,
        pids=tuple(reversed(pids)),
        down=str(down),
        database=database,
    )


@pytest.fixture(scope="session")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
    """The API and the studio, shared by every worker of the run."""
    if not Path(CHROMIUM).exists():
        _missing(f"no chromium at {CHROMIUM}")
    if importlib.util.find_spec("reflex") is None:
        _missing("reflex is not installed (pip install -e '.[dev,studio]')")
    base = tmp_path_factory.getbasetemp()
    # Under xdist each worker's temp folder sits in the run's own: share that one.
    run = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder = run / "studio"
    folder.mkdir(exist_ok=True)
    # The studio's build folder holds its node modules (~150 MB): not worth keeping.
    clean = partial(shutil.rmtree, folder / "web", ignore_errors=True)
    with shared(folder, lambda: _start(folder), clean) as servers:
        yield servers


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


@pytest.fixture
def page(browser: Browser, studio: Studio, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A page in a fresh context (no cookies or storage), screenshotted if the test fails."""
    context = browser.new_context(
        base_url=studio.url, viewport={"width": 1280, "height": 800}, locale="en-US"
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    reports = request.node.stash.get(_REPORTS, {})
    if "call" in reports and reports["call"].failed:
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
        page.screenshot(path=str(OUTPUT / f"{name}.png"), full_page=True)
    context.close()


@pytest.fixture(autouse=True)
def _expect_timeout() -> None:
    expect.set_options(timeout=TIMEOUT_MS)
