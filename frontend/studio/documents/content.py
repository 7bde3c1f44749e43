"""Documents as the form designer and the matrix editor handle them: pure functions.

The first draft of a new form or matrix, a copy under a new key, and the
validation errors localized and sorted by the JSON pointer they carry.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from studio.editor.graph import localized
from studio.new_workflow import copy_title

__all__ = [
    "KINDS",
    "SCHEMA_VERSION",
    "ErrorItem",
    "Problem",
    "blank",
    "copied",
    "escape",
    "localized",
    "problems",
    "title",
    "unescape",
]

SCHEMA_VERSION = 2
KINDS = ("form", "permission_matrix")


@dataclass(frozen=True)
class Problem:
    """One validation error in the user's language."""

    pointer: str
    message: str
    code: str = ""


@dataclass
class ErrorItem:
    """One line of the list of all errors: what it is about (``target`` is what a click
    selects, "" for the document as a whole), and the message."""

    target: str
    about: str
    pointer: str
    message: str


def title(en: str, zh: str) -> dict[str, str]:
    label = {"en": en}
    if zh:
        label["zh-CN"] = zh
    return label


def blank(kind: str, key: str, name: dict[str, str]) -> dict[str, Any]:
    """A new, empty document of ``kind``: a form without fields, a matrix without roles
    (both valid: fields and roles are added in the designer)."""
    body: dict[str, Any] = {"fields": []} if kind == "form" else {"roles": [], "grants": []}
    return {"kind": kind, "schema_version": SCHEMA_VERSION, "key": key, "title": name, **body}


def copied(content: Mapping[str, Any], key: str, name: dict[str, str] | None) -> dict[str, Any]:
    """A copy of ``content`` under ``key``; its title, unless one is given, marked as a copy
    (the words of the workflow list's copies)."""
    document = copy.deepcopy(dict(content))
    document["key"] = key
    document["title"] = name or copy_title(dict(content.get("title") or {}))
    return document


def problems(errors: list[dict[str, Any]], language: str) -> list[Problem]:
    """The API's errors (``{pointer, code, message: {en, zh-CN}}``) in ``language``."""
    return [
        Problem(
            pointer=str(e.get("pointer", "")),
            message=localized(e.get("message"), language) or str(e.get("code", "")),
            code=str(e.get("code", "")),
        )
        for e in errors
    ]


def escape(segment: str) -> str:
    """One RFC 6901 pointer segment (``/`` and ``~`` escaped)."""
    return segment.replace("~", "~0").replace("/", "~1")


def unescape(segment: str) -> str:
    return segment.replace("~1", "/").replace("~0", "~")
