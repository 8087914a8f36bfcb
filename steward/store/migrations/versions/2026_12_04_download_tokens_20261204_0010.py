"""Download tokens for response packages (docs/evidence.md).

``download_tokens``: per link, the SHA-256 of its token (never the token), the request it
belongs to, the digest of the package it serves, its expiry and how often it was used.

Revision ID: 20261204_0010
Revises: 20261203_0005
Create Date: 2026-12-04 01:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261204_0010"
down_revision: str | Sequence[str] | None = "20261204_0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Moment = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "download_tokens",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("request_id", sa.String(100), nullable=False),
        sa.Column("package_digest", sa.String(64), nullable=False),
        sa.Column("issued_at", Moment, nullable=False),
        sa.Column("expires_at", Moment, nullable=False),
        sa.Column("downloads", sa.Integer(), nullable=False),
        sa.Column("last_downloaded_at", Moment, nullable=True),
        sa.PrimaryKeyConstraint("token_hash", name="pk_download_tokens"),
    )
    op.create_index("ix_download_tokens_request_id", "download_tokens", ["request_id"])


def downgrade() -> None:
    op.drop_index("ix_download_tokens_request_id", table_name="download_tokens")
    op.drop_table("download_tokens")
