"""The runtime's tables: cases (instances) and their history, human tasks,
timers, the outbox, the in-app inbox, incidents, delegations and the manual
clock.

An instance row holds workflow key, version and hash, never the plan; its
``state`` is the interpreter's small state (tokens, variables, step
counter) and ``revision`` guards it against two writers at once. The
history is append-only: the sandbox replays from it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from runtime.store.models import Base

__all__ = [
    "ClockSetting",
    "Delegation",
    "EventKey",
    "HistoryEntry",
    "Incident",
    "Instance",
    "Notification",
    "OutboxJob",
    "ScheduleRun",
    "Task",
    "TaskAssignee",
    "Timer",
]

ID = String(100)


class Instance(Base):
    """One case. ``status``: running, completed or cancelled (as the state
    says); ``incident`` is set while a step is stopped by an open incident."""

    __tablename__ = "instances"
    __table_args__ = (Index("ix_instances_workflow_status", "workflow", "status"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    workflow: Mapped[str] = mapped_column(String(63))
    variant: Mapped[str] = mapped_column(String(63))
    version: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(80))
    record_form: Mapped[str | None] = mapped_column(String(63))
    record_id: Mapped[int | None] = mapped_column(
        ForeignKey("records.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str | None] = mapped_column(String(63))
    state: Mapped[dict[str, Any]]
    revision: Mapped[int] = mapped_column(Integer, default=1)
    # Lines of history so far: the next line's seq, without a query.
    history_length: Mapped[int] = mapped_column(Integer, default=0)
    started_by: Mapped[str | None] = mapped_column(String(150))
    parent_id: Mapped[str | None] = mapped_column(String(40), index=True)
    parent_child: Mapped[str | None] = mapped_column(ID)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class HistoryEntry(Base):
    """One line of a case's history, in order (``seq``)."""

    __tablename__ = "instance_history"
    __table_args__ = (UniqueConstraint("instance_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[str] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(40))
    node: Mapped[str | None] = mapped_column(String(80))
    actor: Mapped[str | None] = mapped_column(String(150))
    data: Mapped[dict[str, Any]]


class EventKey(Base):
    """An idempotency key of an event sent to a case: the second send of the
    same key is answered from here and applies nothing."""

    __tablename__ = "event_keys"
    __table_args__ = (UniqueConstraint("instance_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[str] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime]


class Task(Base):
    """A human task or an approval level. ``status``: open, completed or
    cancelled. Assignees are rows of :class:`TaskAssignee` so that "mine" is
    an indexed lookup."""

    __tablename__ = "tasks"
    __table_args__ = (Index("ix_tasks_status_due", "status", "due_at"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    instance_id: Mapped[str] = mapped_column(
        ForeignKey("instances.id", ondelete="CASCADE"), index=True
    )
    workflow: Mapped[str] = mapped_column(String(63))
    node: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    form: Mapped[str | None] = mapped_column(String(63))
    fields: Mapped[dict[str, Any]]
    level: Mapped[int | None] = mapped_column(Integer)
    levels: Mapped[int | None] = mapped_column(Integer)
    mode: Mapped[str] = mapped_column(String(10))
    requester: Mapped[str | None] = mapped_column(String(150))
    claimed_by: Mapped[str | None] = mapped_column(String(150))
    record_form: Mapped[str | None] = mapped_column(String(63))
    record_id: Mapped[int | None] = mapped_column(Integer)
    due_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[str | None] = mapped_column(String(150))
    outcome: Mapped[str | None] = mapped_column(String(20))
    revision: Mapped[int] = mapped_column(Integer, default=1)


class TaskAssignee(Base):
    __tablename__ = "task_assignees"

    task_id: Mapped[str] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True
    )
    username: Mapped[str] = mapped_column(String(150), primary_key=True, index=True)


class Timer(Base):
    """A deadline, reminder or wait of a token; fired once by whoever claims it."""

    __tablename__ = "timers"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    instance_id: Mapped[str] = mapped_column(
        ForeignKey("instances.id", ondelete="CASCADE"), index=True
    )
    token: Mapped[str] = mapped_column(ID)
    purpose: Mapped[str] = mapped_column(String(40))
    due_at: Mapped[datetime] = mapped_column(index=True)


class OutboxJob(Base):
    """Anything that leaves the process: e-mail, robots, SMS, webhooks, and
    scripts (run in a child process). ``status``: pending, running, sent,
    failed. A worker takes a job by setting a lease (``lease_until``,
    ``lease_token``); a worker that dies leaves the lease to run out and the
    job runs again; only the holder of the lease may record the result."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next", "status", "next_attempt_at"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    instance_id: Mapped[str | None] = mapped_column(
        ForeignKey("instances.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    payload: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=1)
    next_attempt_at: Mapped[datetime]
    lease_until: Mapped[datetime | None]
    lease_token: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime]
    done_at: Mapped[datetime | None]


class Notification(Base):
    """An in-app message, already rendered through the recipient's field
    permissions. One per (notice, recipient): a notice applied twice cannot
    reach anyone twice."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("notice", "username"),
        Index("ix_notifications_username_created", "username", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notice: Mapped[str] = mapped_column(ID)
    username: Mapped[str] = mapped_column(String(150))
    instance_id: Mapped[str | None] = mapped_column(String(40))
    task_id: Mapped[str | None] = mapped_column(ID)
    subject: Mapped[dict[str, Any]]
    message: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]


class Incident(Base):
    """A step that failed (an expression, a script, a webhook, a message) and
    waits for a person: ``status`` open or resolved; retry runs it again."""

    __tablename__ = "incidents"
    __table_args__ = (Index("ix_incidents_status_created", "status", "created_at"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    instance_id: Mapped[str | None] = mapped_column(
        ForeignKey("instances.id", ondelete="CASCADE"), index=True
    )
    workflow: Mapped[str | None] = mapped_column(String(63))
    node: Mapped[str | None] = mapped_column(String(80))
    token: Mapped[str | None] = mapped_column(ID)
    job_id: Mapped[str | None] = mapped_column(ID)
    code: Mapped[str] = mapped_column(String(63))
    message: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    retries: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(String(150))


class Delegation(Base):
    """``username`` is away; ``delegate`` decides for them in that time."""

    __tablename__ = "delegations"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(150), index=True)
    delegate: Mapped[str] = mapped_column(String(150))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(String(500))
    created_by: Mapped[str] = mapped_column(String(150))
    created_at: Mapped[datetime]


class ScheduleRun(Base):
    """One occurrence of a scheduled start that was taken: the unique key lets
    only one of several workers start the case for it."""

    __tablename__ = "schedule_runs"
    __table_args__ = (UniqueConstraint("workflow", "node", "fire_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workflow: Mapped[str] = mapped_column(String(63))
    node: Mapped[str] = mapped_column(String(80))
    fire_at: Mapped[datetime]
    instance_id: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime]


class ClockSetting(Base):
    """The manual clock's time (TRELLIS_CLOCK=manual), so that the API and the
    worker processes agree on it."""

    __tablename__ = "manual_clock"

    id: Mapped[int] = mapped_column(primary_key=True)
    now: Mapped[datetime]
