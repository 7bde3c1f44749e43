"""An organisation, forms and a matrix for the runtime's API tests: reps in
two regions, a manager, two directors, each signed in with a token."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Event, Thread
from typing import Any

import msgspec
from litestar.testing import TestClient
from sqlalchemy import Engine

from runtime.store.db import make_sessionmaker, transaction
from runtime.store.models import Region, Role, Team, User, UserRole
from tests.conftest import api_token

Client = TestClient[Any]

LEAD: dict[str, Any] = {
    "kind": "form",
    "schema_version": 2,
    "key": "lead",
    "title": {"en": "Lead", "zh-CN": "线索"},
    "owner_field": "owner",
    "region_field": "region",
    "fields": [
        {"key": "company", "type": "text", "label": {"en": "Company"}, "required": True},
        {"key": "owner", "type": "user", "label": {"en": "Owner"}},
        {"key": "region", "type": "region", "label": {"en": "Region"}},
        {"key": "amount", "type": "money", "label": {"en": "Amount"}, "currency": "CNY", "min": 0},
        {"key": "margin", "type": "percent", "label": {"en": "Margin"}},
        {"key": "notes", "type": "text", "label": {"en": "Call notes"}},
    ],
}

DEAL: dict[str, Any] = {
    **LEAD,
    "key": "deal",
    "title": {"en": "Deal", "zh-CN": "商机"},
}


def matrix() -> dict[str, Any]:
    def rule(form: str, access: str, scope: str, **fields: str) -> dict[str, Any]:
        return {"form": form, "access": access, "row_scope": scope, "fields": fields}

    return {
        "kind": "permission_matrix",
        "schema_version": 2,
        "key": "sales",
        "title": {"en": "Sales"},
        "roles": [
            {
                "role": "rep",
                "forms": [
                    rule("lead", "write", "region", margin="hidden"),
                    rule("deal", "write", "own", margin="hidden"),
                ],
                "actions": ["start"],
            },
            {
                "role": "manager",
                "forms": [rule("lead", "read", "region"), rule("deal", "read", "region")],
                "actions": ["start", "decide"],
            },
            {
                "role": "director",
                "forms": [rule("lead", "write", "all"), rule("deal", "write", "all")],
                "actions": ["start", "decide"],
            },
        ],
    }


# username: (roles, region, manager)
PEOPLE: dict[str, tuple[list[str], str, str | None]] = {
    "alice": (["rep"], "east", "dave"),
    "bob": (["rep"], "east", "dave"),
    "carol": (["rep"], "south", "erin"),
    "dave": (["manager"], "east", "frank"),
    "erin": (["manager"], "south", "gina"),
    "frank": (["director"], "east", None),
    "gina": (["director"], "south", None),
}
RANKS = {"rep": 2, "manager": 4, "director": 6}


@dataclass
class Org:
    clients: dict[str, SignedIn]
    ids: dict[str, int]
    admin: SignedIn

    def __getitem__(self, name: str) -> SignedIn:
        return self.clients[name]


def build_org(engine: Engine, password_hash: str) -> dict[str, int]:
    now = datetime.now(UTC)
    with transaction(make_sessionmaker(engine)) as session:
        regions = {k: Region(key=k, name=k.title(), created_at=now) for k in ("east", "south")}
        session.add_all(regions.values())
        session.flush()
        teams = {
            k: Team(key=f"{k}-sales", name=f"{k} sales", region_id=r.id, created_at=now)
            for k, r in regions.items()
        }
        roles = {k: Role(key=k, name=k.title(), rank=r, created_at=now) for k, r in RANKS.items()}
        session.add_all([*teams.values(), *roles.values()])
        session.flush()
        users: dict[str, User] = {}
        for name, (held, region, _) in PEOPLE.items():
            user = User(
                username=name,
                display_name=name.title(),
                email=f"{name}@example.test",
                password_hash=password_hash,
                role="viewer",
                language="en",
                is_active=True,
                created_at=now,
                team_id=teams[region].id,
                region_id=regions[region].id,
            )
            session.add(user)
            session.flush()
            session.add_all(UserRole(user_id=user.id, role_id=roles[r].id) for r in held)
            users[name] = user
        for name, (_, _, manager) in PEOPLE.items():
            if manager:
                users[name].manager_id = users[manager].id
    return {name: user.id for name, user in users.items()}


class SignedIn:
    """One person's requests through a shared test client (one app, hence one
    manual clock): each call carries that person's bearer token."""

    def __init__(self, client: Client, token: str) -> None:
        self._client = client
        self._auth = {"Authorization": f"Bearer {token}"}

    def _call(self, method: str, url: str, **kwargs: Any) -> Any:
        headers = {**kwargs.pop("headers", {}), **self._auth}
        return self._client.request(method, url, headers=headers, **kwargs)

    def get(self, url: str, **kwargs: Any) -> Any:
        return self._call("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> Any:
        return self._call("POST", url, **kwargs)

    def put(self, url: str, **kwargs: Any) -> Any:
        return self._call("PUT", url, **kwargs)

    def patch(self, url: str, **kwargs: Any) -> Any:
        return self._call("PATCH", url, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> Any:
        return self._call("DELETE", url, **kwargs)


def signed_in(client: Client, engine: Engine, username: str) -> SignedIn:
    return SignedIn(client, api_token(engine, username))


def publish(client: Any, document: dict[str, Any]) -> None:
    base = f"/api/v1/documents/{document['kind']}/{document['key']}"
    saved = client.put(f"{base}/draft", json=document)
    assert saved.status_code in (200, 201), saved.text
    assert saved.json()["valid"], saved.json()["errors"]
    published = client.post(f"{base}/publish", json={})
    assert published.status_code in (200, 201), published.text
    active = client.put(f"{base}/active/default", json={"version": published.json()["version"]})
    assert active.status_code == 200, active.text


@dataclass
class Receiver:
    """A real local HTTP server standing in for a WeCom robot or a webhook
    target: it records what it receives and answers as told."""

    url: str
    received: list[dict[str, Any]] = field(default_factory=list)
    status: int = 200
    answer: dict[str, Any] = field(default_factory=lambda: {"errcode": 0, "errmsg": "ok"})
    arrived: Event = field(default_factory=Event)
    hold: Event | None = None  # when set, each answer waits for it


def receiver() -> Iterator[Receiver]:
    box = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            box.received.append(
                {
                    "path": self.path,
                    "headers": dict(self.headers),
                    "json": msgspec.json.decode(body) if body else None,
                }
            )
            box.arrived.set()
            if box.hold is not None:
                box.hold.wait(30)
            payload = msgspec.json.encode(box.answer)
            self.send_response(box.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    box.url = f"http://127.0.0.1:{server.server_address[1]}/robot"
    thread = Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield box
    finally:
        if box.hold is not None:
            box.hold.set()
        server.shutdown()
        server.server_close()
