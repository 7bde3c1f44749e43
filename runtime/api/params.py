"""Typed request values shared by the controllers.

Integers are bounded to what both databases store (PostgreSQL ``integer``),
and text refuses NUL, which PostgreSQL cannot store: bad input is a 400/422
naming the field, never a 500 from the database."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from litestar.params import HeaderParameter, PathParameter

from runtime.api.problems import Problem

__all__ = [
    "MAX_INT",
    "NO_NUL",
    "BodyId",
    "IfMatch",
    "IfNoneMatch",
    "Kind",
    "LongText",
    "PathId",
    "ShortText",
    "if_match_revision",
]

MAX_INT = 2**31 - 1

Kind = Literal["workflow", "form", "permission_matrix", "template"]

PathId = Annotated[int, PathParameter(ge=1, le=MAX_INT)]
BodyId = Annotated[int, msgspec.Meta(ge=1, le=MAX_INT)]

IfMatch = Annotated[
    str | None,
    HeaderParameter(
        name="If-Match",
        required=False,
        description='The draft revision this change is based on, e.g. "3"; '
        "a stale one is 409 and changes nothing.",
    ),
]

IfNoneMatch = Annotated[
    str | None,
    HeaderParameter(
        name="If-None-Match",
        required=False,
        description='"*" to create only: 412 when the document already exists.',
    ),
]


NO_NUL = r"^[^\x00]*$"
# A message or reason typed by a person.
LongText = Annotated[str, msgspec.Meta(max_length=2000, pattern=NO_NUL)]
# A title or name.
ShortText = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=NO_NUL)]


def if_match_revision(if_match: str | None, what: str) -> int | None:
    """The revision named by If-Match (``"3"``, ``W/"3"`` or ``3``), if any; 412
    for anything else. ``what`` names the thing revised (draft, record)."""
    if if_match is None or if_match.strip() == "*":
        return None
    value = if_match.strip().removeprefix("W/").strip('"')
    if not value.isdigit() or not 0 <= int(value) <= MAX_INT:
        raise Problem(412, f'If-Match must be a {what} revision such as "3", not {if_match!r}.')
    return int(value)
