"""Audit head and change-set item versions.

- ``audit_head`` keeps the newest audit entry's (seq, hash) apart from the
  entries, so deleting the newest entries is detected by ``audit verify``;
  filled from the existing chain.
- ``changeset_items.version`` records which version each member ended at
  when its set was published (an identical draft reuses an older version,
  which carries no change-set id); filled from the versions a set published.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    op.execute(
        "INSERT INTO audit_head (id, seq, hash) "
        "SELECT 1, seq, hash FROM audit_entries ORDER BY seq DESC LIMIT 1"
    )
    with op.batch_alter_table("changeset_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE changeset_items SET version = ("
        "SELECT versions.version FROM versions "
        "WHERE versions.document_id = changeset_items.document_id "
        "AND versions.changeset_id = changeset_items.changeset_id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("changeset_items", schema=None) as batch_op:
        batch_op.drop_column("version")
    op.drop_table("audit_head")
