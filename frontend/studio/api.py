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
    "Active",
    "ApiError",
    "Choices",
    "Diff",
    "Draft",
    "DraftStatus",
    "Login",
    "Move",
    "Published",
    "User",
    "Version",
    "VersionSummary",
    "WorkflowSummary",
    "activate",
    "active",
    "choices",
    "components",
    "diff",
    "draft",
    "draft_status",
    "list_workflows",
    "login",
    "logout",
    "me",
    "publish",
    "save_draft",
    "save_new_draft",
    "set_language",
    "validate",
    "version",
    "versions",
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


async def _request(
    method: str,
    path: str,
    token: str | None = None,
    *,
    json: Any = None,
    params: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """The response of a successful call; an :class:`ApiError` otherwise."""
    sent = dict(headers or {})
    if token:
        sent["Authorization"] = f"Bearer {token}"
    try:
        response = await _client().request(method, path, json=json, params=params, headers=sent)
    except httpx.TransportError as exc:
        raise ApiError(0, f"{API_URL} cannot be reached ({exc.__class__.__name__}).") from exc
    if response.status_code >= 400:
        raise _problem(response)
    return response


async def _call(
    method: str,
    path: str,
    token: str | None = None,
    *,
    json: Any = None,
    params: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Any:
    """The JSON body of a successful call (``None`` when it has none)."""
    response = await _request(method, path, token, json=json, params=params, headers=headers)
    if response.status_code == 204 or not response.content:
        return None
    return response.json()


def _document(key: str, kind: str = "workflow") -> str:
    # A key the user typed goes into the path as one segment, whatever it holds (dots
    # too, or "." and ".." would move up the path); the API answers 404 with the key
    # rules for anything that is not a key.
    return f"/documents/{kind}/{quote(key, safe='').replace('.', '%2E')}"


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


async def draft(token: str, key: str, kind: str = "workflow") -> Draft:
    """The draft of ``key``, or its newest version when it has no draft."""
    path = _document(key, kind)
    try:
        body = await _call("GET", f"{path}/draft", token)
    except ApiError as error:
        if error.status != 404:
            raise
        page = await _call("GET", f"{path}/versions", token, params={"limit": 1})
        items = page.get("items") or []
        if not items:
            raise
        latest = await _call("GET", f"{path}/versions/{items[0]['version']}", token)
        return Draft(content=latest["content"], revision=None, errors=[])
    return Draft(content=body["content"], revision=int(body["revision"]), errors=body["errors"])


@dataclass(frozen=True)
class Choices:
    """What a step's settings may name: the forms, and the roles the permission
    matrices know (until people and roles have their own API)."""

    forms: dict[str, dict[str, str]]  # key -> title
    roles: list[str]


async def _keys(token: str, kind: str) -> dict[str, dict[str, str]]:
    page = await _call("GET", "/documents", token, params={"kind": kind, "limit": PAGE_SIZE})
    return {str(i["key"]): dict(i.get("title") or {}) for i in page["items"]}


async def choices(token: str) -> Choices:
    forms = await _keys(token, "form")
    roles: set[str] = set()
    for key in await _keys(token, "permission_matrix"):
        matrix = (await draft(token, key, "permission_matrix")).content
        roles |= {str(r["role"]) for r in matrix.get("roles") or [] if isinstance(r, dict)}
    return Choices(forms=forms, roles=sorted(roles))


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


# ---------------------------------------------------------------------------------------
# Versions, diff, publish and active versions: the versions page of one workflow.


@dataclass(frozen=True)
class VersionSummary:
    """One line of ``GET .../versions`` (newest first). Versions never change."""

    version: int
    hash: str
    author: str
    published_at: str
    message: str

    @classmethod
    def decode(cls, body: dict[str, Any]) -> VersionSummary:
        return cls(
            version=int(body["version"]),
            hash=str(body.get("hash", "")),
            author=str(body.get("author", "")),
            published_at=str(body.get("published_at", "")),
            message=str(body.get("message") or ""),
        )


@dataclass(frozen=True)
class Version:
    """One published version with its content."""

    summary: VersionSummary
    content: dict[str, Any]


@dataclass(frozen=True)
class DraftStatus:
    """The draft as ``GET .../draft`` gives it: may it be published, and at which revision."""

    revision: int
    valid: bool
    errors: list[dict[str, Any]]
    content: dict[str, Any]
    updated_at: str
    updated_by: str


@dataclass(frozen=True)
class Diff:
    """``GET .../diff``: ``changes`` are ``{op, path, aspect, before, after, summary}``
    with ids, not list positions, naming nodes and edges in ``path``."""

    from_: str
    to: str
    logic_changes: int
    layout_changes: int
    changes: list[dict[str, Any]]


@dataclass(frozen=True)
class Published:
    """The outcome of a publish: the version, and whether it is new (201) or the
    draft was identical to the latest version (200, nothing stored)."""

    version: int
    hash: str
    created: bool


@dataclass(frozen=True)
class Move:
    """One recorded move of an active pointer (``activate`` or ``rollback``)."""

    variant: str
    action: str
    from_version: int | None
    to_version: int
    actor: str
    at: str
    reason: str


@dataclass(frozen=True)
class Active:
    """Which version each variant's new instances start on, and how it got there."""

    variants: dict[str, int]
    history: list[Move]

    @classmethod
    def decode(cls, body: dict[str, Any]) -> Active:
        return cls(
            variants={
                str(name): int(pointer["version"])
                for name, pointer in (body.get("variants") or {}).items()
            },
            history=[
                Move(
                    variant=str(m["variant"]),
                    action=str(m.get("action", "")),
                    from_version=None if m.get("from_version") is None else int(m["from_version"]),
                    to_version=int(m["to_version"]),
                    actor=str(m.get("actor", "")),
                    at=str(m.get("at", "")),
                    reason=str(m.get("reason") or ""),
                )
                for m in body.get("history") or []
                if isinstance(m, dict)
            ],
        )


async def versions(token: str, key: str) -> list[VersionSummary]:
    """Every published version of ``key``, newest first, following the pages."""
    items: list[VersionSummary] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": PAGE_SIZE}
        if cursor:
            params["cursor"] = cursor
        page = await _call("GET", f"{_document(key)}/versions", token, params=params)
        items.extend(VersionSummary.decode(item) for item in page["items"])
        cursor = page.get("next_cursor")
        if not cursor:
            return items


async def version(token: str, key: str, number: int) -> Version:
    body = await _call("GET", f"{_document(key)}/versions/{int(number)}", token)
    return Version(summary=VersionSummary.decode(body), content=body["content"])


async def draft_status(token: str, key: str) -> DraftStatus | None:
    """The draft of ``key`` with its errors; ``None`` when it has none."""
    try:
        body = await _call("GET", f"{_document(key)}/draft", token)
    except ApiError as error:
        if error.status == 404:
            # 404 also answers an unknown workflow; ``versions`` tells the two apart.
            return None
        raise
    return DraftStatus(
        revision=int(body["revision"]),
        valid=bool(body["valid"]),
        errors=[e for e in body.get("errors") or [] if isinstance(e, dict)],
        content=body["content"],
        updated_at=str(body.get("updated_at", "")),
        updated_by=str(body.get("updated_by", "")),
    )


async def diff(token: str, key: str, from_: str, to: str) -> Diff:
    """The changes from version ``from_`` to version ``to`` (a number, or ``draft``)."""
    body = await _call("GET", f"{_document(key)}/diff", token, params={"from": from_, "to": to})
    return Diff(
        from_=str(body.get("from", from_)),
        to=str(body.get("to", to)),
        logic_changes=int(body.get("logic_changes", 0)),
        layout_changes=int(body.get("layout_changes", 0)),
        changes=[c for c in body.get("changes") or [] if isinstance(c, dict)],
    )


async def publish(token: str, key: str, message: str, revision: int) -> Published:
    """Publish draft ``revision``. A newer draft is a 409 and an invalid one a 422
    (with ``errors``); nothing is stored either way."""
    response = await _request(
        "POST",
        f"{_document(key)}/publish",
        token,
        json={"message": message, "revision": revision},
    )
    # Only the status tells a new version (201) from an identical draft (200).
    body = response.json()
    return Published(
        version=int(body["version"]),
        hash=str(body.get("hash", "")),
        created=response.status_code == 201,
    )


async def active(token: str, key: str) -> Active:
    return Active.decode(await _call("GET", f"{_document(key)}/active", token))


async def activate(token: str, key: str, variant: str, number: int, reason: str = "") -> Active:
    """Point ``variant`` at version ``number`` (an earlier one: a roll back). The API
    checks the variant name and answers with its rules when it is not one."""
    segment = quote(variant, safe="").replace(".", "%2E")
    body = await _call(
        "PUT",
        f"{_document(key)}/active/{segment}",
        token,
        json={"version": int(number), "reason": reason},
    )
    return Active.decode(body)


# ---------------------------------------------------------------------------------------
# Forms and permission matrices: the same Documents API under their own kind, change
# sets (several drafts published together), business roles and the permission preview.


async def list_documents(token: str, kind: str) -> list[WorkflowSummary]:
    """Every document of ``kind``, following the pages (a line reads the same whatever
    the kind, so it is a :class:`WorkflowSummary`)."""
    items: list[WorkflowSummary] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"kind": kind, "limit": PAGE_SIZE}
        if cursor:
            params["cursor"] = cursor
        page = await _call("GET", "/documents", token, params=params)
        items.extend(WorkflowSummary.decode(item) for item in page["items"])
        cursor = page.get("next_cursor")
        if not cursor:
            return items


async def create_document(token: str, kind: str, key: str, content: dict[str, Any]) -> bool:
    """Store the first draft of a new document, create-only (412 when the key exists);
    True when it is valid."""
    body = await _call(
        "PUT", f"{_document(key, kind)}/draft", token, json=content, headers={"If-None-Match": "*"}
    )
    return bool(body["valid"])


async def save_document(
    token: str, kind: str, key: str, content: dict[str, Any], revision: int | None
) -> tuple[int, list[dict[str, Any]]]:
    """:func:`save_draft` for any kind: over draft ``revision`` (409 when someone saved
    in between), or create-only when ``None`` (412 when a draft appeared meanwhile)."""
    headers = {"If-Match": f'"{revision}"'} if revision is not None else {"If-None-Match": "*"}
    path = f"{_document(key, kind)}/draft"
    body = await _call("PUT", path, token, json=content, headers=headers)
    return int(body["revision"]), [e for e in body["errors"] if isinstance(e, dict)]


async def document_versions(token: str, kind: str, key: str) -> list[VersionSummary]:
    """Every published version of a document, newest first."""
    items: list[VersionSummary] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": PAGE_SIZE}
        if cursor:
            params["cursor"] = cursor
        page = await _call("GET", f"{_document(key, kind)}/versions", token, params=params)
        items.extend(VersionSummary.decode(item) for item in page["items"])
        cursor = page.get("next_cursor")
        if not cursor:
            return items


async def document_version(token: str, kind: str, key: str, number: int) -> Version:
    body = await _call("GET", f"{_document(key, kind)}/versions/{int(number)}", token)
    return Version(summary=VersionSummary.decode(body), content=body["content"])


async def document_draft_status(token: str, kind: str, key: str) -> DraftStatus | None:
    """The draft with its errors; ``None`` when there is none."""
    try:
        body = await _call("GET", f"{_document(key, kind)}/draft", token)
    except ApiError as error:
        if error.status == 404:
            return None
        raise
    return DraftStatus(
        revision=int(body["revision"]),
        valid=bool(body["valid"]),
        errors=[e for e in body.get("errors") or [] if isinstance(e, dict)],
        content=body["content"],
        updated_at=str(body.get("updated_at", "")),
        updated_by=str(body.get("updated_by", "")),
    )


async def document_diff(token: str, kind: str, key: str, from_: str, to: str) -> Diff:
    path = f"{_document(key, kind)}/diff"
    body = await _call("GET", path, token, params={"from": from_, "to": to})
    return Diff(
        from_=str(body.get("from", from_)),
        to=str(body.get("to", to)),
        logic_changes=int(body.get("logic_changes", 0)),
        layout_changes=int(body.get("layout_changes", 0)),
        changes=[c for c in body.get("changes") or [] if isinstance(c, dict)],
    )


async def publish_document(
    token: str, kind: str, key: str, message: str, revision: int
) -> Published:
    """:func:`publish` for any kind: 409 for a newer draft, 422 for an invalid one."""
    response = await _request(
        "POST",
        f"{_document(key, kind)}/publish",
        token,
        json={"message": message, "revision": revision},
    )
    body = response.json()
    return Published(
        version=int(body["version"]),
        hash=str(body.get("hash", "")),
        created=response.status_code == 201,
    )


async def document_active(token: str, kind: str, key: str) -> Active:
    return Active.decode(await _call("GET", f"{_document(key, kind)}/active", token))


async def activate_document(
    token: str, kind: str, key: str, variant: str, number: int, reason: str = ""
) -> Active:
    segment = quote(variant, safe="").replace(".", "%2E")
    body = await _call(
        "PUT",
        f"{_document(key, kind)}/active/{segment}",
        token,
        json={"version": int(number), "reason": reason},
    )
    return Active.decode(body)


@dataclass(frozen=True)
class ChangeSetItem:
    kind: str
    key: str
    version: int | None = None


@dataclass(frozen=True)
class ChangeSet:
    """A group of drafts published together (``status``: open, published)."""

    id: int
    title: str
    status: str
    items: list[ChangeSetItem]

    @classmethod
    def decode(cls, body: dict[str, Any]) -> ChangeSet:
        return cls(
            id=int(body["id"]),
            title=str(body.get("title", "")),
            status=str(body.get("status", "")),
            items=[
                ChangeSetItem(
                    kind=str(i["kind"]),
                    key=str(i["key"]),
                    version=None if i.get("version") is None else int(i["version"]),
                )
                for i in body.get("items") or []
                if isinstance(i, dict)
            ],
        )


async def create_changeset(token: str, title: str, items: list[tuple[str, str]]) -> ChangeSet:
    """Group the drafts of ``items`` (kind, key); 422 when one has no draft."""
    body = await _call(
        "POST",
        "/changesets",
        token,
        json={"title": title, "items": [{"kind": k, "key": key} for k, key in items]},
    )
    return ChangeSet.decode(body)


async def publish_changeset(
    token: str, changeset_id: int, message: str, activate: str | None = None
) -> ChangeSet:
    """Publish every draft of the set or none: 422 with ``/items/<i>/content/...``
    pointers when one is invalid. With ``activate`` (a variant) the versions go
    live for it in the same transaction."""
    payload: dict[str, Any] = {"message": message}
    if activate is not None:
        payload["activate"] = activate
    body = await _call("POST", f"/changesets/{int(changeset_id)}/publish", token, json=payload)
    return ChangeSet.decode(body)


async def business_roles(token: str) -> list[str] | None:
    """The business roles of ``GET /roles``; ``None`` while the API has no such list."""
    try:
        body = await _call("GET", "/roles", token, params={"limit": PAGE_SIZE})
    except ApiError as error:
        if error.status in (404, 405):
            return None
        raise
    items = body.get("items", []) if isinstance(body, dict) else body
    found = []
    for item in items if isinstance(items, list) else []:
        name = item if isinstance(item, str) else None
        if isinstance(item, dict):
            name = item.get("key") or item.get("role") or item.get("name")
        if isinstance(name, str) and name:
            found.append(name)
    return sorted(set(found))


@dataclass(frozen=True)
class PreviewField:
    key: str
    label: str
    access: str
    shown: bool
    required: bool


@dataclass(frozen=True)
class PermissionPreview:
    """``GET /permissions/preview``: what a role sees and may do on a form at a stage."""

    row_scope: str | None
    may_create: bool
    fields: list[PreviewField]
    actions: list[str]
    form_version: int

    @classmethod
    def decode(cls, body: dict[str, Any]) -> PermissionPreview:
        actions = body.get("actions") or []
        return cls(
            row_scope=None if body.get("row_scope") is None else str(body["row_scope"]),
            may_create=bool(body.get("may_create")),
            fields=[
                PreviewField(
                    key=str(f["key"]),
                    label=str(f.get("label") or f["key"]),
                    access=str(f.get("access", "hidden")),
                    shown=bool(f.get("shown", True)),
                    required=bool(f.get("required", False)),
                )
                for f in body.get("fields") or []
                if isinstance(f, dict)
            ],
            # {action: [workflows]} (or a plain list of actions)
            actions=sorted(str(a) for a in actions),
            form_version=int(body.get("form_version") or 0),
        )


async def permission_preview(
    token: str, role: str, form: str, stage: str | None, source: str = "draft"
) -> PermissionPreview | None:
    """What ``role`` sees on ``form`` at ``stage`` under the saved drafts (or the live
    versions); ``None`` while the API cannot preview."""
    params: dict[str, Any] = {"role": role, "form": form, "source": source}
    if stage:
        params["stage"] = stage
    try:
        body = await _call("GET", "/permissions/preview", token, params=params)
    except ApiError as error:
        if error.status in (404, 405, 501):
            return None
        raise
    return PermissionPreview.decode(body)


# ---------------------------------------------------------------------------------------
# Records: lists, one record, its changes and its history, as the caller may see them.
# The API leaves out every field hidden from the caller; nothing here filters.


def _records(form: str) -> str:
    return f"/records/{quote(form, safe='').replace('.', '%2E')}"


@dataclass(frozen=True)
class FieldAccess:
    """What the caller may do with one field of one record (``RecordOut.fields``)."""

    access: str  # read / write
    shown: bool
    required: bool
    exemptible: bool


@dataclass(frozen=True)
class RecordItem:
    """One record as ``GET /records/{form}/{id}`` gives it to the caller."""

    id: int
    form: str
    form_version: int
    revision: int
    data: dict[str, Any]
    exemptions: dict[str, str]
    fields: dict[str, FieldAccess]
    owner: str
    team: str
    region: str
    stage: str
    created_at: str
    created_by: str
    updated_at: str
    updated_by: str

    @classmethod
    def decode(cls, body: dict[str, Any]) -> RecordItem:
        return cls(
            id=int(body["id"]),
            form=str(body.get("form", "")),
            form_version=int(body.get("form_version") or 0),
            revision=int(body["revision"]),
            data=dict(body.get("data") or {}),
            exemptions={str(k): str(v) for k, v in (body.get("exemptions") or {}).items()},
            fields={
                str(key): FieldAccess(
                    access=str(state.get("access", "read")),
                    shown=bool(state.get("shown", True)),
                    required=bool(state.get("required", False)),
                    exemptible=bool(state.get("exemptible", False)),
                )
                for key, state in (body.get("fields") or {}).items()
                if isinstance(state, dict)
            },
            owner=str(body.get("owner") or ""),
            team=str(body.get("team") or ""),
            region=str(body.get("region") or ""),
            stage=str(body.get("stage") or ""),
            created_at=str(body.get("created_at", "")),
            created_by=str(body.get("created_by", "")),
            updated_at=str(body.get("updated_at", "")),
            updated_by=str(body.get("updated_by", "")),
        )


@dataclass(frozen=True)
class RecordPage:
    items: list[RecordItem]
    next_cursor: str | None


@dataclass(frozen=True)
class HistoryItem:
    """One change of a record; ``masked`` names the changes hidden from the caller."""

    seq: int
    at: str
    actor: str
    action: str
    form_version: int | None
    changes: dict[str, dict[str, Any]]
    exemptions: dict[str, dict[str, Any]]
    masked: list[str]

    @classmethod
    def decode(cls, body: dict[str, Any]) -> HistoryItem:
        def pairs(value: Any) -> dict[str, dict[str, Any]]:
            items = value.items() if isinstance(value, dict) else ()
            return {str(k): v for k, v in items if isinstance(v, dict)}

        return cls(
            seq=int(body["seq"]),
            at=str(body.get("at", "")),
            actor=str(body.get("actor", "")),
            action=str(body.get("action", "")),
            form_version=None if body.get("form_version") is None else int(body["form_version"]),
            changes=pairs(body.get("changes")),
            exemptions=pairs(body.get("exemptions")),
            masked=[str(m) for m in body.get("masked") or []],
        )


@dataclass(frozen=True)
class RecordRights:
    """What the caller may do on a form's records, from ``GET /permissions/preview``
    for themselves: create, export, and each field's access on a record of their own
    (``hidden``, ``read`` or ``write``; ``None``: every field written). The records
    API enforces it all anyway; the studio only leaves out what would be refused."""

    may_create: bool
    may_export: bool
    fields: dict[str, str] | None


async def live_forms(token: str) -> dict[str, dict[str, str]]:
    """Key -> title of every form with a live (default variant) version."""
    found: dict[str, dict[str, str]] = {}
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"kind": "form", "limit": PAGE_SIZE}
        if cursor:
            params["cursor"] = cursor
        page = await _call("GET", "/documents", token, params=params)
        for item in page["items"]:
            if "default" in (item.get("active") or {}):
                found[str(item["key"])] = {
                    str(k): str(v) for k, v in (item.get("title") or {}).items() if v
                }
        cursor = page.get("next_cursor")
        if not cursor:
            return found


