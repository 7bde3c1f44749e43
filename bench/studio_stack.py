"""The API and the studio on a fresh demo database, for scripts that drive a browser
(the canvas benchmark, the README's screenshots)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from frontend.launch import start_api, start_studio, stop
from tests.serve import free_port, run_cli

__all__ = ["CHROMIUM", "FLAGS", "Stack", "studio_stack"]

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
HOST = "127.0.0.1"


@dataclass(frozen=True)
class Stack:
    url: str  # the studio
    api: httpx.Client  # the API, signed in as admin
    password: str  # of the demo users
    database: str = ""  # its URL, for work done beside the API (a sandbox run)


@contextmanager
def studio_stack() -> Iterator[Stack]:
    """Demo data on a temporary SQLite database, the API on it and the studio's
    production build on the API; everything stops and goes away afterwards."""
    with tempfile.TemporaryDirectory() as folder:
        database = f"sqlite:///{folder}/trellis.db"
        password_file = Path(folder) / "password"
        for args in (("db", "upgrade"), ("demo", "--password-file", str(password_file))):
            done = run_cli(database, *args)
            if done.returncode:
                raise RuntimeError(done.stderr)
        password = password_file.read_text(encoding="utf-8").strip()
        api_port, ui_port = free_port(), free_port()
        pids = [start_api(HOST, api_port, env={"TRELLIS_DATABASE_URL": database})]
        api_url = f"http://{HOST}:{api_port}/api/v1"
        try:
            print("building the studio (production)…", flush=True)
            pids.append(start_studio(api_url, ui_port, host=HOST, web_dir=Path(folder) / "web"))
            with httpx.Client(base_url=api_url, timeout=60) as client:
                credentials = {"username": "admin", "password": password}
                token = client.post("/auth/login", json=credentials).json()["token"]
                client.headers["Authorization"] = f"Bearer {token}"
                yield Stack(
                    url=f"http://{HOST}:{ui_port}", api=client, password=password, database=database
                )
        finally:
            for pid in reversed(pids):
                stop(pid)
