"""Request and response bodies of the people API: regions, teams, business
roles and users.

Keys and usernames carry no regex here: the store checks their shape and
says what a key may hold in words, where the framework would quote a regex.
Inputs forbid unknown fields, so that a misspelt field is a 422 naming it
rather than silently ignored; PATCH bodies leave out what they do not change
(``UNSET``), and ``null`` clears a team, region or manager. Users in
responses never carry a password or its hash.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, UnsetType

from runtime.api.params import NO_NUL, ShortText

__all__ = [
    "ImportOut",
    "ImportedUserOut",
    "PlatformRole",
    "RegionIn",
    "RegionOut",
    "RegionPage",
    "RegionPatch",
    "RoleIn",
    "RoleOut",
    "RolePage",
    "RolePatch",
    "TeamIn",
    "TeamOut",
    "TeamPage",
    "TeamPatch",
    "UserIn",
    "UserOut",
    "UserPage",
    "UserPatch",
]

UnitKey = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=63,
        pattern=NO_NUL,
        description="Lower-case letters, digits and '-', starting with a letter or digit "
        "(e.g. east, east-1).",
    ),
]
RoleKey = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=63,
        pattern=NO_NUL,
        description="Lower-case letters, digits, '_' and '-', starting with a letter "
        "(e.g. rep, sales_director).",
    ),
]
Username = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=150,
        pattern=NO_NUL,
        description="Letters, digits and _ . @ -",
    ),
]
Password = Annotated[
    str,
    msgspec.Meta(
        min_length=1, max_length=1024, pattern=NO_NUL, description="At least 8 characters."
    ),
]
DisplayName = Annotated[str, msgspec.Meta(max_length=200, pattern=NO_NUL)]
Email = Annotated[
    str,
    msgspec.Meta(max_length=254, pattern=NO_NUL, description="An e-mail address, or empty."),
]
Phone = Annotated[
    str,
    msgspec.Meta(
        max_length=40,
        pattern=NO_NUL,
        description="A mobile number for SMS notices: 5-20 digits, an optional leading + "
        "and spaces or dashes (e.g. +86 138-0013-8000), or empty.",
    ),
]
Rank = Annotated[int, msgspec.Meta(ge=1, le=7, description="1 (lowest) to 7 (highest).")]
# What the user may do in the studio; business roles are separate (``roles``).
PlatformRole = Literal["admin", "editor", "publisher", "viewer"]
RoleKeys = Annotated[list[RoleKey], msgspec.Meta(max_length=50)]


# -- regions ---------------------------------------------------------------------


class RegionIn(msgspec.Struct, forbid_unknown_fields=True):
    key: UnitKey
    name: ShortText


class RegionPatch(msgspec.Struct, forbid_unknown_fields=True):
    name: ShortText | UnsetType = UNSET


class RegionOut(msgspec.Struct):
    key: str
    name: str
    created_at: datetime


class RegionPage(msgspec.Struct):
    items: list[RegionOut]
    next_cursor: str | None


# -- teams ---------------------------------------------------------------------


class TeamIn(msgspec.Struct, forbid_unknown_fields=True):
    key: UnitKey
    name: ShortText
    region: UnitKey | None = None


class TeamPatch(msgspec.Struct, forbid_unknown_fields=True):
    name: ShortText | UnsetType = UNSET
    region: UnitKey | UnsetType | None = UNSET


class TeamOut(msgspec.Struct):
    key: str
    name: str
    region: str | None
    created_at: datetime


class TeamPage(msgspec.Struct):
    items: list[TeamOut]
    next_cursor: str | None


# -- business roles ----------------------------------------------------------------


class RoleIn(msgspec.Struct, forbid_unknown_fields=True):
    key: RoleKey
    name: ShortText
    rank: Rank


class RolePatch(msgspec.Struct, forbid_unknown_fields=True):
    name: ShortText | UnsetType = UNSET
    rank: Rank | UnsetType = UNSET


class RoleOut(msgspec.Struct):
    key: str
    name: str
    rank: int
    created_at: datetime


class RolePage(msgspec.Struct):
    items: list[RoleOut]
    next_cursor: str | None


# -- users ---------------------------------------------------------------------


class UserIn(msgspec.Struct, forbid_unknown_fields=True):
    username: Username
    password: Password
    platform_role: PlatformRole = "viewer"
    display_name: DisplayName = ""
    email: Email = ""
    phone: Phone = ""
    team: UnitKey | None = None
    region: UnitKey | None = None
    manager: Username | None = None
    roles: RoleKeys = msgspec.field(default_factory=list)


class UserPatch(msgspec.Struct, forbid_unknown_fields=True):
    display_name: DisplayName | UnsetType = UNSET
    email: Email | UnsetType = UNSET
    phone: Phone | UnsetType = UNSET
    platform_role: PlatformRole | UnsetType = UNSET
    # A new password ends the user's sessions.
    password: Password | UnsetType = UNSET
    team: UnitKey | UnsetType | None = UNSET
    region: UnitKey | UnsetType | None = UNSET
    manager: Username | UnsetType | None = UNSET
    roles: RoleKeys | UnsetType = UNSET
    # False deactivates (sessions end, API tokens stop working); True reactivates.
    is_active: bool | UnsetType = UNSET


class UserOut(msgspec.Struct):
    id: int
    username: str
    display_name: str
    email: str
    phone: str
    platform_role: str
    team: str | None
    region: str | None
    manager: str | None
    # Business role keys, sorted; ``rank`` is the highest of their ranks (0 with none).
    roles: list[str]
    rank: int
    is_active: bool


class UserPage(msgspec.Struct):
    items: list[UserOut]
    next_cursor: str | None


class ImportedUserOut(msgspec.Struct):
    row: int
    username: str
    outcome: Literal["created", "updated", "unchanged"]
    # The generated password of a new user whose row had none: shown only here.
    password: str | None = None


class ImportOut(msgspec.Struct):
    created: int
    updated: int
    unchanged: int
    users: list[ImportedUserOut]
