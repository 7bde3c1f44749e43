"""Dates and times as expressions give them (a datetime, a date or ISO text),
read the same way by the evaluator's helpers and by the steps that wait."""

from __future__ import annotations

from datetime import UTC, date, datetime

__all__ = ["moment_of"]


def moment_of(value: object) -> datetime:
    """An aware datetime; a naive one, or a date (at midnight), is taken as UTC."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    moment = datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
