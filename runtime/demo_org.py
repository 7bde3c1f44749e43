"""The demo's sales organisation and its history of deals and leads, so a
new user signs in as a rep, a manager or a director right after ``make run``
and sees what each may see.

People: two regions (east, south), a team in each, a director, a finance
analyst, two reps and a manager in east, one rep and a manager in south, all
with the admin's password. Records are generated from a fixed seed, so every
fresh demo holds the same deals. The finance analyst gets a 14-day grant on
commission from the day the demo is loaded (the quarter-end scenario).
"""

from __future__ import annotations

import csv
import io
import random
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from builder.forms import form_model, record_errors, with_computed
from runtime.store import people
from runtime.store.models import Record, Region, Role, User
from runtime.store.people.csv_import import import_users
from runtime.store.records import create_record, placement

__all__ = ["DEMO_PEOPLE", "finance_grant", "load_org", "load_records"]

REGIONS = (("east", "East China"), ("south", "South China"))
TEAMS = (("east-sales", "East sales", "east"), ("south-sales", "South sales", "south"))
ROLES = (
    ("rep", "Sales rep", 1),
    ("manager", "Sales manager", 3),
    ("director", "Sales director", 5),
    ("finance", "Finance analyst", 2),
)
# username, display name, business roles, team, region, manager
DEMO_PEOPLE = (
    ("frank", "Frank Director", "director", "", "", ""),
    ("fiona", "Fiona Finance", "finance", "", "", ""),
    ("dave", "Dave Manager", "manager", "east-sales", "east", "frank"),
    ("erin", "Erin Manager", "manager", "south-sales", "south", "frank"),
    ("alice", "Alice Rep", "rep", "east-sales", "east", "dave"),
    ("bob", "Bob Rep", "rep", "east-sales", "east", "dave"),
    ("carol", "Carol Rep", "rep", "south-sales", "south", "erin"),
)
SEED = 20261201
DEALS = 60


def load_org(session: Session, *, password: str, now: datetime) -> list[str]:
    """Regions, teams, roles and people that are missing; what they were."""
    made = []
    for key, name in REGIONS:
        if session.scalar(select(Region.id).where(Region.key == key)) is None:
            people.create_region(session, key=key, name=name, actor="demo", now=now)
            made.append(f"region:{key}")
    for key, name, region in TEAMS:
        if not any(t.key == key for t in people.list_teams(session, limit=500)):
            people.create_team(session, key=key, name=name, region=region, actor="demo", now=now)
            made.append(f"team:{key}")
    for key, name, rank in ROLES:
        if session.scalar(select(Role.id).where(Role.key == key)) is None:
            people.create_role(session, key=key, name=name, rank=rank, actor="demo", now=now)
            made.append(f"role:{key}")
    missing = [p for p in DEMO_PEOPLE if people.person_by_username(session, p[0]) is None]
    if missing:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(
            [
                "username",
                "display_name",
                "platform_role",
                "roles",
                "team",
                "region",
                "manager",
                "password",
                "email",
            ]
        )
        for username, display, roles, team, region, manager in DEMO_PEOPLE:
            writer.writerow(
                [
                    username,
                    display,
                    "viewer",
                    roles,
                    team,
                    region,
                    manager,
                    password,
                    f"{username}@example.com",
                ]
            )
        import_users(session, out.getvalue().encode(), actor="demo", now=now)
        made += [f"user:{p[0]}" for p in missing]
    return made


def finance_grant(matrix: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The sales matrix with fiona's quarter-end grant: commission on every
    deal for 14 days from ``now``."""
    return {
        **matrix,
        "grants": [
            {
                "user": "fiona",
                "starts_at": now.replace(microsecond=0).isoformat(),
                "ends_at": (now + timedelta(days=14)).replace(microsecond=0).isoformat(),
                "reason": "Quarter-end commission review",
                "forms": [
                    {
                        "form": "deal",
                        "access": "hidden",
                        "row_scope": "all",
                        "fields": {"commission": "read"},
                    }
                ],
            }
        ],
    }


_NAMES = (
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Vandelay",
    "Stark",
    "Wayne",
    "Soylent",
    "Tyrell",
    "Cyberdyne",
    "Wonka",
    "Gringotts",
    "Monarch",
    "Pied Piper",
)


def _deal(rng: random.Random, index: int, owner: tuple[str, str], now: datetime) -> dict[str, Any]:
    kind = rng.choices(("key_account", "mid_market", "smb"), weights=(2, 3, 5))[0]
    scale = {"key_account": 800_000, "mid_market": 200_000, "smb": 40_000}[kind]
    amount = round(rng.lognormvariate(0, 0.5) * scale, -2)
    stage = rng.choices(
        ("qualify", "propose", "negotiate", "won", "lost"), weights=(3, 3, 2, 2, 1)
    )[0]
    data: dict[str, Any] = {
        "name": f"{rng.choice(_NAMES)} {('platform', 'renewal', 'expansion', 'pilot')[index % 4]}",
        "customer_type": kind,
        "stage": stage,
        "region": owner[1],
        "owner": owner[0],
        "amount": amount,
        "discount": round(rng.choice((0, 0, 0.05, 0.1, 0.15, 0.25)), 2),
        "margin": round(rng.uniform(0.12, 0.45), 2),
        "commission": round(amount * rng.uniform(0.02, 0.05), -1),
        "close_date": (now + timedelta(days=rng.randint(-60, 120))).date().isoformat(),
    }
    if kind == "key_account":
        data["sponsor"] = rng.choice(("CFO", "CIO", "COO", "VP Sales"))
        data["procurement"] = "Tender with two rounds; legal review by the customer."
    if kind in ("key_account", "mid_market") and rng.random() < 0.7:
        data["budget"] = round(amount * rng.uniform(0.9, 1.4), -3)
    return data


def load_records(session: Session, *, form: dict[str, Any], version: int, now: datetime) -> int:
    """The demo's deals, unless deals exist already."""
    if session.scalar(select(Record.id).where(Record.form == "deal").limit(1)) is not None:
        return 0
    model = form_model(form)
    rng = random.Random(SEED)
    reps = [(p[0], p[4]) for p in DEMO_PEOPLE if p[2] == "rep"]
    ids = dict(session.execute(select(User.username, User.id)).all())
    for index in range(DEALS):
        owner = reps[index % len(reps)]
        data = _deal(rng, index, owner, now)
        exemptions = {}
        if data["customer_type"] == "key_account" and "budget" not in data:
            exemptions["budget"] = "not_disclosed"
        errors = record_errors(model, data, exemptions, (), written=list(data))
        if errors:  # the generator and the form must agree; never store a bad demo record
            raise ValueError(f"demo deal {index} is invalid: {errors[0].message['en']}")
        create_record(
            session,
            model,
            form_version=version,
            data=with_computed(model, data, exemptions, now),
            exemptions=exemptions,
            where=placement(session, model, data, ids.get(owner[0])),
            actor=owner[0],
            now=now,
            context={"form_version": version, "matrices": {}, "source": "demo"},
        )
    return DEALS
