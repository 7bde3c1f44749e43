"""The runtime's own history as the sandbox reads it: recorded cases of one
workflow version, and whether replaying that version reproduces them.

Each case is read from ``instance_history``: the ``record`` line (the
record as the case found it), then per ``event`` line the event and the
lines its step wrote. Reading only; a replay writes nowhere."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.orm import Session

from builder.replay import Line, RecordedCase, RecordedStep, Replay, replay
from components.engine import Event, RecordSnapshot
from runtime.engine.directory import LiveDirectory
from runtime.engine.plans import plan_of
from runtime.store.engine_models import HistoryEntry, Instance

__all__ = ["Reproduction", "recorded_cases", "reproduce"]

_EVENT = msgspec.json.Decoder(Event)


def _case(instance_id: str, entries: list[HistoryEntry]) -> RecordedCase:
    record: RecordSnapshot | None = None
    steps: list[RecordedStep] = []
    current: tuple[datetime, Event, list[Line]] | None = None
    for entry in entries:
        if entry.kind == "record" and not steps and current is None:
            record = msgspec.convert(entry.data, RecordSnapshot)
            continue
        if entry.kind == "event":
            if current is not None:
                steps.append(RecordedStep(current[0], current[1], tuple(current[2])))
            event = _EVENT.decode(msgspec.json.encode(entry.data))
            current = (entry.at, event, [Line(entry.kind, entry.node, entry.data)])
        elif current is not None:
            current[2].append(Line(entry.kind, entry.node, entry.data))
    if current is not None:
        steps.append(RecordedStep(current[0], current[1], tuple(current[2])))
    return RecordedCase(instance_id, record, tuple(steps))


def recorded_cases(
    session: Session,
    workflow: str,
    version: int,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[RecordedCase]:
    """The cases of ``workflow`` version ``version`` started in the window."""
    query = select(Instance.id).where(Instance.workflow == workflow, Instance.version == version)
    if since is not None:
        query = query.where(Instance.created_at >= since)
    if until is not None:
        query = query.where(Instance.created_at < until)
    ids = list(session.scalars(query.order_by(Instance.created_at, Instance.id)))
    grouped: dict[str, list[HistoryEntry]] = {case_id: [] for case_id in ids}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for entry in session.scalars(
            select(HistoryEntry)
            .where(HistoryEntry.instance_id.in_(chunk))
            .order_by(HistoryEntry.instance_id, HistoryEntry.seq)
        ):
            grouped[entry.instance_id].append(entry)
    return [_case(case_id, grouped[case_id]) for case_id in ids]


@dataclass(frozen=True)
class Reproduction:
    cases: int
    reproduced: int
    replays: list[Replay]

    @property
    def mismatches(self) -> list[Replay]:
        return [r for r in self.replays if r.divergence is not None]

    def summary(self) -> dict[str, Any]:
        return {
            "cases": self.cases,
            "reproduced": self.reproduced,
            "mismatched": self.cases - self.reproduced,
            "share_reproduced": round(self.reproduced / self.cases, 4) if self.cases else None,
        }


def reproduce(
    session: Session, workflow: str, version: int, *, since: datetime | None = None
) -> Reproduction:
    """Replay version ``version`` over its own history: every case should
    come out exactly as it happened (people as they are now: someone who
    changed role since is a mismatch, named with its first diverging line)."""
    row = session.execute(
        select(Instance.hash).where(Instance.workflow == workflow, Instance.version == version)
    ).first()
    if row is None:
        return Reproduction(0, 0, [])
    plan = plan_of(session, workflow, version, row.hash)
    people = LiveDirectory(session)
    replays = [
        replay(plan, case, people)
        for case in recorded_cases(session, workflow, version, since=since)
    ]
    reproduced = sum(1 for r in replays if r.divergence is None)
    return Reproduction(len(replays), reproduced, replays)