async def live_form(token: str, key: str) -> dict[str, Any]:
    """The content of the live version of form ``key`` (the one records are checked
    with); 404 when it has none."""
    path = _document(key, "form")
    pointers = (await _call("GET", f"{path}/active", token)).get("variants") or {}
    if "default" not in pointers:
        raise ApiError(404, f"The form {key!r} has no live version.")
    number = int(pointers["default"]["version"])
    content: dict[str, Any] = (await _call("GET", f"{path}/versions/{number}", token))["content"]
    return content


async def record_rights(token: str, form: str, username: str, role: str) -> RecordRights:
    """The caller's rights on ``form``: the permission preview of their own user. A
    platform administrator reads and changes every record (the records API's rule),
    which a preview of business roles cannot say."""
    if role == "admin":
        return RecordRights(may_create=True, may_export=True, fields=None)
    body = await _call(
        "GET", "/permissions/preview", token, params={"form": form, "user": username}
    )
    return RecordRights(
        may_create=bool(body.get("may_create")),
        may_export="export" in (body.get("actions") or {}),
        fields={
            str(f["key"]): str(f.get("access", "hidden"))
            for f in body.get("fields") or []
            if isinstance(f, dict) and "key" in f
        },
    )


async def records(
    token: str,
    form: str,
    *,
    filters: list[str] | None = None,
    sort: str = "",
    cursor: str | None = None,
    limit: int = 50,
) -> RecordPage:
    """One page of the records the caller may see. Filtering or sorting by a field
    hidden from them is a 403, by an unknown one a 400, each with a pointer."""
    params: dict[str, Any] = {"limit": limit}
    if filters:
        params["filter"] = list(filters)
    if sort:
        params["sort"] = sort
    if cursor:
        params["cursor"] = cursor
    body = await _call("GET", _records(form), token, params=params)
    return RecordPage(
        items=[RecordItem.decode(item) for item in body["items"]],
        next_cursor=body.get("next_cursor") or None,
    )


