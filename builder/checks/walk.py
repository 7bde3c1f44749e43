"""Small readers for half-valid JSON, shared by the checks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from builder.errors import escape_pointer

__all__ = ["items", "resolve", "text"]


def items(document: Any, name: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(index, item) for the object items of list ``name``; skips malformed ones."""
    values = document.get(name) if isinstance(document, dict) else None
    if isinstance(values, list):
        for index, value in enumerate(values):
            if isinstance(value, dict):
                yield index, value


def text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def resolve(value: Any, pattern: str, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(pointer, value) for each place ``pattern`` (e.g. ``/levels/*/role``) names."""
    parts = [p for p in pattern.split("/") if p]

    def walk(current: Any, rest: list[str], pointer: str) -> Iterator[tuple[str, Any]]:
        if not rest:
            yield pointer, current
            return
        head, *tail = rest
        if head == "*":
            if isinstance(current, list):
                for index, item in enumerate(current):
                    yield from walk(item, tail, f"{pointer}/{index}")
        elif isinstance(current, dict) and head in current:
            yield from walk(current[head], tail, f"{pointer}/{escape_pointer(head)}")

    yield from walk(value, parts, prefix)
