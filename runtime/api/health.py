"""Liveness and database reachability, without authentication."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Response, get
from litestar.datastructures import State
from litestar.openapi.datastructures import ResponseSpec
from sqlalchemy import text

__all__ = ["health"]


class Health(msgspec.Struct):
    status: str
    database: str


@get(
    "/health",
    sync_to_thread=True,
    tags=["system"],
    summary="Liveness and database check",
    responses={503: ResponseSpec(Health, description="The database is unreachable")},
)
def health(state: State) -> Response[Health]:
    try:
        with state.read_sessions() as session:
            session.execute(text("SELECT 1"))
        return Response(Health(status="ok", database="ok"))
    except Exception as exc:
        body: Any = Health(status="degraded", database=f"unreachable: {type(exc).__name__}")
        return Response(body, status_code=503)
