"""Errors as application/problem+json, with the pointers of what is wrong.

Every error response of the API has this one shape: ``status``, ``title``,
``detail`` and, for invalid content, ``errors``: ``[{pointer, code, message}]``.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from sqlalchemy.exc import DataError, IntegrityError, OperationalError

from builder.errors import Error, error, escape_pointer
from runtime.store.errors import StoreError

__all__ = [
    "PROBLEM_JSON",
    "Problem",
    "ProblemBody",
    "exception_handlers",
    "problem_response",
    "problem_responses",
]

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("trellis.api")


class ProblemBody(msgspec.Struct, omit_defaults=True):
    """The body of every error response (RFC 9457)."""

    status: int
    title: str
    detail: str = ""
    type: str = "about:blank"
    errors: list[Error] = msgspec.field(default_factory=list)


class Problem(HTTPException):
    """An HTTP error with a title and, optionally, pointed errors."""

    def __init__(
        self,
        status_code: int,
        detail: str,
        *,
        title: str | None = None,
        errors: list[Error] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(status_code=status_code, detail=detail, headers=headers)
        self.title = title
        self.errors = errors or []


TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    412: "Precondition failed",
    413: "Request body too large",
    415: "Unsupported media type",
    422: "Invalid content",
    429: "Too many requests",
    500: "Internal server error",
}


def problem_response(description: str) -> ResponseSpec:
    """An error response in the OpenAPI document: problem+json, ProblemBody."""
    return ResponseSpec(
        data_container=ProblemBody,
        description=description,
        media_type=PROBLEM_JSON,
        generate_examples=False,
    )


# What each status means on this API; handlers list the ones they can answer.
MEANINGS = {
    400: "Malformed JSON, or a bad parameter, header or cursor",
    401: "No valid session or token",
    403: "The role may not do this, or the CSRF header is missing (cookie sessions)",
    404: "No such document, version or resource",
    409: "Stale revision or a concurrent change; nothing was written",
    412: "If-Match is not a revision",
    413: "Request body too large",
    415: "The type of the upload is not accepted",
    422: "Invalid content; errors point at what is wrong",
    429: "Too many attempts; see Retry-After",
}


def problem_responses(*statuses: int, public: bool = False) -> dict[int, ResponseSpec]:
    """The documented error responses of a handler: 400, and for handlers
    behind authentication 401 and 403, plus ``statuses``."""
    codes = {400, *statuses} if public else {400, 401, 403, *statuses}
    return {code: problem_response(MEANINGS[code]) for code in sorted(codes)}


def _render(
    status: int, detail: str, errors: list[Error], headers: Any = None, title: str | None = None
) -> Response[bytes]:
    body = ProblemBody(
        status=status, title=title or TITLES.get(status, "Error"), detail=detail, errors=errors
    )
    return Response(
        content=msgspec.json.encode(body),
        status_code=status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


_UNKNOWN_FIELD = re.compile(r"unknown field `(.*)`")
_KEY = re.compile(r"[.\[]?([^.\[\]]+)\]?")


def _pointer(key: str | None) -> str:
    """Litestar reports msgspec paths like ``levels[0].role``; make a JSON pointer."""
    if not key:
        return ""
    return "".join("/" + part for part in _KEY.findall(key.removeprefix("$")))


def _validation(exc: ValidationException) -> tuple[int, list[Error]]:
    """(status, errors): bad query, path or header parameters are a 400; an
    invalid body is a 422; a body that is not JSON at all is a 400."""
    errors: list[Error] = []
    status = 422
    for item in exc.extra if isinstance(exc.extra, list) else []:
        if not isinstance(item, dict):
            continue
        message = str(item.get("message", "invalid"))
        source = getattr(item.get("source"), "value", item.get("source"))
        if source and source != "body":
            status = 400
            errors.append(
                error(
                    f"/{item.get('key', '')}",
                    "invalid",
                    detail=f"{source} parameter {item.get('key')!r}: {message}",
                )
            )
        else:
            # Litestar names the body itself "data"; msgspec names an unknown
            # field only in its message, so point at the field, not its parent.
            key = item.get("key")
            at = "" if key == "data" else _pointer(key)
            unknown = _UNKNOWN_FIELD.search(message)
            if unknown:
                errors.append(
                    error(
                        f"{at}/{escape_pointer(unknown.group(1))}",
                        "unknown_field",
                        field=unknown.group(1),
                    )
                )
            else:
                errors.append(error(at, "invalid", detail=message))
    if not errors or "malformed" in exc.detail.lower():
        status = 400
    return status, errors


# PostgreSQL: deadlock, serialization failure, lock not available; SQLite: locked.
_CONTENTION_CODES = {"40P01", "40001", "55P03"}


def _is_contention(exc: OperationalError) -> bool:
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return code in _CONTENTION_CODES or "database is locked" in str(exc.orig)


def _handle(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    if isinstance(exc, StoreError):
        return _render(exc.status, exc.detail, exc.errors)
    if isinstance(exc, Problem):
        return _render(exc.status_code, exc.detail, exc.errors, exc.headers, exc.title)
    if isinstance(exc, ValidationException):
        status, errors = _validation(exc)
        return _render(status, exc.detail, errors)
    if isinstance(exc, HTTPException):
        return _render(exc.status_code, exc.detail, [], exc.headers)
    if isinstance(exc, IntegrityError):
        # Two requests raced for the same row; the loser changed nothing.
        return _render(409, "A concurrent change got there first; nothing was written. Retry.", [])
    if isinstance(exc, OperationalError) and _is_contention(exc):
        return _render(
            409, "The data is busy with a concurrent change; nothing was written. Retry.", []
        )
    if isinstance(exc, RecursionError):
        return _render(400, "The request is nested too deeply.", [])
    if isinstance(exc, DataError):
        # Input checks should stop these first; never answer 500 for bad input.
        return _render(400, "A value does not fit the database (too large or not storable).", [])
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return _render(HTTP_500_INTERNAL_SERVER_ERROR, "The server failed; the error is logged.", [])


exception_handlers: dict[type[Exception] | int, Any] = {Exception: _handle}
