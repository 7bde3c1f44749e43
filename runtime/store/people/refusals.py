"""What people writes refuse, and the checks behind the refusals.

Each refusal names the field it is about, carries a stable code and says it
in English and Chinese, so that the API can point at the body field and the
CSV import at the row and column.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from builder.errors import Error
from runtime.store.errors import StoreError
from runtime.store.users import (
    MAX_PASSWORD_LENGTH,
    PLATFORM_ROLES,
    validate_password,
    validate_username,
)

__all__ = [
    "EMAIL_PATTERN",
    "PHONE_PATTERN",
    "RANKS",
    "ROLE_KEY_PATTERN",
    "UNIT_KEY_PATTERN",
    "Duplicate",
    "InUse",
    "LastAdmin",
    "NotFound",
    "PeopleError",
    "Refused",
    "check_email",
    "check_key",
    "check_name",
    "check_password",
    "check_phone",
    "check_platform_role",
    "check_rank",
    "check_username",
    "not_found",
    "some",
    "taken",
    "unknown",
]

# Business roles, as forms, matrices and workflows name them (schemas.base.RoleName).
ROLE_KEY_PATTERN = r"^[a-z][a-z0-9_-]{0,62}$"
# Regions and teams: the shape of a variant name, since a region is the usual
# variant ("east" runs its own version of a workflow).
UNIT_KEY_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
# A mobile number as people type it: an optional leading +, then digit groups
# separated by one space or dash ("+86 138-0013-8000"). ASCII digits only,
# since an SMS gateway takes nothing else.
PHONE_PATTERN = r"^\+?[0-9]+(?:[ -][0-9]+)*$"
PHONE_DIGITS = range(5, 21)
RANKS = range(1, 8)
NAME_MAX_LENGTH = 200
EMAIL_MAX_LENGTH = 254
# How many names a refusal lists before saying "and N more".
_SHOWN = 5

ROLE_KEY = re.compile(ROLE_KEY_PATTERN)
UNIT_KEY = re.compile(UNIT_KEY_PATTERN)
EMAIL = re.compile(EMAIL_PATTERN)
PHONE = re.compile(PHONE_PATTERN)

# What each kind of thing is called in Chinese messages.
WORDS = {"region": "区域", "team": "团队", "role": "角色", "user": "用户", "manager": "上级"}


# -- refusals -------------------------------------------------------------------


class PeopleError(StoreError, ValueError):
    """A refusal about one field (``field``: "team", "roles/2"…; "" for the
    call as a whole), with a stable ``code`` and a message in English and
    Chinese. Nothing was written."""

    status = 422

    def __init__(self, field: str, code: str, en: str, zh: str) -> None:
        pointer = f"/{field}" if field else ""
        message = {"en": en, "zh-CN": zh}
        super().__init__(en, [Error(pointer=pointer, code=code, message=message)])
        self.field = field
        self.code = code
        self.message = message


class NotFound(PeopleError):
    """The region, team, role or user the call is about does not exist."""

    status = 404


class Duplicate(PeopleError):
    """The key or username is taken."""

    status = 409


class InUse(PeopleError):
    """Still used by teams, users or records; the message says by whom."""

    status = 409


class LastAdmin(PeopleError):
    """The change would leave nobody able to manage users."""

    status = 409


class Refused(StoreError, ValueError):
    """Several refusals at once. ``problems`` pairs each with the index of the
    item of :func:`save_people` it is about; nothing was written."""

    def __init__(self, problems: Sequence[tuple[int, PeopleError]]) -> None:
        statuses = {problem.status for _, problem in problems}
        self.status = statuses.pop() if len(statuses) == 1 else 422
        first = problems[0][1].detail if problems else ""
        detail = first if len(problems) == 1 else f"{len(problems)} problems, first: {first}"
        super().__init__(detail, [e for _, problem in problems for e in problem.errors])
        self.problems = list(problems)


def unknown(field: str, what: str, key: str) -> PeopleError:
    return PeopleError(
        field, f"unknown_{what}", f"no {what} {key!r}", f"{WORDS[what]} {key!r} 不存在"
    )


def not_found(what: str, key: str) -> NotFound:
    return NotFound("", f"unknown_{what}", f"no {what} {key!r}", f"{WORDS[what]} {key!r} 不存在")


def check_key(field: str, value: str, what: str) -> str:
    pattern = ROLE_KEY if what == "role" else UNIT_KEY
    if pattern.fullmatch(value):
        return value
    if what == "role":
        en = (
            "a role key has 1-63 lower-case letters, digits, '_' or '-' "
            f"and starts with a letter, not {value!r}"
        )
        zh = f"角色 key 须为 1-63 个小写字母、数字、'_' 或 '-'，以字母开头，而不是 {value!r}"
    else:
        en = (
            f"a {what} key has 1-63 lower-case letters, digits or '-' "
            f"and starts with a letter or digit, not {value!r}"
        )
        zh = (
            f"{WORDS[what]} key 须为 1-63 个小写字母、数字或 '-'，以字母或数字开头，"
            f"而不是 {value!r}"
        )
    raise PeopleError(field, "invalid_key", en, zh)


def check_name(field: str, value: str, *, required: bool = True) -> str:
    value = value.strip()
    if "\x00" in value:
        raise PeopleError(
            field, "nul_character", "text may not contain NUL (\\u0000)", "文本不能包含 NUL 字符"
        )
    if required and not value:
        raise PeopleError(field, "required", f"{field} is required", f"{field} 为必填项")
    if len(value) > NAME_MAX_LENGTH:
        raise PeopleError(
            field,
            "too_long",
            f"{field} has at most {NAME_MAX_LENGTH} characters",
            f"{field} 最多 {NAME_MAX_LENGTH} 个字符",
        )
    return value


def check_rank(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in RANKS:
        raise PeopleError(
            "rank",
            "rank_out_of_range",
            f"a rank is a whole number from 1 to 7, not {value!r}",
            f"职级须为 1 到 7 的整数，而不是 {value!r}",
        )
    return value


def some(names: Sequence[str]) -> str:
    shown = ", ".join(names[:_SHOWN])
    return shown + (f" and {len(names) - _SHOWN} more" if len(names) > _SHOWN else "")


def check_email(value: str) -> str:
    value = value.strip()
    if value and (len(value) > EMAIL_MAX_LENGTH or not EMAIL.fullmatch(value)):
        raise PeopleError(
            "email",
            "invalid_email",
            f"{value[:80]!r} is not an e-mail address such as ana@example.com",
            f"{value[:80]!r} 不是有效的邮箱地址（例如 ana@example.com）",
        )
    return value


def check_phone(value: str) -> str:
    """A mobile number for SMS notices, kept as typed (trimmed); empty clears it."""
    value = value.strip()
    digits = sum(character.isdigit() for character in value)
    if value and (not PHONE.fullmatch(value) or digits not in PHONE_DIGITS):
        raise PeopleError(
            "phone",
            "invalid_phone",
            f"phone {value[:80]!r} is not a phone number: use 5 to 20 digits, optionally "
            "starting with + and with spaces or dashes between them (e.g. +86 138-0013-8000)",
            f"手机号 {value[:80]!r} 无效：须为 5 到 20 位数字，可以 + 开头，"
            "数字之间可用空格或短横线（例如 +86 138-0013-8000）",
        )
    return value


def check_platform_role(value: str) -> str:
    if value not in PLATFORM_ROLES:
        raise PeopleError(
            "platform_role",
            "unknown_platform_role",
            f"no platform role {value!r}; choose one of {', '.join(PLATFORM_ROLES)}",
            f"平台角色 {value!r} 不存在，请选择 {', '.join(PLATFORM_ROLES)} 之一",
        )
    return value


def check_password(value: str) -> str:
    try:
        validate_password(value)
    except ValueError as exc:
        raise PeopleError(
            "password",
            "invalid_password",
            str(exc),
            f"密码须为 8 到 {MAX_PASSWORD_LENGTH} 个字符",
        ) from None
    return value


def check_username(value: str) -> str:
    try:
        validate_username(value)
    except ValueError as exc:
        raise PeopleError(
            "username", "invalid_username", str(exc), "用户名须为 1-150 个字母、数字或 _ . @ -"
        ) from None
    return value


def taken(what: str, key: str) -> Duplicate:
    return Duplicate(
        "key",
        "duplicate_key",
        f"a {what} {key!r} already exists",
        f"{WORDS[what]} {key!r} 已存在",
    )
