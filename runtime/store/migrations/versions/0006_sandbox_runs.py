"""The sandbox (issue 7): runs.

- ``sandbox_runs``: one replay of a history through a candidate and its
  baseline: its inputs (``spec``), status, progress, the report when it
  completed, the error when it failed.
- ``sandbox_run_cases``: per case of a completed run, both paths and where
  they part.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# Frozen here on purpose: a migration must not change when the models do.
JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TIME = sa.DateTime(timezone=True)

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sandbox_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workflow", sa.String(length=64), nullable=False),
        sa.Column("candidate_hash", sa.String(length=80), nullable=False),
        sa.Column("baseline_version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("spec", JSON_DOCUMENT, nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("cancel_requested", sa.Boolean(), nullable=False),
        sa.Column("report", JSON_DOCUMENT, nullable=True),
        sa.Column("error", JSON_DOCUMENT, nullable=True),
        sa.Column("created_by", sa.String(length=150), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("started_at", TIME, nullable=True),
        sa.Column("finished_at", TIME, nullable=True),
        sa.Column("claimed_until", TIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sandbox_runs")),
    )
    with op.batch_alter_table("sandbox_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sandbox_runs_workflow"), ["workflow"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_sandbox_runs_candidate_hash"), ["candidate_hash"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_sandbox_runs_status"), ["status"], unique=False)
    op.create_table(
        "sandbox_run_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("case_key", sa.String(length=200), nullable=False),
        sa.Column("changed", sa.Boolean(), nullable=False),
        sa.Column("reproduced", sa.Boolean(), nullable=False),
        sa.Column("tier", sa.String(length=1), nullable=False),
        sa.Column("result", JSON_DOCUMENT, nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["sandbox_runs.id"],
            name=op.f("fk_sandbox_run_cases_run_id_sandbox_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sandbox_run_cases")),
        sa.UniqueConstraint("run_id", "case_key", name=op.f("uq_sandbox_run_cases_run_id")),
    )
    with op.batch_alter_table("sandbox_run_cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sandbox_run_cases_run_id"), ["run_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sandbox_run_cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sandbox_run_cases_run_id"))
    op.drop_table("sandbox_run_cases")
    with op.batch_alter_table("sandbox_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sandbox_runs_status"))
        batch_op.drop_index(batch_op.f("ix_sandbox_runs_candidate_hash"))
        batch_op.drop_index(batch_op.f("ix_sandbox_runs_workflow"))
    op.drop_table("sandbox_runs")
