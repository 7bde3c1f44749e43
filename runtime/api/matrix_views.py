"""The permission matrix as its editors see it: a preview of what a role or
a user sees and may do, the difference of two versions as who gains or
loses what, and the time-bound grants with their state.

Previews run the same policy (builder/access.py) the records API enforces,
over the live matrices or, with ``source=draft``, over the drafts that are
about to be published.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, get
from litestar.params import FromQuery, QueryParameter
from sqlalchemy import select

from builder import check
from builder.access import grants_in_force, moment
from builder.errors import error
from builder.forms import form_model
from builder.permission_views import matrix_diff, preview
from runtime.api.deps import DB, ClockDep, CurrentUser
from runtime.api.problems import Problem, problem_responses
from runtime.api.record_access import matrices_in_force, model_of
from runtime.store import documents as store
from runtime.store.live import LiveDocument, live_document, live_documents, with_drafts
from runtime.store.models import Role, User, UserRole

__all__ = ["MatrixViewController", "parse_when"]

Source = Literal["live", "draft"]
# Platform roles that design permissions and may preview any user's rights.
DESIGNERS = ("admin", "editor", "publisher")
_WHEN = re.compile(r"^([a-z][a-z0-9_]{0,62}):(.{1,200})$")


class FieldViewOut(msgspec.Struct):
    key: str
    label: str
    access: str
    shown: bool
    required: bool


class PreviewOut(msgspec.Struct):
    form: str
    form_version: int
    source: str
    roles: list[str]
    user: str | None
    stage: str | None
    row_scope: str | None
    may_create: bool
    fields: list[FieldViewOut]
    actions: dict[str, list[str]]
    sources: list[str]


class AccessChangeOut(msgspec.Struct):
    role: str
    what: str
    change: str
    form: str | None
    field: str | None
    stage: str | None
    before: str | None
    after: str | None
    words: dict[str, str]


class MatrixDiffOut(msgspec.Struct):
    matrix: str
    from_: str = msgspec.field(name="from")
    to: str = "draft"
    changes: list[AccessChangeOut] = msgspec.field(default_factory=list)


class GrantOut(msgspec.Struct):
    matrix: str
    version: int
    index: int
    state: str  # upcoming / active / lapsed
    user: str | None
    role: str | None
    starts_at: str
    ends_at: str
    reason: str
    forms: list[dict[str, Any]]
    actions: list[str]


class GrantPage(msgspec.Struct):
    items: list[GrantOut]
    next_cursor: str | None = None


def _readable(documents: list[LiveDocument]) -> list[LiveDocument]:
    """``documents`` when every draft among them is valid; a draft with errors
    cannot be published, so what it would grant is refused (422, naming it)
    rather than guessed at."""
    for document in documents:
        if document.version == 0 and check(document.content).errors:
            kind = document.content.get("kind", "document")
            raise Problem(
                422,
                f"The draft of {kind} {document.key!r} has errors; fix them to preview it.",
                errors=[error("/source", "invalid", detail=f"{kind} {document.key} has errors")],
            )
    return documents


def parse_when(values: list[str] | None) -> dict[str, str]:
    """``field:value`` query values as a mapping; 400 naming a malformed one."""
    found = {}
    for i, raw in enumerate(values or []):
        match = _WHEN.fullmatch(raw)
        if match is None:
            raise Problem(
                400,
                "Write a context value as field:value, e.g. customer_type:key_account.",
                errors=[error(f"/when/{i}", "invalid", detail=f"not field:value: {raw!r}")],
            )
        found[match.group(1)] = match.group(2)
    return found


class MatrixViewController(Controller):
    path = "/"
    tags = ["permissions"]
    opt = {"action": "documents.read"}

    @get(
        "/permissions/preview",
        sync_to_thread=True,
        summary="What a role (or a user, with their grants) sees and may do on a form at a stage",
        responses=problem_responses(404, 422),
    )
    def preview_permissions(
        self,
        request: Request[CurrentUser, Any, Any],
        db: DB,
        clock: ClockDep,
        form: Annotated[str, QueryParameter(max_length=63)],
        role: Annotated[list[str] | None, QueryParameter(description="Business role(s)")] = None,
        user: Annotated[str | None, QueryParameter(max_length=150)] = None,
        stage: Annotated[str | None, QueryParameter(max_length=200)] = None,
        when: Annotated[
            list[str] | None,
            QueryParameter(description="Record values for the form's rules: field:value"),
        ] = None,
        source: FromQuery[Source] = "live",
    ) -> PreviewOut:
        roles = set(role or [])
        everything = False
        if user is not None:
            # Someone else's rights (their roles and grants) are for those who
            # design permissions; everyone may preview their own.
            if user != request.user.username and request.user.role not in DESIGNERS:
                raise Problem(403, "Only administrators, editors and publishers preview others.")
            found = db.execute(select(User.id, User.role).where(User.username == user)).first()
            if found is None:
                raise Problem(404, f"There is no user {user!r}.")
            everything = found.role == "admin"
            roles |= set(
                db.scalars(
                    select(Role.key)
                    .join(UserRole, UserRole.role_id == Role.id)
                    .where(UserRole.user_id == found.id)
                )
            )
        if not roles and user is None:
            raise Problem(
                400,
                "Name a role (role=rep) or a user (user=alice) to preview.",
                errors=[error("/role", "required", field="role")],
            )
        document = live_document(db, "form", form)
        if source == "draft":
            drafted = with_drafts(db, "form", [document] if document else [])
            document = next((d for d in drafted if d.key == form), document)
        if document is None:
            raise Problem(404, f"There is no form {form!r}.")
        matrices = _readable(matrices_in_force(db, drafts=source == "draft"))
        _readable([document])
        result = preview(
            [m.content for m in matrices],
            model_of(document),
            roles=roles,
            username=user or "",
            stage=stage,
            values=parse_when(when),
            now=clock.now(),
            language=request.user.language,
            everything=everything,
        )
        return PreviewOut(
            form=form,
            form_version=document.version,
            source=source,
            roles=sorted(roles),
            user=user,
            stage=stage,
            row_scope=result.row_scope,
            may_create=result.may_create,
            fields=[FieldViewOut(**dataclasses.asdict(f)) for f in result.fields],
            actions=result.actions,
            sources=result.sources,
        )

    @get(
        "/permissions/diff",
        sync_to_thread=True,
        summary="Two versions of a matrix (or a version and the draft) as who gains or loses what",
        responses=problem_responses(404, 422),
    )
    def diff_permissions(
        self,
        db: DB,
        matrix: Annotated[str, QueryParameter(max_length=63)],
        from_: Annotated[str, QueryParameter(name="from", pattern=r"^([1-9][0-9]{0,8}|draft)$")],
        to: Annotated[str, QueryParameter(pattern=r"^([1-9][0-9]{0,8}|draft)$")] = "draft",
    ) -> MatrixDiffOut:
        def content(which: str) -> dict[str, Any]:
            if which == "draft":
                return store.get_draft(db, "permission_matrix", matrix)[1].content
            return store.get_version(db, "permission_matrix", matrix, int(which)).content

        before, after = content(from_), content(to)
        _readable(
            [
                LiveDocument(matrix, 0 if which == "draft" else 1, "", body)
                for which, body in ((from_, before), (to, after))
            ]
        )
        forms = {
            d.key: list(form_model(d.content).fields)
            for d in with_drafts(db, "form", live_documents(db, "form"))
            if d.version != 0 or not check(d.content).errors
        }
        changes = matrix_diff(before, after, forms)
        return MatrixDiffOut(
            matrix=matrix,
            from_=from_,
            to=to,
            changes=[AccessChangeOut(**dataclasses.asdict(c)) for c in changes],
        )

    @get(
        "/grants",
        sync_to_thread=True,
        summary="Time-bound grants of the live matrices, with their state now",
        responses=problem_responses(),
    )
    def list_grants(
        self,
        db: DB,
        clock: ClockDep,
        wanted: Annotated[
            Literal["active", "upcoming", "lapsed", "all"], QueryParameter(name="state")
        ] = "all",
        user: Annotated[str | None, QueryParameter(max_length=150)] = None,
    ) -> GrantPage:
        now = clock.now()
        items = []
        for matrix in matrices_in_force(db):
            active = {index for index, _ in grants_in_force(matrix.content, None, now)}
            for index, grant in enumerate(matrix.content.get("grants") or []):
                current = _state(grant, index in active, now)
                if wanted not in ("all", current):
                    continue
                if user is not None and grant.get("user") != user:
                    continue
                items.append(
                    GrantOut(
                        matrix=matrix.key,
                        version=matrix.version,
                        index=index,
                        state=current,
                        user=grant.get("user"),
                        role=grant.get("role"),
                        starts_at=str(grant.get("starts_at")),
                        ends_at=str(grant.get("ends_at")),
                        reason=str(grant.get("reason", "")),
                        forms=list(grant.get("forms") or []),
                        actions=list(grant.get("actions") or []),
                    )
                )
        return GrantPage(items=items)


def _state(grant: dict[str, Any], active: bool, now: datetime) -> str:
    if active:
        return "active"
    start = moment(grant.get("starts_at"))
    return "upcoming" if start is not None and start > now else "lapsed"
