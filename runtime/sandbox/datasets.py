"""Imported history: a CSV or JSON file of past events read through a field
mapping into cases, each an ordered list of events.

The mapping says which column holds the case id, the timestamp and the
event's name, and optionally the actor, the actor's role, a decision and
an outcome, and which columns are fields of the case's record (taken from
its first event). Its vocabulary says what the events mean to a workflow:
which event names are decisions (``approve``/``reject``, by glob), which are
named events a wait step listens for, which role values are which roles,
and ``flags``: record fields set to ``yes`` when the case has an event
matching one of their globs (routing facts a log only shows through what
happened, such as "went to the budget owner").

Reading is all or nothing: a mapping that names a missing column, a
timestamp that does not parse or a case without an id is an error naming
the column and the line, and nothing is returned. Events out
of order within a case are put in time order (stable: the file's order
breaks ties) and exact duplicates are dropped; the report counts both.

Pure: text in, cases out; the store and the CLI do the I/O.
"""

from __future__ import annotations

import csv
import fnmatch
import hashlib
import io
import json
import re
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
Glob = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
SignalName = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_.-]{0,62}$")]
RoleKey = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_-]{0,62}$")]
FieldKey = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]{0,62}$")]
Decision = Literal["approve", "reject", "return"]


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
    decisions: dict[Glob, Decision] = msgspec.field(default_factory=dict)
    signals: dict[Glob, SignalName] = msgspec.field(default_factory=dict)
    roles: dict[Column, RoleKey] = msgspec.field(default_factory=dict)
    flags: dict[FieldKey, list[Glob]] = msgspec.field(default_factory=dict)

    def role_of(self, value: str | None) -> str | None:
        """A role value as a role key: as the mapping says, else lower case
        with other characters as ``_`` (``BUDGET OWNER`` -> ``budget_owner``)."""
        if value is None:
            return None
        if value in self.roles:
            return self.roles[value]
        key = re.sub(r"[^a-z0-9]+", "_", value.lower()).strip("_")
        return key if key and key[0].isalpha() else f"r_{key}" if key else None

    def decision_of(self, name: str, value: str | None) -> str | None:
        """The decision an event stands for: the decision column's value
        (translated by the globs when one matches), else the event name's."""
        for subject in (value, name) if value else (name,):
            for pattern, decision in self.decisions.items():
                if fnmatch.fnmatchcase(subject, pattern):
                    return decision
        return value

    def signal_of(self, name: str) -> str | None:
        for pattern, signal in self.signals.items():
            if fnmatch.fnmatchcase(name, pattern):
                return signal
        return None

    def flagged(self, names: Iterable[str]) -> dict[str, str]:
        seen = set(names)
        return {
            flag: "yes"
            if any(fnmatch.fnmatchcase(name, g) for g in globs for name in seen)
            else "no"
            for flag, globs in self.flags.items()
        }

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
    signal: str | None = None


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
    vocabulary: dict[str, tuple[str | None, str | None]] = {}
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

        name = cell(mapping.event) or ""
        meaning = vocabulary.get(name)
        if meaning is None:
            meaning = vocabulary[name] = (
                mapping.decision_of(name, None),
                mapping.signal_of(name),
            )
        event = HistoryEvent(
            at=moment,
            name=name,
            actor=cell(mapping.actor),
            role=mapping.role_of(cell(mapping.role)),
            decision=mapping.decision_of(name, cell(mapping.decision))
            if mapping.decision
            else meaning[0],
            outcome=cell(mapping.outcome),
            signal=meaning[1],
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
        if mapping.flags:
            cases[key].fields.update(mapping.flagged(event.name for event in cases[key].events))
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
