"""Where a run's history comes from, as the simulation reads it: the cases of
an imported dataset, or the runtime's own cases of a workflow version over
a window. Each source gives histories and the people who acted in them.

An imported log rarely names people the runtime knows (BPIC 2020 calls
everyone "STAFF MEMBER"), so its people are made up from it: one member per
role and actor, named ``role:actor``, holding that role. The runtime's own
history uses the organisation as it is now."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.orm import Session

from builder.directory import Snapshot
from builder.replay import RecordedCase
from builder.simulate import Happening, History, task_role
from components.engine import (
    Cancel,
    Decided,
    Delegation,
    Member,
    Plan,
    RecordSnapshot,
    Signal,
    Start,
    TaskCompleted,
)
from runtime.sandbox.datasets import HistoryEvent
from runtime.sandbox.history import recorded_cases
from runtime.store.sandbox_models import DatasetCase

__all__ = [
    "dataset_histories",
    "imported_history",
    "people_now",
    "roles_named",
    "runtime_histories",
    "synthetic_people",
]

_EVENTS = msgspec.json.Decoder(list[HistoryEvent])


def _person(role: str | None, actor: str | None) -> str:
    return f"{role}:{actor or 'someone'}" if role else actor or "someone"


def imported_history(
    key: str, fields: dict[str, Any], events: Sequence[HistoryEvent], form: str | None
) -> History:
    """One imported case: the first event starts it; decisions, named events
    and the rest follow, each having waited since the one before."""
    happenings: list[Happening] = []
    previous: datetime | None = None
    for index, event in enumerate(events):
        waited = (event.at - previous).total_seconds() if previous is not None else 0.0
        previous = event.at
        if index == 0:
            kind = "start"
        elif event.signal:
            kind = "signal"
        elif event.decision:
            kind = "decision"
        else:
            kind = "other"
        happenings.append(
            Happening(
                at=event.at,
                waited=waited,
                kind=kind,  # type: ignore[arg-type]
                name=event.name,
                role=event.role,
                actor=_person(event.role, event.actor),
                decision=event.decision,
                signal=event.signal,
            )
        )
    record = RecordSnapshot(id=0, form=form or "", data=dict(fields))
    return History(key=key, record=record, happenings=tuple(happenings))


def roles_named(*documents: dict[str, Any]) -> set[str]:
    """Every role a workflow's steps ask for (approval levels, assignees)."""
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            role = value.get("role")
            if isinstance(role, str):
                found.add(role)
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for document in documents:
        for node in document.get("nodes", []) or []:
            if isinstance(node, dict):
                walk(node.get("config"))
    return found


def synthetic_people(histories: Iterable[History], roles: Iterable[str] = ()) -> Snapshot:
    """One member per role and actor of the history; a role the workflows
    ask for that nobody in history held gets a stand-in, ``role:anyone``,
    so that a new step has someone to ask (its answer comes from a policy)."""
    roles_of: dict[str, set[str]] = {}
    for history in histories:
        for happening in history.happenings:
            if happening.actor:
                held = roles_of.setdefault(happening.actor, set())
                if happening.role:
                    held.add(happening.role)
    staffed = {role for held in roles_of.values() for role in held}
    for role in sorted(set(roles) - staffed):
        roles_of[f"{role}:anyone"] = {role}
    return Snapshot.of(
        Member(username=name, roles=frozenset(held)) for name, held in roles_of.items()
    )


def dataset_histories(session: Session, dataset_id: int, form: str | None) -> list[History]:
    rows = session.execute(
        select(DatasetCase.case_key, DatasetCase.fields, DatasetCase.events)
        .where(DatasetCase.dataset_id == dataset_id)
        .order_by(DatasetCase.started_at, DatasetCase.case_key)
    )
    return [
        imported_history(key, fields or {}, _EVENTS.decode(msgspec.json.encode(events)), form)
        for key, fields, events in rows
    ]


def _runtime_history(case: RecordedCase, plan: Plan | None = None) -> History:
    """A recorded case as happenings: its start, the decisions and
    completions of its tasks (node and level known, timed from when the
    task was assigned; the role as the version that ran asked it), the
    named events it received (timed from when the wait was entered) and a
    cancellation."""
    opened: dict[str, tuple[datetime, str | None, int | None]] = {}
    entered: dict[str, datetime] = {}  # signal name -> when a wait for it began
    happenings: list[Happening] = []
    previous: datetime | None = None
    for step in case.steps:
        event = step.event
        since = previous or step.at
        if isinstance(event, Start):
            happenings.append(
                Happening(at=step.at, waited=0.0, kind="start", actor=event.by, data=event.data)
            )
        elif isinstance(event, (Decided, TaskCompleted)):
            at, node, level = opened.get(event.task, (since, None, None))
            role = task_role(plan, node, level) if plan is not None and node in plan.nodes else None
            decided = isinstance(event, Decided)
            happenings.append(
                Happening(
                    at=step.at,
                    waited=(step.at - at).total_seconds(),
                    kind="decision" if decided else "completion",
                    role=role,
                    actor=event.by,
                    decision=event.decision if isinstance(event, Decided) else None,
                    node=node,
                    level=level,
                    data=event.data if isinstance(event, TaskCompleted) else None,
                    back_to=event.level if isinstance(event, Decided) else None,
                )
            )
        elif isinstance(event, Cancel):
            happenings.append(
                Happening(
                    at=step.at,
                    waited=(step.at - since).total_seconds(),
                    kind="cancel",
                    actor=event.by,
                    name=event.reason,
                )
            )
        elif isinstance(event, Signal):
            began = entered.pop(event.name, since)
            happenings.append(
                Happening(
                    at=step.at,
                    waited=(step.at - began).total_seconds(),
                    kind="signal",
                    signal=event.name,
                    data=event.payload,
                )
            )
        for line in step.lines:
            if line.kind == "assigned" and isinstance(line.data, dict):
                task = line.data.get("task")
                if isinstance(task, str):
                    opened[task] = (step.at, line.node, line.data.get("level"))
            elif line.kind == "entered" and plan is not None and line.node in plan.nodes:
                config = plan.nodes[line.node].config
                if getattr(config, "until", None) == "event" and getattr(config, "event", None):
                    entered.setdefault(str(config.event), step.at)
        previous = step.at
    return History(key=case.id, record=case.record, happenings=tuple(happenings))


def runtime_histories(
    session: Session,
    workflow: str,
    version: int,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    plan: Plan | None = None,
) -> list[History]:
    """``plan``: the version that ran, to know each task's role."""
    return [
        _runtime_history(case, plan)
        for case in recorded_cases(session, workflow, version, since=since, until=until)
        if case.steps
    ]


def people_now(session: Session) -> Snapshot:
    """The organisation as it is now, as a snapshot a pool can share."""
    from runtime.engine.directory import member_of
    from runtime.store.engine_models import Delegation as DelegationRow
    from runtime.store.models import User
    from runtime.store.people.lookups import people_of, people_query

    people = people_of(session, people_query().where(User.is_active.is_(True)))
    delegations = [
        Delegation(
            user=row.username, delegate=row.delegate, starts_at=row.starts_at, ends_at=row.ends_at
        )
        for row in session.scalars(select(DelegationRow).order_by(DelegationRow.id))
    ]
    return Snapshot.of([member_of(one) for one in people], delegations)
