"""Request and response bodies of the Records section."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

__all__ = [
    "FieldStateOut",
    "HistoryEntry",
    "HistoryPage",
    "RecordIn",
    "RecordOut",
    "RecordPage",
    "RecordPatch",
]


class RecordIn(msgspec.Struct, forbid_unknown_fields=True):
    """A new record: field values, and fields skipped with a reason."""

    data: dict[str, Any] = msgspec.field(default_factory=dict)
    exemptions: dict[str, str] = msgspec.field(default_factory=dict)


class RecordPatch(msgspec.Struct, forbid_unknown_fields=True):
    """Changed fields only; ``null`` clears a value or an exemption."""

    data: dict[str, Any] = msgspec.field(default_factory=dict)
    exemptions: dict[str, str | None] = msgspec.field(default_factory=dict)


class FieldStateOut(msgspec.Struct):
    access: str
    shown: bool
    required: bool
    exemptible: bool


class RecordOut(msgspec.Struct):
    """A record as the viewer may see it: fields hidden from them are absent
    from ``data``, ``exemptions`` and ``fields`` alike."""

    id: int
    form: str
    form_version: int
    revision: int
    data: dict[str, Any]
    exemptions: dict[str, str]
    fields: dict[str, FieldStateOut]
    owner: str | None
    team: str | None
    region: str | None
    stage: str | None
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str


class RecordPage(msgspec.Struct):
    items: list[RecordOut]
    next_cursor: str | None
    # What the caller may do with this form's records (buttons a screen shows).
    may_create: bool = False
    may_export: bool = False


class HistoryEntry(msgspec.Struct):
    """One change of a record; changes of fields the viewer may not see are
    listed by name in ``masked`` without their values."""

    seq: int
    at: datetime
    actor: str
    action: str
    form_version: int | None
    matrices: dict[str, int]
    changes: dict[str, Any]
    exemptions: dict[str, Any]
    masked: list[str]


class HistoryPage(msgspec.Struct):
    items: list[HistoryEntry]
    next_cursor: str | None
