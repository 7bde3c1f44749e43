"""The sandbox (issue 7): imported histories.

- ``sandbox_datasets``: name, format, the field mapping, the hash of the
  cases as read, counts and the import report.
- ``sandbox_dataset_cases``: one row per case, its record fields and its
  events (a JSON array) in time order.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# Frozen here on purpose: a migration must not change when the models do.
JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TIME = sa.DateTime(timezone=True)

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sandbox_datasets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("mapping", JSON_DOCUMENT, nullable=False),
        sa.Column("hash", sa.String(length=80), nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("report", JSON_DOCUMENT, nullable=False),
        sa.Column("created_by", sa.String(length=150), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sandbox_datasets")),
    )
    op.create_table(
        "sandbox_dataset_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("case_key", sa.String(length=200), nullable=False),
        sa.Column("fields", JSON_DOCUMENT, nullable=False),
        sa.Column("events", JSON_DOCUMENT, nullable=False),
        sa.Column("started_at", TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["sandbox_datasets.id"],
            name=op.f("fk_sandbox_dataset_cases_dataset_id_sandbox_datasets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sandbox_dataset_cases")),
        sa.UniqueConstraint(
            "dataset_id", "case_key", name=op.f("uq_sandbox_dataset_cases_dataset_id")
        ),
    )
    with op.batch_alter_table("sandbox_dataset_cases", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sandbox_dataset_cases_dataset_id"), ["dataset_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("sandbox_dataset_cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sandbox_dataset_cases_dataset_id"))
    op.drop_table("sandbox_dataset_cases")
    op.drop_table("sandbox_datasets")
