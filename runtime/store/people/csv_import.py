"""The CSV import of users, shared by ``POST /api/v1/users/import`` and
``trellis users import``.

The file is UTF-8 (a BOM is fine) with a header row; the columns are
:data:`COLUMNS`, in any order, and only ``username`` is required. A cell
states the value, and an empty cell clears it, except:

- ``platform_role``: empty means viewer for a new user, unchanged for an
  existing one;
- ``password``: empty means a generated password for a new user (returned
  once, in the result) and unchanged for an existing one.

A column left out of the file leaves that attribute of existing users alone.
``roles`` holds business role keys separated by ``|``; ``manager`` is a
username, possibly of another row of the same file. Cells are trimmed.

All or nothing: when any row is bad nothing is imported, and
:class:`ImportRefused` lists every bad cell with its row (as in the file,
the header being row 1) and column, so that one round of corrections is
enough.
"""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from msgspec import UNSET, UnsetType
from sqlalchemy.orm import Session

from builder.errors import Error, escape_pointer
from runtime.store.errors import StoreError
from runtime.store.people.changes import record
from runtime.store.people.checks import PersonChange, PersonItem, check_people
from runtime.store.people.lookups import people_named
from runtime.store.people.refusals import PeopleError, Refused
from runtime.store.people.writes import save_people

__all__ = [
    "COLUMNS",
    "MAX_ROWS",
    "REQUIRED",
    "ImportProblem",
    "ImportRefused",
    "ImportResult",
    "ImportedRow",
    "import_users",
    "read_rows",
]

COLUMNS = (
    "username",
    "display_name",
    "email",
    "phone",
    "platform_role",
    "roles",
    "team",
    "region",
    "manager",
    "password",
)
REQUIRED = ("username",)
MAX_ROWS = 10_000
ROLE_SEPARATOR = "|"
HEADER = 1


@dataclass(frozen=True)
class ImportProblem:
    """What is wrong where: ``row`` as in the file (the header is 1; None for
    the file as a whole) and ``column`` (None for the whole row or file).
    ``message`` says what, without saying where."""

    row: int | None
    column: str | None
    code: str
    message: dict[str, str]

    @property
    def pointer(self) -> str:
        if self.row is None:
            return ""
        if self.row == HEADER:
            return "/header"
        column = f"/{escape_pointer(self.column)}" if self.column else ""
        return f"/rows/{self.row}{column}"

    def place(self, language: str) -> str:
        """Where, in words ("row 4, column region"); "" for the whole file."""
        zh = language == "zh-CN"
        if self.row is None:
            return ""
        if self.row == HEADER:
            where = "表头" if zh else "header"
        else:
            where = f"第 {self.row} 行" if zh else f"row {self.row}"
        if self.column:
            where += f" {self.column} 列" if zh else f", column {self.column}"
        return where

    def error(self) -> Error:
        """The problem as the API reports it, its place leading the message."""
        message = {}
        for language, text in self.message.items():
            place = self.place(language)
            separator = "：" if language == "zh-CN" else ": "
            message[language] = f"{place}{separator}{text}" if place else text
        return Error(pointer=self.pointer, code=self.code, message=message)


class ImportRefused(StoreError, ValueError):
    """The file has problems; nothing was imported."""

    status = 422

    def __init__(self, problems: list[ImportProblem]) -> None:
        problems = sorted(problems, key=_order)
        count = len(problems)
        super().__init__(
            f"The file has {count} problem{'s' if count != 1 else ''}; nothing was imported.",
            [problem.error() for problem in problems],
        )
        self.problems = problems


def _order(problem: ImportProblem) -> tuple[int, int]:
    column = COLUMNS.index(problem.column) if problem.column in COLUMNS else len(COLUMNS)
    return (problem.row or 0, column)


@dataclass(frozen=True)
class ImportedRow:
    row: int
    username: str
    outcome: Literal["created", "updated", "unchanged"]
    # The generated password of a new user without one in the file; shown once.
    password: str | None = None