async def record(token: str, form: str, record_id: int) -> RecordItem:
    """404 for a record that does not exist, or not for the caller (another region's)."""
    return RecordItem.decode(await _call("GET", f"{_records(form)}/{int(record_id)}", token))


async def create_record(
    token: str, form: str, data: dict[str, Any], exemptions: dict[str, str]
) -> RecordItem:
    """422 with ``/data/<field>`` pointers for invalid values; 403 naming a field the
    caller may not write."""
    body = await _call("POST", _records(form), token, json={"data": data, "exemptions": exemptions})
    return RecordItem.decode(body)


async def update_record(
    token: str,
    form: str,
    record_id: int,
    revision: int,
    data: dict[str, Any],
    exemptions: dict[str, str | None],
) -> RecordItem:
    """Change the fields in ``data`` (``None`` clears) of the record at ``revision``:
    409 when it changed since, 403 or 422 with pointers, nothing stored either way."""
    body = await _call(
        "PATCH",
        f"{_records(form)}/{int(record_id)}",
        token,
        json={"data": data, "exemptions": exemptions},
        headers={"If-Match": f'"{int(revision)}"'},
    )
    return RecordItem.decode(body)


async def record_history(token: str, form: str, record_id: int) -> list[HistoryItem]:
    """Every change of the record, oldest first, masked for the caller."""
    items: list[HistoryItem] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": PAGE_SIZE}
        if cursor:
            params["cursor"] = cursor
        page = await _call(
            "GET", f"{_records(form)}/{int(record_id)}/history", token, params=params
        )
        items.extend(HistoryItem.decode(item) for item in page["items"])
        cursor = page.get("next_cursor")
        if not cursor:
            return items


