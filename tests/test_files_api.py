"""Attachments through the HTTP API: upload, attach to a record field, fetch
with the record's permissions, and what bad uploads get."""

from __future__ import annotations

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
PDF = b"%PDF-1.4\n% test\n"


@pytest.fixture
def people(
    settings: Settings, engine: Engine, password_hash: str, as_role: Callable[[str], Client]
) -> Iterator[dict[str, Client]]:
    admin = as_role("admin")
    build_org(engine, password_hash, as_role)
    form = deal_form()
    form["fields"].append(
        {
            "key": "contract",
            "type": "file",
            "label": {"en": "Contract"},
            "accept": ["application/pdf"],
        }
    )
    matrix = sales_matrix(datetime.now(UTC))
    matrix["roles"][0]["forms"][0]["fields"]["contract"] = "write"
    publish(admin, form)
    publish(admin, matrix)
    clients = {"admin": admin}
    for name in ("rep_e1", "rep_e2", "mgr_e", "mgr_s"):
        client = TestClient(app=create_app(settings))
        client.__enter__()
        client.headers["Authorization"] = f"Bearer {api_token(engine, name)}"
        clients[name] = client
    yield clients
    for name in ("rep_e1", "rep_e2", "mgr_e", "mgr_s"):
        clients[name].__exit__(None, None, None)


def upload(client: Client, name: str, content: bytes, kind: str) -> Any:
    return client.post("/api/v1/files", files={"file": (name, content, kind)})


def test_upload_attach_and_fetch_with_record_permissions(people: dict[str, Client]) -> None:
    rep = people["rep_e1"]
    sent = upload(rep, "contract.pdf", PDF, "application/pdf")
    assert sent.status_code == 201, sent.text
    file_id = sent.json()["id"]
    assert sent.json()["size"] == len(PDF)
    made = rep.post(
        "/api/v1/records/deal",
        json={"data": {"name": "A", "customer_type": "smb", "amount": 1, "contract": file_id}},
    )
    assert made.status_code == 201, made.text
    assert rep.get(f"/api/v1/files/{file_id}").content == PDF
    assert people["mgr_e"].get(f"/api/v1/files/{file_id}").status_code == 200  # same region
    assert people["mgr_s"].get(f"/api/v1/files/{file_id}").status_code == 404
    assert people["rep_e2"].get(f"/api/v1/files/{file_id}").status_code == 404
    # a file belongs to one record field
    again = people["rep_e1"].post(
        "/api/v1/records/deal",
        json={"data": {"name": "B", "customer_type": "smb", "amount": 1, "contract": file_id}},
    )
    assert again.status_code == 422 and again.json()["errors"][0]["pointer"] == "/data/contract"


def test_bad_uploads(people: dict[str, Client], settings: Settings) -> None:
    rep = people["rep_e1"]
    assert upload(rep, "run.exe", b"MZ\x90\x00", "application/x-msdownload").status_code == 415
    assert upload(rep, "fake.pdf", b"<html>", "application/pdf").status_code == 415
    assert upload(rep, "page.html", b"<html>", "text/html").status_code == 415
    assert upload(rep, "empty.txt", b"", "text/plain").status_code == 422
    big = upload(rep, "big.pdf", PDF + b"0" * (settings.max_file_bytes + 1), "application/pdf")
    assert big.status_code == 413
    image = upload(rep, "note.txt", b"hello", "text/plain")
    assert image.status_code == 201
    wrong_type = rep.post(
        "/api/v1/records/deal",
        json={
            "data": {
                "name": "A",
                "customer_type": "smb",
                "amount": 1,
                "contract": image.json()["id"],
            }
        },
    )
    assert wrong_type.status_code == 422  # the field accepts PDF only
    assert rep.get("/api/v1/files/999999").status_code == 404
