"""The one place where record permissions are enforced.

:func:`rights` gathers, for one request, the viewer (their business roles,
team and region), the live form and the live permission matrices, and asks
builder/access.py what that viewer has. Every read path (record detail and
lists, filters and sorts, exports, history, the audit log, and later task
forms, instance variables and sandbox reports) projects through
:meth:`Rights.project` / :meth:`Rights.mask`, and every write asks
:meth:`Rights.require_writable`: a hidden field never leaves the server.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.orm import Session

from builder.access import FormAccess, Row, Viewer, actions_of, form_access
from builder.errors import error, escape_pointer
from builder.forms import FormModel, form_model, states
from runtime.api.deps import CurrentUser
from runtime.api.problems import Problem
from runtime.store.live import LiveDocument, live_document, live_documents, with_drafts
from runtime.store.models import Record, Role, User, UserRole

__all__ = ["Rights", "matrices_in_force", "model_of", "rights", "viewer_of"]

_MODELS: dict[str, FormModel] = {}


def model_of(document: LiveDocument) -> FormModel:
    """The form model of a published version, built once per content hash."""
    cache_key = f"{document.key}:{document.hash}"  # drafts share "draft:<revision>"
    model = _MODELS.get(cache_key)
    if model is None:
        if len(_MODELS) > 256:
            _MODELS.clear()
        model = _MODELS[cache_key] = form_model(document.content)
    return model


def viewer_of(session: Session, user: CurrentUser) -> Viewer:
    row = session.execute(select(User.team_id, User.region_id).where(User.id == user.id)).first()
    roles = session.scalars(
        select(Role.key)
        .join(UserRole, UserRole.role_id == Role.id)
        .where(UserRole.user_id == user.id)
    ).all()
    return Viewer(
        user_id=user.id,
        username=user.username,
        roles=frozenset(roles),
        team_id=row.team_id if row else None,
        region_id=row.region_id if row else None,
        everything=user.role == "admin",
    )


def matrices_in_force(session: Session, *, drafts: bool = False) -> list[LiveDocument]:
    live = live_documents(session, "permission_matrix")
    return with_drafts(session, "permission_matrix", live) if drafts else live


@dataclass(frozen=True)
class Rights:
    """What one viewer has on one form, for the length of a request."""

    form: LiveDocument
    model: FormModel
    access: FormAccess
    matrices: tuple[LiveDocument, ...]
    # Answers per (rules covering a row, stage) and per rule context: a page
    # of fifty records has only a handful of distinct ones.
    _fields: dict[Any, dict[str, str]] = field(default_factory=dict, compare=False, repr=False)
    _states: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def viewer(self) -> Viewer:
        return self.access.viewer

    def context(self) -> dict[str, Any]:
        """The versions a write was checked against (for its audit entry)."""
        return {
            "form_version": self.form.version,
            "matrices": {m.key: m.version for m in self.matrices},
        }

    def may_export(self, now: datetime) -> bool:
        """The matrix's export action (administrators always may)."""
        matrices = [m.content for m in self.matrices]
        return self.viewer.everything or "export" in actions_of(matrices, self.viewer, now)

    def row_clause(self) -> ColumnElement[bool]:
        """SQL for the records the viewer may see at all."""
        viewer = self.viewer
        if viewer.everything:
            return true()
        scopes = {rule.scope for rule in self.access.rules}
        if "all" in scopes:
            return true()
        if not scopes:
            return false()
        clauses = [Record.owner_id == viewer.user_id]
        if "team" in scopes and viewer.team_id is not None:
            clauses.append(Record.team_id == viewer.team_id)
        if "region" in scopes and viewer.region_id is not None:
            clauses.append(Record.region_id == viewer.region_id)
        return or_(*clauses)

    def fields(self, row: Row) -> dict[str, str]:
        """Field -> read/write on ``row``; hidden fields are left out, and so is
        a computed field that reads a hidden one (net = amount × (1 − margin)
        would give the margin away)."""
        memo = (self.access.covering_key(row), row.stage)
        found = self._fields.get(memo)
        if found is None:
            levels = self.access.fields(row, self.model.fields)
            for key, reads in self.model.depends_on.items():
                if any(levels.get(name, "hidden") == "hidden" for name in reads):
                    levels[key] = "hidden"
            found = {key: level for key, level in levels.items() if level != "hidden"}
            self._fields[memo] = found
        return found

    def project(self, values: Mapping[str, Any], row: Row) -> dict[str, Any]:
        """``values`` (data, exemptions) with every field hidden on ``row`` removed."""
        visible = self.fields(row)
        return {key: value for key, value in values.items() if key in visible}

    def mask(self, changed: Mapping[str, Any], row: Row) -> tuple[dict[str, Any], list[str]]:
        """An audit entry's field changes as this viewer may see them:
        (visible changes, names of fields whose change is masked)."""
        visible = self.fields(row)
        shown = {key: value for key, value in changed.items() if key in visible}
        return shown, sorted(key for key in changed if key not in visible)

    def field_states(
        self, data: Mapping[str, Any], row: Row, visible: Mapping[str, str] | None = None
    ) -> dict[str, dict[str, Any]]:
        """Per visible field: access, and whether the form shows and requires it
        here (``visible``: :meth:`fields` of the row, when the caller has it)."""
        visible = self.fields(row) if visible is None else visible
        memo = tuple(repr(data.get(name)) for name in self.model.condition_fields)
        context = self._states.get(memo)
        if context is None:
            context = self._states[memo] = states(self.model, data, self.viewer.roles)
        return {
            key: {
                "access": level if self.model.writable(key) else "read",
                "shown": context[key].shown,
                "required": context[key].required,
                "exemptible": context[key].exemptible,
            }
            for key, level in visible.items()
        }

    def require_visible(self, record: Record | None, record_id: int) -> Record:
        """The record, or 404 when it does not exist *for this viewer*: another
        region's record is as absent as a deleted one, so ids leak nothing."""
        if record is None or record.form != self.model.key or not self.access.sees(_row(record)):
            raise Problem(404, f"There is no {self.model.key} record {record_id}.")
        return record

    def require_writable(self, row: Row, keys: Iterable[str], prefix: str = "/data") -> None:
        """403 naming the first fields the viewer may not write on ``row``."""
        visible = self.fields(row)
        # A computed field the caller sees is a 422 of the form check (it
        # cannot be written by anyone); one they cannot see is refused here.
        refused = [
            key
            for key in keys
            if key in self.model.fields
            and visible.get(key) != "write"
            and (self.model.writable(key) or key not in visible)
        ]
        if refused:
            names = ", ".join(repr(self.model.label(k)) for k in refused)
            raise Problem(
                403,
                f"You may not change {names} on this record.",
                errors=[
                    error(
                        f"{prefix}/{escape_pointer(k)}",
                        "field_not_writable",
                        field=self.model.words(k),
                    )
                    for k in refused
                ],
            )

    def require_listable(self, key: str, pointer: str, use: str) -> None:
        """Filtering or sorting by a field is allowed only when it is visible
        on every row the viewer can see; otherwise the answer would leak it."""
        if key not in self.model.fields:
            raise Problem(
                400,
                f"{self.model.key} has no field {key!r} to {use} by.",
                errors=[error(pointer, "unknown_record_field", value=key, form=self.model.key)],
            )
        reads = self.model.depends_on.get(key, frozenset())
        if not all(self.access.readable_on_every_row(k) for k in {key, *reads}):
            raise Problem(
                403,
                f"You may not {use} by {key!r}: it is hidden from you on some records.",
                errors=[error(pointer, "field_not_visible", field=key)],
            )


def _row(record: Record) -> Row:
    return Row(record.owner_id, record.team_id, record.region_id, record.stage)


def rights(
    session: Session,
    user: CurrentUser,
    form: str,
    now: datetime,
    *,
    drafts: bool = False,
    viewer: Viewer | None = None,
) -> Rights:
    """The viewer's rights on ``form``. 404 when the form has no live version;
    403 when no role or grant of the viewer reaches its records."""
    document = live_document(session, "form", form)
    if drafts:
        document = next(
            (
                d
                for d in with_drafts(session, "form", [document] if document else [])
                if d.key == form
            ),
            document,
        )
    if document is None:
        raise Problem(404, f"There is no live form {form!r}; publish and activate it first.")
    matrices = matrices_in_force(session, drafts=drafts)
    viewer = viewer or viewer_of(session, user)
    access = form_access([m.content for m in matrices], form, viewer, now)
    found = Rights(document, model_of(document), access, tuple(matrices))
    if not access.any_rows:
        raise Problem(403, f"None of your roles gives access to {form} records.")
    return found