async def export_records(
    token: str, form: str, *, filters: list[str] | None = None, sort: str = ""
) -> str:
    """The CSV the API makes (watermarked, permissions applied); 403 without the
    matrix's export action."""
    params: dict[str, Any] = {}
    if filters:
        params["filter"] = list(filters)
    if sort:
        params["sort"] = sort
    response = await _request("GET", f"{_records(form)}/export", token, params=params)
    return response.text


async def permission_diff(token: str, matrix: str, from_: str, to: str) -> list[dict[str, Any]]:
    """``GET /permissions/diff``: two versions of a matrix (or one and the draft) as who
    gains or loses which field, row scope or action, each with its ``words``; empty
    while the API has no such view."""
    params = {"matrix": matrix, "from": from_, "to": to}
    try:
        body = await _call("GET", "/permissions/diff", token, params=params)
    except ApiError as error:
        if error.status in (404, 405):
            return []
        raise
    return [c for c in body.get("changes") or [] if isinstance(c, dict)]


async def record_schema(token: str, form: str, when: dict[str, str]) -> dict[str, Any]:
    """``GET /records/{form}/schema``: the JSON Schema of a new record of the caller's
    in the context ``when`` (customer type, stage…): the fields shown there that they
    see (``readOnly`` where they may only read) and those required."""
    params = {"when": [f"{key}:{value}" for key, value in sorted(when.items())]}
    schema: dict[str, Any] = await _call("GET", f"{_records(form)}/schema", token, params=params)
    return schema


