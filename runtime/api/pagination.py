"""Cursor pagination: ``limit`` (1-500, default 50) and an opaque ``cursor``."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any

import msgspec
from litestar.params import QueryParameter

from builder.errors import error
from runtime.api.problems import Problem

__all__ = ["Limit", "decode_cursor", "encode_cursor"]

Limit = Annotated[int, QueryParameter(ge=1, le=500, description="Items per page (max 500).")]


def encode_cursor(position: Any) -> str:
    return base64.urlsafe_b64encode(msgspec.json.encode(position)).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> Any:
    """The position a cursor stands for; a forged or stale cursor is a 400."""
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return msgspec.json.decode(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, msgspec.DecodeError, ValueError):
        raise Problem(
            400,
            "The cursor is not one this API handed out.",
            errors=[error("/cursor", "invalid", detail="unknown cursor")],
        ) from None
