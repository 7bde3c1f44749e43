"""ISO 8601 durations (PT48H, P2D, P1W) as timedeltas: pure.

Years and months have no fixed length, so they are refused here; a deadline
of "one month" is written as days (P30D). The engine's timers and the manual
clock read durations through :func:`parse_duration`.
"""

from __future__ import annotations

import re
from datetime import timedelta

__all__ = ["parse_duration"]

_DURATION = re.compile(
    r"P(?!$)(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?"
)
# No deadline or clock move is longer than this (and timedelta has a limit).
_MAX = timedelta(days=36_500)


def parse_duration(text: str) -> timedelta:
    """The timedelta of ``text``; ``ValueError`` saying why when it is none."""
    match = _DURATION.fullmatch(text.strip())
    if match is None:
        raise ValueError(
            f"{text!r} is not a duration such as PT48H, P2D or P1W (years and months are "
            "not fixed lengths: write days)"
        )
    parts = {k: float(v) for k, v in match.groupdict().items() if v is not None}
    try:
        value = timedelta(**parts)
    except OverflowError:
        value = _MAX * 2
    if value > _MAX:
        raise ValueError(f"{text!r} is longer than 100 years")
    return value
