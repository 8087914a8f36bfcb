"""Legal holds staff enter, and the evidence that recipients were told of changes (Art 19).

``legal_holds``: a dispute, claim or investigation holding a person's records (by reference),
a whole system, or one collection of a system; released by staff with a reason.
``recipient_notices``: per request and recipient, how it was told of a rectification, erasure
or restriction (connector, e-mail with its message id, or a manual step) and when.
``objection_balancings``: staff's balancing of an Art 21(1) objection, its decision and reasons.

Revision ID: 20261204_0009
Revises: 20261203_0005
Create Date: 2026-12-04 01:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261204_0009"
down_revision: str | Sequence[str] | None = "20261204_0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Moment = sa.DateTime(timezone=True)
Serial = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "legal_holds",
        sa.Column("id", Serial, autoincrement=True, nullable=False),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("person_ref", sa.String(32), nullable=True),
        sa.Column("system", sa.String(100), nullable=True),
        sa.Column("collection", sa.String(200), nullable=True),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("citation", sa.String(300), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", Moment, nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("released_by", sa.String(200), nullable=True),
        sa.Column("released_at", Moment, nullable=True),
        sa.Column("release_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_ref"], ["people.ref"], name="fk_legal_holds_person_ref_people"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_legal_holds"),
    )
    op.create_index("ix_legal_holds_person_ref", "legal_holds", ["person_ref"])
    op.create_table(
        "recipient_notices",
        sa.Column("id", Serial, autoincrement=True, nullable=False),
        sa.Column("request_ref", sa.String(100), nullable=False),
        sa.Column("recipient", sa.String(100), nullable=False),
        sa.Column("change", sa.String(32), nullable=False),
        sa.Column("categories", sa.Text(), nullable=False),
        sa.Column("route", sa.String(16), nullable=False),
        sa.Column("system", sa.String(100), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("message_id", sa.String(300), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("created_at", Moment, nullable=False),
        sa.Column("told_at", Moment, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_recipient_notices"),
    )
    op.create_index("ix_recipient_notices_request_ref", "recipient_notices", ["request_ref"])
    op.create_table(
        "objection_balancings",
        sa.Column("id", Serial, autoincrement=True, nullable=False),
        sa.Column("request_ref", sa.String(100), nullable=False),
        sa.Column("person_ref", sa.String(32), nullable=False),
        sa.Column("purposes", sa.Text(), nullable=False),
        sa.Column("grounds", sa.Text(), nullable=True),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("citation", sa.String(300), nullable=False),
        sa.Column("decided_by", sa.String(200), nullable=False),
        sa.Column("decided_at", Moment, nullable=False),
        sa.ForeignKeyConstraint(
            ["person_ref"], ["people.ref"], name="fk_objection_balancings_person_ref_people"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_objection_balancings"),
    )
    op.create_index("ix_objection_balancings_request_ref", "objection_balancings", ["request_ref"])
    op.create_index("ix_objection_balancings_person_ref", "objection_balancings", ["person_ref"])


def downgrade() -> None:
    op.drop_index("ix_objection_balancings_person_ref", table_name="objection_balancings")
    op.drop_index("ix_objection_balancings_request_ref", table_name="objection_balancings")
    op.drop_table("objection_balancings")
    op.drop_index("ix_recipient_notices_request_ref", table_name="recipient_notices")
    op.drop_table("recipient_notices")
    op.drop_index("ix_legal_holds_person_ref", table_name="legal_holds")
    op.drop_table("legal_holds")
