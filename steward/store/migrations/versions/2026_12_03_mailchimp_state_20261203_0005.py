"""Mailchimp pull watermarks and the record of each push and pull.

``mailchimp_watermarks``: per audience and purpose, the change time up to which every change made
in Mailchimp has been recorded in the ledger; moved in the same transaction as the events it
covers, so an interrupted pull resumes without losing or doubling anything.
``mailchimp_runs``: what each push or pull did (counts, finished batches, the error if it
stopped), readable, with the audit link that chains its digest.

Revision ID: 20261203_0005
Revises: 20261203_0004
Create Date: 2026-12-03 21:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261203_0005"
down_revision: str | Sequence[str] | None = "20261203_0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Moment = sa.DateTime(timezone=True)
Serial = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "mailchimp_watermarks",
        sa.Column("list_id", sa.String(100), nullable=False),
        sa.Column("purpose", sa.String(100), nullable=False),
        sa.Column("changed_through", Moment, nullable=False),
        sa.Column("updated_at", Moment, nullable=False),
        sa.PrimaryKeyConstraint("list_id", "purpose", name="pk_mailchimp_watermarks"),
    )
    op.create_table(
        "mailchimp_runs",
        sa.Column("id", Serial, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("list_id", sa.String(100), nullable=False),
        sa.Column("purpose", sa.String(100), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("finished_at", Moment, nullable=False),
        sa.Column("audit_sequence", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_mailchimp_runs"),
    )
    op.create_index("ix_mailchimp_runs_list_id", "mailchimp_runs", ["list_id"])


def downgrade() -> None:
    op.drop_index("ix_mailchimp_runs_list_id", table_name="mailchimp_runs")
    op.drop_table("mailchimp_runs")
    op.drop_table("mailchimp_watermarks")
