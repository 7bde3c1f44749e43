"""The runtime (issue 6): cases and their history, tasks, timers, outbox,
inbox, incidents, delegations and the manual clock's time; users gain a
phone number for SMS notices.

- ``instances`` (key, version and hash of the plan, never the plan itself;
  the interpreter's small state; a revision against concurrent writers) and
  the append-only ``instance_history``; ``event_keys`` for idempotency.
- ``tasks`` and ``task_assignees``; ``timers``; ``outbox`` (leases for
  workers); ``notifications`` (one per notice and recipient); ``incidents``;
  ``delegations``; ``manual_clock``.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# Frozen here on purpose: a migration must not change when the models do.
JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TIME = sa.DateTime(timezone=True)

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("phone", sa.String(length=40), nullable=False, server_default="")
        )
    op.create_table(
        "delegations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=150), nullable=False),
        sa.Column("delegate", sa.String(length=150), nullable=False),
        sa.Column("starts_at", TIME, nullable=False),
        sa.Column("ends_at", TIME, nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("created_by", sa.String(length=150), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delegations")),
    )
    with op.batch_alter_table("delegations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delegations_username"), ["username"], unique=False)

    op.create_table(
        "manual_clock",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("now", TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_manual_clock")),
    )
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice", sa.String(length=100), nullable=False),
        sa.Column("username", sa.String(length=150), nullable=False),
        sa.Column("instance_id", sa.String(length=40), nullable=True),
        sa.Column("task_id", sa.String(length=100), nullable=True),
        sa.Column("subject", JSON_DOCUMENT, nullable=False),
        sa.Column("message", JSON_DOCUMENT, nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("read_at", TIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("notice", "username", name=op.f("uq_notifications_notice")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(
            "ix_notifications_username_created", ["username", "created_at"], unique=False
        )

    op.create_table(
        "instances",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("workflow", sa.String(length=63), nullable=False),
        sa.Column("variant", sa.String(length=63), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=80), nullable=False),
        sa.Column("record_form", sa.String(length=63), nullable=True),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.String(length=63), nullable=True),
        sa.Column("state", JSON_DOCUMENT, nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("history_length", sa.Integer(), nullable=False),
        sa.Column("started_by", sa.String(length=150), nullable=True),
        sa.Column("parent_id", sa.String(length=40), nullable=True),
        sa.Column("parent_child", sa.String(length=100), nullable=True),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.Column("ended_at", TIME, nullable=True),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["records.id"],
            name=op.f("fk_instances_record_id_records"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instances")),
    )
    with op.batch_alter_table("instances", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_instances_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_instances_record_id"), ["record_id"], unique=False)
        batch_op.create_index("ix_instances_workflow_status", ["workflow", "status"], unique=False)

    op.create_table(
        "event_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("at", TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["instances.id"],
            name=op.f("fk_event_keys_instance_id_instances"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_keys")),
        sa.UniqueConstraint("instance_id", "key", name=op.f("uq_event_keys_instance_id")),
    )
    op.create_table(
        "incidents",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("instance_id", sa.String(length=40), nullable=True),
        sa.Column("workflow", sa.String(length=63), nullable=True),
        sa.Column("node", sa.String(length=80), nullable=True),
        sa.Column("token", sa.String(length=100), nullable=True),
        sa.Column("job_id", sa.String(length=100), nullable=True),
        sa.Column("code", sa.String(length=63), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("retries", sa.Integer(), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("resolved_at", TIME, nullable=True),
        sa.Column("resolved_by", sa.String(length=150), nullable=True),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["instances.id"],
            name=op.f("fk_incidents_instance_id_instances"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
    )
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incidents_instance_id"), ["instance_id"], unique=False)
        batch_op.create_index("ix_incidents_status_created", ["status", "created_at"], unique=False)

    op.create_table(
        "instance_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.String(length=40), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", TIME, nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("node", sa.String(length=80), nullable=True),
        sa.Column("actor", sa.String(length=150), nullable=True),
        sa.Column("data", JSON_DOCUMENT, nullable=False),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["instances.id"],
            name=op.f("fk_instance_history_instance_id_instances"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instance_history")),
        sa.UniqueConstraint("instance_id", "seq", name=op.f("uq_instance_history_instance_id")),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("instance_id", sa.String(length=40), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("payload", JSON_DOCUMENT, nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", TIME, nullable=False),
        sa.Column("lease_until", TIME, nullable=True),
        sa.Column("lease_token", sa.String(length=64), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("result", JSON_DOCUMENT, nullable=True),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("done_at", TIME, nullable=True),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["instances.id"],
            name=op.f("fk_outbox_instance_id_instances"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_instance_id"), ["instance_id"], unique=False)
        batch_op.create_index("ix_outbox_status_next", ["status", "next_attempt_at"], unique=False)

    op.create_table(
        "tasks",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("instance_id", sa.String(length=40), nullable=False),
        sa.Column("workflow", sa.String(length=63), nullable=False),
        sa.Column("node", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("form", sa.String(length=63), nullable=True),
        sa.Column("fields", JSON_DOCUMENT, nullable=False),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("levels", sa.Integer(), nullable=True),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.Column("requester", sa.String(length=150), nullable=True),
        sa.Column("claimed_by", sa.String(length=150), nullable=True),
        sa.Column("record_form", sa.String(length=63), nullable=True),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("due_at", TIME, nullable=True),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("closed_at", TIME, nullable=True),
        sa.Column("closed_by", sa.String(length=150), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["instances.id"],
            name=op.f("fk_tasks_instance_id_instances"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
    )
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tasks_instance_id"), ["instance_id"], unique=False)
        batch_op.create_index("ix_tasks_status_due", ["status", "due_at"], unique=False)

    op.create_table(
        "timers",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("instance_id", sa.String(length=40), nullable=False),
        sa.Column("token", sa.String(length=100), nullable=False),
        sa.Column("purpose", sa.String(length=40), nullable=False),
        sa.Column("due_at", TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["instances.id"],
            name=op.f("fk_timers_instance_id_instances"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_timers")),
    )
    with op.batch_alter_table("timers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_timers_due_at"), ["due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_timers_instance_id"), ["instance_id"], unique=False)

    op.create_table(
        "task_assignees",
        sa.Column("task_id", sa.String(length=100), nullable=False),
        sa.Column("username", sa.String(length=150), nullable=False),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["tasks.id"],
            name=op.f("fk_task_assignees_task_id_tasks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("task_id", "username", name=op.f("pk_task_assignees")),
    )
    with op.batch_alter_table("task_assignees", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_task_assignees_username"), ["username"], unique=False)
    op.create_table(
        "schedule_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workflow", sa.String(length=63), nullable=False),
        sa.Column("node", sa.String(length=80), nullable=False),
        sa.Column("fire_at", TIME, nullable=False),
        sa.Column("instance_id", sa.String(length=40), nullable=True),
        sa.Column("created_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedule_runs")),
        sa.UniqueConstraint("workflow", "node", "fire_at", name=op.f("uq_schedule_runs_workflow")),
    )


def downgrade() -> None:
    op.drop_table("schedule_runs")
    with op.batch_alter_table("task_assignees", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_task_assignees_username"))

    op.drop_table("task_assignees")
    with op.batch_alter_table("timers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_timers_instance_id"))
        batch_op.drop_index(batch_op.f("ix_timers_due_at"))

    op.drop_table("timers")
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_tasks_status_due")
        batch_op.drop_index(batch_op.f("ix_tasks_instance_id"))

    op.drop_table("tasks")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_status_next")
        batch_op.drop_index(batch_op.f("ix_outbox_instance_id"))

    op.drop_table("outbox")
    op.drop_table("instance_history")
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_incidents_status_created")
        batch_op.drop_index(batch_op.f("ix_incidents_instance_id"))

    op.drop_table("incidents")
    op.drop_table("event_keys")
    with op.batch_alter_table("instances", schema=None) as batch_op:
        batch_op.drop_index("ix_instances_workflow_status")
        batch_op.drop_index(batch_op.f("ix_instances_record_id"))
        batch_op.drop_index(batch_op.f("ix_instances_parent_id"))

    op.drop_table("instances")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_username_created")

    op.drop_table("notifications")
    op.drop_table("manual_clock")
    with op.batch_alter_table("delegations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delegations_username"))

    op.drop_table("delegations")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("phone")
