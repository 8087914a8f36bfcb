"""Complaints to the controller (DPA 2018 s.164A; docs/complaints.md).

``complaints``: one row per complaint, lifecycle facts in the clear; the complainant's name,
addresses and phone, the complaint's text and its outcome sealed; the e-mail's blind index.
``complaint_events``: the timeline (notes sealed), with the day the complainant was told.

Revision ID: 20261204_0011
Revises: 20261204_0010
Create Date: 2026-12-04 05:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261204_0011"
down_revision: str | Sequence[str] | None = "20261204_0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Moment = sa.DateTime(timezone=True)
Serial = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "complaints",
        sa.Column("reference", sa.String(20), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("received", sa.Date(), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("request_ref", sa.String(20), nullable=True),
        sa.Column("complainant_cipher", sa.LargeBinary(), nullable=False),
        sa.Column("email_index", sa.LargeBinary(32), nullable=True),
        sa.Column("text_cipher", sa.LargeBinary(), nullable=False),
        sa.Column("acknowledged_on", sa.Date(), nullable=True),
        sa.Column("acknowledged_by", sa.String(16), nullable=True),
        sa.Column("progress_updates", sa.Integer(), nullable=False),
        sa.Column("last_told_on", sa.Date(), nullable=True),
        sa.Column("outcome_cipher", sa.LargeBinary(), nullable=True),
        sa.Column("outcome_told_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("closure", sa.String(24), nullable=True),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("created_at", Moment, nullable=False),
        sa.Column("updated_at", Moment, nullable=False),
        sa.ForeignKeyConstraint(
            ["request_ref"], ["requests.reference"], name="fk_complaints_request_ref_requests"
        ),
        sa.PrimaryKeyConstraint("reference", name="pk_complaints"),
    )
    op.create_index("ix_complaints_status", "complaints", ["status"])
    op.create_index("ix_complaints_request_ref", "complaints", ["request_ref"])
    op.create_index("ix_complaints_email_index", "complaints", ["email_index"])
    op.create_index("ix_complaints_due", "complaints", ["due"])
    op.create_table(
        "complaint_events",
        sa.Column("id", Serial, autoincrement=True, nullable=False),
        sa.Column("complaint_ref", sa.String(20), nullable=False),
        sa.Column("at", Moment, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("note_cipher", sa.LargeBinary(), nullable=True),
        sa.Column("told_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["complaint_ref"],
            ["complaints.reference"],
            name="fk_complaint_events_complaint_ref_complaints",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_complaint_events"),
    )
    op.create_index("ix_complaint_events_complaint_ref", "complaint_events", ["complaint_ref"])


def downgrade() -> None:
    op.drop_index("ix_complaint_events_complaint_ref", table_name="complaint_events")
    op.drop_table("complaint_events")
    op.drop_index("ix_complaints_due", table_name="complaints")
    op.drop_index("ix_complaints_email_index", table_name="complaints")
    op.drop_index("ix_complaints_request_ref", table_name="complaints")
    op.drop_index("ix_complaints_status", table_name="complaints")
    op.drop_table("complaints")
