"""Cursor pagination: ``limit`` (1-500, default 50) and an opaque ``cursor``."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any, TypeVar

import msgspec
from litestar.params import QueryParameter

from builder.errors import error
from runtime.api.params import MAX_INT
from runtime.api.problems import Problem

__all__ = ["IdCursor", "KeyCursor", "Limit", "decode_cursor", "encode_cursor"]

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
