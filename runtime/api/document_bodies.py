"""Request and response bodies of the Documents API (msgspec Structs, so the
OpenAPI document describes them exactly)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from builder import Error
from builder.diff import Change
from runtime.api.params import BodyId, LongText

__all__ = [
    "ActivateIn",
    "ActiveOut",
    "DiffOut",
    "DocumentPage",
    "DocumentSummary",
    "DraftOut",
    "DraftState",
    "Move",
    "Pointer",
    "PublishIn",
    "SaveResult",
    "ValidationResult",
    "VersionOut",
    "VersionPage",
    "VersionSummary",
]


class ValidationResult(msgspec.Struct):
    valid: bool
    errors: list[Error]


class DraftState(msgspec.Struct):
    revision: int
    errors: int
    updated_at: datetime
    updated_by: str


class DocumentSummary(msgspec.Struct):
    kind: str
    key: str
    title: dict[str, str] | None
    draft: DraftState | None
    latest_version: int | None
    active: dict[str, int]
    created_at: datetime


class DocumentPage(msgspec.Struct):
    items: list[DocumentSummary]
    next_cursor: str | None


class DraftOut(msgspec.Struct):
    kind: str
    key: str
    revision: int
    valid: bool
    errors: list[Error]
    content: dict[str, Any]
    updated_at: datetime
    updated_by: str


class SaveResult(msgspec.Struct):
    revision: int
    valid: bool
    errors: list[Error]


class PublishIn(msgspec.Struct, forbid_unknown_fields=True):
    message: LongText = ""
    # The draft revision that was reviewed; publishing a newer one is a 409.
    revision: BodyId | None = None


class VersionSummary(msgspec.Struct):
    version: int
    hash: str
    author: str
    published_at: datetime
    message: str


class VersionOut(msgspec.Struct):
    version: int
    hash: str
    author: str
    published_at: datetime
    message: str
    content: dict[str, Any]


class VersionPage(msgspec.Struct):
    items: list[VersionSummary]
    next_cursor: str | None


class DiffOut(msgspec.Struct):
    from_: str = msgspec.field(name="from")
    to: str
    logic_changes: int
    layout_changes: int
    changes: list[Change]


class ActivateIn(msgspec.Struct, forbid_unknown_fields=True):
    version: BodyId
    reason: LongText = ""


class Pointer(msgspec.Struct):
    version: int
    updated_at: datetime
    updated_by: str


class Move(msgspec.Struct):
    variant: str
    action: str
    from_version: int | None
    to_version: int
    actor: str
    at: datetime
    reason: str


class ActiveOut(msgspec.Struct):
    kind: str
    key: str
    variants: dict[str, Pointer]
    history: list[Move]
