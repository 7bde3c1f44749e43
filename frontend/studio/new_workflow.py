"""The content of a new workflow's first draft: blank, or a copy of another one.

Pure functions: no I/O, so the create dialog stays a short event handler and
these are easy to test.
"""

from __future__ import annotations

import copy
from typing import Any

from studio.labels import text

__all__ = ["SCHEMA_VERSION", "blank", "copied", "copy_title", "title"]

SCHEMA_VERSION = 2


def title(en: str, zh: str) -> dict[str, str]:
    label = {"en": en}
    if zh:
        label["zh-CN"] = zh
    return label


def blank(key: str, name: dict[str, str]) -> dict[str, Any]:
    """A valid workflow that does nothing yet: a start step connected to an end step."""
    return {
        "kind": "workflow",
        "schema_version": SCHEMA_VERSION,
        "key": key,
        "title": name,
        "nodes": [
            {
                "id": "start",
                "type": "start",
                "label": title(text("en", "create.start"), text("zh-CN", "create.start")),
                "position": {"x": 0, "y": 0},
            },
            {
                "id": "end",
                "type": "end",
                "label": title(text("en", "create.end"), text("zh-CN", "create.end")),
                "position": {"x": 320, "y": 0},
            },
        ],
        "edges": [{"id": "start-end", "source": "start", "target": "end"}],
    }


def copy_title(source: dict[str, str]) -> dict[str, str]:
    """``Lead routing (copy)`` / ``线索分配（副本）`` from the source's title."""
    en = source.get("en", "")
    zh = source.get("zh-CN", "")
    return title(
        text("en", "create.copy_suffix", title=en),
        text("zh-CN", "create.copy_suffix", title=zh) if zh else "",
    )


def copied(content: dict[str, Any], key: str, name: dict[str, str] | None) -> dict[str, Any]:
    """The source's content under a new key; its title, unless one is given, marked as a copy."""
    document = copy.deepcopy(content)
    document["key"] = key
    document["title"] = name or copy_title(content.get("title") or {})
    return document
