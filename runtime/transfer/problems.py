"""Why an import was refused: every problem, each pointing into a file."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Problem", "TransferError"]


@dataclass(frozen=True)
class Problem:
    """One reason an import was refused. ``file`` is relative to DIR (or DIR
    itself); ``pointer`` is a JSON pointer into that file, ``line L, column C``
    for unreadable JSON, or empty when the whole file is meant."""

    file: str
    pointer: str
    message: str

    def __str__(self) -> str:
        if self.pointer:
            return f"{self.file}: {self.pointer}: {self.message}"
        return f"{self.file}: {self.message}"


class TransferError(Exception):
    """The folder cannot be imported; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems
