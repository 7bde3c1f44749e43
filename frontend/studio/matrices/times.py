"""A grant's times between the API's ISO 8601 with an offset and the browser's
``<input type="datetime-local">`` (a wall-clock time without one): pure.

A stored time is shown at its own offset (a grant written for Beijing reads in
Beijing time wherever it is opened); a typed time takes the offset the grant
already has, or the browser's for a new one. The state of a grant (upcoming,
active, lapsed) is read at a ``now`` the caller gives.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

__all__ = ["grant_state", "offset_text", "parse", "to_input", "to_iso"]


def parse(value: object) -> datetime | None:
    """An ISO time with an offset, or None (a time without one is ambiguous)."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def offset_text(minutes_east: int) -> str:
    """``480`` → ``+08:00``, ``-330`` → ``-05:30``."""
    sign = "-" if minutes_east < 0 else "+"
    hours, minutes = divmod(abs(int(minutes_east)), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


def _offset_of(moment: datetime) -> str:
    delta = moment.utcoffset() or timedelta()
    return offset_text(int(delta.total_seconds() // 60))


def to_input(value: object) -> tuple[str, str]:
    """(wall-clock ``YYYY-MM-DDTHH:MM`` at its own offset, that offset ``+08:00``);
    ("", "") for what is not a time with an offset."""
    moment = parse(value)
    if moment is None:
        return "", ""
    return moment.strftime("%Y-%m-%dT%H:%M"), _offset_of(moment)


def to_iso(wall_clock: str, offset: str) -> str:
    """``2026-12-01T09:00`` at ``+08:00`` → ``2026-12-01T09:00:00+08:00``; what the
    input gave when it is not a time (the validator says so)."""
    try:
        moment = datetime.fromisoformat(wall_clock.strip())
    except ValueError:
        return wall_clock.strip()
    try:
        zone = datetime.fromisoformat(f"2000-01-01T00:00{offset}").tzinfo
    except ValueError:
        zone = UTC
    return moment.replace(tzinfo=zone or UTC).isoformat(timespec="seconds")


def grant_state(starts_at: object, ends_at: object, now: datetime) -> str:
    """``upcoming``, ``active`` or ``lapsed`` at ``now`` (it ends at ``ends_at`` exactly);
    ``""`` while a time is missing or wrong."""
    start, end = parse(starts_at), parse(ends_at)
    if start is None or end is None:
        return ""
    if now < start:
        return "upcoming"
    return "active" if now < end else "lapsed"
