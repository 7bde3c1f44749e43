"""No hidden field's value leaves the server, on any endpoint, for any role.

Every record holds unique markers in the fields some roles may not see
(margin, commission and a secret note). For every GET operation of the
OpenAPI document — so endpoints added later are covered, and a path
parameter nobody knows how to fill fails this test — and for writes that
answer with a record or an error, each role's responses are searched for
the markers that role must not see.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import Engine

from runtime.api.app import create_app
from runtime.config import Settings
from tests.conftest import api_token
from tests.records import build_org, deal_form, publish, sales_matrix

Client = TestClient[Any]
PDF = b"%PDF-1.4\n% leak test\n"


def markers(i: int) -> dict[str, Any]:
    return {
        "margin": round(0.313_131 + i / 1_000_000, 6),
        "commission": 271_828.5 + i,
        "secret": f"LEAK-MARKER-{i:03d}-9f3c",
    }


# What each caller must never receive: which fields' markers, on whose records.
# (owner usernames of the records; None = every record)
FORBIDDEN: dict[str, list[tuple[str, set[str] | None]]] = {
    # own rows only; margin, commission and the note hidden everywhere
    "rep_e1": [("margin", None), ("commission", None), ("secret", None)],
    # east only; commission and the note hidden; margin visible in east
    "mgr_e": [("commission", None), ("secret", None), ("margin", {"rep_s1"})],
    # the grant: name and commission on every deal, nothing else
    "fin": [("margin", None), ("secret", None)],
    # platform editor without business roles: nothing at all
    "editor": [("margin", None), ("commission", None), ("secret", None)],
}


@pytest.fixture
def world(
    settings: Settings, engine: Engine, password_hash: str, as_role: Callable[[str], Client]
) -> Iterator[tuple[dict[str, Client], list[dict[str, Any]], int]]:
    admin = as_role("admin")
    editor = as_role("editor")
    build_org(engine, password_hash, as_role)
    form = deal_form()
    form["fields"] += [
        {"key": "secret", "type": "text", "label": {"en": "Note"}},
        {"key": "contract", "type": "file", "label": {"en": "Contract"}},
    ]
    matrix = sales_matrix(datetime.now(UTC))
    matrix["roles"][0]["forms"][0]["fields"] |= {"secret": "hidden", "contract": "write"}
    matrix["roles"][1]["forms"][0]["fields"]["secret"] = "hidden"
    publish(admin, form)
    publish(admin, matrix)
    clients = {"admin": admin, "editor": editor}
    for name in ("rep_e1", "rep_s1", "mgr_e", "fin"):
        client = TestClient(app=create_app(settings))
        client.__enter__()
        client.headers["Authorization"] = f"Bearer {api_token(engine, name)}"
        clients[name] = client
    records = []
    counter = itertools.count()
    for owner in ("rep_e1", "rep_e1", "rep_s1"):
        made = clients[owner].post(
            "/api/v1/records/deal",
            json={"data": {"name": f"Deal of {owner}", "customer_type": "smb", "amount": 10}},
        )
        assert made.status_code == 201, made.text
        i = next(counter)
        secret = admin.patch(f"/api/v1/records/deal/{made.json()['id']}", json={"data": markers(i)})
        assert secret.status_code == 200, secret.text
        records.append({"id": made.json()["id"], "owner": owner, "markers": markers(i)})
    upload = clients["rep_e1"].post(
        "/api/v1/files", files={"file": ("c.pdf", PDF, "application/pdf")}
    )
    file_id = upload.json()["id"]
    attached = clients["rep_e1"].patch(
        f"/api/v1/records/deal/{records[0]['id']}", json={"data": {"contract": file_id}}
    )
    assert attached.status_code == 200, attached.text
    _cases(admin, clients, records)
    yield clients, records, file_id
    for name in ("rep_e1", "rep_s1", "mgr_e", "fin"):
        clients[name].__exit__(None, None, None)


# A case per record: a variable copied from the margin, a notice whose
# template names the hidden fields, a form task for rep_e1 (on every record,
# his or not) and an approval for the managers.
REVIEW: dict[str, Any] = {
    "kind": "workflow",
    "schema_version": 2,
    "key": "deal-review",
    "title": {"en": "Deal review"},
    "record_form": "deal",
    "nodes": [
        {"id": "start", "type": "start"},
        {
            "id": "copy",
            "type": "set",
            "config": {"assignments": [{"target": "vars.m", "expression": "record['margin']"}]},
        },
        {
            "id": "check",
            "type": "decision",
        },
        {
            "id": "tell",
            "type": "notify",
            "config": {
                "message": {"en": "Margin {margin}, note {secret}, commission {commission}"},
                "to": [{"by": "user", "user": "rep_e1"}, {"by": "user", "user": "mgr_e"}],
            },
        },
        {
            "id": "fill",
            "type": "form_task",
            "config": {
                "form": "deal",
                "assignee": {"by": "user", "user": "rep_e1"},
                "fields": ["amount"],
            },
        },
        {"id": "approve", "type": "approval", "config": {"levels": [{"role": "manager"}]}},
        {"id": "end", "type": "end", "config": {"outcome": "approved"}},
    ],
    "edges": [
        {"id": "e1", "source": "start", "target": "copy"},
        {"id": "e2", "source": "copy", "target": "check"},
        {"id": "e3", "source": "check", "target": "tell", "condition": "record['margin'] > 0"},
        {"id": "e4", "source": "check", "target": "tell", "default": True},
        {"id": "e5", "source": "tell", "target": "fill"},
        {"id": "e6", "source": "fill", "target": "approve"},
        {"id": "e7", "source": "approve", "target": "end", "source_port": "approved"},
        {"id": "e8", "source": "approve", "target": "end", "source_port": "rejected"},
    ],
}
CASES: list[str] = []
TASKS: list[str] = []


def _cases(admin: Client, clients: dict[str, Client], records: list[dict[str, Any]]) -> None:
    publish(admin, REVIEW)
    CASES.clear()
    TASKS.clear()
    for record in records:
        case = admin.post(
            "/api/v1/instances", json={"workflow": "deal-review", "record_id": record["id"]}
        )
        assert case.status_code == 201, case.text
        CASES.append(case.json()["id"])
    tasks = clients["rep_e1"].get("/api/v1/tasks").json()["items"]
    assert len(tasks) == len(records)
    TASKS.extend(task["id"] for task in tasks)
    done = clients["rep_e1"].post(
        f"/api/v1/tasks/{tasks[0]['id']}/complete", json={"data": {"amount": 12}}
    )
    assert done.status_code == 200, done.text
    TASKS.extend(t["id"] for t in clients["mgr_e"].get("/api/v1/tasks").json()["items"])


def _fillers(records: list[dict[str, Any]], file_id: int) -> dict[str, list[str]]:
    return {
        "instance_id": [*CASES, "nope"],
        "task_id": [*TASKS, "nope"],
        "form": ["deal"],
        "record_id": [str(r["id"]) for r in records] + ["999999"],
        "file_id": [str(file_id)],
        "number": ["1"],
        "username": ["rep_e1", "rep_s1"],
        "changeset_id": ["1"],
        "dataset_id": ["1"],
        "run_id": ["1"],
        "workflow": ["deal-review"],
    }


# Query parameters an operation needs to answer at all.
QUERIES: dict[str, list[dict[str, Any]]] = {
    "/api/v1/documents/{kind}/{key}/diff": [{"from": "1"}],
    "/api/v1/permissions/diff": [{"matrix": "sales", "from": "1"}],
    "/api/v1/permissions/preview": [
        {"role": "rep", "form": "deal"},
        {"user": "fin", "form": "deal"},
    ],
    "/api/v1/records/{form}": [
        {},
        {"fields": "name,amount"},
        {"sort": "-margin"},
        {"filter": "commission:gt:0"},
        {"filter": "secret:contains:LEAK"},
    ],
    "/api/v1/records/{form}/export": [{}, {"sort": "secret"}],
    "/api/v1/audit": [{"limit": 500}],
    "/api/v1/tasks": [{}, {"scope": "team"}, {"status": "any"}],
    "/api/v1/notifications": [{}],
}
KEYS = {
    "/api/v1/regions/": "east",
    "/api/v1/teams/": "east-1",
    "/api/v1/roles/": "rep",
    "/api/v1/sandbox/gates/": "deal-review",
}


def _urls(path: str, fillers: dict[str, list[str]]) -> list[str]:
    if path.startswith("/api/v1/documents/{kind}/{key}"):
        pairs = [("form", "deal"), ("permission_matrix", "sales")]
        path_options = [path.replace("{kind}", k).replace("{key}", v) for k, v in pairs]
    else:
        prefix = next((p for p in KEYS if path.startswith(p)), None)
        path_options = [path.replace("{key}", KEYS[prefix]) if prefix else path]
    urls = []
    for option in path_options:
        names = [part[1:-1] for part in option.split("/") if part.startswith("{")]
        unknown = [n for n in names if n not in fillers]
        assert not unknown, f"the leak test does not know how to fill {unknown} in {path}"
        for values in itertools.product(*(fillers[n] for n in names)):
            url = option
            for name, value in zip(names, values, strict=True):
                url = url.replace("{" + name + "}", value)
            urls.append(url)
    return urls


def _forbidden(caller: str, records: list[dict[str, Any]]) -> list[str]:
    found = []
    for field, owners in FORBIDDEN[caller]:
        for record in records:
            if owners is None or record["owner"] in owners:
                found.append(str(record["markers"][field]))
    return found


def test_no_hidden_value_in_any_response(
    world: tuple[dict[str, Client], list[dict[str, Any]], int],
) -> None:
    clients, records, file_id = world
    schema = clients["admin"].get("/api/v1/schema/openapi.json").json()
    fillers = _fillers(records, file_id)
    gets = [p for p, ops in schema["paths"].items() if "get" in ops]
    assert "/api/v1/records/{form}/{record_id}" in gets  # the document is the one we think
    checked = 0
    for caller in FORBIDDEN:
        client = clients[caller]
        forbidden = _forbidden(caller, records)
        for path in gets:
            for url in _urls(path, fillers):
                for params in QUERIES.get(path, [{}]):
                    response = client.get(url, params=params)
                    leaked = [m for m in forbidden if m in response.text]
                    assert not leaked, f"{caller} GET {url} {params} leaked {leaked}"
                    checked += 1
        # writes answer with the record as the caller may see it, or an error
        for record in records:
            url = f"/api/v1/records/deal/{record['id']}"
            for body in ({"data": {"amount": 11}}, {"data": {"margin": 0.5}}):
                response = client.patch(url, json=body)
                leaked = [m for m in forbidden if m in response.text]
                assert not leaked, f"{caller} PATCH {url} {body} leaked {leaked}"
    assert checked > 100
