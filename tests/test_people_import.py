"""The CSV import of users on SQLite and PostgreSQL, through
``POST /api/v1/users/import`` and ``trellis users import``: the happy path
(managers from later rows, generated passwords, updates), and files with bad
rows, which import nothing and name every bad row and column."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import Engine, func, select

from runtime import cli_users
from runtime.store.db import make_sessionmaker
from runtime.store.models import AuditEntry, User
from tests.conftest import PASSWORD, login

Client = TestClient[Any]
API = "/api/v1"
IMPORT = f"{API}/users/import"
CSV = {"Content-Type": "text/csv"}

GOOD = """username,display_name,email,platform_role,roles,team,region,manager,password
rep_a,Rep A,rep.a@example.com,,rep,east-1,east,mgr_e,
mgr_e,Manager East,mgr@example.com,editor,manager|rep,east-1,east,dir,{password}
dir,Director,,viewer,director,,,,{password}
"""


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def refused(response: Any) -> dict[str, Any]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    return body


def errors(body: dict[str, Any]) -> dict[str, str]:
    return {e["pointer"]: e["message"]["en"] for e in body["errors"]}


def post_csv(client: Client, text: str | bytes) -> Any:
    content = text.encode() if isinstance(text, str) else text
    return client.post(IMPORT, content=content, headers=CSV)


def user_count(engine: Engine) -> int:
    with make_sessionmaker(engine)() as session:
        return int(session.execute(select(func.count()).select_from(User)).scalar_one())


@pytest.fixture
def admin(as_role: Callable[[str], Client]) -> Client:
    """An admin, with regions east and west, team east-1 and roles rep,
    manager and director."""
    client = as_role("admin")
    for key in ("east", "west"):
        ok(client.post(f"{API}/regions", json={"key": key, "name": key.title()}), 201)
    ok(client.post(f"{API}/teams", json={"key": "east-1", "name": "E1", "region": "east"}), 201)
    for key, rank in (("rep", 1), ("manager", 3), ("director", 5)):
        ok(client.post(f"{API}/roles", json={"key": key, "name": key, "rank": rank}), 201)
    return client


def test_import_creates_users_with_managers_from_later_rows(
    admin: Client, engine: Engine, client: Client
) -> None:
    response = post_csv(admin, GOOD.format(password=PASSWORD))
    result = ok(response)
    assert response.headers["cache-control"] == "no-store"
    assert (result["created"], result["updated"], result["unchanged"]) == (3, 0, 0)
    rows = {u["username"]: u for u in result["users"]}
    assert [(u["row"], u["outcome"]) for u in result["users"]] == [
        (2, "created"),
        (3, "created"),
        (4, "created"),
    ]
    generated = rows["rep_a"]["password"]
    assert generated and len(generated) >= 12
    assert rows["mgr_e"]["password"] is None and rows["dir"]["password"] is None

    rep = ok(admin.get(f"{API}/users/rep_a"))
    assert rep == {
        "id": rep["id"],
        "username": "rep_a",
        "display_name": "Rep A",
        "email": "rep.a@example.com",
        "phone": "",
        "platform_role": "viewer",
        "team": "east-1",
        "region": "east",
        "manager": "mgr_e",
        "roles": ["rep"],
        "rank": 1,
        "is_active": True,
    }
    mgr = ok(admin.get(f"{API}/users/mgr_e"))
    assert (mgr["platform_role"], mgr["manager"], mgr["roles"]) == (
        "editor",
        "dir",
        ["manager", "rep"],
    )
    assert login(client, "rep_a", generated)["user"]["username"] == "rep_a"
    assert login(client, "dir")["user"]["username"] == "dir"

    with make_sessionmaker(engine)() as session:
        entries = list(
            session.execute(
                select(AuditEntry)
                .where(AuditEntry.action.startswith("people."))
                .where(AuditEntry.subject.in_(["user:rep_a", "user:mgr_e", "user:dir", "users"]))
                .order_by(AuditEntry.seq)
            ).scalars()
        )
    assert [(e.action, e.subject) for e in entries] == [
        ("people.user.create", "user:rep_a"),
        ("people.user.create", "user:mgr_e"),
        ("people.user.create", "user:dir"),
        ("people.import", "users"),
    ]
    assert entries[-1].detail == {"rows": 3, "created": 3, "updated": 0, "unchanged": 0}
    assert generated not in str([e.detail for e in entries])


def test_import_updates_existing_users_but_not_their_password(
    admin: Client, client: Client
) -> None:
    ok(post_csv(admin, GOOD.format(password=PASSWORD)))
    again = ok(
        post_csv(
            admin,
            "username,display_name,region,roles\n"
            "rep_a,Rep A,west,rep|manager\n"
            "dir,Director,,director\n"
            "new_one,New,,\n",
        )
    )
    outcomes = {u["username"]: (u["outcome"], u["password"]) for u in again["users"]}
    assert outcomes["rep_a"] == ("updated", None)
    assert outcomes["dir"] == ("unchanged", None)
    assert outcomes["new_one"][0] == "created" and outcomes["new_one"][1]
    rep = ok(admin.get(f"{API}/users/rep_a"))
    # Named columns changed; the columns left out (team, manager…) did not.
    assert (rep["region"], rep["roles"], rep["team"], rep["manager"]) == (
        "west",
        ["manager", "rep"],
        "east-1",
        "mgr_e",
    )
    # An empty platform_role leaves an existing user's role alone.
    ok(post_csv(admin, "username,platform_role\nmgr_e,\n"))
    assert ok(admin.get(f"{API}/users/mgr_e"))["platform_role"] == "editor"
    # The password given in the first import still works.
    assert login(client, "dir")["user"]["username"] == "dir"


def test_a_bad_row_imports_nothing_and_names_every_bad_cell(admin: Client, engine: Engine) -> None:
    before = user_count(engine)
    body = refused(
        post_csv(
            admin,
            "username,email,roles,team,region,manager,platform_role\n"
            "ok_one,ok@example.com,rep,east-1,east,,\n"
            "bad_one,nope,rep|astronaut,,east,,boss\n"
            "\n"
            "worse,,,west-9,nrth,ghost,\n"
            "ok_one,,,,,,\n",
        )
    )
    assert "nothing was imported" in body["detail"]
    assert errors(body) == {
        "/rows/3/email": "row 3, column email: 'nope' is not an e-mail address such as "
        "ana@example.com",
        "/rows/3/platform_role": "row 3, column platform_role: no platform role 'boss'; "
        "choose one of admin, editor, publisher, viewer",
        "/rows/3/roles": "row 3, column roles: no role 'astronaut'",
        "/rows/5/team": "row 5, column team: no team 'west-9'",
        "/rows/5/region": "row 5, column region: no region 'nrth'",
        "/rows/5/manager": "row 5, column manager: no user 'ghost'",
        "/rows/6/username": "row 6, column username: 'ok_one' is already on row 2",
    }
    zh = {e["pointer"]: e["message"]["zh-CN"] for e in body["errors"]}
    assert zh["/rows/5/region"] == "第 5 行 region 列：区域 'nrth' 不存在"
    assert user_count(engine) == before
    assert ok(admin.get(f"{API}/users", params={"q": "ok_one"}))["items"] == []


def test_a_phone_column_sets_clears_and_names_a_bad_number(admin: Client, engine: Engine) -> None:
    result = ok(post_csv(admin, "username,phone\nana,+86 138-0013-8000\nbo,\n"))
    assert result["created"] == 2
    assert ok(admin.get(f"{API}/users/ana"))["phone"] == "+86 138-0013-8000"
    assert ok(admin.get(f"{API}/users/bo"))["phone"] == ""
    # Without the column the number stays; an empty cell clears it.
    ok(post_csv(admin, "username,display_name\nana,Ana\n"))
    assert ok(admin.get(f"{API}/users/ana"))["phone"] == "+86 138-0013-8000"
    ok(post_csv(admin, "username,phone\nana,\n"))
    assert ok(admin.get(f"{API}/users/ana"))["phone"] == ""

    before = user_count(engine)
    body = refused(post_csv(admin, "username,phone\ncy,13800138000\ndee,call me\n"))
    assert errors(body) == {
        "/rows/3/phone": "row 3, column phone: phone 'call me' is not a phone number: use 5 "
        "to 20 digits, optionally starting with + and with spaces or dashes between them "
        "(e.g. +86 138-0013-8000)",
    }
    assert body["errors"][0]["code"] == "invalid_phone"
    assert body["errors"][0]["message"]["zh-CN"].startswith("第 3 行 phone 列：手机号 'call me'")
    assert user_count(engine) == before


def test_a_loop_of_managers_within_the_file_is_refused(admin: Client, engine: Engine) -> None:
    before = user_count(engine)
    body = refused(post_csv(admin, "username,manager\nann,bob\nbob,cy\ncy,ann\ndee,ann\n"))
    found = errors(body)
    assert set(found) == {"/rows/2/manager", "/rows/3/manager", "/rows/4/manager"}
    assert "ann → bob → cy → ann" in found["/rows/2/manager"]
    assert user_count(engine) == before


@pytest.mark.parametrize(
    ("text", "pointer", "words"),
    [
        ("display_name,email\nAna,a@example.com\n", "/header", "no column 'username'"),
        ("username,regoin\nana,east\n", "/header", "unknown column 'regoin'"),
        ("username,team,team\nana,east-1,east-1\n", "/header", "appears twice"),
        ("", "", "the file is empty"),
        ("\n\n", "", "the file is empty"),
        ("username,team\n", "", "no users"),
        ("username\nana,extra\n", "/rows/2", "2 cells"),
        ("username,display_name\nana,A\n\n,Nobody\n", "/rows/4/username", "username is empty"),
        ("username,display_name\nana,A\x00\n", "/rows/2/display_name", "NUL"),
        (b"username\n\xff\xfe\n", "", "not UTF-8"),
        ("username\nbad name\n", "/rows/2/username", "letters, digits"),
        ("username,password\nana,short\n", "/rows/2/password", "at least 8"),
    ],
)
def test_what_the_import_refuses(
    admin: Client, engine: Engine, text: str | bytes, pointer: str, words: str
) -> None:
    before = user_count(engine)
    body = refused(post_csv(admin, text))
    assert [e["pointer"] for e in body["errors"]] == [pointer], body
    assert words in body["errors"][0]["message"]["en"]
    assert user_count(engine) == before


def test_a_byte_order_mark_and_crlf_lines_are_fine(admin: Client) -> None:
    data = "\ufeffUsername , Display_Name\r\nana , Ana\r\n".encode()
    result = ok(post_csv(admin, data))
    assert result["created"] == 1
    assert ok(admin.get(f"{API}/users/ana"))["display_name"] == "Ana"


def test_the_import_cannot_take_away_the_last_admin(admin: Client) -> None:
    me = ok(admin.get(f"{API}/me"))["username"]
    body = refused(post_csv(admin, f"username,platform_role\n{me},viewer\n"))
    assert list(errors(body)) == ["/rows/2/platform_role"]
    assert ok(admin.get(f"{API}/me"))["role"] == "admin"


# -- trellis users import ------------------------------------------------------------


def run_cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="trellis")
    cli_users.add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    result: int = args.func(args)
    return result


@pytest.fixture
def cli_env(
    admin: Client, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Client:  # the admin fixture seeds regions, teams and roles
    monkeypatch.setenv("TRELLIS_DATABASE_URL", database_url)
    return admin


def test_cli_imports_a_file_and_prints_a_summary(
    cli_env: Client, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "people.csv"
    path.write_text(GOOD.format(password=PASSWORD), encoding="utf-8")
    assert run_cli(["users", "import", str(path)]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0] == f"imported {path}: 3 created, 0 updated, 0 unchanged"
    assert len(lines) == 2 and lines[1].startswith("  rep_a: generated password ")
    assert err == ""
    assert ok(cli_env.get(f"{API}/users/dir"))["roles"] == ["director"]

    assert run_cli(["users", "import", str(path)]) == 0
    assert capsys.readouterr().out == f"imported {path}: 0 created, 0 updated, 3 unchanged\n"


def test_cli_names_file_row_and_column_and_imports_nothing(
    cli_env: Client, engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = user_count(engine)
    path = tmp_path / "people.csv"
    path.write_text("username,region,roles\nana,east,rep\nbob,nrth,rep|boss\n", encoding="utf-8")
    assert run_cli(["users", "import", str(path)]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        f"{path}:3:roles: no role 'boss'",
        f"{path}:3:region: no region 'nrth'",
    ]
    assert "nothing was imported" in err
    assert user_count(engine) == before

    path.write_text("name\nana\n", encoding="utf-8")
    assert run_cli(["users", "import", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path}:1:name: unknown column 'name'" in out
    assert f"{path}:1:username: the header has no column 'username'" in out
    path.write_text("", encoding="utf-8")
    assert run_cli(["users", "import", str(path)]) == 1
    assert capsys.readouterr().out.startswith(f"{path}: the file is empty")


def test_cli_bad_arguments_exit_2(
    cli_env: Client, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(["users", "import", str(tmp_path / "missing.csv")]) == 2
    err = capsys.readouterr().err
    assert "no such file" in err and len(err.strip().splitlines()) == 1
    assert run_cli(["users", "import", str(tmp_path)]) == 2
    with pytest.raises(SystemExit) as exit_:
        run_cli(["users", "import"])
    assert exit_.value.code == 2
