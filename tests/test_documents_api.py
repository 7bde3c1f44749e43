"""The Documents section of the API through the HTTP test client, on SQLite
and PostgreSQL: drafts, publish, versions, diff, active pointers, change sets,
and what bad input gets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import Engine, func, select, text

from runtime.store.models import AuditEntry, Version
from tests.documents import api_example, deal_form

Client = TestClient[Any]
DRAFT = "/api/v1/documents/workflow/discount-approval/draft"
FORM_DRAFT = "/api/v1/documents/form/deal/draft"
PROBLEM = "application/problem+json"


@pytest.fixture
def editor(as_role: Callable[[str], Client]) -> Client:
    return as_role("editor")


@pytest.fixture
def admin(as_role: Callable[[str], Client]) -> Client:
    return as_role("admin")


def publish_form(client: Client) -> None:
    assert client.put(FORM_DRAFT, json=deal_form()).status_code in (200, 201)
    assert client.post("/api/v1/documents/form/deal/publish", json={}).status_code in (200, 201)


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["title"]
    return body


def test_put_get_draft_with_revision_and_etag(admin: Client) -> None:
    publish_form(admin)
    created = admin.put(DRAFT, json=api_example())
    assert created.status_code == 201
    assert created.json() == {"revision": 1, "valid": True, "errors": []}
    assert created.headers["etag"] == '"1"'
    got = admin.get(DRAFT)
    assert got.status_code == 200 and got.headers["etag"] == '"1"'
    body = got.json()
    assert body["content"]["schema_version"] == 2  # upgraded on save
    assert body["valid"] is True and body["revision"] == 1
    again = admin.put(DRAFT, json=api_example(), headers={"If-Match": '"1"'})
    assert again.status_code == 200 and again.json()["revision"] == 2


def test_invalid_draft_is_saved_with_pointed_errors(admin: Client) -> None:
    publish_form(admin)
    doc = api_example()
    doc["edges"][3]["target"] = "finish"
    saved = admin.put(DRAFT, json=doc)
    assert saved.status_code == 201
    body = saved.json()
    assert body["valid"] is False
    assert {"pointer": "/edges/3/target", "code": "missing_node"}.items() <= body["errors"][
        0
    ].items()
    assert admin.get(DRAFT).json()["content"]["edges"][3]["target"] == "finish"


def test_stale_revision_is_409_and_changes_nothing(admin: Client) -> None:
    publish_form(admin)
    admin.put(DRAFT, json=api_example())
    admin.put(DRAFT, json=api_example(), headers={"If-Match": '"1"'})
    changed = api_example()
    changed["title"] = {"en": "Overwritten"}
    problem(admin.put(DRAFT, json=changed, headers={"If-Match": '"1"'}), 409)
    current = admin.get(DRAFT).json()
    assert current["revision"] == 2
    assert current["content"]["title"]["en"] == "Discount approval"
    problem(admin.put(DRAFT, json=changed, headers={"If-Match": "yesterday"}), 412)


def test_malformed_json_is_400_not_500(admin: Client) -> None:
    response = admin.put(
        DRAFT,
        content=b'{"kind": "workflow", "nodes": [',
        headers={"content-type": "application/json"},
    )
    problem(response, 400)
    assert admin.get(DRAFT).status_code == 404


@pytest.mark.parametrize(
    ("mutate", "pointer", "code"),
    [
        (lambda d: d.update(kind="form"), "/kind", "kind_mismatch"),
        (lambda d: d.update(kind="spreadsheet"), "/kind", "unknown_kind"),
        (lambda d: d.update(key="other-key"), "/key", "key_mismatch"),
    ],
)
def test_wrong_kind_or_key_is_422_and_stores_nothing(
    admin: Client, mutate: Callable[[dict[str, Any]], None], pointer: str, code: str
) -> None:
    doc = api_example()
    mutate(doc)
    body = problem(admin.put(DRAFT, json=doc), 422)
    assert (body["errors"][0]["pointer"], body["errors"][0]["code"]) == (pointer, code)
    assert admin.get(DRAFT).status_code == 404


def test_body_that_is_not_an_object(admin: Client) -> None:
    body = problem(admin.put(DRAFT, json=[1, 2, 3]), 422)
    assert body["errors"][0]["code"] == "not_an_object"


def test_five_megabyte_document_is_413(admin: Client) -> None:
    doc = api_example()
    doc["description"] = {"en": "x" * (5 * 1024 * 1024)}
    problem(admin.put(DRAFT, json=doc), 413)
    assert admin.get(DRAFT).status_code == 404


@pytest.mark.parametrize(
    ("mutate", "pointer", "code"),
    [
        (lambda d: d["nodes"][1].update(type="teleport"), "/nodes/1/type", "unknown_node_type"),
        (lambda d: d["nodes"].append(dict(d["nodes"][0])), "/nodes/4/id", "duplicate_id"),
        (lambda d: d["edges"][3].update(target="finish"), "/edges/3/target", "missing_node"),
        (
            lambda d: d["edges"][1].update(condition="record['discount'] >"),
            "/edges/1/condition",
            "expression_syntax",
        ),
    ],
)
def test_publish_of_invalid_draft_is_422_and_stores_no_version(
    admin: Client,
    engine: Engine,
    mutate: Callable[[dict[str, Any]], None],
    pointer: str,
    code: str,
) -> None:
    publish_form(admin)
    doc = api_example()
    mutate(doc)
    saved = admin.put(DRAFT, json=doc).json()
    assert (pointer, code) in {(e["pointer"], e["code"]) for e in saved["errors"]}
    body = problem(
        admin.post("/api/v1/documents/workflow/discount-approval/publish", json={"message": "try"}),
        422,
    )
    assert (pointer, code) in {(e["pointer"], e["code"]) for e in body["errors"]}
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Version)).scalar() == 1  # the form


def test_validate_endpoint_stores_nothing(admin: Client) -> None:
    doc = api_example()
    doc["edges"][0]["target"] = "nowhere"
    response = admin.post("/api/v1/validate", json=doc)
    assert response.status_code == 200
    assert response.json()["valid"] is False
    assert any(e["pointer"] == "/edges/0/target" for e in response.json()["errors"])
    assert admin.get(DRAFT).status_code == 404


def test_publish_versions_identical_content_and_diff(admin: Client) -> None:
    publish_form(admin)
    admin.put(DRAFT, json=api_example())
    first = admin.post(
        "/api/v1/documents/workflow/discount-approval/publish", json={"message": "first"}
    )
    assert first.status_code == 201
    v1 = first.json()
    assert v1["version"] == 1 and v1["hash"].startswith("sha256:") and v1["message"] == "first"
    again = admin.post("/api/v1/documents/workflow/discount-approval/publish", json={})
    assert again.status_code == 200 and again.json()["version"] == 1
    doc = api_example()
    doc["edges"][1]["condition"] = "record['discount'] > 0.2"
    doc["nodes"][0]["position"] = {"x": 10, "y": 10}
    admin.put(DRAFT, json=doc)
    v2 = admin.post(
        "/api/v1/documents/workflow/discount-approval/publish", json={"message": "stricter"}
    )
    assert v2.status_code == 201 and v2.json()["version"] == 2
    listing = admin.get("/api/v1/documents/workflow/discount-approval/versions").json()
    assert [v["version"] for v in listing["items"]] == [2, 1]
    assert "content" not in listing["items"][0]
    one = admin.get("/api/v1/documents/workflow/discount-approval/versions/1").json()
    assert one["content"]["edges"][1]["condition"] == "record['discount'] > 0.1"
    problem(admin.get("/api/v1/documents/workflow/discount-approval/versions/9"), 404)
    diff = admin.get("/api/v1/documents/workflow/discount-approval/diff?from=1&to=2").json()
    assert diff["logic_changes"] == 1 and diff["layout_changes"] == 1
    ops = {(c["op"], c["path"], c["aspect"]) for c in diff["changes"]}
    assert ("changed", "/edges/e2/condition", "logic") in ops
    assert ("changed", "/nodes/start/position", "layout") in ops
    assert (
        admin.get("/api/v1/documents/workflow/discount-approval/diff?from=2&to=draft").json()[
            "changes"
        ]
        == []
    )


def test_publish_with_stale_revision_is_409(admin: Client) -> None:
    publish_form(admin)
    admin.put(DRAFT, json=api_example())
    admin.put(DRAFT, json=api_example())
    problem(
        admin.post("/api/v1/documents/workflow/discount-approval/publish", json={"revision": 1}),
        409,
    )


def test_variants_activate_and_roll_back(admin: Client) -> None:
    publish_form(admin)
    admin.put(DRAFT, json=api_example())
    admin.post("/api/v1/documents/workflow/discount-approval/publish", json={})
    doc = api_example()
    doc["title"] = {"en": "Discount approval v2"}
    admin.put(DRAFT, json=doc)
    admin.post("/api/v1/documents/workflow/discount-approval/publish", json={})
    base = "/api/v1/documents/workflow/discount-approval/active"
    assert admin.put(f"{base}/east", json={"version": 2}).status_code == 200
    assert admin.put(f"{base}/south", json={"version": 1}).status_code == 200
    state = admin.put(f"{base}/east", json={"version": 1, "reason": "bad rates"}).json()
    assert {k: v["version"] for k, v in state["variants"].items()} == {"east": 1, "south": 1}
    actions = [
        (m["variant"], m["action"], m["from_version"], m["to_version"]) for m in state["history"]
    ]
    assert actions[0] == ("east", "rollback", 2, 1)
    assert ("east", "activate", None, 2) in actions
    # no-op when already active: no new history entry
    again = admin.put(f"{base}/east", json={"version": 1}).json()
    assert len(again["history"]) == len(state["history"])
    problem(admin.put(f"{base}/east", json={"version": 7}), 404)
    listing = admin.get("/api/v1/documents?kind=workflow").json()
    assert listing["items"][0]["active"] == {"east": 1, "south": 1}


def test_rollback_to_a_version_of_another_key_is_404(admin: Client) -> None:
    publish_form(admin)  # form deal has version 1
    admin.put(DRAFT, json=api_example())
    problem(
        admin.put("/api/v1/documents/workflow/discount-approval/active/east", json={"version": 1}),
        404,
    )  # the workflow has no version yet


def test_unauthenticated_401_and_viewer_403(
    client: Client, as_role: Callable[[str], Client], admin: Client
) -> None:
    problem(client.get("/api/v1/documents"), 401)
    problem(client.put(DRAFT, json=api_example()), 401)
    publish_form(admin)
    admin.put(DRAFT, json=api_example())
    viewer = as_role("viewer")
    assert viewer.get(DRAFT).status_code == 200
    problem(viewer.post("/api/v1/documents/workflow/discount-approval/publish", json={}), 403)
    problem(viewer.put(DRAFT, json=api_example()), 403)
    editor = as_role("editor")
    problem(editor.post("/api/v1/documents/workflow/discount-approval/publish", json={}), 403)
    publisher = as_role("publisher")
    assert (
        publisher.post("/api/v1/documents/workflow/discount-approval/publish", json={}).status_code
        == 201
    )


def test_unknown_kind_is_404(admin: Client) -> None:
    problem(admin.get("/api/v1/documents/spreadsheet/x1/draft"), 404)
    problem(admin.get("/api/v1/documents?kind=spreadsheet"), 400)


def test_list_pagination(admin: Client) -> None:
    for i in range(5):
        form = deal_form()
        form["key"] = f"form-{i}"
        admin.put(f"/api/v1/documents/form/form-{i}/draft", json=form)
    page = admin.get("/api/v1/documents?limit=2").json()
    keys = [item["key"] for item in page["items"]]
    while page["next_cursor"]:
        page = admin.get(f"/api/v1/documents?limit=2&cursor={page['next_cursor']}").json()
        keys += [item["key"] for item in page["items"]]
    assert keys == [f"form-{i}" for i in range(5)]
    problem(admin.get("/api/v1/documents?cursor=%%%"), 400)
    problem(admin.get("/api/v1/documents?limit=501"), 400)


def test_delete_draft(admin: Client) -> None:
    publish_form(admin)
    admin.put(DRAFT, json=api_example())
    problem(admin.delete(DRAFT, headers={"If-Match": '"7"'}), 409)
    assert admin.delete(DRAFT).status_code == 204
    problem(admin.get(DRAFT), 404)


def test_changeset_publishes_all_or_nothing(admin: Client, engine: Engine) -> None:
    admin.put(FORM_DRAFT, json=deal_form())  # form only as a draft: the set publishes it
    admin.put(DRAFT, json=api_example())
    created = admin.post(
        "/api/v1/changesets",
        json={
            "title": "Discounts",
            "items": [
                {"kind": "form", "key": "deal"},
                {"kind": "workflow", "key": "discount-approval"},
            ],
        },
    )
    assert created.status_code == 201
    changeset = created.json()
    published = admin.post(f"/api/v1/changesets/{changeset['id']}/publish", json={})
    assert published.status_code == 200
    assert [(i["key"], i["version"]) for i in published.json()["items"]] == [
        ("deal", 1),
        ("discount-approval", 1),
    ]
    problem(admin.post(f"/api/v1/changesets/{changeset['id']}/publish", json={}), 409)

    # a broken member: nothing of the set is published
    form = deal_form()
    form["title"] = {"en": "Deal v2"}
    admin.put(FORM_DRAFT, json=form)
    broken = api_example()
    broken["edges"][0]["target"] = "nowhere"
    admin.put(DRAFT, json=broken)
    second = admin.post(
        "/api/v1/changesets",
        json={
            "title": "Broken",
            "items": [
                {"kind": "form", "key": "deal"},
                {"kind": "workflow", "key": "discount-approval"},
            ],
        },
    ).json()
    body = problem(admin.post(f"/api/v1/changesets/{second['id']}/publish", json={}), 422)
    assert any(e["pointer"] == "/items/1/content/edges/0/target" for e in body["errors"])
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Version)).scalar() == 2
    problem(
        admin.post(
            "/api/v1/changesets",
            json={"title": "x", "items": [{"kind": "form", "key": "nothing-here"}]},
        ),
        422,
    )


def test_audit_entries_for_saves_publish_and_activation(admin: Client, engine: Engine) -> None:
    publish_form(admin)
    admin.put(DRAFT, json=api_example())
    admin.post("/api/v1/documents/workflow/discount-approval/publish", json={})
    admin.put("/api/v1/documents/workflow/discount-approval/active/east", json={"version": 1})
    with engine.connect() as conn:
        actions = conn.execute(select(AuditEntry.action).order_by(AuditEntry.seq)).scalars().all()
    assert actions.count("draft.saved") == 2
    assert actions.count("document.published") == 2
    assert "document.activated" in actions


def test_published_versions_cannot_be_changed_even_by_sql(admin: Client, engine: Engine) -> None:
    publish_form(admin)
    with pytest.raises(Exception, match="immutable"), engine.begin() as conn:
        conn.execute(text("UPDATE versions SET message = 'edited'"))
    with pytest.raises(Exception, match="immutable"), engine.begin() as conn:
        conn.execute(text("DELETE FROM versions"))


def test_components_catalogue(admin: Client) -> None:
    items = admin.get("/api/v1/components").json()["items"]
    by_type = {item["type"]: item for item in items}
    approval = by_type["approval"]
    assert approval["label"] == {"en": "Approval", "zh-CN": "审批"}
    assert approval["ports"]["outputs"] == ["approved", "rejected"]
    assert approval["config_schema"]["properties"]["levels"]["maxItems"] == 7
    assert by_type["start"]["ports"]["inputs"] == 0


def test_health_needs_no_login(client: Client) -> None:
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_openapi_document_is_served(client: Client) -> None:
    spec = client.get("/api/v1/schema/openapi.json").json()
    assert "/api/v1/documents/{kind}/{key}/publish" in spec["paths"]


def test_values_the_database_cannot_hold_are_4xx_not_500(admin: Client) -> None:
    """Found by the schemathesis run: huge integers and NUL characters."""
    publish_form(admin)
    admin.put(DRAFT, json=api_example())
    admin.post("/api/v1/documents/workflow/discount-approval/publish", json={})
    huge = 2**63 + 5
    problem(admin.get(f"/api/v1/documents/workflow/discount-approval/versions/{huge}"), 400)
    problem(admin.get(f"/api/v1/changesets/{2**40}"), 400)
    problem(admin.delete(f"/api/v1/tokens/{huge}"), 400)
    problem(
        admin.put(
            "/api/v1/documents/workflow/discount-approval/active/east", json={"version": huge}
        ),
        422,
    )
    problem(admin.get("/api/v1/documents/workflow/discount-approval/diff?from=99999999999"), 400)
    problem(
        admin.put(
            "/api/v1/documents/workflow/discount-approval/active/east",
            json={"version": 1, "reason": "nul\x00"},
        ),
        422,
    )
    problem(
        admin.post(
            "/api/v1/changesets",
            json={"title": "t\x00", "items": [{"kind": "form", "key": "deal"}]},
        ),
        422,
    )
    doc = api_example()
    doc["title"] = {"en": "nul\x00"}
    body = problem(admin.put(DRAFT, json=doc), 422)
    assert body["errors"][0] == {
        **body["errors"][0],
        "pointer": "/title/en",
        "code": "nul_character",
    }
    # a forged cursor of the right length but the wrong types
    from runtime.api.pagination import encode_cursor

    problem(admin.get(f"/api/v1/documents?cursor={encode_cursor([1, 2])}"), 400)
    problem(
        admin.get(
            f"/api/v1/documents/workflow/discount-approval/versions?cursor={encode_cursor(huge)}"
        ),
        400,
    )


def test_put_to_an_impossible_key_is_404_and_stores_nothing(admin: Client) -> None:
    problem(admin.put("/api/v1/documents/form/Bad_Key/draft", json=deal_form()), 404)
    assert admin.get("/api/v1/documents").json()["items"] == []


def test_unknown_body_fields_are_pointed_at(admin: Client) -> None:
    body = problem(admin.patch("/api/v1/me", json={"colour": "red"}), 422)
    assert [(e["pointer"], e["code"]) for e in body["errors"]] == [("/colour", "unknown_field")]
    body = problem(
        admin.post(
            "/api/v1/changesets",
            json={"title": "x", "items": [{"kind": "form", "key": "ab", "extra": 1}]},
        ),
        422,
    )
    assert [(e["pointer"], e["code"]) for e in body["errors"]] == [
        ("/items/0/extra", "unknown_field")
    ]


def test_deleting_a_draft_named_by_a_change_set(admin: Client) -> None:
    admin.put(DRAFT, json=api_example())
    created = admin.post(
        "/api/v1/changesets",
        json={"title": "t", "items": [{"kind": "workflow", "key": "discount-approval"}]},
    ).json()
    assert admin.delete(DRAFT).status_code == 204
    assert admin.get(f"/api/v1/changesets/{created['id']}").status_code == 200
    problem(admin.post(f"/api/v1/changesets/{created['id']}/publish", json={}), 422)


def test_changeset_records_reused_versions(admin: Client) -> None:
    publish_form(admin)  # deal v1, identical to its draft
    admin.put(DRAFT, json=api_example())
    created = admin.post(
        "/api/v1/changesets",
        json={
            "title": "t",
            "items": [
                {"kind": "form", "key": "deal"},
                {"kind": "workflow", "key": "discount-approval"},
            ],
        },
    ).json()
    admin.post(f"/api/v1/changesets/{created['id']}/publish", json={})
    items = admin.get(f"/api/v1/changesets/{created['id']}").json()["items"]
    assert [(i["key"], i["version"]) for i in items] == [("deal", 1), ("discount-approval", 1)]


def test_newline_smuggled_into_key_or_variant_is_refused(admin: Client) -> None:
    publish_form(admin)
    doc = deal_form()
    doc["key"] = "abc\n"
    problem(admin.put("/api/v1/documents/form/abc%0A/draft", json=doc), 404)
    problem(admin.put("/api/v1/documents/form/deal/active/east%0A", json={"version": 1}), 400)
    # What a user typed as a new variant: the answer says what a name may hold.
    spaced = admin.put("/api/v1/documents/form/deal/active/East%20Coast", json={"version": 1})
    body = problem(spaced, 400)
    assert "lower-case letters, digits and '-'" in body["detail"]


def test_leading_blank_condition_with_a_known_form(admin: Client) -> None:
    publish_form(admin)
    doc = api_example()
    doc["edges"][1]["condition"] = " record['discount'] > 0.1"
    assert admin.put(DRAFT, json=doc).json()["valid"] is True


def test_create_only_with_if_none_match(admin: Client) -> None:
    created = admin.put(FORM_DRAFT, json=deal_form(), headers={"If-None-Match": "*"})
    assert created.status_code == 201
    problem(admin.put(FORM_DRAFT, json=deal_form(), headers={"If-None-Match": "*"}), 412)
    problem(admin.put(FORM_DRAFT, json=deal_form(), headers={"If-None-Match": '"1"'}), 412)
    assert admin.get(FORM_DRAFT).json()["revision"] == 1


def test_me_lists_the_actions_of_the_role(as_role: Callable[[str], Client]) -> None:
    viewer = as_role("viewer").get("/api/v1/me").json()
    assert "documents.read" in viewer["actions"]
    assert "documents.publish" not in viewer["actions"]
    publisher = as_role("publisher").get("/api/v1/me").json()
    assert "documents.publish" in publisher["actions"]
