"""Notice versions and consent-API keys for the privacy centre (docs/web.md).

``notice_versions``: each version of the privacy and cookie notices as first published (kind,
place in its history, digest, declared date, first-published time, what changed, the outline the
comparison used, and the Markdown). ``api_keys``: the SHA-256 of each consent-API key (never the
key), with its name, creation and revocation times.

Revision ID: 20261204_0013
Revises: 20261204_0012
Create Date: 2026-12-04 12:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261204_0013"
down_revision: str | Sequence[str] | None = "20261204_0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Moment = sa.DateTime(timezone=True)
Serial = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "notice_versions",
        sa.Column("id", Serial, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(80), nullable=False),
        sa.Column("last_updated", sa.Date(), nullable=False),
        sa.Column("first_published_at", Moment, nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("outline", sa.Text(), nullable=False),
        sa.Column("markdown", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_notice_versions"),
        sa.UniqueConstraint("kind", "position", name="uq_notice_versions_kind_position"),
    )
    op.create_index("ix_notice_versions_kind_digest", "notice_versions", ["kind", "digest"])
    op.create_table(
        "api_keys",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("created_at", Moment, nullable=False),
        sa.Column("revoked_at", Moment, nullable=True),
        sa.PrimaryKeyConstraint("name", name="pk_api_keys"),
        sa.UniqueConstraint("key_hash", name="uq_api_keys_key_hash"),
    )


def downgrade() -> None:
    op.drop_table("api_keys")
    op.drop_index("ix_notice_versions_kind_digest", table_name="notice_versions")
    op.drop_table("notice_versions")