@dataclass(frozen=True)
class ImportResult:
    rows: list[ImportedRow]

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)


def _problem(row: int | None, column: str | None, code: str, en: str, zh: str) -> ImportProblem:
    return ImportProblem(row=row, column=column, code=code, message={"en": en, "zh-CN": zh})


# -- reading -----------------------------------------------------------------------


Rows = list[tuple[int, dict[str, str]]]


def read_rows(data: bytes) -> tuple[list[str], Rows]:
    """(columns of the header, [(row number, {column: cell})]) with blank rows
    skipped (they keep their numbers). :class:`ImportRefused` for a file
    that is not UTF-8 CSV, is empty, or has a bad header."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRefused(
            [
                _problem(
                    None,
                    None,
                    "not_utf8",
                    f"the file is not UTF-8 text (byte {exc.start} cannot be read)",
                    f"文件不是 UTF-8 文本（第 {exc.start} 个字节无法读取）",
                )
            ]
        ) from None
    records: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for cells in reader:
            records.append(cells)
            if len(records) > MAX_ROWS + 1:
                raise ImportRefused(
                    [
                        _problem(
                            None,
                            None,
                            "too_many_rows",
                            f"the file has more than {MAX_ROWS} rows; split it",
                            f"文件超过 {MAX_ROWS} 行，请拆分后导入",
                        )
                    ]
                )
    except csv.Error as exc:
        raise ImportRefused(
            [
                _problem(
                    None,
                    None,
                    "malformed_csv",
                    f"not valid CSV at line {reader.line_num}: {exc}",
                    f"第 {reader.line_num} 行不是有效的 CSV：{exc}",
                )
            ]
        ) from None
    if not any(any(cell.strip() for cell in cells) for cells in records):
        raise ImportRefused(
            [
                _problem(
                    None,
                    None,
                    "empty_file",
                    "the file is empty; it needs a header row and a row per user",
                    "文件为空；需要一行表头，每个用户一行",
                )
            ]
        )
    columns = [cell.strip().lower() for cell in records[0]]
    _check_header(columns)
    rows: Rows = []
    for number, cells in enumerate(records[1:], start=HEADER + 1):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(columns):
            raise ImportRefused(
                [
                    _problem(
                        number,
                        None,
                        "too_many_cells",
                        f"the row has {len(cells)} cells but the header only {len(columns)}",
                        f"该行有 {len(cells)} 个单元格，而表头只有 {len(columns)} 列",
                    )
                ]
            )
        rows.append((number, {c: cell.strip() for c, cell in zip(columns, cells, strict=False)}))
    if not rows:
        raise ImportRefused(
            [
                _problem(
                    None,
                    None,
                    "no_rows",
                    "the file has a header but no users",
                    "文件只有表头，没有用户",
                )
            ]
        )
    return columns, rows


def _check_header(columns: list[str]) -> None:
    problems: list[ImportProblem] = []
    seen: set[str] = set()
    for position, name in enumerate(columns, start=1):
        if not name:
            problems.append(
                _problem(
                    HEADER,
                    None,
                    "unnamed_column",
                    f"column {position} has no name",
                    f"第 {position} 列没有列名",
                )
            )
        elif name not in COLUMNS:
            problems.append(
                _problem(
                    HEADER,
                    name,
                    "unknown_column",
                    f"unknown column {name!r}; the columns are {', '.join(COLUMNS)}",
                    f"未知的列 {name!r}；可用的列为 {', '.join(COLUMNS)}",
                )
            )
        elif name in seen:
            problems.append(
                _problem(
                    HEADER,
                    name,
                    "duplicate_column",
                    f"column {name!r} appears twice",
                    f"列 {name!r} 出现了两次",
                )
            )
        seen.add(name)
    problems.extend(
        _problem(
            HEADER,
            name,
            "missing_column",
            f"the header has no column {name!r}",
            f"表头缺少 {name!r} 列",
        )
        for name in REQUIRED
        if name not in seen
    )
    if problems:
        raise ImportRefused(problems)


# -- importing ---------------------------------------------------------------------


def _new_password() -> str:
    return secrets.token_urlsafe(12)


def _change(cells: dict[str, str], *, new: bool, password: str | None) -> PersonChange:
    def text(column: str) -> str | UnsetType:
        return cells.get(column, UNSET)

    def reference(column: str) -> str | UnsetType | None:
        return (cells[column] or None) if column in cells else UNSET

    role = cells.get("platform_role", "")
    roles: list[str] | UnsetType = UNSET
    if "roles" in cells:
        roles = [k.strip() for k in cells["roles"].split(ROLE_SEPARATOR) if k.strip()]
    given_password = cells.get("password", "")
    return PersonChange(
        display_name=text("display_name"),
        email=text("email"),
        phone=text("phone"),
        platform_role=role or ("viewer" if new else UNSET),
        password=given_password or (password if password is not None else UNSET),
        team=reference("team"),
        region=reference("region"),
        manager=reference("manager"),
        roles=roles,
    )


def import_users(
    session: Session,
    data: bytes,
    *,
    actor: str,
    now: datetime,
    new_password: Callable[[], str] = _new_password,
) -> ImportResult:
    """Import the users of a CSV file, all or nothing (see the module's
    docstring). One audit entry per user that changed, and a
    ``people.import`` entry with the counts."""
    _, rows = read_rows(data)
    problems: list[ImportProblem] = []
    first_row: dict[str, int] = {}
    kept: Rows = []
    for number, cells in rows:
        for column, cell in list(cells.items()):
            if "\x00" in cell:
                problems.append(
                    _problem(
                        number,
                        column,
                        "nul_character",
                        "text may not contain NUL (\\u0000)",
                        "文本不能包含 NUL 字符",
                    )
                )
                del cells[column]
        username = cells.get("username", "")
        if not username:
            problems.append(
                _problem(number, "username", "required", "the username is empty", "用户名为空")
            )
        elif username in first_row:
            problems.append(
                _problem(
                    number,
                    "username",
                    "duplicate_username",
                    f"{username!r} is already on row {first_row[username]}",
                    f"{username!r} 已出现在第 {first_row[username]} 行",
                )
            )
        else:
            first_row[username] = number
            kept.append((number, cells))
    existing = people_named(session, (cells["username"] for _, cells in kept))
    items: list[PersonItem] = []
    generated: dict[str, str] = {}
    for _, cells in kept:
        username = cells["username"]
        new = username not in existing
        password = None
        if new and not cells.get("password"):
            password = generated[username] = new_password()
        change = _change(cells, new=new, password=password)
        items.append(PersonItem(username, change, "upsert"))

    def located(found: list[tuple[int, PeopleError]]) -> list[ImportProblem]:
        return [
            ImportProblem(
                row=kept[index][0],
                column=problem.field.split("/", 1)[0] or "username",
                code=problem.code,
                message=problem.message,
            )
            for index, problem in found
        ]

    if problems:
        # Still check the good rows, so that one round of corrections is enough.
        raise ImportRefused(problems + located(check_people(session, items)))
    try:
        saved = save_people(session, items, actor=actor, now=now)
    except Refused as exc:
        raise ImportRefused(located(exc.problems)) from None
    result = ImportResult(
        rows=[
            ImportedRow(
                row=number,
                username=one.username,
                outcome=one.outcome,
                password=generated.get(one.username),
            )
            for (number, _), one in zip(kept, saved, strict=True)
        ]
    )
    record(
        session,
        actor,
        now,
        "people.import",
        "users",
        rows=len(result.rows),
        created=result.count("created"),
        updated=result.count("updated"),
        unchanged=result.count("unchanged"),
    )
    return result
