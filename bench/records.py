"""Records with permissions applied, over real HTTP on SQLite.

1. Listing 50 records of 10,000: a regional manager (row scope: region,
   fields projected per row) against an administrator (no scope, nothing
   masked) through the same endpoint, measured in alternating rounds of the
   same run. Goal: the protected list costs at most 1.3x the unprotected one.
2. Record PATCH with validation, the permission check and an audit entry,
   as requests per second against a trivial Litestar endpoint served the same
   way in the same run.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent.parent))

from bench.publish_roundtrip import reference_requests_per_second
from builder.forms import form_model, with_computed
from runtime.store.db import make_engine, make_sessionmaker, transaction
from runtime.store.migrate import upgrade
from runtime.store.models import Record, User
from runtime.store.users import create_token, create_user, hash_password
from tests.records import build_org, deal_form, publish, sales_matrix
from tests.serve import served

RECORDS = 10_000
ROUNDS = 15
REQUESTS_PER_ROUND = 20
PATCH_SECONDS = 10.0


def seed(url: str) -> dict[str, str]:
    """A migrated database with the org, the deal form, the sales matrix and
    10,000 deals spread over the reps of both regions; tokens by user."""
    engine = make_engine(url)
    upgrade(engine)
    now = datetime.now(UTC)
    factory = make_sessionmaker(engine)
    with transaction(factory) as session:
        admin = create_user(
            session, username="bench", password="bench-password", role="admin", now=now
        )
        session.flush()
        admin_token = create_token(session, admin, "bench", now)[1]
    build_org(engine, hash_password("bench-password"), lambda _: None)  # type: ignore[arg-type,return-value]
    tokens = {"admin": admin_token}
    with transaction(factory) as session:
        for name in ("mgr_e", "rep_e1"):
            user = session.query(User).filter_by(username=name).one()
            tokens[name] = create_token(session, user, "bench", now)[1]
    return tokens


def fill(url: str, form: dict[str, object]) -> None:
    """Insert the deals directly (set-up, not what is measured)."""
    engine = make_engine(url)
    model = form_model(form)
    rng = random.Random(7)
    now = datetime.now(UTC)
    with transaction(make_sessionmaker(engine)) as session:
        users = {u.username: u for u in session.query(User).all()}
        reps = [users[n] for n in ("rep_e1", "rep_e2", "rep_s1")]
        rows = []
        for i in range(RECORDS):
            owner = reps[i % len(reps)]
            data = {
                "name": f"Deal {i}",
                "customer_type": "smb",
                "stage": rng.choice(["qualify", "negotiate", "won"]),
                "amount": rng.randint(1_000, 900_000),
                "margin": round(rng.uniform(0.1, 0.4), 2),
                "commission": rng.randint(10, 9_000),
                "code": f"D-{i}",
            }
            rows.append(
                Record(
                    form="deal",
                    form_version=1,
                    revision=1,
                    data=with_computed(model, data, {}, now),
                    exemptions={},
                    owner_id=owner.id,
                    team_id=owner.team_id,
                    region_id=owner.region_id,
                    stage=data["stage"],
                    created_at=now,
                    created_by=owner.username,
                    updated_at=now,
                    updated_by=owner.username,
                )
            )
        session.add_all(rows)
    engine.dispose()


def median_ms(http: httpx.Client, path: str, params: dict[str, str]) -> float:
    times = []
    for _ in range(REQUESTS_PER_ROUND):
        start = time.perf_counter()
        response = http.get(path, params=params)
        times.append(time.perf_counter() - start)
        response.raise_for_status()
        assert len(response.json()["items"]) == 50
    return statistics.median(times) * 1000


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        tokens = seed(url)
        with served(url) as base:

            def client(name: str) -> httpx.Client:
                return httpx.Client(
                    base_url=base,
                    headers={"Authorization": f"Bearer {tokens[name]}"},
                    timeout=30,
                )

            admin, manager, rep = client("admin"), client("mgr_e"), client("rep_e1")
            publish(admin, deal_form())  # type: ignore[arg-type]
            publish(admin, sales_matrix(datetime.now(UTC)))  # type: ignore[arg-type]
            fill(url, deal_form())
            for label, params in (
                ("first page", {"limit": "50"}),
                ("sorted by amount", {"limit": "50", "sort": "-amount"}),
            ):
                protected, open_ = [], []
                for _ in range(ROUNDS):  # alternate, so drift hits both alike
                    protected.append(median_ms(manager, "/api/v1/records/deal", params))
                    open_.append(median_ms(admin, "/api/v1/records/deal", params))
                p, o = statistics.median(protected), statistics.median(open_)
                print(
                    f"list 50 of {RECORDS} deals, {label}: manager (region scope, fields "
                    f"projected) {p:.2f} ms, admin (no matrix) {o:.2f} ms: {p / o:.2f}x "
                    "(goal <= 1.3x)"
                )
            own = rep.get("/api/v1/records/deal", params={"limit": "1"}).json()["items"][0]["id"]
            done, n, start = 0, 0, time.perf_counter()
            while time.perf_counter() - start < PATCH_SECONDS:
                n += 1
                response = rep.patch(
                    f"/api/v1/records/deal/{own}", json={"data": {"amount": 1000 + n}}
                )
                done += response.status_code == 200
            patches = done / (time.perf_counter() - start)
            for c in (admin, manager, rep):
                c.close()
    reference = reference_requests_per_second(PATCH_SECONDS)
    print(
        f"record PATCH (validate, permission check, audit entry, commit): {patches:.0f} "
        f"requests/s; trivial Litestar endpoint {reference:.0f} requests/s: "
        f"{patches / reference:.2f}x"
    )


if __name__ == "__main__":
    main()
