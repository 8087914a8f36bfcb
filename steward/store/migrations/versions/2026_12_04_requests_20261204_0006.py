"""Data-subject requests: the request, its timeline and its one-time codes.

``requests``: one row per request, lifecycle facts in the clear, identifiers, details, changes
and free-text notes sealed. ``request_events``: the timeline (notes sealed).
``verification_codes``: the keyed digest of each code sent, its expiry and tries, never the code.

Revision ID: 20261204_0006
Revises: 20261203_0005
Create Date: 2026-12-04 01:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261204_0006"
down_revision: str | Sequence[str] | None = "20261203_0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Moment = sa.DateTime(timezone=True)
Serial = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "requests",
        sa.Column("reference", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("resume_to", sa.String(24), nullable=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("received", sa.Date(), nullable=False),
        sa.Column("person_ref", sa.String(32), nullable=True),
        sa.Column("identities_cipher", sa.LargeBinary(), nullable=False),
        sa.Column("details_cipher", sa.LargeBinary(), nullable=True),
        sa.Column("changes_cipher", sa.LargeBinary(), nullable=True),
        sa.Column("id_received", sa.Date(), nullable=True),
        sa.Column("verified_by", sa.String(24), nullable=True),
        sa.Column("authority_received", sa.Date(), nullable=True),
        sa.Column("fee_paid", sa.Date(), nullable=True),
        sa.Column("pauses", sa.Text(), nullable=False),
        sa.Column("extension_reason_cipher", sa.LargeBinary(), nullable=True),
        sa.Column("extension_told_on", sa.Date(), nullable=True),
        sa.Column("refusal_reason_cipher", sa.LargeBinary(), nullable=True),
        sa.Column("assigned_to", sa.String(200), nullable=True),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("outcome_cipher", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", Moment, nullable=False),
        sa.Column("updated_at", Moment, nullable=False),
        sa.ForeignKeyConstraint(
            ["person_ref"], ["people.ref"], name="fk_requests_person_ref_people"
        ),
        sa.PrimaryKeyConstraint("reference", name="pk_requests"),
    )
    op.create_index("ix_requests_status", "requests", ["status"])
    op.create_index("ix_requests_person_ref", "requests", ["person_ref"])
    op.create_index("ix_requests_due", "requests", ["due"])
    op.create_table(
        "request_events",
        sa.Column("id", Serial, autoincrement=True, nullable=False),
        sa.Column("request_ref", sa.String(20), nullable=False),
        sa.Column("at", Moment, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("note_cipher", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_ref"], ["requests.reference"], name="fk_request_events_request_ref_requests"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_request_events"),
    )
    op.create_index("ix_request_events_request_ref", "request_events", ["request_ref"])
    op.create_table(
        "verification_codes",
        sa.Column("id", Serial, autoincrement=True, nullable=False),
        sa.Column("request_ref", sa.String(20), nullable=False),
        sa.Column("code_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("key_version", sa.Integer(), nullable=False),
        sa.Column("issued_at", Moment, nullable=False),
        sa.Column("expires_at", Moment, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("used_at", Moment, nullable=True),
        sa.ForeignKeyConstraint(
            ["request_ref"],
            ["requests.reference"],
            name="fk_verification_codes_request_ref_requests",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_verification_codes"),
    )
    op.create_index("ix_verification_codes_request_ref", "verification_codes", ["request_ref"])


def downgrade() -> None:
    op.drop_index("ix_verification_codes_request_ref", table_name="verification_codes")
    op.drop_table("verification_codes")
    op.drop_index("ix_request_events_request_ref", table_name="request_events")
    op.drop_table("request_events")
    op.drop_index("ix_requests_due", table_name="requests")
    op.drop_index("ix_requests_person_ref", table_name="requests")
    op.drop_index("ix_requests_status", table_name="requests")
    op.drop_table("requests")
