"""publish -> activate -> fetch active version, over real HTTP on SQLite.

Each round trip saves a changed draft, publishes it (a new version),
activates it for a variant and fetches the active version's content: four
requests, counted only when all four succeeded. The reference is a trivial
Litestar endpoint served by the same uvicorn in the same run; the ratio is
the figure to compare between machines."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent.parent))

from runtime.store.db import make_engine, make_sessionmaker, transaction
from runtime.store.migrate import upgrade
from runtime.store.users import create_token, create_user
from tests.documents import api_example, deal_form
from tests.serve import ROOT, free_port, served

SECONDS = 10.0


def reference_requests_per_second(seconds: float) -> float:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "bench.trivial_app:app",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        cwd=ROOT,
    )
    try:
        url = f"http://127.0.0.1:{port}/ping"
        with httpx.Client() as client:
            for _ in range(100):
                try:
                    client.get(url)
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            done, start = 0, time.perf_counter()
            while time.perf_counter() - start < seconds:
                if client.get(url).status_code == 200:
                    done += 1
            return done / (time.perf_counter() - start)
    finally:
        process.terminate()
        process.wait()


def trellis_round_trips(url: str, seconds: float) -> tuple[int, float]:
    engine = make_engine(url)
    upgrade(engine)
    with transaction(make_sessionmaker(engine)) as session:
        user = create_user(
            session,
            username="bench",
            password="bench-password",
            role="admin",
            now=datetime.now(UTC),
        )
        session.flush()
        token = create_token(session, user, "bench", datetime.now(UTC))[1]
    engine.dispose()
    with (
        served(url) as base,
        httpx.Client(
            base_url=f"{base}/api/v1", headers={"Authorization": f"Bearer {token}"}
        ) as http,
    ):
        http.put("/documents/form/deal/draft", json=deal_form()).raise_for_status()
        http.post("/documents/form/deal/publish", json={}).raise_for_status()
        document = "/documents/workflow/discount-approval"
        done, n, start = 0, 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            n += 1
            content = api_example()
            content["edges"][1]["condition"] = f"record['discount'] > {n / 1000}"
            ok = http.put(f"{document}/draft", json=content).status_code in (200, 201)
            published = http.post(f"{document}/publish", json={"message": f"run {n}"})
            version = published.json().get("version") if published.status_code == 201 else None
            ok = (
                ok
                and version is not None
                and http.put(f"{document}/active/east", json={"version": version}).status_code
                == 200
            )
            active = http.get(f"{document}/active").json()["variants"]["east"]["version"]
            fetched = http.get(f"{document}/versions/{active}")
            if ok and fetched.status_code == 200 and fetched.json()["version"] == version:
                done += 1
        return done, time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        done, elapsed = trellis_round_trips(url, SECONDS)
    reference = reference_requests_per_second(SECONDS)
    per_second = done / elapsed
    print(
        f"publish round trips (save draft, publish, activate, fetch active x2): "
        f"{per_second:.1f}/s = {per_second * 5:.0f} requests/s over {elapsed:.0f} s, "
        f"{done} completed"
    )
    print(
        f"trivial Litestar endpoint: {reference:.0f} requests/s; "
        f"Trellis requests run at {per_second * 5 / reference:.2f}x the trivial rate"
    )


if __name__ == "__main__":
    main()
