"""Actions per role, and the time-bound grants (临时授权): who, from when to when,
why, and which actions; their field access is edited in the grid like a role's."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import reflex as rx

from studio.labels import text
from studio.matrices import model, times
from studio.matrices.state import MatrixEditorState, holder_errors

__all__ = ["ActionCell", "ActionRow", "GrantRow", "RightsState"]

GRANT_DAYS = 7  # how long a new grant lasts until someone says otherwise


@dataclasses.dataclass
class ActionCell:
    action: str
    label: str
    on: bool


@dataclasses.dataclass
class ActionRow:
    index: int
    role: str
    actions: list[ActionCell]
    workflows: str


@dataclasses.dataclass
class GrantRow:
    index: int
    who: str  # user or role
    name: str
    starts: str  # wall-clock, for <input type="datetime-local">
    ends: str
    offset: str  # +08:00
    reason: str
    actions: list[ActionCell]
    workflows: str
    state: str  # upcoming, active, lapsed, or "" while a time is wrong
    state_label: str
    errors: str


class RightsState(MatrixEditorState):
    def _cells(self, holder: dict[str, Any]) -> list[ActionCell]:
        chosen = set(holder.get("actions") or [])
        return [
            ActionCell(a, text(self.lang, f"matrices.action_{a}"), a in chosen)
            for a in model.ACTIONS
        ]

    @rx.var
    def action_rows(self) -> list[ActionRow]:
        return [
            ActionRow(
                index=i,
                role=str(r.get("role") or "?"),
                actions=self._cells(r),
                workflows=", ".join(str(w) for w in r.get("workflows") or []),
            )
            for i, r in enumerate(self._document.get("roles") or [])
            if isinstance(r, dict)
        ]

    @rx.var
    def grant_rows(self) -> list[GrantRow]:
        errors = holder_errors(self._localized_problems())
        now = datetime.now(UTC)
        rows = []
        for i, grant in enumerate(self._document.get("grants") or []):
            if not isinstance(grant, dict):
                continue
            starts, offset = times.to_input(grant.get("starts_at"))
            ends, end_offset = times.to_input(grant.get("ends_at"))
            state = times.grant_state(grant.get("starts_at"), grant.get("ends_at"), now)
            rows.append(
                GrantRow(
                    index=i,
                    who="user" if "user" in grant else "role",
                    name=str(grant.get("user") or grant.get("role") or ""),
                    starts=starts,
                    ends=ends,
                    offset=offset or end_offset or times.offset_text(self.offset_minutes),
                    reason=str(grant.get("reason") or ""),
                    actions=self._cells(grant),
                    workflows=", ".join(str(w) for w in grant.get("workflows") or []),
                    state=state,
                    state_label=text(self.lang, f"matrices.grant_{state}") if state else "",
                    errors="\n".join(errors.get(f"grant:{i}", [])),
                )
            )
        return rows

    # ---- grant edits -------------------------------------------------------------------

    @rx.event
    async def add_grant(self) -> AsyncIterator[Any]:
        """A grant from the next full hour for a week, for a role to be named."""
        offset = times.offset_text(self.offset_minutes)
        zone = datetime.fromisoformat(f"2000-01-01T00:00{offset}").tzinfo or UTC
        start = (datetime.now(zone) + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
        end = start + timedelta(days=GRANT_DAYS)
        document = model.add_grant(
            self._document,
            "role",
            "",
            start.isoformat(timespec="seconds"),
            end.isoformat(timespec="seconds"),
            "",
        )
        document = model.give_access(
            document, "grant", len(document.get("grants") or []) - 1, self.form
        )
        async for update in self._apply(document):
            yield update

    @rx.event
    async def remove_grant(self, index: int) -> AsyncIterator[Any]:
        async for update in self._apply(model.remove_grant(self._document, int(index))):
            yield update

    @rx.event
    async def set_who(self, index: int, who: str) -> AsyncIterator[Any]:
        grant = model.holder(self._document, "grant", int(index)) or {}
        name = str(grant.get("user") or grant.get("role") or "")
        async for update in self._apply(model.set_holder(self._document, int(index), who, name)):
            yield update

    @rx.event
    async def set_name(self, index: int, name: str) -> AsyncIterator[Any]:
        grant = model.holder(self._document, "grant", int(index)) or {}
        who = "user" if "user" in grant else "role"
        async for update in self._apply(model.set_holder(self._document, int(index), who, name)):
            yield update

    @rx.event
    async def set_time(self, index: int, which: str, wall_clock: str) -> AsyncIterator[Any]:
        """``starts_at`` or ``ends_at`` typed, at the offset the grant has (or the
        browser's)."""
        if which not in ("starts_at", "ends_at"):
            return
        grant = model.holder(self._document, "grant", int(index)) or {}
        _, offset = times.to_input(grant.get(which))
        if not offset:
            _, offset = times.to_input(grant.get("starts_at") or grant.get("ends_at"))
        iso = times.to_iso(wall_clock, offset or times.offset_text(self.offset_minutes))
        document = model.set_grant(self._document, int(index), {which: iso})
        async for update in self._apply(document):
            yield update

    @rx.event
    async def set_reason(self, index: int, reason: str) -> AsyncIterator[Any]:
        document = model.set_grant(self._document, int(index), {"reason": reason.strip()})
        async for update in self._apply(document):
            yield update
