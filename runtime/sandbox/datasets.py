"""Imported history: a CSV or JSON file of past events read through a field
mapping into cases, each an ordered list of events.

The mapping says which column holds the case id, the timestamp and the
event's name, and optionally the actor, the actor's role, a decision and
an outcome, and which columns are fields of the case's record (taken from
its first event). Reading is all or nothing: a mapping that names a missing
column, a timestamp that does not parse or a case without an id is an
error naming the column and the line, and nothing is returned. Events out
of order within a case are put in time order (stable: the file's order
breaks ties) and exact duplicates are dropped; the report counts both.

Pure: text in, cases out; the store and the CLI do the I/O.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

import msgspec

from builder.errors import Error, error

__all__ = [
    "MAX_ERRORS",
    "DatasetError",
    "FieldMapping",
    "HistoryCase",
    "HistoryEvent",
    "Parsed",
    "parse_history",
]

# Errors listed before the reading stops (a file with a bad column would
# otherwise give one error per line).
MAX_ERRORS = 50

Column = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class FieldMapping(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Which column is what. ``fields`` are copied into the case's record."""

    case_id: Column
    timestamp: Column
    event: Column
    actor: Column | None = None
    role: Column | None = None
    decision: Column | None = None
    outcome: Column | None = None
    fields: list[Column] = msgspec.field(default_factory=list)

    def columns(self) -> dict[str, str]:
        """Mapping key (as its pointer names it) -> column."""
        named = {
            "case_id": self.case_id,
            "timestamp": self.timestamp,
            "event": self.event,
            "actor": self.actor,
            "role": self.role,
            "decision": self.decision,
            "outcome": self.outcome,
        }
        found = {key: column for key, column in named.items() if column}
        found.update({f"fields/{i}": column for i, column in enumerate(self.fields)})
        return found


class HistoryEvent(msgspec.Struct, array_like=True, omit_defaults=True):
    """One event, stored compactly (a JSON array per event)."""

    at: datetime
    name: str
    actor: str | None = None
    role: str | None = None
    decision: str | None = None
    outcome: str | None = None


@dataclass
class HistoryCase:
    key: str
    fields: dict[str, Any]
    events: list[HistoryEvent] = field(default_factory=list)


@dataclass(frozen=True)
class Parsed:
    cases: list[HistoryCase]
    events: int
    reordered: int  # cases whose events the file did not have in time order
    duplicates: int  # exact repeats dropped
    hash: str  # of the cases as read: the same history gives the same hash

    def report(self) -> dict[str, int]:
        return {
            "cases": len(self.cases),
            "events": self.events,
            "reordered_cases": self.reordered,
            "duplicates_dropped": self.duplicates,
        }


class DatasetError(ValueError):
    def __init__(self, errors: list[Error]) -> None:
        super().__init__(errors[0].message["en"] if errors else "invalid dataset")
        self.errors = errors


def _moment(text: str) -> datetime:
    value = text.strip()
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError("no offset (write 2020-01-31T09:00:00Z or +08:00)")
    return moment.astimezone(UTC)


def _number_or_text(value: str) -> Any:
    """Case fields: numbers become numbers (amounts compare as amounts)."""
    try:
        number = float(value)
    except ValueError:
        return value
    return int(number) if number.is_integer() and "." not in value else number


def _rows(text: str, kind: Literal["csv", "json"]) -> tuple[list[str], Iterator[dict[str, Any]]]:
    """The columns and the rows of the file; each row's line number is its
    position (header = line 1 for CSV, element 0 = line 1 for JSON)."""
    if kind == "csv":
        reader = csv.DictReader(io.StringIO(text, newline=""))
        return list(reader.fieldnames or []), iter(reader)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DatasetError(
            [error("", "malformed_json", detail=f"line {exc.lineno}: {exc.msg}")]
        ) from None
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise DatasetError([error("", "invalid", detail="a JSON history is a list of objects")])
    columns = sorted({key for item in data for key in item})
    return columns, iter({k: "" if v is None else str(v) for k, v in item.items()} for item in data)


def _at(kind: str, index: int) -> int:
    """The line of a row in the file, as people count it."""
    return index + 2 if kind == "csv" else index + 1


def parse_history(text: str, mapping: FieldMapping, kind: Literal["csv", "json"] = "csv") -> Parsed:
    columns, rows = _rows(text, kind)
    known = set(columns)
    missing = [
        error(f"/mapping/{key}", "invalid", detail=f"no column {column!r} in the file")
        for key, column in mapping.columns().items()
        if column not in known
    ]
    if missing:
        raise DatasetError(missing)
    errors: list[Error] = []
    cases: dict[str, HistoryCase] = {}
    seen: set[tuple[Any, ...]] = set()
    duplicates = 0
    order: dict[str, list[tuple[datetime, int, HistoryEvent]]] = {}
    count = 0
    for index, row in enumerate(rows):
        line = _at(kind, index)
        key = (row.get(mapping.case_id) or "").strip()
        if not key:
            errors.append(
                error(
                    f"/rows/{line}/{mapping.case_id}", "invalid", detail=f"line {line}: no case id"
                )
            )
        raw_time = row.get(mapping.timestamp) or ""
        try:
            moment = _moment(raw_time)
        except ValueError as exc:
            errors.append(
                error(
                    f"/rows/{line}/{mapping.timestamp}",
                    "invalid",
                    detail=f"line {line}, column {mapping.timestamp}: "
                    f"{raw_time!r} is not a time ({exc})",
                )
            )
            moment = None
        if len(errors) >= MAX_ERRORS:
            break
        if not key or moment is None:
            continue

        def cell(column: str | None, values: Mapping[str, Any] = row) -> str | None:
            value = (values.get(column) or "").strip() if column else ""
            return value or None

        event = HistoryEvent(
            at=moment,
            name=cell(mapping.event) or "",
            actor=cell(mapping.actor),
            role=cell(mapping.role),
            decision=cell(mapping.decision),
            outcome=cell(mapping.outcome),
        )
        identity = (key, moment, event.name, event.actor, event.role, event.decision)
        if identity in seen:
            duplicates += 1
            continue
        seen.add(identity)
        if key not in cases:
            cases[key] = HistoryCase(
                key=key,
                fields={
                    column: _number_or_text(row[column])
                    for column in mapping.fields
                    if (row.get(column) or "") != ""
                },
            )
        order.setdefault(key, []).append((moment, index, event))
        count += 1
    if errors:
        raise DatasetError(errors)
    reordered = 0
    for key, events in order.items():
        ordered = sorted(events, key=lambda item: (item[0], item[1]))
        if ordered != events:
            reordered += 1
        cases[key].events = [event for _, _, event in ordered]
    result = list(cases.values())
    return Parsed(
        cases=result,
        events=count,
        reordered=reordered,
        duplicates=duplicates,
        hash=_hash(result),
    )


_ENCODE = msgspec.json.Encoder(order="sorted")


def _hash(cases: Iterable[HistoryCase]) -> str:
    digest = hashlib.sha256()
    for case in cases:
        digest.update(_ENCODE.encode([case.key, case.fields, case.events]))
        digest.update(b"\n")
    return f"sha256:{digest.hexdigest()}"
