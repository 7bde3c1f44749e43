"""The people API on SQLite and PostgreSQL: regions, teams, business roles and
users (CRUD, pagination, who may read and write, refusals that point at the
field), and the lookups the engine uses (``users_with_role``,
``manager_chain``, ``rank_of``) against the store."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from runtime.store import people
from runtime.store.db import make_sessionmaker, transaction
from runtime.store.models import AuditEntry, User
from tests.conftest import PASSWORD, login

Client = TestClient[Any]
API = "/api/v1"
PROBLEM = "application/problem+json"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["title"]
    return body


def pointers(body: dict[str, Any]) -> list[str]:
    return [e["pointer"] for e in body.get("errors", [])]


def audit_actions(engine: Engine, prefix: str) -> list[tuple[str, str, dict[str, Any]]]:
    with make_sessionmaker(engine)() as session:
        rows = session.execute(
            select(AuditEntry).where(AuditEntry.action.startswith(prefix)).order_by(AuditEntry.seq)
        ).scalars()
        return [(row.action, row.subject, row.detail) for row in rows]


@pytest.fixture
def admin(as_role: Callable[[str], Client]) -> Client:
    return as_role("admin")


@pytest.fixture
def org(admin: Client) -> Client:
    """Two regions, two teams, three business roles; returns the admin."""
    for key, name in (("east", "East"), ("west", "West")):
        ok(admin.post(f"{API}/regions", json={"key": key, "name": name}), 201)
    ok(admin.post(f"{API}/teams", json={"key": "east-1", "name": "East 1", "region": "east"}), 201)
    ok(admin.post(f"{API}/teams", json={"key": "west-1", "name": "West 1", "region": "west"}), 201)
    for key, rank in (("rep", 1), ("manager", 3), ("director", 5)):
        ok(admin.post(f"{API}/roles", json={"key": key, "name": key.title(), "rank": rank}), 201)
    return admin


def add_user(admin: Client, username: str, **fields: Any) -> dict[str, Any]:
    body = {"username": username, "password": PASSWORD, **fields}
    result: dict[str, Any] = ok(admin.post(f"{API}/users", json=body), 201)
    return result


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    with transaction(make_sessionmaker(engine)) as session:
        yield session


# -- regions, teams, roles -------------------------------------------------------


def test_regions_are_created_listed_renamed_and_deleted(admin: Client, engine: Engine) -> None:
    made = ok(admin.post(f"{API}/regions", json={"key": "north", "name": "North"}), 201)
    assert made["key"] == "north" and made["name"] == "North" and made["created_at"]
    ok(admin.post(f"{API}/regions", json={"key": "south", "name": "South"}), 201)

    first = ok(admin.get(f"{API}/regions", params={"limit": 1}))
    assert [r["key"] for r in first["items"]] == ["north"] and first["next_cursor"]
    second = ok(admin.get(f"{API}/regions", params={"limit": 1, "cursor": first["next_cursor"]}))
    assert [r["key"] for r in second["items"]] == ["south"] and second["next_cursor"] is None

    renamed = ok(admin.patch(f"{API}/regions/north", json={"name": "North & Far North"}))
    assert renamed["name"] == "North & Far North"
    assert ok(admin.get(f"{API}/regions/north"))["name"] == "North & Far North"

    assert admin.delete(f"{API}/regions/south").status_code == 204
    problem(admin.get(f"{API}/regions/south"), 404)
    assert [(a, s) for a, s, _ in audit_actions(engine, "people.region")] == [
        ("people.region.create", "region:north"),
        ("people.region.create", "region:south"),
        ("people.region.update", "region:north"),
        ("people.region.delete", "region:south"),
    ]
    update_detail = audit_actions(engine, "people.region.update")[0][2]
    assert update_detail == {"before": {"name": "North"}, "after": {"name": "North & Far North"}}


def test_region_refusals_point_at_the_field(admin: Client) -> None:
    ok(admin.post(f"{API}/regions", json={"key": "east", "name": "East"}), 201)
    taken = problem(admin.post(f"{API}/regions", json={"key": "east", "name": "Again"}), 409)
    assert pointers(taken) == ["/key"] and "already exists" in taken["detail"]
    bad = problem(admin.post(f"{API}/regions", json={"key": "East Side", "name": "E"}), 422)
    assert pointers(bad) == ["/key"]
    assert "lower-case" in bad["errors"][0]["message"]["en"]
    assert bad["errors"][0]["message"]["zh-CN"]
    blank = problem(admin.post(f"{API}/regions", json={"key": "x", "name": "   "}), 422)
    assert pointers(blank) == ["/name"]
    unknown = problem(admin.post(f"{API}/regions", json={"key": "x", "name": "X", "n": 1}), 422)
    assert pointers(unknown) == ["/n"]
    problem(admin.patch(f"{API}/regions/nowhere", json={"name": "N"}), 404)
    problem(admin.delete(f"{API}/regions/nowhere"), 404)


def test_teams_have_an_optional_region(org: Client) -> None:
    solo = ok(org.post(f"{API}/teams", json={"key": "hq", "name": "Head office"}), 201)
    assert solo["region"] is None
    unknown = problem(
        org.post(f"{API}/teams", json={"key": "n-1", "name": "N", "region": "north"}), 422
    )
    assert pointers(unknown) == ["/region"] and "north" in unknown["detail"]

    east = ok(org.get(f"{API}/teams", params={"region": "east"}))
    assert [t["key"] for t in east["items"]] == ["east-1"]
    moved = ok(org.patch(f"{API}/teams/hq", json={"region": "west"}))
    assert moved["region"] == "west"
    cleared = ok(org.patch(f"{API}/teams/hq", json={"region": None}))
    assert cleared["region"] is None and cleared["name"] == "Head office"
    assert ok(org.get(f"{API}/teams/east-1"))["region"] == "east"
    assert org.delete(f"{API}/teams/hq").status_code == 204
    problem(org.get(f"{API}/teams/hq"), 404)


def test_roles_carry_a_rank_from_one_to_seven(org: Client) -> None:
    for rank in (0, 8):
        bad = problem(org.post(f"{API}/roles", json={"key": "vp", "name": "VP", "rank": rank}), 422)
        assert pointers(bad) == ["/rank"]
    bad_key = problem(org.post(f"{API}/roles", json={"key": "1st", "name": "X", "rank": 2}), 422)
    assert pointers(bad_key) == ["/key"]
    made = ok(org.post(f"{API}/roles", json={"key": "sales_vp", "name": "VP", "rank": 6}), 201)
    assert made["rank"] == 6
    roles = ok(org.get(f"{API}/roles"))["items"]
    assert [(r["key"], r["rank"]) for r in roles] == [
        ("director", 5),
        ("manager", 3),
        ("rep", 1),
        ("sales_vp", 6),
    ]
    add_user(org, "vera", roles=["sales_vp", "rep"])
    assert ok(org.get(f"{API}/users/vera"))["rank"] == 6
    ok(org.patch(f"{API}/roles/sales_vp", json={"rank": 7}))
    assert ok(org.get(f"{API}/users/vera"))["rank"] == 7


def test_what_is_in_use_is_not_deleted_and_the_refusal_says_by_whom(
    org: Client, engine: Engine
) -> None:
    add_user(org, "ana", team="east-1", region="east", roles=["rep"])
    region = problem(org.delete(f"{API}/regions/east"), 409)
    assert "team (east-1)" in region["detail"] and "user (ana)" in region["detail"]
    team = problem(org.delete(f"{API}/teams/east-1"), 409)
    assert "ana" in team["detail"]
    role = problem(org.delete(f"{API}/roles/rep"), 409)
    assert "held by 1 user (ana)" in role["detail"]
    assert audit_actions(engine, "people.region.delete") == []

    ok(org.patch(f"{API}/users/ana", json={"team": None, "region": None, "roles": []}))
    for path in ("teams/east-1", "regions/east", "roles/rep"):
        assert org.delete(f"{API}/{path}").status_code == 204, path


def test_everyone_signed_in_may_read_but_only_admins_write(
    org: Client, as_role: Callable[[str], Client]
) -> None:
    add_user(org, "ana", region="east", roles=["rep"])
    for role in ("viewer", "editor", "publisher"):
        client = as_role(role)
        for path in ("regions", "teams", "roles", "users"):
            assert client.get(f"{API}/{path}").status_code == 200, (role, path)
        assert ok(client.get(f"{API}/users/ana"))["region"] == "east"
        writes = [
            client.post(f"{API}/regions", json={"key": "north", "name": "North"}),
            client.patch(f"{API}/teams/east-1", json={"name": "E"}),
            client.delete(f"{API}/roles/rep"),
            client.post(f"{API}/users", json={"username": "eve", "password": PASSWORD}),
            client.patch(f"{API}/users/ana", json={"display_name": "Eve was here"}),
            client.delete(f"{API}/users/ana"),
            client.post(
                f"{API}/users/import",
                content=b"username\neve\n",
                headers={"Content-Type": "text/csv"},
            ),
        ]
        for response in writes:
            assert "users.manage" in problem(response, 403)["detail"], role
    assert ok(org.get(f"{API}/users/ana"))["display_name"] == ""
    problem(org.get(f"{API}/users/eve"), 404)


def test_reading_needs_a_credential(client: Client) -> None:
    for path in ("regions", "teams", "roles", "users"):
        problem(client.get(f"{API}/{path}"), 401)


# -- users ---------------------------------------------------------------------


def test_a_user_is_created_with_their_place_in_the_organisation(
    org: Client, engine: Engine, client: Client
) -> None:
    add_user(org, "mia", platform_role="editor", region="east", roles=["manager"])
    made = add_user(
        org,
        "ana",
        display_name="Ana Lima",
        email="ana@example.com",
        phone="+86 138-0013-8000",
        team="east-1",
        region="east",
        manager="mia",
        roles=["rep", "manager", "rep"],
    )
    assert made == {
        "id": made["id"],
        "username": "ana",
        "display_name": "Ana Lima",
        "email": "ana@example.com",
        "phone": "+86 138-0013-8000",
        "platform_role": "viewer",
        "team": "east-1",
        "region": "east",
        "manager": "mia",
        "roles": ["manager", "rep"],
        "rank": 3,
        "is_active": True,
    }
    assert ok(org.get(f"{API}/users/ana")) == made
    # The new user can sign in; nothing about the password leaves the server.
    assert login(client, "ana")["user"]["username"] == "ana"
    listing = org.get(f"{API}/users").text
    assert "password" not in listing and "argon2" not in listing
    created = audit_actions(engine, "people.user.create")
    assert [s for _, s, _ in created] == ["user:mia", "user:ana"]
    assert created[1][2]["after"]["roles"] == ["manager", "rep"]
    assert PASSWORD not in str(created) and "argon2" not in str(created)


def test_user_refusals_list_every_bad_field(org: Client) -> None:
    add_user(org, "ana")
    taken = problem(org.post(f"{API}/users", json={"username": "ana", "password": PASSWORD}), 409)
    assert pointers(taken) == ["/username"]
    body = {
        "username": "bo",
        "password": "short",
        "email": "not-an-address",
        "phone": "call me",
        "team": "nowhere",
        "region": "east",
        "manager": "ghost",
        "roles": ["rep", "astronaut"],
    }
    refused = problem(org.post(f"{API}/users", json=body), 422)
    assert sorted(pointers(refused)) == [
        "/email",
        "/manager",
        "/password",
        "/phone",
        "/roles/1",
        "/team",
    ]
    messages = {e["pointer"]: e["message"]["en"] for e in refused["errors"]}
    assert messages["/team"] == "no team 'nowhere'"
    assert messages["/roles/1"] == "no role 'astronaut'"
    assert messages["/manager"] == "no user 'ghost'"
    problem(org.get(f"{API}/users/bo"), 404)
    bad_name = problem(
        org.post(f"{API}/users", json={"username": "a b", "password": PASSWORD}), 422
    )
    assert pointers(bad_name) == ["/username"]
    bad_role = problem(
        org.post(
            f"{API}/users", json={"username": "cy", "password": PASSWORD, "platform_role": "x"}
        ),
        422,
    )
    assert pointers(bad_role) == ["/platform_role"]


def test_a_patch_changes_what_it_names_and_null_clears(org: Client, engine: Engine) -> None:
    add_user(org, "mia", roles=["manager"])
    add_user(org, "ana", team="east-1", region="east", manager="mia", roles=["rep"])
    changed = ok(
        org.patch(
            f"{API}/users/ana",
            json={"display_name": "Ana", "team": None, "region": "west", "roles": ["director"]},
        )
    )
    assert (changed["display_name"], changed["team"], changed["region"]) == ("Ana", None, "west")
    assert (changed["manager"], changed["roles"], changed["rank"]) == ("mia", ["director"], 5)
    assert ok(org.patch(f"{API}/users/ana", json={"manager": None}))["manager"] is None
    (_, _, detail) = audit_actions(engine, "people.user.update")[0]
    assert detail["before"] == {
        "display_name": "",
        "region": "east",
        "roles": ["rep"],
        "team": "east-1",
    }
    assert detail["after"]["roles"] == ["director"]
    # Nothing changed: no audit entry.
    ok(org.patch(f"{API}/users/ana", json={"display_name": "Ana"}))
    assert len(audit_actions(engine, "people.user.update")) == 2

    problem(org.patch(f"{API}/users/nobody", json={"display_name": "N"}), 404)
    unknown = problem(org.patch(f"{API}/users/ana", json={"nickname": "A"}), 422)
    assert pointers(unknown) == ["/nickname"]


def test_a_phone_number_is_set_patched_cleared_and_checked(org: Client, engine: Engine) -> None:
    assert add_user(org, "ana")["phone"] == ""
    assert add_user(org, "bo", phone=" 13800138000 ")["phone"] == "13800138000"
    changed = ok(org.patch(f"{API}/users/ana", json={"phone": "+1 415-555-0100"}))
    assert changed["phone"] == "+1 415-555-0100"
    assert ok(org.get(f"{API}/users/ana"))["phone"] == "+1 415-555-0100"
    (_, _, detail) = audit_actions(engine, "people.user.update")[0]
    assert (detail["before"], detail["after"]) == ({"phone": ""}, {"phone": "+1 415-555-0100"})
    for bad in (
        "12-34",
        "+86 138 0013 8000 1234 5678",
        "555-O100",
        "+-5550100",
        "5550100-",
        "++15550100",
    ):
        refused = problem(org.patch(f"{API}/users/ana", json={"phone": bad}), 422)
        assert pointers(refused) == ["/phone"], bad
        assert refused["errors"][0]["code"] == "invalid_phone"
        assert refused["errors"][0]["message"]["en"].startswith(f"phone {bad!r} is not a phone")
        assert "5 to 20 digits" in refused["errors"][0]["message"]["en"]
        assert refused["errors"][0]["message"]["zh-CN"].startswith("手机号")
    too_long = problem(org.patch(f"{API}/users/ana", json={"phone": "1" * 41}), 422)
    assert pointers(too_long) == ["/phone"]
    assert ok(org.get(f"{API}/users/ana"))["phone"] == "+1 415-555-0100"
    refused_new = problem(
        org.post(f"{API}/users", json={"username": "cy", "password": PASSWORD, "phone": "x"}),
        422,
    )
    assert pointers(refused_new) == ["/phone"]
    assert ok(org.patch(f"{API}/users/ana", json={"phone": ""}))["phone"] == ""


def test_a_loop_of_managers_is_refused(org: Client) -> None:
    add_user(org, "dir")
    add_user(org, "mgr", manager="dir")
    add_user(org, "rep", manager="mgr")
    loop = problem(org.patch(f"{API}/users/dir", json={"manager": "rep"}), 422)
    assert pointers(loop) == ["/manager"]
    assert "dir → rep → mgr → dir" in loop["detail"]
    assert loop["errors"][0]["code"] == "manager_cycle"
    own = problem(org.patch(f"{API}/users/rep", json={"manager": "rep"}), 422)
    assert pointers(own) == ["/manager"]
    assert ok(org.get(f"{API}/users/dir"))["manager"] is None


def test_list_filters_by_role_region_team_and_text(org: Client) -> None:
    add_user(org, "ana", display_name="Ana Lima", region="east", team="east-1", roles=["rep"])
    add_user(org, "bob", email="bob@west.example", region="west", roles=["rep"])
    add_user(org, "mia", region="east", roles=["manager"])

    def names(**params: Any) -> list[str]:
        page = ok(org.get(f"{API}/users", params=params))
        return [u["username"] for u in page["items"] if not u["username"].startswith("admin-")]

    assert names(role="rep") == ["ana", "bob"]
    assert names(role="rep", region="east") == ["ana"]
    assert names(team="east-1") == ["ana"]
    assert names(region="east") == ["ana", "mia"]
    assert names(q="LIMA") == ["ana"]
    assert names(q="west.example") == ["bob"]
    assert names(q="%") == []
    assert names(role="astronaut") == []

    first = ok(org.get(f"{API}/users", params={"role": "rep", "limit": 1}))
    assert [u["username"] for u in first["items"]] == ["ana"]
    rest = ok(org.get(f"{API}/users", params={"role": "rep", "cursor": first["next_cursor"]}))
    assert [u["username"] for u in rest["items"]] == ["bob"] and rest["next_cursor"] is None
    problem(org.get(f"{API}/users", params={"cursor": "not-a-cursor"}), 400)


def test_delete_deactivates_the_user_and_ends_their_sessions(
    org: Client, engine: Engine, client: Client
) -> None:
    add_user(org, "ana", roles=["rep"])
    login(client, "ana")  # the session cookie
    assert client.get(f"{API}/me").status_code == 200
    assert org.delete(f"{API}/users/ana").status_code == 204
    problem(client.get(f"{API}/me"), 401)
    kept = ok(org.get(f"{API}/users/ana"))
    assert kept["is_active"] is False and kept["roles"] == ["rep"]
    assert ok(org.get(f"{API}/users", params={"active": "false"}))["items"][0]["username"] == "ana"
    assert [a for a, _, _ in audit_actions(engine, "people.user.deactivate")] == [
        "people.user.deactivate"
    ]
    # A deactivated user cannot become someone's manager; reactivating works.
    inactive = problem(
        org.post(f"{API}/users", json={"username": "bo", "password": PASSWORD, "manager": "ana"}),
        422,
    )
    assert inactive["errors"][0]["code"] == "manager_inactive"
    assert ok(org.patch(f"{API}/users/ana", json={"is_active": True}))["is_active"] is True
    problem(org.delete(f"{API}/users/nobody"), 404)


def test_the_last_admin_cannot_be_demoted_or_deactivated(admin: Client) -> None:
    me = ok(admin.get(f"{API}/me"))["username"]
    demoted = problem(admin.patch(f"{API}/users/{me}", json={"platform_role": "viewer"}), 409)
    assert pointers(demoted) == ["/platform_role"] and "last active admin" in demoted["detail"]
    problem(admin.delete(f"{API}/users/{me}"), 409)
    add_user(admin, "second", platform_role="admin")
    assert ok(admin.patch(f"{API}/users/second", json={"platform_role": "editor"}))
    add_user(admin, "third", platform_role="admin")
    assert admin.delete(f"{API}/users/third").status_code == 204


# -- the lookups the engine uses -----------------------------------------------------


@pytest.fixture
def sales(org: Client) -> Client:
    """dir (director) <- mgr_e (manager, east) <- rep_e1, rep_e2 (reps, east);
    rep_w (rep, west); gone (a deactivated rep in the east)."""
    add_user(org, "dir", roles=["director", "manager"])
    add_user(org, "mgr_e", region="east", team="east-1", manager="dir", roles=["manager", "rep"])
    add_user(org, "rep_e2", region="east", team="east-1", manager="mgr_e", roles=["rep"])
    add_user(org, "rep_e1", region="east", team="east-1", manager="mgr_e", roles=["rep"])
    add_user(org, "rep_w", region="west", team="west-1", manager="dir", roles=["rep"])
    add_user(org, "gone", region="east", roles=["rep"])
    org.delete(f"{API}/users/gone")
    return org


def _id(db: Session, username: str) -> int:
    found = people.person_by_username(db, username)
    assert found is not None
    return found.id


def test_users_with_role_in_a_region_or_team_and_above_a_rank(sales: Client, db: Session) -> None:
    def names(role: str, **where: Any) -> list[str]:
        return [p.username for p in people.users_with_role(db, role, **where)]

    assert names("rep", region="east") == ["mgr_e", "rep_e1", "rep_e2"]
    assert names("rep", team="west-1") == ["rep_w"]
    assert names("rep", region="east", min_rank=3) == ["mgr_e"]
    assert names("manager") == ["dir", "mgr_e"]
    assert names("manager", min_rank=5) == ["dir"]
    assert names("director", region="east") == []
    assert names("astronaut") == []
    mgr = people.users_with_role(db, "manager", region="east")[0]
    assert (mgr.team, mgr.region, mgr.manager, mgr.roles, mgr.rank) == (
        "east-1",
        "east",
        "dir",
        ("manager", "rep"),
        3,
    )
    assert mgr.platform_role == "viewer" and mgr.is_active


def test_manager_chain_is_nearest_first_and_rank_of_is_the_highest(
    sales: Client, db: Session
) -> None:
    rep = _id(db, "rep_e1")
    assert [p.username for p in people.manager_chain(db, rep)] == ["mgr_e", "dir"]
    assert people.manager_chain(db, _id(db, "dir")) == []
    assert people.rank_of(db, rep) == 1
    assert people.rank_of(db, _id(db, "dir")) == 5
    assert people.rank_of(db, 10**6) == 0
    found = people.person(db, rep)
    assert found is not None and found.username == "rep_e1" and found.manager_id is not None
    assert people.person(db, 10**6) is None
    assert people.person_by_username(db, "nobody") is None


def test_manager_chain_stops_at_a_loop_written_behind_its_back(
    sales: Client, engine: Engine
) -> None:
    with transaction(make_sessionmaker(engine)) as session:
        mgr = _id(session, "mgr_e")
        session.execute(update(User).where(User.username == "dir").values(manager_id=mgr))
    with make_sessionmaker(engine)() as session:
        chain = people.manager_chain(session, _id(session, "rep_e1"))
        assert [p.username for p in chain] == ["mgr_e", "dir"]
        assert [p.username for p in people.manager_chain(session, mgr)] == ["dir"]


def test_store_refusals_are_value_errors_naming_the_field(org: Client, db: Session) -> None:
    with pytest.raises(ValueError, match="no region 'north'") as caught:
        people.create_team(db, key="n-1", name="N", region="north", actor="t", now=NOW)
    assert isinstance(caught.value, people.PeopleError) and caught.value.field == "region"
    with pytest.raises(people.PeopleError) as rank:
        people.update_role(db, "rep", rank=9, actor="t", now=NOW)
    assert rank.value.field == "rank"
    with pytest.raises(people.Duplicate):
        people.create_role(db, key="rep", name="Rep", rank=1, actor="t", now=NOW)
    people.create_person(db, username="a", password=PASSWORD, actor="t", now=NOW)
    people.create_person(db, username="b", password=PASSWORD, manager="a", actor="t", now=NOW)
    with pytest.raises(people.PeopleError, match="loop of managers") as loop:
        people.update_person(db, "a", manager="b", actor="t", now=NOW)
    assert loop.value.field == "manager"
