"""Replay a recorded case through a plan: the same ``advance()`` the runtime
ran, on a virtual clock (each event at the time it happened), effects
collected and never performed.

A recorded case is what the runtime's history holds: the record as the case
found it, then per event the event itself and the lines the live step
wrote (conditions and their values, assignments, decisions…). Replaying the
version that ran must give the same lines; the first line that differs is
the case's divergence, which the sandbox reports (for the baseline: a
determinism failure or a history that cannot be trusted; for a draft: where
its path leaves the old one).

Pure: no clock, no I/O; the people come in as a directory.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import msgspec

from builder.advance import advance
from components.engine import (
    Directory,
    Effect,
    Event,
    InstanceState,
    Noted,
    Plan,
    RecordSnapshot,
    Refused,
)

__all__ = ["Divergence", "Line", "RecordedCase", "RecordedStep", "Replay", "replay"]


@dataclass(frozen=True)
class Line:
    """One history line, as compared: its kind, node and data."""

    kind: str
    node: str | None
    data: Any

    @classmethod
    def of(cls, note: Noted) -> Line:
        return cls(note.kind, note.node, msgspec.to_builtins(note.data))


@dataclass(frozen=True)
class RecordedStep:
    at: datetime
    event: Event
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class RecordedCase:
    id: str
    record: RecordSnapshot | None
    steps: tuple[RecordedStep, ...]

    @property
    def path(self) -> list[str]:
        """The nodes the case passed through, as history says."""
        return [
            line.node
            for step in self.steps
            for line in step.lines
            if line.kind == "entered" and line.node
        ]


@dataclass(frozen=True)
class Divergence:
    """Where the replay first differs: the step (0-based), the line within
    it, what history says and what the replay did (None: no such line)."""

    step: int
    line: int
    at: datetime
    expected: Line | None
    got: Line | None


@dataclass
class Replay:
    case: str
    state: InstanceState
    effects: list[Effect] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    divergence: Divergence | None = None
    refused: str | None = None  # an event the plan would not take (its rule's code)

    @property
    def path(self) -> list[str]:
        """The nodes the replayed case passed through, in order."""
        return [line.node for line in self.lines if line.kind == "entered" and line.node]


def _first_difference(
    expected: Sequence[Line], got: Sequence[Line]
) -> tuple[int, Line | None, Line | None] | None:
    for index in range(max(len(expected), len(got))):
        want = expected[index] if index < len(expected) else None
        have = got[index] if index < len(got) else None
        if want != have:
            return index, want, have
    return None


def replay(plan: Plan, case: RecordedCase, directory: Directory) -> Replay:
    """Every recorded event through ``plan`` in order; stops comparing at the
    first divergence but keeps going while the plan accepts the events."""
    state = InstanceState(id=case.id, record=case.record)
    result = Replay(case=case.id, state=state)
    for number, step in enumerate(case.steps):
        if state.status != "running":
            if result.divergence is None:
                result.divergence = Divergence(
                    number, 0, step.at, step.lines[0] if step.lines else None, None
                )
            break
        try:
            state, effects = advance(plan, state, step.event, step.at, directory)
        except Refused as exc:
            result.refused = exc.code
            if result.divergence is None:
                result.divergence = Divergence(
                    number, 0, step.at, step.lines[0] if step.lines else None, None
                )
            break
        lines = [Line.of(e) for e in effects if isinstance(e, Noted)]
        result.effects += effects
        result.lines += lines
        if result.divergence is None:
            found = _first_difference(step.lines, lines)
            if found is not None:
                index, want, have = found
                result.divergence = Divergence(number, index, step.at, want, have)
    result.state = state
    return result
