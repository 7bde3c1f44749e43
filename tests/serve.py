"""Run the real ``trellis`` command: a server process over real HTTP, and CLI calls."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).parent.parent


def trellis_env(database_url: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ, TRELLIS_DATABASE_URL=database_url, PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


def run_cli(database_url: str, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "runtime.cli", *args],
        env=trellis_env(database_url),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def served(database_url: str, **env: str) -> Iterator[str]:
    """``trellis serve`` on a free port; yields its base URL, stops it after."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "runtime.cli",
            "serve",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=trellis_env(database_url, **env),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"trellis serve exited: {process.stdout.read() if process.stdout else ''}"
                )
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("trellis serve did not become healthy in 60 s")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@contextmanager
def worker(database_url: str, **env: str) -> Iterator[subprocess.Popen[str]]:
    """``trellis worker`` polling every 0.1 s; stopped (SIGTERM) after."""
    process = subprocess.Popen(
        [sys.executable, "-m", "runtime.cli", "worker", "--poll", "0.1", "--log-level", "warning"],
        env=trellis_env(database_url, **env),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
