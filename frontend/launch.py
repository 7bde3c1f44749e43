"""Start the studio (Reflex, production mode) next to the API; used by ``make run`` and the
browser tests, so both start it the same way.

Reflex needs bun, and its own download of bun cannot work here: ``make install`` puts
bun from the npm registry into ``.tools/`` and this module puts that folder on PATH
with ``REFLEX_USE_SYSTEM_BUN=1``. Production mode builds the frontend at every start
and then serves it and Reflex's event websocket on one port.

    python frontend/launch.py [--host H] [--api-port 8000] [--ui-port 3000]

starts ``trellis serve`` and the studio, prints the address to open, and stops both on
Ctrl+C.

Each server runs in a process group of its own, so that stopping it stops the workers
it started, and so that another process (a second test worker) can stop it by its pid.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import IO

import httpx

__all__ = [
    "FRONTEND",
    "ROOT",
    "TOOLS_BIN",
    "spawn",
    "start_api",
    "start_studio",
    "stop",
    "studio_env",
    "wait_until_up",
]

FRONTEND = Path(__file__).resolve().parent
ROOT = FRONTEND.parent
TOOLS_BIN = ROOT / ".tools" / "node_modules" / ".bin"
PASSWORD_FILE = ROOT / "var" / "admin-password.txt"
# A start builds the frontend (about 5 s here); the first one also installs its node
# modules. Generous, for a slow registry.
START_TIMEOUT = 600.0
Output = IO[bytes] | None


def studio_env(api_url: str, host: str, port: int, web_dir: Path | None = None) -> dict[str, str]:
    """The environment of the Reflex process: where the API is, and how to build."""
    env = dict(os.environ)
    env.update(
        PATH=f"{TOOLS_BIN}{os.pathsep}{env.get('PATH', '')}",
        TRELLIS_API_URL=api_url,
        REFLEX_USE_SYSTEM_BUN="1",
        REFLEX_TELEMETRY_ENABLED="false",
        REFLEX_CHECK_LATEST_VERSION="false",
        # The browser opens the page and its websocket on this address.
        REFLEX_API_URL=f"http://{host}:{port}",
        REFLEX_DEPLOY_URL=f"http://{host}:{port}",
        PYTHONUNBUFFERED="1",
    )
    if web_dir is not None:
        # A build folder of its own, so a test run never rebuilds the one `make run` serves.
        env["REFLEX_WEB_WORKDIR"] = str(web_dir)
    return env


def _running(pid: int) -> bool:
    """Whether the process group led by ``pid`` still has a live (non-zombie) member."""
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state != "Z"


def stop(pid: int, timeout: float = 15) -> None:
    """Stop the process group led by ``pid``: SIGTERM, then SIGKILL after ``timeout``.

    Works for a process this one did not start, as long as it leads its own group."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:  # reap it if it is our child
                if os.waitpid(pid, os.WNOHANG)[0] == pid:
                    return
            except ChildProcessError:
                pass
            if not _running(pid):
                return
            time.sleep(0.1)


def spawn(command: list[str], cwd: Path, env: dict[str, str], output: Output) -> int:
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT if output is not None else None,
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # its own group: stopping it stops its workers too
    )
    return process.pid


def wait_until_up(pid: int, url: str, what: str, timeout: float) -> None:
    """Return once ``url`` answers 200; stop the process and raise if it does not."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        problem = None
        if not _running(pid):
            problem = f"{what} exited before it was up"
        elif time.monotonic() > deadline:
            problem = f"{what} was not up at {url} after {timeout:.0f} s"
        if problem:
            stop(pid)
            raise RuntimeError(problem)
        time.sleep(0.2)


def start_studio(
    api_url: str,
    port: int,
    *,
    host: str = "127.0.0.1",
    web_dir: Path | None = None,
    output: Output = None,
    timeout: float = START_TIMEOUT,
) -> int:
    """Start the studio on ``host:port`` talking to ``api_url``; its pid once it answers."""
    env = studio_env(api_url, host, port, web_dir)
    if shutil.which("bun", path=env["PATH"]) is None:
        raise RuntimeError(f"bun is missing from {TOOLS_BIN}: run `make install` first")
    command = [
        *(sys.executable, "-m", "reflex", "run", "--env", "prod"),
        *("--frontend-port", str(port), "--backend-port", str(port), "--backend-host", host),
    ]
    pid = spawn(command, FRONTEND, env, output)
    wait_until_up(pid, f"http://{host}:{port}/ping", "the studio (reflex run)", timeout)
    return pid


def start_api(
    host: str, port: int, *, env: dict[str, str] | None = None, output: Output = None
) -> int:
    """Start ``trellis serve`` on ``host:port`` (``env`` added to ours); its pid once it answers."""
    command = [sys.executable, "-m", "runtime.cli", "serve", "--host", host, "--port", str(port)]
    if output is not None:
        command += ["--log-level", "warning"]
    full_env = dict(os.environ, PYTHONUNBUFFERED="1", **(env or {}))
    pid = spawn(command, ROOT, full_env, output)
    wait_until_up(pid, f"http://{host}:{port}/api/v1/health", "the API (trellis serve)", 60)
    return pid


def start_worker(*, env: dict[str, str] | None = None, output: Output = None) -> int:
    """Start ``trellis worker`` (due timers, the outbox); its pid."""
    command = [sys.executable, "-m", "runtime.cli", "worker"]
    if output is not None:
        command += ["--log-level", "warning"]
    return spawn(command, ROOT, dict(os.environ, PYTHONUNBUFFERED="1", **(env or {})), output)


def _banner(studio_url: str, api_url: str) -> str:
    login = "the users created with `trellis users create`"
    if PASSWORD_FILE.exists():
        password = PASSWORD_FILE.read_text(encoding="utf-8").strip()
        login = (
            f"admin / {password}  (also editor, publisher, viewer and the sales people "
            "alice, bob, carol, dave, erin, frank, fiona; same password)"
        )
    return "\n".join(
        [
            "",
            f"  Trellis Studio  {studio_url}/",
            f"  Sign in as      {login}",
            f"  API             {api_url}  (OpenAPI: {api_url}/schema/swagger)",
            "  Worker          fires deadlines and sends notifications (trellis worker)",
            "  Ctrl+C stops all three.",
            "",
        ]
    )


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the Trellis API and the studio together.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--api-port", type=int, default=8000)
    parser.add_argument("--ui-port", type=int, default=3000)
    args = parser.parse_args(argv)
    # Ctrl+C (even where the caller ignored SIGINT) and SIGTERM make the same clean stop.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    with ExitStack() as stack:
        try:
            api_pid = start_api(args.host, args.api_port)
            stack.callback(stop, api_pid)
            worker_pid = start_worker()
            stack.callback(stop, worker_pid)
            api_url = f"http://{args.host}:{args.api_port}/api/v1"
            print(f"API up on {api_url}; building the studio…", flush=True)
            ui_pid = start_studio(api_url, args.ui_port, host=args.host)
            stack.callback(stop, ui_pid)
            print(_banner(f"http://{args.host}:{args.ui_port}", api_url), flush=True)
            while _running(api_pid) and _running(ui_pid) and _running(worker_pid):
                time.sleep(1)
            print(
                "make run: the API, the worker or the studio stopped; stopping all.",
                file=sys.stderr,
            )
            return 1
        except KeyboardInterrupt:
            print("\nStopping the studio, the worker and the API.", flush=True)
            return 0
        except RuntimeError as error:
            print(f"make run: {error}", file=sys.stderr)
            return 1


if __name__ == "__main__":
    raise SystemExit(main())
