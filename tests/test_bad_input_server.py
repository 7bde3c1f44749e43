"""Bad input gets a clear error and changes nothing: each case of the issue
sent over real HTTP to a real ``trellis serve`` process, on both databases."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from runtime.store.db import make_engine
from runtime.store.models import Document, Version
from tests.conftest import PASSWORD
from tests.documents import api_example, deal_form
from tests.serve import served

pytestmark = pytest.mark.server
PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def server(migrated_url: str, password_hash: str) -> Iterator[tuple[str, str]]:
    """(database url, base url) of one server per backend for this module;
    each test uses its own document keys."""
    from datetime import UTC, datetime

    from runtime.store.db import make_sessionmaker, transaction
    from runtime.store.models import User

    engine = make_engine(migrated_url)
    with transaction(make_sessionmaker(engine)) as session:
        for role in ("admin", "viewer"):
            if session.execute(select(User).where(User.username == f"srv-{role}")).first():
                continue
            session.add(
                User(
                    username=f"srv-{role}",
                    display_name=role,
                    password_hash=password_hash,
                    role=role,
                    language="en",
                    is_active=True,
                    created_at=datetime.now(UTC),
                )
            )
    engine.dispose()
    with served(migrated_url) as base:
        yield migrated_url, base


def client_for(base: str, username: str) -> httpx.Client:
    login = httpx.post(
        f"{base}/api/v1/auth/login",
        json={"username": username, "password": PASSWORD},
        timeout=60,  # argon2 under a loaded CI machine
    )
    assert login.status_code == 200, login.text
    return httpx.Client(
        base_url=f"{base}/api/v1",
        headers={"Authorization": f"Bearer {login.json()['token']}"},
        timeout=30,
    )


@pytest.fixture(scope="module")
def admin(server: tuple[str, str]) -> Iterator[httpx.Client]:
    with client_for(server[1], "srv-admin") as client:
        if client.get("/documents/form/deal/versions").status_code != 200:
            client.put("/documents/form/deal/draft", json=deal_form())
            client.post("/documents/form/deal/publish", json={})
        yield client


def problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["title"] and "detail" in body
    return body


def workflow(key: str) -> dict[str, Any]:
    document = api_example()
    document["key"] = key
    return document


def count(server: tuple[str, str], model: Any, key: str) -> int:
    engine = make_engine(server[0])
    with engine.connect() as conn:
        if model is Document:
            query = select(func.count()).select_from(Document).where(Document.key == key)
        else:
            query = (
                select(func.count())
                .select_from(Version)
                .join(Document, Document.id == Version.document_id)
                .where(Document.key == key)
            )
        value: int = conn.execute(query).scalar_one()
    engine.dispose()
    return value


def test_malformed_json(admin: httpx.Client, server: tuple[str, str]) -> None:
    response = admin.put(
        "/documents/workflow/bad-json/draft",
        content=b'{"kind": "workflow",',
        headers={"content-type": "application/json"},
    )
    problem(response, 400)
    assert count(server, Document, "bad-json") == 0


@pytest.mark.parametrize(
    ("key", "mutate", "pointer", "code"),
    [
        ("wrong-kind", lambda d: d.update(kind="form"), "/kind", "kind_mismatch"),
        ("key-differs", lambda d: d.update(key="another-key"), "/key", "key_mismatch"),
    ],
)
def test_wrong_kind_or_key_stores_nothing(
    admin: httpx.Client,
    server: tuple[str, str],
    key: str,
    mutate: Callable[[dict[str, Any]], None],
    pointer: str,
    code: str,
) -> None:
    document = workflow(key)
    mutate(document)
    body = problem(admin.put(f"/documents/workflow/{key}/draft", json=document), 422)
    assert (body["errors"][0]["pointer"], body["errors"][0]["code"]) == (pointer, code)
    assert count(server, Document, key) == 0


@pytest.mark.parametrize(
    ("key", "mutate", "pointer", "code"),
    [
        (
            "unknown-type",
            lambda d: d["nodes"][1].update(type="teleport"),
            "/nodes/1/type",
            "unknown_node_type",
        ),
        (
            "dup-ids",
            lambda d: d["nodes"].append(dict(d["nodes"][3])),
            "/nodes/4/id",
            "duplicate_id",
        ),
        (
            "missing-node",
            lambda d: d["edges"][3].update(target="nowhere"),
            "/edges/3/target",
            "missing_node",
        ),
        (
            "bad-condition",
            lambda d: d["edges"][1].update(condition="record['discount'] >>"),
            "/edges/1/condition",
            "expression_syntax",
        ),
    ],
)
def test_invalid_draft_is_saved_but_never_published(
    admin: httpx.Client,
    server: tuple[str, str],
    key: str,
    mutate: Callable[[dict[str, Any]], None],
    pointer: str,
    code: str,
) -> None:
    document = workflow(key)
    mutate(document)
    saved = admin.put(f"/documents/workflow/{key}/draft", json=document)
    assert saved.status_code == 201
    assert (pointer, code) in {(e["pointer"], e["code"]) for e in saved.json()["errors"]}
    body = problem(admin.post(f"/documents/workflow/{key}/publish", json={"message": "x"}), 422)
    assert (pointer, code) in {(e["pointer"], e["code"]) for e in body["errors"]}
    assert count(server, Version, key) == 0


def test_five_megabyte_document_is_413(admin: httpx.Client, server: tuple[str, str]) -> None:
    document = workflow("huge")
    document["description"] = {"en": "x" * (5 * 1024 * 1024)}
    problem(admin.put("/documents/workflow/huge/draft", json=document), 413)
    assert count(server, Document, "huge") == 0


def test_stale_revision_is_409_and_draft_unchanged(admin: httpx.Client) -> None:
    url = "/documents/workflow/stale/draft"
    admin.put(url, json=workflow("stale"))
    admin.put(url, json=workflow("stale"), headers={"If-Match": '"1"'})
    changed = workflow("stale")
    changed["title"] = {"en": "Lost update"}
    problem(admin.put(url, json=changed, headers={"If-Match": '"1"'}), 409)
    draft = admin.get(url).json()
    assert draft["revision"] == 2 and draft["content"]["title"]["en"] == "Discount approval"


def test_two_concurrent_publishes_make_one_version(
    admin: httpx.Client, server: tuple[str, str]
) -> None:
    admin.put("/documents/workflow/racing/draft", json=workflow("racing"))
    results: list[httpx.Response] = []
    # Timeouts everywhere: a thread that dies must fail the test, not hang it.
    start = threading.Barrier(2, timeout=60)

    def publish() -> None:
        with client_for(server[1], "srv-admin") as own:
            start.wait()
            results.append(own.post("/documents/workflow/racing/publish", json={}))

    threads = [threading.Thread(target=publish) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(results) == 2, "a publishing thread failed; see its traceback above"
    assert sorted(r.status_code for r in results) in ([200, 201], [201, 409]), [
        r.text for r in results
    ]
    assert count(server, Version, "racing") == 1


def test_rollback_to_missing_version_or_other_keys_version_is_404(
    admin: httpx.Client,
) -> None:
    admin.put("/documents/workflow/rolling/draft", json=workflow("rolling"))
    admin.post("/documents/workflow/rolling/publish", json={})
    problem(admin.put("/documents/workflow/rolling/active/east", json={"version": 2}), 404)
    # version 1 exists for "rolling" but not for a key that was never published
    admin.put("/documents/workflow/unpublished/draft", json=workflow("unpublished"))
    problem(admin.put("/documents/workflow/unpublished/active/east", json={"version": 1}), 404)
    problem(admin.put("/documents/workflow/no-such-key/active/east", json={"version": 1}), 404)


def test_unauthenticated_and_viewer(server: tuple[str, str], admin: httpx.Client) -> None:
    base = server[1]
    problem(httpx.get(f"{base}/api/v1/documents"), 401)
    problem(httpx.put(f"{base}/api/v1/documents/workflow/anon/draft", json=workflow("anon")), 401)
    admin.put("/documents/workflow/viewed/draft", json=workflow("viewed"))
    with client_for(base, "srv-viewer") as viewer:
        assert viewer.get("/documents/workflow/viewed/draft").status_code == 200
        problem(viewer.post("/documents/workflow/viewed/publish", json={}), 403)


def test_parallel_logins_of_one_user_all_succeed(server: tuple[str, str]) -> None:
    """Two logins of one user used to deadlock on PostgreSQL (failure rows
    deleted and updated in opposite orders)."""
    results: list[int] = []

    def log_in() -> None:
        response = httpx.post(
            f"{server[1]}/api/v1/auth/login",
            json={"username": "srv-admin", "password": PASSWORD},
            timeout=60,
        )
        results.append(response.status_code)

    # Fewer than the throttle's limit: in-flight attempts count as failures
    # until they succeed, so that parallel guessing cannot slip past it.
    threads = [threading.Thread(target=log_in) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert results == [200] * 4
