"""Identity and keys: key check values, the identifier re-index task, and merged people.

- ``key_checks``: per key version, HMACs of a fixed label under its two keys (never the keys), so
  a key file from another deployment, or one with its keys swapped, is refused on open.
- ``identifier_reindex``: identifiers are now normalised with NFC (normalisation 2). A migration
  cannot read the key file, so it only records which rows were indexed under the old rules (ids up
  to the current maximum); ``steward db reindex`` (run by ``steward db upgrade`` when the key file
  is there) recomputes them in short batches and is resumable.
- ``person_merges``: two stored people whose identifiers now normalise to one are merged; the
  merged reference is kept so each moved consent event still checks against its audit link.

Revision ID: 20261203_0004
Revises: 20261126_0003
Create Date: 2026-12-03 21:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261203_0004"
down_revision: str | Sequence[str] | None = "20261126_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Moment = sa.DateTime(timezone=True)
NORMALISATION = 2


def upgrade() -> None:
    op.create_table(
        "key_checks",
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("encryption_check", sa.String(64), nullable=False),
        sa.Column("index_check", sa.String(64), nullable=False),
        sa.Column("recorded_at", Moment, nullable=False),
        sa.PrimaryKeyConstraint("version", name="pk_key_checks"),
    )
    op.create_table(
        "identifier_reindex",
        sa.Column("normalisation", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("after_id", sa.BigInteger(), nullable=False),
        sa.Column("up_to_id", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("normalisation", name="pk_identifier_reindex"),
    )
    op.create_table(
        "person_merges",
        sa.Column("merged_ref", sa.String(32), nullable=False),
        sa.Column("into_ref", sa.String(32), nullable=False),
        sa.Column("merged_at", Moment, nullable=False),
        sa.PrimaryKeyConstraint("merged_ref", name="pk_person_merges"),
    )
    op.create_index("ix_person_merges_into_ref", "person_merges", ["into_ref"])
    op.execute(
        "INSERT INTO identifier_reindex (normalisation, after_id, up_to_id) "
        f"SELECT {NORMALISATION}, 0, COALESCE(MAX(id), 0) FROM person_identifiers"
    )


def downgrade() -> None:
    op.drop_index("ix_person_merges_into_ref", table_name="person_merges")
    op.drop_table("person_merges")
    op.drop_table("identifier_reindex")
    op.drop_table("key_checks")
