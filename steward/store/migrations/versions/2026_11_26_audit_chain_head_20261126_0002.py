"""The audit chain's head in a one-row table that appenders lock; on SQLite the link's sequence
becomes the rowid (one B-tree per append instead of two).

Revision ID: 20261126_0002
Revises: 20261126_0001
Create Date: 2026-11-26 10:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261126_0002"
down_revision: str | Sequence[str] | None = "20261126_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS_HASH = "0" * 64


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sequence_type(sa.BigInteger(), sa.Integer())
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_audit_head_single_row")),
        sa.PrimaryKeyConstraint("id", name="pk_audit_head"),
    )
    op.execute(
        "INSERT INTO audit_head (id, sequence, hash) "
        f"SELECT 1, 0, '{GENESIS_HASH}' WHERE NOT EXISTS (SELECT 1 FROM audit_events) "
        "UNION ALL SELECT 1, sequence, hash FROM audit_events "
        "WHERE sequence = (SELECT MAX(sequence) FROM audit_events)"
    )


def downgrade() -> None:
    op.drop_table("audit_head")
    if op.get_bind().dialect.name == "sqlite":
        _sequence_type(sa.Integer(), sa.BigInteger())


def _sequence_type(old: sa.types.TypeEngine[int], new: sa.types.TypeEngine[int]) -> None:
    """SQLite makes an ``INTEGER`` primary key the rowid itself; ``BIGINT`` gets its own index."""
    with op.batch_alter_table("audit_events", recreate="always") as batch:
        batch.alter_column("sequence", type_=new, existing_type=old, existing_nullable=False)