# ---------------------------------------------------------------------------------------
# The runtime: tasks and approvals, cases (instances) and in-app notices. What the caller
# may not see of a case's record the API leaves out; nothing here filters.

MAX_TASKS = 1000  # the inbox follows the pages up to this many


def _task(task_id: str) -> str:
    # Task ids hold ':' ("<case>:task:2"): one path segment, whatever they hold.
    return f"/tasks/{quote(task_id, safe='')}"


def _case(case_id: str) -> str:
    return f"/instances/{quote(case_id, safe='')}"


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _names(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _texts(value: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items() if v} if isinstance(value, dict) else {}


@dataclass(frozen=True)
class TaskItem:
    """One task or approval as ``GET /tasks[/{id}]`` gives it. ``values`` (the record's
    fields the caller may see), ``lock`` and ``lock_holds`` come with one task only."""

    id: str
    case_id: str
    workflow: str
    node: str
    title: dict[str, str]
    kind: str  # form / approval
    status: str  # open / completed / cancelled
    assignees: list[str]
    created_at: str
    mode: str = "any"
    claimed_by: str = ""
    due_at: str = ""
    overdue: bool = False
    level: int | None = None
    levels: int | None = None
    form: str = ""
    fields: list[str] = field(default_factory=list)
    requester: str = ""
    record_form: str = ""
    record_id: int | None = None
    closed_at: str = ""
    closed_by: str = ""
    outcome: str = ""
    values: dict[str, Any] | None = None
    lock: str = ""
    lock_holds: bool | None = None

    @classmethod
    def decode(cls, body: dict[str, Any]) -> TaskItem:
        record: dict[str, Any] = body["record"] if isinstance(body.get("record"), dict) else {}
        values = body.get("values")
        holds = body.get("lock_holds")
        return cls(
            id=str(body["id"]),
            case_id=str(body.get("instance_id", "")),
            workflow=str(body.get("workflow", "")),
            node=str(body.get("node", "")),
            title=_texts(body.get("title")),
            kind=str(body.get("kind", "")),
            status=str(body.get("status", "")),
            assignees=_names(body.get("assignees")),
            created_at=_text(body.get("created_at")),
            mode=str(body.get("mode") or "any"),
            claimed_by=_text(body.get("claimed_by")),
            due_at=_text(body.get("due_at")),
            overdue=bool(body.get("overdue")),
            level=None if body.get("level") is None else int(body["level"]),
            levels=None if body.get("levels") is None else int(body["levels"]),
            form=_text(body.get("form")),
            fields=_names(body.get("fields")),
            requester=_text(body.get("requester")),
            record_form=_text(record.get("form")),
            record_id=None if record.get("id") is None else int(record["id"]),
            closed_at=_text(body.get("closed_at")),
            closed_by=_text(body.get("closed_by")),
            outcome=_text(body.get("outcome")),
            values=dict(values) if isinstance(values, dict) else None,
            lock=_text(body.get("lock")),
            lock_holds=None if holds is None else bool(holds),
        )


@dataclass(frozen=True)
class Position:
    """Where a case waits now: a node since a time, for a task, a timer, an event…"""

    node: str
    since: str
    waiting_for: str
    task: str = ""
    incident: str = ""


@dataclass(frozen=True)
class CaseEntry:
    """One line of a case's history (``kind``: entered, assigned, decision, ended…)."""

    seq: int
    at: str
    kind: str
    node: str
    actor: str
    data: dict[str, Any]


@dataclass(frozen=True)
class CaseItem:
    """One case (instance). A list line has no ``path``, ``tasks`` or ``history``."""

    id: str
    workflow: str
    variant: str
    version: int
    status: str  # running / completed / cancelled
    created_at: str
    updated_at: str
    outcome: str = ""
    record_form: str = ""
    record_id: int | None = None
    started_by: str = ""
    ended_at: str = ""
    current: list[Position] = field(default_factory=list)
    variables: dict[str, Any] = field(default_factory=dict)
    path: list[str] = field(default_factory=list)
    tasks: list[TaskItem] = field(default_factory=list)
    history: list[CaseEntry] = field(default_factory=list)
    open_incidents: int = 0

    @classmethod
    def decode(cls, body: dict[str, Any]) -> CaseItem:
        record: dict[str, Any] = body["record"] if isinstance(body.get("record"), dict) else {}
        return cls(
            id=str(body["id"]),
            workflow=str(body.get("workflow", "")),
            variant=str(body.get("variant", "")),
            version=int(body.get("version") or 0),
            status=str(body.get("status", "")),
            created_at=_text(body.get("created_at")),
            updated_at=_text(body.get("updated_at")),
            outcome=_text(body.get("outcome")),
            record_form=_text(record.get("form")),
            record_id=None if record.get("id") is None else int(record["id"]),
            started_by=_text(body.get("started_by")),
            ended_at=_text(body.get("ended_at")),
            current=[
                Position(
                    node=str(p.get("node", "")),
                    since=_text(p.get("since")),
                    waiting_for=_text(p.get("waiting_for")),
                    task=_text(p.get("task")),
                    incident=_text(p.get("incident")),
                )
                for p in body.get("current") or []
                if isinstance(p, dict)
            ],
            variables=dict(body.get("variables") or {}),
            path=_names(body.get("path")),
            tasks=[TaskItem.decode(t) for t in body.get("tasks") or [] if isinstance(t, dict)],
            history=[
                CaseEntry(
                    seq=int(h.get("seq") or 0),
                    at=_text(h.get("at")),
                    kind=str(h.get("kind", "")),
                    node=_text(h.get("node")),
                    actor=_text(h.get("actor")),
                    data=dict(h.get("data") or {}),
                )
                for h in body.get("history") or []
                if isinstance(h, dict)
            ],
            open_incidents=int(body.get("open_incidents") or 0),
        )


@dataclass(frozen=True)
class CasePage:
    items: list[CaseItem]
    next_cursor: str | None


@dataclass(frozen=True)
class Notice:
    """One in-app notice; ``message`` and ``subject`` are bilingual."""

    id: int
    message: dict[str, str]
    subject: dict[str, str]
    created_at: str
    case_id: str = ""
    task_id: str = ""
    read_at: str = ""

    @classmethod
    def decode(cls, body: dict[str, Any]) -> Notice:
        return cls(
            id=int(body["id"]),
            message=_texts(body.get("message")),
            subject=_texts(body.get("subject")),
            created_at=_text(body.get("created_at")),
            case_id=_text(body.get("instance_id")),
            task_id=_text(body.get("task_id")),
            read_at=_text(body.get("read_at")),
        )


@dataclass(frozen=True)
class Notices:
    items: list[Notice]
    unread: int


async def tasks(token: str, *, scope: str = "mine", status: str = "open") -> list[TaskItem]:
    """The caller's tasks (``scope`` mine, team or all; ``status`` open, completed,
    cancelled or any), oldest first, following the pages up to :data:`MAX_TASKS`."""
    items: list[TaskItem] = []
    cursor: str | None = None
    while len(items) < MAX_TASKS:
        params: dict[str, Any] = {"scope": scope, "status": status, "limit": PAGE_SIZE}
        if cursor:
            params["cursor"] = cursor
        page = await _call("GET", "/tasks", token, params=params)
        items.extend(TaskItem.decode(item) for item in page["items"])
        cursor = page.get("next_cursor")
        if not cursor:
            break
    return items


async def task(token: str, task_id: str) -> TaskItem:
    """One task with the record's values the caller may see; 404 when it is not theirs."""
    return TaskItem.decode(await _call("GET", _task(task_id), token))


async def claim_task(token: str, task_id: str) -> TaskItem:
    """Take a shared task; 409 when someone else has claimed it."""
    return TaskItem.decode(await _call("POST", f"{_task(task_id)}/claim", token))


async def complete_task(token: str, task_id: str, data: dict[str, Any]) -> TaskItem:
    """Complete a form task with its fields: 422 with ``/data/<field>`` pointers for
    invalid values, 403 for a field the caller may not write, 409 when it is done."""
    body = await _call("POST", f"{_task(task_id)}/complete", token, json={"data": data})
    return TaskItem.decode(body)


async def decide_task(
    token: str, task_id: str, decision: str, comment: str, level: int | None = None
) -> TaskItem:
    """Approve, reject or return (to ``level``, else the previous one). A rule of the
    workflow that refuses (``self_approval``, ``rank_too_low``…) is a 403 naming it."""
    payload: dict[str, Any] = {"decision": decision, "comment": comment}
    if level is not None:
        payload["level"] = int(level)
    body = await _call("POST", f"{_task(task_id)}/decide", token, json=payload)
    return TaskItem.decode(body)


async def cases(
    token: str, *, status: str | None = None, cursor: str | None = None, limit: int = 50
) -> CasePage:
    """One page of the cases the caller started or works in, newest first."""
    params: dict[str, Any] = {"limit": limit}
    if status:
        params["status"] = status
    if cursor:
        params["cursor"] = cursor
    body = await _call("GET", "/instances", token, params=params)
    return CasePage(
        items=[CaseItem.decode(item) for item in body["items"]],
        next_cursor=body.get("next_cursor") or None,
    )


async def case(token: str, case_id: str) -> CaseItem:
    """One case with its path, tasks and history; 404 when the caller may not see it."""
    return CaseItem.decode(await _call("GET", _case(case_id), token))


async def notices(token: str, limit: int = 20) -> Notices:
    """The caller's newest in-app notices and how many are unread."""
    body = await _call("GET", "/notifications", token, params={"limit": limit})
    return Notices(
        items=[Notice.decode(item) for item in body["items"]],
        unread=int(body.get("unread") or 0),
    )


async def read_notice(token: str, notice_id: int) -> Notice:
    return Notice.decode(await _call("POST", f"/notifications/{int(notice_id)}/read", token))
