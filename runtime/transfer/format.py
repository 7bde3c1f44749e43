"""What an export folder holds: its layout, the record in each file, and how a
record's values are written as JSON.

Layout (``<n>`` is 1, 2, ...; ``active.json`` only when a version was ever
activated)::

    DIR/trellis-export.json              {"format": "trellis-export", "format_version": 1}
    DIR/<kind>/<key>/document.json       DocumentMeta
    DIR/<kind>/<key>/draft.json          the draft itself, as stored (it may have errors)
    DIR/<kind>/<key>/draft.meta.json     DraftMeta
    DIR/<kind>/<key>/versions/<n>.json   VersionFile
    DIR/<kind>/<key>/active.json         {variants: {<variant>: Pointer},
                                          history: [Move, ...]}  (oldest first)

``draft.json`` holds the bare document so that ``trellis validate`` and an
editor can open it as it is; its bookkeeping sits beside it. Top-level names
starting with a dot (``.git``, ``.gitattributes``) are left alone by both
directions, so the folder can be a Git work tree.

Each record's members are named after the database columns they are exported
from and imported into, so one definition serves the file, the reader and the
writer. The API has Structs of the same shapes (``runtime.api.documents``);
they are not reused because the store layer does not import the API.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any, Self

from schemas import KEY_PATTERN

__all__ = [
    "ACTIONS",
    "ACTIVE_FILE",
    "DOCUMENT_ENTRIES",
    "DOCUMENT_FILE",
    "DRAFT_FILE",
    "DRAFT_META_FILE",
    "FORMAT",
    "FORMAT_VERSION",
    "HASH",
    "KEY",
    "MANIFEST",
    "NAME_LENGTH",
    "VARIANT",
    "VERSIONS_DIR",
    "VERSION_NAME",
    "DocumentMeta",
    "DraftMeta",
    "Move",
    "Pointer",
    "Record",
    "VersionFile",
    "escape",
    "time_text",
]

MANIFEST = "trellis-export.json"
FORMAT = "trellis-export"
# Bump when a reader of the old format would misread the new one.
FORMAT_VERSION = 1

DOCUMENT_FILE = "document.json"
DRAFT_FILE = "draft.json"
DRAFT_META_FILE = "draft.meta.json"
VERSIONS_DIR = "versions"
ACTIVE_FILE = "active.json"
DOCUMENT_ENTRIES = (DOCUMENT_FILE, DRAFT_FILE, DRAFT_META_FILE, VERSIONS_DIR, ACTIVE_FILE)

KEY = re.compile(KEY_PATTERN)
VARIANT = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
VERSION_NAME = re.compile(r"^([1-9][0-9]{0,8})\.json$")
HASH = re.compile(r"^sha256:[0-9a-f]{64}$")
ACTIONS = ("activate", "rollback")
NAME_LENGTH = 150  # users, authors and actors (String(150) columns)


def time_text(value: datetime) -> str:
    """ISO 8601 in UTC with microseconds, so equal times are equal bytes."""
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def escape(name: str) -> str:
    """``name`` as one JSON pointer segment."""
    return name.replace("~", "~0").replace("/", "~1")


@dataclass(frozen=True)
class Record:
    """The members of one JSON object in the folder, in the order they are
    checked on import. Subclasses only declare fields."""

    @classmethod
    def members(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    @classmethod
    def of(cls, row: object) -> Self:
        """The record for a database row with columns of the same names."""
        return cls(**{name: getattr(row, name) for name in cls.members()})

    def columns(self) -> dict[str, Any]:
        """The values as keyword arguments for the row they are imported into."""
        return {name: getattr(self, name) for name in self.members()}

    def to_json(self) -> dict[str, Any]:
        return {
            name: time_text(value) if isinstance(value, datetime) else value
            for name, value in self.columns().items()
        }


@dataclass(frozen=True)
class DocumentMeta(Record):
    """``document.json``."""

    kind: str
    key: str
    created_at: datetime
    created_by: str


@dataclass(frozen=True)
class DraftMeta(Record):
    """``draft.meta.json``: the bookkeeping beside ``draft.json``."""

    revision: int
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True)
class VersionFile(Record):
    """``versions/<n>.json``. ``content`` is the published document."""

    version: int
    hash: str
    author: str
    published_at: datetime
    message: str
    content: Any


@dataclass(frozen=True)
class Pointer(Record):
    """``active.json`` ``/variants/<variant>``: the version a variant runs."""

    version: int
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True)
class Move(Record):
    """``active.json`` ``/history/<i>``: one activation or roll back."""

    variant: str
    action: str
    from_version: int | None
    to_version: int
    actor: str
    at: datetime
    reason: str
