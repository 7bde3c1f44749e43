"""Records through the HTTP API on SQLite and PostgreSQL: field-level
permissions, row scopes, elastic form rules, exemptions, grants, audit."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import Engine, func, select

from runtime.api.app import create_app
from runtime.config import Settings
from runtime.store.db import make_sessionmaker
from runtime.store.models import AuditEntry, Record
from tests.conftest import api_token
from tests.records import PEOPLE, build_org, deal_form, publish, sales_matrix

Client = TestClient[Any]
DEALS = "/api/v1/records/deal"


@pytest.fixture
def org(
    settings: Settings,
    engine: Engine,
    password_hash: str,
    as_role: Callable[[str], Client],
) -> Iterator[dict[str, Client]]:
    admin = as_role("admin")
    build_org(engine, password_hash, as_role)
    publish(admin, deal_form())
    publish(admin, sales_matrix(datetime.now(UTC)))
    clients = {"admin": admin}
    opened = []
    for name in PEOPLE:
        client = TestClient(app=create_app(settings))
        client.__enter__()
        client.headers["Authorization"] = f"Bearer {api_token(engine, name)}"
        clients[name] = client
        opened.append(client)
    yield clients
    for client in opened:
        client.__exit__(None, None, None)


def smb_deal(**extra: Any) -> dict[str, Any]:
    return {"data": {"name": "Acme", "customer_type": "smb", "amount": 1000, **extra}}


def create(client: Client, body: dict[str, Any], status: int = 201) -> dict[str, Any]:
    response = client.post(DEALS, json=body)
    assert response.status_code == status, response.text
    result: dict[str, Any] = response.json()
    return result


def test_rep_creates_and_sees_their_deal_without_margin(org: dict[str, Client]) -> None:
    made = create(org["rep_e1"], smb_deal())
    assert made["owner"] == "rep_e1" and made["team"] == "east-1" and made["region"] == "east"
    # net is computed from the margin, so it is as hidden from the rep as the margin
    assert "net" not in made["data"] and "net" not in made["fields"]
    assert "margin" not in made["fields"] and "commission" not in made["fields"]
    assert made["fields"]["amount"]["access"] == "write"
    # the manager adds the margin; the rep still never receives it
    mgr = org["mgr_e"].patch(f"{DEALS}/{made['id']}", json={"data": {"margin": 0.25}})
    assert mgr.status_code == 200, mgr.text
    assert mgr.json()["data"]["margin"] == 0.25 and mgr.json()["data"]["net"] == 750
    mine = org["rep_e1"].get(f"{DEALS}/{made['id']}")
    assert mine.status_code == 200
    assert "margin" not in mine.json()["data"] and "0.25" not in mine.text


def test_writes_to_hidden_or_read_only_fields_are_refused_and_change_nothing(
    org: dict[str, Client], engine: Engine
) -> None:
    made = create(org["rep_e1"], smb_deal())
    hidden = org["rep_e1"].patch(f"{DEALS}/{made['id']}", json={"data": {"margin": 0.5}})
    assert hidden.status_code == 403
    assert hidden.json()["errors"][0]["pointer"] == "/data/margin"
    assert "Margin" in hidden.json()["detail"]
    read_only = org["mgr_e"].patch(f"{DEALS}/{made['id']}", json={"data": {"amount": 5}})
    assert (
        read_only.status_code == 403 and read_only.json()["errors"][0]["pointer"] == "/data/amount"
    )
    with make_sessionmaker(engine)() as session:
        record = session.get(Record, made["id"])
        assert record is not None and record.revision == 1 and "margin" not in record.data
    # a stage rule: once won, the rep may no longer change the amount
    won = org["rep_e1"].patch(f"{DEALS}/{made['id']}", json={"data": {"stage": "won"}})
    assert won.status_code == 200 and won.json()["fields"]["amount"]["access"] == "read"
    late = org["rep_e1"].patch(f"{DEALS}/{made['id']}", json={"data": {"amount": 1}})
    assert late.status_code == 403


def test_other_regions_records_do_not_exist_for_the_viewer(org: dict[str, Client]) -> None:
    east = create(org["rep_e1"], smb_deal())
    south = create(org["rep_s1"], smb_deal(name="Beta"))
    assert org["mgr_e"].get(f"{DEALS}/{east['id']}").status_code == 200
    assert org["mgr_e"].get(f"{DEALS}/{south['id']}").status_code == 404
    assert org["rep_e2"].get(f"{DEALS}/{east['id']}").status_code == 404  # own scope
    assert org["mgr_e"].get(f"{DEALS}/999999").status_code == 404
    listed = org["mgr_e"].get(DEALS).json()["items"]
    assert [r["id"] for r in listed] == [east["id"]]
    assert {r["id"] for r in org["admin"].get(DEALS).json()["items"]} == {east["id"], south["id"]}


def test_filter_and_sort_on_hidden_fields_are_rejected(org: dict[str, Client]) -> None:
    for amount in (300, 100, 200):
        create(org["rep_e1"], smb_deal(amount=amount, name=f"D{amount}"))
    rep = org["rep_e1"]
    sorted_ = rep.get(DEALS, params={"sort": "-amount"})
    assert sorted_.status_code == 200
    assert [r["data"]["amount"] for r in sorted_.json()["items"]] == [300, 200, 100]
    filtered = rep.get(DEALS, params={"filter": "amount:ge:200"})
    assert sorted(r["data"]["amount"] for r in filtered.json()["items"]) == [200, 300]
    by_name = rep.get(DEALS, params={"filter": "name:contains:d1"})
    assert [r["data"]["name"] for r in by_name.json()["items"]] == ["D100"]
    hidden = ({"filter": "margin:gt:0"}, {"sort": "margin"}, {"fields": "name,margin"})
    for params in (*hidden, {"sort": "net"}):
        refused = rep.get(DEALS, params=params)
        assert refused.status_code == 403, (params, refused.text)
    unknown = rep.get(DEALS, params={"filter": "nope:eq:1"})
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["pointer"] == "/filter/0"
    # amount is read-only once won, but never hidden: still sortable
    assert rep.get(DEALS, params={"fields": "name"}).json()["items"][0]["data"].keys() == {"name"}


def test_pages_follow_the_cursor(org: dict[str, Client]) -> None:
    for i in range(5):
        create(org["rep_e1"], smb_deal(amount=i, name=f"P{i}"))
    for params in ({}, {"sort": "amount"}):
        seen: list[int] = []
        cursor = None
        while True:
            page = (
                org["rep_e1"]
                .get(DEALS, params={**params, "limit": 2, **({"cursor": cursor} if cursor else {})})
                .json()
            )
            seen += [r["data"]["amount"] for r in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert seen == [0, 1, 2, 3, 4]


def test_elastic_rules_and_exemptions(org: dict[str, Client]) -> None:
    rep = org["rep_e1"]
    missing = rep.post(DEALS, json={"data": {"name": "Big", "customer_type": "ka", "amount": 9}})
    assert missing.status_code == 422
    assert {e["pointer"] for e in missing.json()["errors"]} == {"/data/ka_sponsor", "/data/budget"}
    exempt = create(
        rep,
        {
            "data": {"name": "Big", "customer_type": "ka", "amount": 9, "ka_sponsor": "CFO"},
            "exemptions": {"budget": "not_disclosed"},
        },
    )
    assert exempt["exemptions"] == {"budget": "not_disclosed"}
    assert exempt["fields"]["ka_sponsor"]["shown"] is True
    bad_reason = rep.post(
        DEALS,
        json={
            "data": {"name": "B", "customer_type": "ka", "amount": 1, "ka_sponsor": "x"},
            "exemptions": {"budget": "lazy"},
        },
    )
    assert bad_reason.status_code == 422
    assert bad_reason.json()["errors"][0]["pointer"] == "/exemptions/budget"
    not_shown = rep.post(DEALS, json=smb_deal(ka_sponsor="CEO"))
    assert not_shown.status_code == 422
    assert not_shown.json()["errors"][0]["code"] == "field_not_shown"
    wrong = rep.post(DEALS, json=smb_deal(amount=-5, region="nowhere"))
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["pointer"] == "/data/amount"


def test_unique_values_and_computed_fields(org: dict[str, Client]) -> None:
    create(org["rep_e1"], smb_deal(code="D-1"))
    twice = org["rep_e2"].post(DEALS, json=smb_deal(code="D-1"))
    assert twice.status_code == 422 and twice.json()["errors"][0]["code"] == "not_unique"
    # net is hidden from reps (it reads the margin): writing it is refused like any
    # hidden field; a manager, who sees it, learns that it is computed
    hidden = org["rep_e1"].post(DEALS, json=smb_deal(net=5))
    assert hidden.status_code == 403 and hidden.json()["errors"][0]["pointer"] == "/data/net"
    made = create(org["rep_e1"], smb_deal())
    computed = org["mgr_e"].patch(f"{DEALS}/{made['id']}", json={"data": {"net": 5}})
    assert computed.status_code == 422 and computed.json()["errors"][0]["code"] == "computed_field"


def test_grant_gives_commission_until_it_lapses(
    org: dict[str, Client], settings: Settings, engine: Engine
) -> None:
    made = create(org["rep_e1"], smb_deal())
    assert (
        org["mgr_e"].patch(f"{DEALS}/{made['id']}", json={"data": {"margin": 0.1}}).status_code
        == 200
    )
    org["admin"].patch(f"{DEALS}/{made['id']}", json={"data": {"commission": 77}})
    seen = org["fin"].get(f"{DEALS}/{made['id']}")
    assert seen.status_code == 200
    assert seen.json()["data"] == {"name": "Acme", "commission": 77}
    assert "margin" not in seen.text
    # a grant that has ended is not honoured, without a restart
    matrix = sales_matrix(datetime.now(UTC))
    matrix["grants"][0]["ends_at"] = datetime.now(UTC).isoformat()
    matrix["grants"][0]["starts_at"] = "2020-01-01T00:00:00+00:00"
    publish(org["admin"], matrix)
    assert org["fin"].get(f"{DEALS}/{made['id']}").status_code == 403


def test_every_change_is_audited_with_field_level_before_and_after(
    org: dict[str, Client], engine: Engine
) -> None:
    made = create(org["rep_e1"], smb_deal())
    org["rep_e1"].patch(f"{DEALS}/{made['id']}", json={"data": {"amount": 2000}})
    with make_sessionmaker(engine)() as session:
        entries = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.subject == f"record:deal/{made['id']}")
            .order_by(AuditEntry.seq)
        ).all()
        assert [e.action for e in entries] == ["record.create", "record.update"]
        assert entries[1].detail["changes"]["amount"] == {"before": 1000, "after": 2000}
        assert entries[1].detail["form_version"] == 1 and entries[1].detail["matrices"] == {
            "sales": 1
        }
        assert session.scalar(select(func.count()).select_from(AuditEntry)) > 2


def test_a_stale_revision_is_a_conflict(org: dict[str, Client]) -> None:
    made = create(org["rep_e1"], smb_deal())
    ok = org["rep_e1"].patch(
        f"{DEALS}/{made['id']}", json={"data": {"amount": 1}}, headers={"If-Match": '"1"'}
    )
    assert ok.status_code == 200 and ok.json()["revision"] == 2
    stale = org["rep_e1"].patch(
        f"{DEALS}/{made['id']}", json={"data": {"amount": 2}}, headers={"If-Match": '"1"'}
    )
    assert stale.status_code == 409


def test_people_without_a_role_on_the_form_get_403(
    org: dict[str, Client], as_role: Callable[[str], Client]
) -> None:
    assert as_role("editor").get(DEALS).status_code == 403
    assert org["rep_e1"].get("/api/v1/records/nosuchform").status_code == 404


def test_history_masks_fields_the_viewer_may_not_see(org: dict[str, Client]) -> None:
    made = create(org["rep_e1"], smb_deal())
    org["mgr_e"].patch(f"{DEALS}/{made['id']}", json={"data": {"margin": 0.3}})
    org["rep_e1"].patch(f"{DEALS}/{made['id']}", json={"data": {"amount": 1500}})
    rep = org["rep_e1"].get(f"{DEALS}/{made['id']}/history")
    assert rep.status_code == 200, rep.text
    entries = rep.json()["items"]
    assert [e["action"] for e in entries] == ["record.create", "record.update", "record.update"]
    assert entries[1]["changes"] == {} and entries[1]["masked"] == ["margin", "net"]
    assert entries[2]["changes"]["amount"] == {"before": 1000, "after": 1500}
    assert "0.3" not in rep.text
    mgr = org["mgr_e"].get(f"{DEALS}/{made['id']}/history").json()["items"]
    assert mgr[1]["changes"]["margin"] == {"before": None, "after": 0.3}
    # the audit log: the rep reads the entries of their records, masked alike
    log = org["rep_e1"].get("/api/v1/audit")
    assert log.status_code == 200 and "0.3" not in log.text
    assert {e["subject"] for e in log.json()["items"]} == {f"record:deal/{made['id']}"}
    assert org["rep_e2"].get("/api/v1/audit").json()["items"] == []
    assert any(
        e["action"] == "document.publish" or e["subject"].startswith("permission_matrix")
        for e in org["admin"].get("/api/v1/audit", params={"limit": 500}).json()["items"]
    )


def test_export_is_watermarked_projected_and_needs_the_export_action(
    org: dict[str, Client],
) -> None:
    made = create(org["rep_e1"], smb_deal(name="=cmd|calc"))
    org["mgr_e"].patch(f"{DEALS}/{made['id']}", json={"data": {"margin": 0.42}})
    assert org["rep_e1"].get(f"{DEALS}/export").status_code == 403  # reps may not export
    exported = org["mgr_e"].get(f"{DEALS}/export", params={"filter": "amount:gt:10"})
    assert exported.status_code == 200, exported.text
    lines = exported.text.splitlines()
    assert lines[0].startswith("# Exported by mgr_e at ") and "amount:gt:10" in lines[0]
    assert "Commission" not in lines[1] and "Margin" in lines[1]
    assert "'=cmd|calc" in lines[2] and "0.42" in lines[2]


def test_a_grant_lapses_by_itself_on_the_clock(
    org: dict[str, Client], settings: Settings, engine: Engine
) -> None:
    from dataclasses import replace

    made = create(org["rep_e1"], smb_deal())
    with TestClient(app=create_app(replace(settings, clock="manual"))) as client:
        admin_token = org["admin"].headers["Authorization"]
        fin_token = f"Bearer {api_token(engine, 'fin')}"
        url = f"{DEALS}/{made['id']}"
        assert client.get(url, headers={"Authorization": fin_token}).status_code == 200
        moved = client.post(
            "/api/v1/admin/clock",
            json={"advance": "P15D"},
            headers={"Authorization": admin_token},
        )
        assert moved.status_code == 200, moved.text
        assert client.get(url, headers={"Authorization": fin_token}).status_code == 403
        bad = client.post(
            "/api/v1/admin/clock", json={"advance": "P1M"}, headers={"Authorization": admin_token}
        )
        assert bad.status_code == 422 and bad.json()["errors"][0]["pointer"] == "/advance"
    # with the system clock the endpoint does not exist
    assert org["admin"].post("/api/v1/admin/clock", json={"advance": "PT1H"}).status_code == 404


def test_a_form_change_keeps_old_records_and_binds_new_writes(org: dict[str, Client]) -> None:
    old = create(org["rep_e1"], smb_deal())
    assert old["form_version"] == 1
    form = deal_form()
    stage = next(f for f in form["fields"] if f["key"] == "stage")
    stage["required"] = True
    publish(org["admin"], form)
    still = org["rep_e1"].get(f"{DEALS}/{old['id']}")
    assert still.status_code == 200 and still.json()["form_version"] == 1
    assert still.json()["data"]["amount"] == 1000
    # a new write needs the field now, and says where
    patched = org["rep_e1"].patch(f"{DEALS}/{old['id']}", json={"data": {"amount": 5}})
    assert patched.status_code == 422
    assert patched.json()["errors"][0]["pointer"] == "/data/stage"
    assert org["rep_e1"].post(DEALS, json=smb_deal()).status_code == 422
    fixed = org["rep_e1"].patch(
        f"{DEALS}/{old['id']}", json={"data": {"amount": 5, "stage": "qualify"}}
    )
    assert fixed.status_code == 200 and fixed.json()["form_version"] == 2


def test_the_compiled_schema_follows_context_and_rights(org: dict[str, Client]) -> None:
    rep = org["rep_e1"].get(f"{DEALS}/schema", params={"when": "customer_type:ka"})
    assert rep.status_code == 200, rep.text
    schema = rep.json()
    assert "margin" not in schema["properties"] and "ka_sponsor" in schema["properties"]
    assert "ka_sponsor" in schema["required"] and "net" not in schema["properties"]
    smb = org["rep_e1"].get(f"{DEALS}/schema", params={"when": "customer_type:smb"}).json()
    assert "ka_sponsor" not in smb["properties"]
    won = org["rep_e1"].get(f"{DEALS}/schema", params={"when": ["customer_type:smb", "stage:won"]})
    assert won.json()["properties"]["amount"]["readOnly"] is True
    manager = org["mgr_e"].get(f"{DEALS}/schema").json()
    assert manager["properties"]["amount"]["readOnly"] is True
    assert "readOnly" not in manager["properties"]["margin"]


def test_errors_about_hidden_fields_do_not_tell_their_values(org: dict[str, Client]) -> None:
    made = create(org["rep_e1"], smb_deal())
    org["mgr_e"].patch(f"{DEALS}/{made['id']}", json={"data": {"margin": 0.95}})
    form = deal_form()
    next(f for f in form["fields"] if f["key"] == "margin")["max"] = 0.5
    publish(org["admin"], form)
    refused = org["rep_e1"].patch(f"{DEALS}/{made['id']}", json={"data": {"amount": 7}})
    assert refused.status_code == 422
    assert "0.95" not in refused.text
    assert refused.json()["errors"][0] == {
        "pointer": "/data/margin",
        "code": "hidden_field_invalid",
        "message": refused.json()["errors"][0]["message"],
    }
    told = org["mgr_e"].patch(f"{DEALS}/{made['id']}", json={"data": {"margin": 0.96}})
    assert told.status_code == 422 and "0.96" in told.text  # the manager sees the margin


def test_owner_and_region_default_to_the_creator_and_pages_say_what_may_be_done(
    org: dict[str, Client],
) -> None:
    form = deal_form()
    form["owner_field"] = "owner"
    form["fields"].append({"key": "owner", "type": "user", "label": {"en": "Owner"}})
    next(f for f in form["fields"] if f["key"] == "region")["required"] = True
    publish(org["admin"], form)
    matrix = sales_matrix(datetime.now(UTC))
    matrix["roles"][0]["forms"][0]["fields"] |= {"region": "read", "owner": "read"}
    publish(org["admin"], matrix)
    made = create(org["rep_s1"], smb_deal())
    assert made["data"]["region"] == "south" and made["data"]["owner"] == "rep_s1"
    sent = org["rep_s1"].post(DEALS, json=smb_deal(region="east"))
    assert sent.status_code == 403 and "Region" in sent.json()["errors"][0]["message"]["en"]
    rep_page = org["rep_s1"].get(DEALS).json()
    assert (rep_page["may_create"], rep_page["may_export"]) == (True, False)
    mgr_page = org["mgr_s"].get(DEALS).json()
    assert (mgr_page["may_create"], mgr_page["may_export"]) == (False, True)
