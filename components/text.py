"""Message templates: ``{name}`` is replaced by a value, nothing else.

``str.format`` would let a template reach attributes (``{x.__class__}``);
templates are written in the studio by ops staff, so only bare names are
filled and an unknown name stays as written."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = ["fill", "names_in"]

_NAME = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]{0,62})\}")


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, (list, tuple)):
        return ", ".join(_shown(item) for item in value)
    return str(value)


def fill(template: str, values: Mapping[str, Any]) -> str:
    return _NAME.sub(
        lambda m: _shown(values[m.group(1)]) if m.group(1) in values else m.group(0), template
    )


def names_in(template: str) -> set[str]:
    return set(_NAME.findall(template))
