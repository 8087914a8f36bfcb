"""People with encrypted identifiers, the consent ledger and its current state, the audit chain.

Revision ID: 20261126_0001
Revises:
Create Date: 2026-11-26 10:20:17
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261126_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Serial = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Moment = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "audit_events",
        sa.Column("sequence", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("occurred_at", Moment, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(100), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("payload_digest", sa.String(64), nullable=False),
        sa.Column("previous_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("sequence", name="pk_audit_events"),
    )
    op.create_table(
        "people",
        sa.Column("ref", sa.String(32), nullable=False),
        sa.Column("name_cipher", sa.LargeBinary(), nullable=True),
        sa.Column("name_key_version", sa.Integer(), nullable=True),
        sa.Column("created_at", Moment, nullable=False),
        sa.PrimaryKeyConstraint("ref", name="pk_people"),
    )
    op.create_table(
        "person_identifiers",
        sa.Column("id", Serial, autoincrement=True, nullable=False),
        sa.Column("person_ref", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("blind_index", sa.LargeBinary(32), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=False),
        sa.Column("key_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_ref"], ["people.ref"], name="fk_person_identifiers_person_ref_people"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_person_identifiers"),
        sa.UniqueConstraint("kind", "blind_index", name="uq_person_identifiers_kind_blind_index"),
    )
    op.create_index("ix_person_identifiers_person_ref", "person_identifiers", ["person_ref"])
    op.create_index("ix_person_identifiers_key_version", "person_identifiers", ["key_version"])
    op.create_table(
        "consent_events",
        sa.Column("sequence", Serial, autoincrement=True, nullable=False),
        sa.Column("event_id", sa.String(200), nullable=False),
        sa.Column("content_digest", sa.String(64), nullable=False),
        sa.Column("person_ref", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("purpose", sa.String(100), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("wording", sa.Text(), nullable=False),
        sa.Column("wording_version", sa.String(50), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("opted_in", sa.Boolean(), nullable=True),
        sa.Column("occurred_at", Moment, nullable=False),
        sa.Column("received_at", Moment, nullable=False),
        sa.ForeignKeyConstraint(
            ["person_ref"], ["people.ref"], name="fk_consent_events_person_ref_people"
        ),
        sa.PrimaryKeyConstraint("sequence", name="pk_consent_events"),
        sa.UniqueConstraint("event_id", name="uq_consent_events_event_id"),
    )
    op.create_index("ix_consent_events_person_ref", "consent_events", ["person_ref"])
    op.create_table(
        "consent_states",
        sa.Column("person_ref", sa.String(32), nullable=False),
        sa.Column("purpose", sa.String(100), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("event_id", sa.String(200), nullable=False),
        sa.Column("occurred_at", Moment, nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("wording_version", sa.String(50), nullable=False),
        sa.Column("order_key", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", Moment, nullable=False),
        sa.ForeignKeyConstraint(
            ["person_ref"], ["people.ref"], name="fk_consent_states_person_ref_people"
        ),
        sa.PrimaryKeyConstraint("person_ref", "purpose", "channel", name="pk_consent_states"),
    )
    op.create_index(
        "ix_consent_states_purpose_channel_status",
        "consent_states",
        ["purpose", "channel", "status"],
    )


def downgrade() -> None:
    op.drop_table("consent_states")
    op.drop_table("consent_events")
    op.drop_table("person_identifiers")
    op.drop_table("people")
    op.drop_table("audit_events")
