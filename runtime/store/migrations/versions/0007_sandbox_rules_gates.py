"""The sandbox (issue 7): compliance rules and publish gates.

- ``sandbox_rule_sets``: a workflow's compliance rules, one row per version.
- ``publish_gates``: variants that go live only with a completed sandbox
  run of exactly the content being made live.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# Frozen here on purpose: a migration must not change when the models do.
JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TIME = sa.DateTime(timezone=True)

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sandbox_rule_sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workflow", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("rules", JSON_DOCUMENT, nullable=False),
        sa.Column("message", sa.String(length=500), nullable=False),
        sa.Column("author", sa.String(length=150), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sandbox_rule_sets")),
        sa.UniqueConstraint("workflow", "version", name=op.f("uq_sandbox_rule_sets_workflow")),
    )
    with op.batch_alter_table("sandbox_rule_sets", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sandbox_rule_sets_workflow"), ["workflow"], unique=False
        )
    op.create_table(
        "publish_gates",
        sa.Column("workflow", sa.String(length=64), nullable=False),
        sa.Column("variant", sa.String(length=63), nullable=False),
        sa.Column("require_sandbox", sa.Boolean(), nullable=False),
        sa.Column("updated_by", sa.String(length=150), nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("workflow", "variant", name=op.f("pk_publish_gates")),
    )


def downgrade() -> None:
    op.drop_table("publish_gates")
    with op.batch_alter_table("sandbox_rule_sets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sandbox_rule_sets_workflow"))
    op.drop_table("sandbox_rule_sets")
