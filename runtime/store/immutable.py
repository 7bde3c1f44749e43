"""Published versions are never edited: enforced in code here and by database
triggers in the migration, so neither the ORM nor raw SQL can change them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from runtime.store.db import ImmutableError
from runtime.store.models import Version

__all__ = ["install"]


def _refuse(_mapper: Any, _connection: Any, target: Version) -> None:
    raise ImmutableError(f"version {target.version} is published and cannot be changed")


def _refuse_bulk(state: ORMExecuteState) -> None:
    if (state.is_update or state.is_delete) and any(
        mapper.class_ is Version for mapper in state.all_mappers
    ):
        raise ImmutableError("published versions cannot be updated or deleted")


def install() -> None:
    """Idempotent: listeners are registered once per process."""
    if not event.contains(Version, "before_update", _refuse):
        event.listen(Version, "before_update", _refuse)
        event.listen(Version, "before_delete", _refuse)
        event.listen(Session, "do_orm_execute", _refuse_bulk)
