"""The studio's only way to the Trellis API: HTTP through httpx.

The studio never touches the database: it is a client of ``/api/v1`` like any
script, so every permission is enforced in one place (the API). Every call
takes the session token of the signed-in user and sends it as a bearer token.
Failures become :class:`ApiError` carrying the problem+json body, so screens
can show the server's own message and the pointed errors.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx

__all__ = [
    "API_URL",
    "ApiError",
    "Draft",
    "Login",
    "User",
    "WorkflowSummary",
    "components",
    "draft",
    "list_workflows",
    "login",
    "logout",
    "me",
    "save_draft",
    "save_new_draft",
    "set_language",
    "validate",
    "workflow_content",
]

API_URL = os.environ.get("TRELLIS_API_URL", "http://127.0.0.1:8000/api/v1").rstrip("/")
TIMEOUT = httpx.Timeout(15.0, connect=5.0)
PAGE_SIZE = 500


class ApiError(Exception):
    """A failed call. ``status`` is 0 when the API could not be reached."""

    def __init__(
        self,
        status: int,
        detail: str,
        errors: list[dict[str, Any]] | None = None,
        title: str = "",
    ) -> None:
        super().__init__(f"{status} {detail}")
        self.status = status
        self.detail = detail
        self.title = title
        self.errors = errors or []

    def messages(self, language: str) -> list[str]:
        """The pointed errors in ``language`` (English when it has no translation)."""
        out = []
        for item in self.errors:
            message = item.get("message") or {}
            text = message.get(language) or message.get("en") or item.get("code", "")
            pointer = item.get("pointer", "")
            out.append(f"{pointer}: {text}" if pointer else text)
        return out


@dataclass(frozen=True)
class User:
    username: str
    display_name: str
    role: str
    language: str
    # What the role may do (``documents.edit``, ``documents.publish``, ...): screens
    # hide what the API would refuse anyway.
    actions: tuple[str, ...] = ()

    @classmethod
    def decode(cls, body: dict[str, Any]) -> User:
        return cls(
            username=str(body["username"]),
            display_name=str(body.get("display_name") or body["username"]),
            role=str(body["role"]),
            language=str(body.get("language") or "en"),
            actions=tuple(str(a) for a in body.get("actions") or ()),
        )


@dataclass(frozen=True)
class Login:
    token: str
    user: User


@dataclass(frozen=True)
class WorkflowSummary:
    """One line of ``GET /documents?kind=workflow``."""

    key: str
    title: dict[str, str]
    has_draft: bool
    draft_errors: int
    updated_at: str
    updated_by: str
    latest_version: int | None
    active: dict[str, int] = field(default_factory=dict)

    @classmethod
    def decode(cls, body: dict[str, Any]) -> WorkflowSummary:
        draft = body.get("draft") or {}
        return cls(
            key=str(body["key"]),
            title={str(k): str(v) for k, v in (body.get("title") or {}).items() if v},
            has_draft=bool(draft),
            draft_errors=int(draft.get("errors", 0)),
            updated_at=str(draft.get("updated_at") or body.get("created_at") or ""),
            updated_by=str(draft.get("updated_by", "")),
            latest_version=body.get("latest_version"),
            active={str(k): int(v) for k, v in (body.get("active") or {}).items()},
        )


def _problem(response: httpx.Response) -> ApiError:
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    return ApiError(
        response.status_code,
        str(body.get("detail") or body.get("title") or response.reason_phrase),
        errors=[e for e in body.get("errors", []) if isinstance(e, dict)],
        title=str(body.get("title", "")),
    )


_clients: dict[int, httpx.AsyncClient] = {}


def _client() -> httpx.AsyncClient:
    """One pooled client per event loop: the editor validates on every edit, and a
    new connection per call costs more than the validation itself."""
    loop = id(asyncio.get_running_loop())
    if loop not in _clients:
        _clients[loop] = httpx.AsyncClient(base_url=API_URL, timeout=TIMEOUT)
    return _clients[loop]


async def _call(
    method: str,
    path: str,
    token: str | None = None,
    *,
    json: Any = None,
    params: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Any:
    sent = dict(headers or {})
    if token:
        sent["Authorization"] = f"Bearer {token}"
    try:
        response = await _client().request(method, path, json=json, params=params, headers=sent)
    except httpx.TransportError as exc:
        raise ApiError(0, f"{API_URL} cannot be reached ({exc.__class__.__name__}).") from exc
    if response.status_code >= 400:
        raise _problem(response)
    if response.status_code == 204 or not response.content:
        return None
    return response.json()


def _document(key: str) -> str:
    # A key the user typed goes into the path as one segment, whatever it holds (dots
    # too, or "." and ".." would move up the path); the API answers 404 with the key
    # rules for anything that is not a key.
    return f"/documents/workflow/{quote(key, safe='').replace('.', '%2E')}"


async def login(username: str, password: str) -> Login:
    body = await _call("POST", "/auth/login", json={"username": username, "password": password})
    return Login(token=str(body["token"]), user=User.decode(body["user"]))


async def logout(token: str) -> None:
    await _call("POST", "/auth/logout", token)


async def me(token: str) -> User:
    return User.decode(await _call("GET", "/me", token))


async def set_language(token: str, language: str) -> User:
    return User.decode(await _call("PATCH", "/me", token, json={"language": language}))


async def list_workflows(token: str) -> list[WorkflowSummary]:
    """Every workflow, following the pages."""
    items: list[WorkflowSummary] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"kind": "workflow", "limit": PAGE_SIZE}
        if cursor:
            params["cursor"] = cursor
        page = await _call("GET", "/documents", token, params=params)
        items.extend(WorkflowSummary.decode(item) for item in page["items"])
        cursor = page.get("next_cursor")
        if not cursor:
            return items


async def workflow_content(token: str, summary: WorkflowSummary) -> dict[str, Any]:
    """The content to start from: the draft, or the newest version if there is no draft."""
    if summary.has_draft:
        body = await _call("GET", f"{_document(summary.key)}/draft", token)
    elif summary.latest_version is not None:
        body = await _call(
            "GET", f"{_document(summary.key)}/versions/{summary.latest_version}", token
        )
    else:
        raise ApiError(404, f"workflow {summary.key!r} has neither a draft nor a version.")
    content: dict[str, Any] = body["content"]
    return content


async def save_new_draft(token: str, key: str, content: dict[str, Any]) -> bool:
    """Store the first draft of a new workflow; True when it is valid.

    ``If-None-Match: *`` makes it create-only: when the key exists already
    (with or without a draft, or created a moment ago by someone else) the
    API answers 412 and nothing is overwritten."""
    body = await _call(
        "PUT", f"{_document(key)}/draft", token, json=content, headers={"If-None-Match": "*"}
    )
    return bool(body["valid"])


@dataclass(frozen=True)
class Draft:
    """What the editor opens: the content, and the draft revision it is based on
    (``None`` when there is no draft yet and the content is the newest version)."""

    content: dict[str, Any]
    revision: int | None
    errors: list[dict[str, Any]]


async def components(token: str) -> list[dict[str, Any]]:
    """The node types of ``GET /components``, as the API gives them."""
    body = await _call("GET", "/components", token)
    return [item for item in body["items"] if isinstance(item, dict)]


async def draft(token: str, key: str) -> Draft:
    """The draft of ``key``, or its newest version when it has no draft."""
    try:
        body = await _call("GET", f"{_document(key)}/draft", token)
    except ApiError as error:
        if error.status != 404:
            raise
        page = await _call("GET", f"{_document(key)}/versions", token, params={"limit": 1})
        items = page.get("items") or []
        if not items:
            raise
        latest = await _call("GET", f"{_document(key)}/versions/{items[0]['version']}", token)
        return Draft(content=latest["content"], revision=None, errors=[])
    return Draft(content=body["content"], revision=int(body["revision"]), errors=body["errors"])


async def validate(token: str, content: dict[str, Any]) -> list[dict[str, Any]]:
    """The errors of ``content`` (checked, not stored)."""
    body = await _call("POST", "/validate", token, json=content)
    return [e for e in body["errors"] if isinstance(e, dict)]


async def save_draft(
    token: str, key: str, content: dict[str, Any], revision: int | None
) -> tuple[int, list[dict[str, Any]]]:
    """Save over draft ``revision`` (or create the draft when ``None``); returns the
    new revision and the errors. Someone else's save in between is a 409 (or 412
    when a draft appeared meanwhile) and changes nothing."""
    headers = {"If-Match": f'"{revision}"'} if revision is not None else {"If-None-Match": "*"}
    body = await _call("PUT", f"{_document(key)}/draft", token, json=content, headers=headers)
    return int(body["revision"]), [e for e in body["errors"] if isinstance(e, dict)]
