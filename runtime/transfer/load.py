"""``Reader``: the JSON in one file and the values in it, checked one by one,
with every problem noted against its file and line or pointer instead of
stopping at the first."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from runtime.transfer.format import NAME_LENGTH, escape
from runtime.transfer.problems import Problem

__all__ = ["MISSING", "Reader"]


class _Missing:
    pass


MISSING: Final = _Missing()
"""What :meth:`Reader.load` returns for a file it could not read."""


class Reader:
    """Reads a folder into plain values, collecting every problem on the way.
    Each check returns the value, or ``None`` with a problem noted."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []

    def name(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def problem(self, file: str, pointer: str, message: str) -> None:
        self.problems.append(Problem(file, pointer, message))

    def load(self, path: Path) -> Any:
        """The JSON value in ``path``, or ``MISSING`` (with a problem noted)."""
        file = self.name(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            self.problem(file, "", f"cannot be read: {exc.strerror or exc}")
            return MISSING
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            self.problem(file, "", f"is not UTF-8 text ({exc.reason} at byte {exc.start})")
            return MISSING
        try:
            return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
        except json.JSONDecodeError as exc:
            self.problem(
                file, f"line {exc.lineno}, column {exc.colno}", f"not valid JSON: {exc.msg}"
            )
        except ValueError as exc:
            self.problem(file, "", f"not valid JSON: {exc}")
        return MISSING

    def fields(
        self, file: str, value: Any, pointer: str, required: tuple[str, ...]
    ) -> dict[str, Any] | None:
        """``value`` if it is an object with exactly the ``required`` members."""
        if value is MISSING:  # unreadable: already reported
            return None
        if not isinstance(value, dict):
            self.problem(file, pointer, f"expected an object with {', '.join(required)}")
            return None
        ok = True
        for name in required:
            if name not in value:
                self.problem(file, pointer, f"{name} is missing")
                ok = False
        for name in value:
            if name not in required:
                self.problem(file, f"{pointer}/{escape(name)}", f"{name} is not expected here")
                ok = False
        return value if ok else None

    def integer(self, file: str, value: Any, pointer: str, *, minimum: int) -> int | None:
        if type(value) is not int or value < minimum:
            self.problem(file, pointer, f"expected a whole number of at least {minimum}")
            return None
        return value

    def text(
        self,
        file: str,
        value: Any,
        pointer: str,
        *,
        max_length: int | None = None,
        empty: bool = True,
    ) -> str | None:
        if not isinstance(value, str) or (not empty and not value):
            self.problem(file, pointer, "expected " + ("text" if empty else "non-empty text"))
            return None
        if max_length is not None and len(value) > max_length:
            self.problem(file, pointer, f"longer than {max_length} characters")
            return None
        return value

    def user(self, file: str, value: Any, pointer: str) -> str | None:
        """A user, author or actor name."""
        return self.text(file, value, pointer, max_length=NAME_LENGTH, empty=False)

    def time(self, file: str, value: Any, pointer: str) -> datetime | None:
        parsed = None
        if isinstance(value, str):
            try:
                parsed = datetime.fromisoformat(value)
            except ValueError:
                parsed = None
        if parsed is None or parsed.tzinfo is None:
            self.problem(
                file,
                pointer,
                "expected an ISO 8601 time with offset, such as 2025-01-31T09:30:00.000000+00:00",
            )
            return None
        return parsed.astimezone(UTC)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, value in pairs:
        if name in result:
            raise ValueError(f"the member {name!r} appears twice in one object")
        result[name] = value
    return result


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")
