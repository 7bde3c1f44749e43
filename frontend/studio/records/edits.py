"""A record being edited, in terms of the API: what a save sends, and which field
each of the API's errors is about. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from studio.records.fields import localized

__all__ = ["changed", "field_of", "pinned"]


def field_of(error: Mapping[str, Any]) -> str:
    """The field an API error points at (``/data/<field>``, ``/exemptions/<field>``),
    or "" when it names none."""
    parts = str(error.get("pointer", "")).split("/")
    if len(parts) >= 3 and parts[0] == "" and parts[1] in ("data", "exemptions"):
        return parts[2].replace("~1", "/").replace("~0", "~")
    return ""


def pinned(errors: list[dict[str, Any]], language: str) -> tuple[dict[str, str], list[str]]:
    """The API's errors by the field they point at, and the messages that name none."""
    by_field: dict[str, str] = {}
    rest: list[str] = []
    for item in errors:
        message = localized(item.get("message"), language) or str(item.get("code", ""))
        key = field_of(item)
        if key:
            by_field[key] = f"{by_field[key]} {message}" if key in by_field else message
        else:
            rest.append(message)
    return by_field, rest


def changed(
    stored: Mapping[str, Any],
    draft: Mapping[str, Any],
    stored_exemptions: Mapping[str, str],
    exemptions: Mapping[str, str],
) -> tuple[dict[str, Any], dict[str, str | None]]:
    """What a PATCH sends: the fields whose value changed (``None`` clears one), and
    the exemptions set, changed or lifted (``None``)."""
    data = {
        key: draft.get(key)
        for key in sorted(set(stored) | set(draft))
        if draft.get(key) != stored.get(key) and (key in draft or stored.get(key) is not None)
    }
    skips: dict[str, str | None] = {
        key: exemptions.get(key)
        for key in sorted(set(stored_exemptions) | set(exemptions))
        if exemptions.get(key) != stored_exemptions.get(key)
    }
    return data, skips
