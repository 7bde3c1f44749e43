"""Shared building blocks of every Trellis document.

Every document Struct derives from :class:`DocumentBase`, whose options are on
for a reason:

- ``forbid_unknown_fields``: a typo in a field name is an error, not silently
  ignored data that a user believes is in effect.
- ``omit_defaults``: stored and exported documents stay small and diff well.
- ``kw_only``: fields are added over time with defaults (schema evolution);
  keyword-only construction keeps old call sites valid.
"""

from __future__ import annotations

from typing import Annotated

import msgspec

__all__ = [
    "KEY_PATTERN",
    "DocumentBase",
    "Duration",
    "Expression",
    "Key",
    "Label",
    "Part",
    "RoleName",
    "UserName",
]

KEY_PATTERN = r"^[a-z0-9][a-z0-9-]{1,62}$"

Key = Annotated[
    str,
    msgspec.Meta(
        pattern=KEY_PATTERN,
        title="Key",
        description="Stable identifier: lower-case letters, digits and '-', 2-63 characters.",
    ),
]

Duration = Annotated[
    str,
    msgspec.Meta(
        pattern=r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$",
        title="Duration",
        description="ISO 8601 duration, e.g. PT48H or P2D.",
        extra_json_schema={"x-trellis-widget": "duration"},
    ),
]

Expression = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=4000,
        title="Expression",
        description="A restricted Python expression over record, vars and helper functions.",
        extra_json_schema={"x-trellis-widget": "expression"},
    ),
]


# A business role (rep, manager…) as named in forms, matrices and workflows.
RoleName = Annotated[
    str,
    msgspec.Meta(
        pattern=r"^[a-z][a-z0-9_-]{0,62}$",
        title="Role",
        extra_json_schema={"x-trellis-widget": "role"},
    ),
]
UserName = Annotated[
    str,
    msgspec.Meta(
        min_length=1, max_length=150, title="User", extra_json_schema={"x-trellis-widget": "user"}
    ),
]


class Part(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True, kw_only=True):
    """Base of nested parts (nodes, edges, fields): same strictness as documents."""


class Label(Part):
    """A text shown to people, in English and (optionally) Chinese."""

    en: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
    zh_CN: Annotated[str, msgspec.Meta(min_length=1, max_length=500)] | None = msgspec.field(
        default=None, name="zh-CN"
    )


class DocumentBase(Part):
    """Fields every document kind has. ``kind`` is the tag of each subclass."""

    schema_version: int
    key: Key
    title: Label
    description: Label | None = None
