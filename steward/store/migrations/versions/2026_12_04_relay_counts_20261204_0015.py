"""The contact-form relay's counters (docs/relay.md).

``relay_counts``: per UK day and outcome (sent, spam, refused, mail_failed), how many posts the
relay answered. Nothing a person submitted is kept.

Revision ID: 20261204_0015
Revises: 20261204_0013
Create Date: 2026-12-04 12:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261204_0015"
down_revision: str | Sequence[str] | None = "20261204_0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "relay_counts",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('sent', 'spam', 'refused', 'mail_failed')",
            name="ck_relay_counts_outcome",
        ),
        sa.PrimaryKeyConstraint("day", "outcome", name="pk_relay_counts"),
    )


def downgrade() -> None:
    op.drop_table("relay_counts")
