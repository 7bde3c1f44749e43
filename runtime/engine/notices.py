"""Messages rendered for one person: record fields they may not see are
never filled in, whatever the template asks for."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from builder.access import Row
from components.engine import RecordSnapshot
from components.text import fill
from runtime.api.deps import CurrentUser
from runtime.api.problems import Problem
from runtime.api.record_access import rights
from runtime.store.models import Record, User

__all__ = ["HIDDEN", "render_for", "visible_values"]

# What a template shows in place of a field its reader may not see.
HIDDEN = "•••"


def visible_values(
    session: Session, username: str | None, record: RecordSnapshot | None, now: datetime
) -> dict[str, Any]:
    """The record's values as ``username`` may see them; hidden ones masked."""
    if record is None:
        return {}
    masked = dict.fromkeys(record.data, HIDDEN)
    user = (
        session.execute(
            select(User.id, User.username, User.role).where(User.username == username)
        ).first()
        if username
        else None
    )
    row = session.execute(
        select(Record.owner_id, Record.team_id, Record.region_id, Record.stage).where(
            Record.id == record.id
        )
    ).first()
    if user is None or row is None:
        return masked
    try:
        grant = rights(
            session,
            CurrentUser(id=user.id, username=user.username, role=user.role),
            record.form,
            now,
        )
    except Problem:
        return masked  # the form is not live: nothing is shown
    place = Row(row.owner_id, row.team_id, row.region_id, row.stage)
    if not grant.access.sees(place):
        return masked
    return {**masked, **grant.project(record.data, place)}


def render_for(
    session: Session,
    username: str | None,
    record: RecordSnapshot | None,
    template: dict[str, str],
    now: datetime,
) -> dict[str, str]:
    if not template:
        return {}
    values = visible_values(session, username, record, now)
    return {language: fill(text, values) for language, text in template.items() if text}
