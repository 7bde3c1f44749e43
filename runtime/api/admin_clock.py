"""``POST /api/v1/admin/clock``: move the manual clock (TRELLIS_CLOCK=manual).

Only a manual clock can be moved, and only by an administrator; with the
system clock the endpoint does not exist (404), so no production server can
be sent into the future. Whatever depends on the time (grants lapsing, and
the engine's timers) sees the new time at once: timers that fell due fire
before the answer, and the workers read the time from the database.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Request, post
from litestar.params import JSONBody

from builder.durations import parse_duration
from builder.errors import error
from runtime.api.deps import ClockDep
from runtime.api.problems import Problem, problem_responses
from runtime.clock import ManualClock
from runtime.engine.clock_store import store_time
from runtime.engine.timers import fire_due_timers
from runtime.store import audit
from runtime.store.db import transaction

__all__ = ["advance_clock"]


class ClockIn(msgspec.Struct, forbid_unknown_fields=True):
    advance: Annotated[str, msgspec.Meta(max_length=64, description="ISO 8601, e.g. PT48H")]


class ClockOut(msgspec.Struct):
    now: datetime
    fired: int = 0  # timers that fell due and fired


@post(
    "/admin/clock",
    opt={"action": "users.manage"},
    status_code=200,
    sync_to_thread=True,
    tags=["system"],
    summary="Move the manual clock forward (TRELLIS_CLOCK=manual only)",
    responses=problem_responses(404, 413, 422),
)
def advance_clock(
    request: Request[Any, Any, Any], data: JSONBody[ClockIn], clock: ClockDep
) -> ClockOut:
    if not isinstance(clock, ManualClock):
        raise Problem(404, "The clock is the system's; start with TRELLIS_CLOCK=manual to move it.")
    try:
        delta = parse_duration(data.advance)
    except ValueError as exc:
        raise Problem(
            422, str(exc), errors=[error("/advance", "invalid", detail=str(exc))]
        ) from None
    now = clock.advance(delta)
    sessions = request.app.state.sessions
    with transaction(sessions) as session:
        store_time(session, now)  # the workers follow the API's manual clock
        audit.append(
            session,
            at=now,
            actor=request.user.username,
            action="clock.advanced",
            detail={"by": data.advance},
        )
    fired = fire_due_timers(sessions, now)
    return ClockOut(now=now, fired=fired)
