"""A small sales organisation and the documents records tests need: two
regions, a team in each, reps, a manager per region, a finance analyst,
the ``deal`` form with elastic rules and the ``sales`` matrix."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from litestar.testing import TestClient
from sqlalchemy import Engine

from runtime.store.db import make_sessionmaker, transaction
from runtime.store.models import Region, Role, Team, User, UserRole

Client = TestClient[Any]

DEAL: dict[str, Any] = {
    "kind": "form",
    "schema_version": 2,
    "key": "deal",
    "title": {"en": "Deal", "zh-CN": "商机"},
    "stage_field": "stage",
    "region_field": "region",
    "exemption_reasons": [
        {"value": "not_disclosed", "label": {"en": "Customer did not disclose"}},
        {"value": "not_needed", "label": {"en": "Not needed for this deal"}},
    ],
    "fields": [
        {"key": "name", "type": "text", "label": {"en": "Deal name"}, "required": True},
        {
            "key": "customer_type",
            "type": "select",
            "label": {"en": "Customer type"},
            "required": True,
            "options": [
                {"value": "ka", "label": {"en": "Key account"}},
                {"value": "smb", "label": {"en": "Small business"}},
            ],
        },
        {
            "key": "stage",
            "type": "select",
            "label": {"en": "Stage"},
            "options": [
                {"value": "qualify", "label": {"en": "Qualify"}},
                {"value": "negotiate", "label": {"en": "Negotiate"}},
                {"value": "won", "label": {"en": "Won"}},
            ],
        },
        {"key": "region", "type": "region", "label": {"en": "Region"}},
        {"key": "amount", "type": "money", "label": {"en": "Amount"}, "currency": "CNY", "min": 0},
        {"key": "margin", "type": "percent", "label": {"en": "Margin"}},
        {"key": "commission", "type": "money", "label": {"en": "Commission"}},
        {
            "key": "ka_sponsor",
            "type": "text",
            "label": {"en": "Executive sponsor"},
            "show_when": {"field": "customer_type", "in": ["ka"]},
            "require_when": {"field": "customer_type", "in": ["ka"]},
        },
        {
            "key": "budget",
            "type": "money",
            "label": {"en": "Budget"},
            "exemptible": True,
            "require_when": {"field": "customer_type", "in": ["ka"]},
            "show_when": {"field": "customer_type", "in": ["ka"]},
        },
        {"key": "code", "type": "text", "label": {"en": "Deal code"}, "unique": True},
        {
            "key": "net",
            "type": "computed",
            "label": {"en": "Net"},
            "expression": "record['amount'] * (1 - (record.get('margin') or 0))",
        },
    ],
}


def sales_matrix(now: datetime) -> dict[str, Any]:
    return {
        "kind": "permission_matrix",
        "schema_version": 2,
        "key": "sales",
        "title": {"en": "Sales"},
        "roles": [
            {
                "role": "rep",
                "forms": [
                    {
                        "form": "deal",
                        "access": "write",
                        "row_scope": "own",
                        "fields": {"margin": "hidden", "commission": "hidden"},
                        "stages": {"won": {"amount": "read"}},
                    }
                ],
                "actions": ["start"],
            },
            {
                "role": "manager",
                "forms": [
                    {
                        "form": "deal",
                        "access": "read",
                        "row_scope": "region",
                        "fields": {"commission": "hidden", "margin": "write"},
                    }
                ],
                "actions": ["decide", "export"],
            },
        ],
        "grants": [
            {
                "user": "fin",
                "starts_at": (now - timedelta(days=1)).isoformat(),
                "ends_at": (now + timedelta(days=14)).isoformat(),
                "reason": "Quarter-end commission review",
                "forms": [
                    {
                        "form": "deal",
                        "access": "hidden",
                        "row_scope": "all",
                        "fields": {"name": "read", "commission": "read"},
                    }
                ],
            }
        ],
    }


def deal_form() -> dict[str, Any]:
    return copy.deepcopy(DEAL)


@dataclass
class Org:
    """Usernames by part they play, and clients signed in as each."""

    clients: dict[str, Client]
    ids: dict[str, int]


PEOPLE = {
    # username: (roles, team, region)
    "rep_e1": (["rep"], "east-1", "east"),
    "rep_e2": (["rep"], "east-1", "east"),
    "rep_s1": (["rep"], "south-1", "south"),
    "mgr_e": (["manager"], "east-1", "east"),
    "mgr_s": (["manager"], "south-1", "south"),
    "fin": (["finance"], None, None),
}


def build_org(
    engine: Engine, password_hash: str, open_client: Callable[[str], Client]
) -> dict[str, int]:
    """Regions, teams, roles and people in the database; user ids by name."""
    now = datetime.now(UTC)
    with transaction(make_sessionmaker(engine)) as session:
        regions = {k: Region(key=k, name=k.title(), created_at=now) for k in ("east", "south")}
        session.add_all(regions.values())
        session.flush()
        teams = {
            "east-1": Team(
                key="east-1", name="East 1", region_id=regions["east"].id, created_at=now
            ),
            "south-1": Team(
                key="south-1", name="South 1", region_id=regions["south"].id, created_at=now
            ),
        }
        roles = {
            k: Role(key=k, name=k.title(), rank=r, created_at=now)
            for k, r in (("rep", 1), ("manager", 3), ("finance", 2))
        }
        session.add_all([*teams.values(), *roles.values()])
        session.flush()
        ids = {}
        for name, (held, team, region) in PEOPLE.items():
            user = User(
                username=name,
                display_name=name,
                password_hash=password_hash,
                role="viewer",
                language="en",
                is_active=True,
                created_at=now,
                team_id=teams[team].id if team else None,
                region_id=regions[region].id if region else None,
            )
            session.add(user)
            session.flush()
            session.add_all(UserRole(user_id=user.id, role_id=roles[r].id) for r in held)
            ids[name] = user.id
    return ids


def publish(client: Client, document: dict[str, Any]) -> None:
    base = f"/api/v1/documents/{document['kind']}/{document['key']}"
    saved = client.put(f"{base}/draft", json=document)
    assert saved.status_code in (200, 201), saved.text
    assert saved.json()["valid"], saved.json()["errors"]
    published = client.post(f"{base}/publish", json={})
    assert published.status_code in (200, 201), published.text
    version = published.json()["version"]
    active = client.put(f"{base}/active/default", json={"version": version})
    assert active.status_code == 200, active.text
