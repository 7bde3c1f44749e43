"""Preview, diff and grants of permission matrices through the HTTP API."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import Engine

from tests.records import build_org, deal_form, publish, sales_matrix

Client = TestClient[Any]


@pytest.fixture
def admin(engine: Engine, password_hash: str, as_role: Callable[[str], Client]) -> Client:
    client = as_role("admin")
    build_org(engine, password_hash, as_role)
    publish(client, deal_form())
    publish(client, sales_matrix(datetime.now(UTC)))
    return client


def fields(body: dict[str, Any]) -> dict[str, str]:
    return {f["key"]: f["access"] for f in body["fields"]}


def test_preview_as_role_user_stage_and_customer_type(admin: Client) -> None:
    rep = admin.get("/api/v1/permissions/preview", params={"role": "rep", "form": "deal"})
    assert rep.status_code == 200, rep.text
    body = rep.json()
    assert body["row_scope"] == "own" and body["may_create"] is True
    access = fields(body)
    assert access["margin"] == "hidden" and access["amount"] == "write"
    assert access["net"] == "hidden"  # it reads the margin
    assert body["actions"] == {"start": ["*"]}
    won = admin.get(
        "/api/v1/permissions/preview", params={"role": "rep", "form": "deal", "stage": "won"}
    ).json()
    assert fields(won)["amount"] == "read"
    ka = admin.get(
        "/api/v1/permissions/preview",
        params={"role": "rep", "form": "deal", "when": "customer_type:ka"},
    ).json()
    sponsor = next(f for f in ka["fields"] if f["key"] == "ka_sponsor")
    assert sponsor["shown"] and sponsor["required"]
    smb = admin.get("/api/v1/permissions/preview", params={"role": "rep", "form": "deal"}).json()
    assert not next(f for f in smb["fields"] if f["key"] == "ka_sponsor")["shown"]
    fin = admin.get("/api/v1/permissions/preview", params={"user": "fin", "form": "deal"}).json()
    assert fin["row_scope"] == "all"
    assert fields(fin)["commission"] == "read" and fields(fin)["amount"] == "hidden"
    assert any("grant" in s for s in fin["sources"])


def test_preview_of_a_draft_before_publishing(admin: Client) -> None:
    matrix = sales_matrix(datetime.now(UTC))
    matrix["roles"][0]["forms"][0]["fields"]["margin"] = "read"
    saved = admin.put("/api/v1/documents/permission_matrix/sales/draft", json=matrix)
    assert saved.status_code == 200, saved.text
    live = admin.get("/api/v1/permissions/preview", params={"role": "rep", "form": "deal"})
    draft = admin.get(
        "/api/v1/permissions/preview", params={"role": "rep", "form": "deal", "source": "draft"}
    )
    assert fields(live.json())["margin"] == "hidden"
    assert fields(draft.json())["margin"] == "read"
    diff = admin.get("/api/v1/permissions/diff", params={"matrix": "sales", "from": "1"})
    assert diff.status_code == 200, diff.text
    changes = diff.json()["changes"]
    assert [(c["role"], c["field"], c["change"]) for c in changes] == [("rep", "margin", "gains")]
    assert "rep gains deal.margin" in changes[0]["words"]["en"]


def test_preview_of_an_administrator_and_of_others(
    admin: Client, as_role: Callable[[str], Client]
) -> None:
    username = admin.get("/api/v1/me").json()["username"]
    me = admin.get("/api/v1/permissions/preview", params={"user": username, "form": "deal"})
    assert me.status_code == 200, me.text
    assert me.json()["row_scope"] == "all" and set(fields(me.json()).values()) == {"write", "read"}
    viewer = as_role("viewer")
    refused = viewer.get("/api/v1/permissions/preview", params={"user": "fin", "form": "deal"})
    assert refused.status_code == 403
    as_rep = viewer.get("/api/v1/permissions/preview", params={"role": "rep", "form": "deal"})
    assert as_rep.status_code == 200


def test_bad_preview_requests(admin: Client) -> None:
    assert admin.get("/api/v1/permissions/preview", params={"form": "deal"}).status_code == 400
    missing = admin.get("/api/v1/permissions/preview", params={"role": "rep", "form": "nope"})
    assert missing.status_code == 404
    bad = admin.get(
        "/api/v1/permissions/preview", params={"role": "rep", "form": "deal", "when": "x"}
    )
    assert bad.status_code == 400 and bad.json()["errors"][0]["pointer"] == "/when/0"


def test_grants_list_with_their_state(admin: Client) -> None:
    now = datetime.now(UTC)
    matrix = sales_matrix(now)
    later = dict(matrix["grants"][0])
    later |= {
        "starts_at": (now + timedelta(days=30)).isoformat(),
        "ends_at": (now + timedelta(days=31)).isoformat(),
    }
    matrix["grants"].append(later)
    publish(admin, matrix)
    grants = admin.get("/api/v1/grants").json()["items"]
    assert [g["state"] for g in grants] == ["active", "upcoming"]
    active = admin.get("/api/v1/grants", params={"state": "active"}).json()["items"]
    assert len(active) == 1 and active[0]["user"] == "fin"


def test_the_matrix_governs_publishing_once_it_grants_it(
    admin: Client, as_role: Callable[[str], Client], engine: Engine
) -> None:
    from sqlalchemy import select

    from runtime.store.db import make_sessionmaker, transaction
    from runtime.store.models import Role, User, UserRole

    matrix = sales_matrix(datetime.now(UTC))
    matrix["roles"].append({"role": "finance", "actions": ["publish"]})
    # nobody who may publish on the platform holds finance yet: refused, with the reason
    saved = admin.put("/api/v1/documents/permission_matrix/sales/draft", json=matrix)
    assert saved.status_code == 200
    refused = admin.post("/api/v1/documents/permission_matrix/sales/publish", json={})
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0]["code"] == "no_publisher_left"
    assert "finance" in refused.json()["detail"]
    # give the admin the finance role: now it publishes, and then governs
    publisher = as_role("publisher")
    with transaction(make_sessionmaker(engine)) as session:
        finance = session.scalar(select(Role.id).where(Role.key == "finance"))
        for user in session.scalars(select(User).where(User.role == "admin")):
            session.add(UserRole(user_id=user.id, role_id=finance))
    publish(admin, matrix)
    # the publisher holds no finance role: the platform role alone no longer suffices
    blocked = publisher.post("/api/v1/documents/form/deal/publish", json={})
    assert blocked.status_code == 403 and "publish" in blocked.json()["detail"]


@pytest.mark.parametrize(
    "broken",
    [
        {"roles": {"x": 1}},
        {"roles": [1, "a", {"role": 5, "forms": "x"}]},
        {
            "grants": [{"starts_at": 3}],
            "roles": [{"role": "rep", "forms": [{"form": "deal", "fields": [1], "stages": 3}]}],
        },
    ],
)
def test_a_broken_draft_is_refused_for_previews_and_diffs(
    admin: Client, broken: dict[str, Any]
) -> None:
    matrix = sales_matrix(datetime.now(UTC)) | broken
    saved = admin.put("/api/v1/documents/permission_matrix/sales/draft", json=matrix)
    assert saved.status_code == 200 and not saved.json()["valid"]
    for params in (
        {"role": "rep", "form": "deal", "source": "draft"},
        {"user": "fin", "form": "deal", "source": "draft", "stage": "won"},
    ):
        refused = admin.get("/api/v1/permissions/preview", params=params)
        assert refused.status_code == 422, refused.text
        assert "sales" in refused.json()["detail"]
    diff = admin.get("/api/v1/permissions/diff", params={"matrix": "sales", "from": "1"})
    assert diff.status_code == 422, diff.text
    live = admin.get("/api/v1/permissions/preview", params={"role": "rep", "form": "deal"})
    assert live.status_code == 200  # the live rights are unaffected


def test_a_broken_form_draft_is_refused_for_previews(admin: Client) -> None:
    form = deal_form()
    form["fields"] = [{"key": "x", "type": "select", "show_when": "bad"}, 5]
    assert admin.put("/api/v1/documents/form/deal/draft", json=form).status_code == 200
    refused = admin.get(
        "/api/v1/permissions/preview", params={"role": "rep", "form": "deal", "source": "draft"}
    )
    assert refused.status_code == 422, refused.text
