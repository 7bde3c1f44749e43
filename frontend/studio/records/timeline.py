"""A record's history as a timeline: who changed what, when, before → after. Pure.

The API masks the history for the caller: changes of fields they may not see
are absent, only counted in ``masked``. The timeline shows that count ("2
hidden changes"), never the names, so nothing about a hidden field reaches the
page but the fact that it changed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from studio.api import HistoryItem
from studio.labels import text
from studio.records import fields as form_fields

__all__ = ["Change", "Entry", "timeline"]

ACTIONS = {"record.create": "records.action_create", "record.update": "records.action_update"}
NOTHING = "—"


@dataclass
class Change:
    name: str  # the field's label in the user's language
    before: str  # "" when there was no before (the record was created)
    after: str


@dataclass
class Entry:
    seq: int
    at: str
    actor: str
    action: str  # in words
    changes: list[Change] = field(default_factory=list)
    hidden: str = ""  # "2 hidden changes", or ""
    version: str = ""  # "form version 3"


def _value(spec: Mapping[str, Any], value: Any, language: str) -> str:
    return form_fields.shown_text(spec, value, language) or NOTHING


def _skipped(reason: Any, reasons: Mapping[str, str], language: str) -> str:
    if reason is None:
        return NOTHING
    why = reasons.get(str(reason), str(reason))
    return text(language, "records.skipped_because", reason=why)


def _changes(item: HistoryItem, document: Mapping[str, Any], language: str) -> list[Change]:
    specs = form_fields.field_map(document)
    rank = {key: i for i, key in enumerate(specs)}
    reasons = {o.value: o.label for o in form_fields.reasons(document, language)}

    def in_order(pairs: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
        return sorted(pairs.items(), key=lambda kv: (rank.get(kv[0], len(rank)), kv[0]))

    def called(key: str) -> str:
        return form_fields.label(specs.get(key) or {"key": key}, language)

    created = item.action == "record.create"  # nothing was there before: no "— →"
    lines = [
        Change(
            name=called(key),
            before="" if created else _value(specs.get(key) or {}, pair.get("before"), language),
            after=_value(specs.get(key) or {}, pair.get("after"), language),
        )
        for key, pair in in_order(item.changes)
    ]
    lines += [
        Change(
            name=called(key),
            before="" if created else _skipped(pair.get("before"), reasons, language),
            after=_skipped(pair.get("after"), reasons, language),
        )
        for key, pair in in_order(item.exemptions)
    ]
    return lines


def _hidden(count: int, language: str) -> str:
    if not count:
        return ""
    if count == 1:
        return text(language, "records.hidden_one")
    return text(language, "records.hidden_many", n=count)


def timeline(
    items: Sequence[HistoryItem], document: Mapping[str, Any], language: str
) -> list[Entry]:
    """The entries newest first, in the user's language, values as the form shows them."""
    return [
        Entry(
            seq=item.seq,
            at=item.at,
            actor=item.actor,
            action=text(language, ACTIONS[item.action]) if item.action in ACTIONS else item.action,
            changes=_changes(item, document, language),
            hidden=_hidden(len(item.masked), language),
            version=text(language, "records.form_version", n=item.form_version)
            if item.form_version
            else "",
        )
        for item in sorted(items, key=lambda i: i.seq, reverse=True)
    ]
