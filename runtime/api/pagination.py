"""Cursor pagination: ``limit`` (1-500, default 50) and an opaque ``cursor``."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Annotated, Any, TypeVar

import msgspec
from litestar.params import QueryParameter

from builder.errors import error
from runtime.api.params import MAX_INT
from runtime.api.problems import Problem

__all__ = [
    "IdCursor",
    "KeyCursor",
    "Limit",
    "decode_cursor",
    "encode_cursor",
    "keyset_page",
]

Limit = Annotated[int, QueryParameter(ge=1, le=500, description="Items per page (max 500).")]

# What a cursor may stand for: the last id seen, or the last (kind, key).
IdCursor = Annotated[int, msgspec.Meta(ge=1, le=MAX_INT)]
KeyCursor = tuple[str, str]

T = TypeVar("T")


def encode_cursor(position: Any) -> str:
    return base64.urlsafe_b64encode(msgspec.json.encode(position)).decode().rstrip("=")


def decode_cursor(cursor: str | None, shape: type[T]) -> T | None:
    """The position a cursor stands for, checked against ``shape``; a forged
    or foreign cursor is a 400, never a database error."""
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return msgspec.json.decode(base64.urlsafe_b64decode(padded.encode()), type=shape)
    except (binascii.Error, msgspec.DecodeError, msgspec.ValidationError, ValueError):
        raise Problem(
            400,
            "The cursor is not one this API handed out.",
            errors=[error("/cursor", "invalid", detail="unknown cursor")],
        ) from None


def keyset_page(
    db: Any,
    query: Any,
    created: Any,
    ident: Any,
    *,
    cursor: str | None,
    limit: int,
    newest_first: bool,
) -> tuple[list[Any], str | None]:
    """One page of ``query`` ordered by (``created``, ``ident``) columns, with
    the cursor of the next page (the last row's pair) or None at the end."""
    after = decode_cursor(cursor, tuple[str, str])
    if after is not None:
        text, last = after
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise Problem(
                400,
                "The cursor is not one this API handed out.",
                errors=[error("/cursor", "invalid", detail="unknown cursor")],
            ) from None
        if newest_first:
            query = query.where((created < moment) | ((created == moment) & (ident < last)))
        else:
            query = query.where((created > moment) | ((created == moment) & (ident > last)))
    order = (created.desc(), ident.desc()) if newest_first else (created, ident)
    rows = list(db.scalars(query.order_by(*order).limit(limit + 1)).all())
    page = rows[:limit]
    if len(rows) <= limit:
        return page, None
    tail = page[-1]
    moment_value = getattr(tail, created.key)
    return page, encode_cursor((moment_value.isoformat(), getattr(tail, ident.key)))
