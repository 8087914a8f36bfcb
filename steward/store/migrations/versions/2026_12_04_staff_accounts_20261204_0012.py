"""Staff accounts, recovery codes, sessions and per-source sign-in failures (docs/staff.md).

``staff_accounts``: username, sealed display name, role, argon2id hash, sealed TOTP secret (and
a sealed new one waiting to be confirmed) and the last TOTP step accepted, failure count and
lock. ``staff_recovery_codes``: keyed hashes,
single use. ``staff_sessions``: the SHA-256 of each session token, its times and how it ended.
``staff_login_sources``: failures per source address, keyed by a blind index of the address.

Revision ID: 20261204_0012
Revises: 20261204_0011
Create Date: 2026-12-04 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261204_0012"
down_revision: str | Sequence[str] | None = "20261204_0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Moment = sa.DateTime(timezone=True)
Serial = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "staff_accounts",
        sa.Column("id", Serial, autoincrement=True, nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("display_name_cipher", sa.LargeBinary(), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("password_changed_at", Moment, nullable=False),
        sa.Column("totp_secret_cipher", sa.LargeBinary(), nullable=False),
        sa.Column("totp_pending_cipher", sa.LargeBinary(), nullable=True),
        sa.Column("totp_confirmed_at", Moment, nullable=True),
        sa.Column("totp_last_step", sa.BigInteger(), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("failures_since", Moment, nullable=True),
        sa.Column("locked_until", Moment, nullable=True),
        sa.Column("last_login_at", Moment, nullable=True),
        sa.Column("disabled_at", Moment, nullable=True),
        sa.Column("created_at", Moment, nullable=False),
        sa.Column("updated_at", Moment, nullable=False),
        sa.CheckConstraint(
            "role IN ('privacy_lead', 'hr', 'marketing', 'office', 'auditor')",
            name="ck_staff_accounts_role",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_staff_accounts"),
        sa.UniqueConstraint("username", name="uq_staff_accounts_username"),
    )
    op.create_table(
        "staff_recovery_codes",
        sa.Column("id", Serial, autoincrement=True, nullable=False),
        sa.Column("account_id", Serial, nullable=False),
        sa.Column("code_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("key_version", sa.Integer(), nullable=False),
        sa.Column("created_at", Moment, nullable=False),
        sa.Column("used_at", Moment, nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["staff_accounts.id"],
            name="fk_staff_recovery_codes_account_id_staff_accounts",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_staff_recovery_codes"),
    )
    op.create_index("ix_staff_recovery_codes_account_id", "staff_recovery_codes", ["account_id"])
    op.create_table(
        "staff_sessions",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("account_id", Serial, nullable=False),
        sa.Column("created_at", Moment, nullable=False),
        sa.Column("last_seen_at", Moment, nullable=False),
        sa.Column("expires_at", Moment, nullable=False),
        sa.Column("ended_at", Moment, nullable=True),
        sa.Column("end_reason", sa.String(16), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["staff_accounts.id"],
            name="fk_staff_sessions_account_id_staff_accounts",
        ),
        sa.PrimaryKeyConstraint("token_hash", name="pk_staff_sessions"),
    )
    op.create_index("ix_staff_sessions_account_id", "staff_sessions", ["account_id"])
    op.create_table(
        "staff_login_sources",
        sa.Column("source_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("failures_since", Moment, nullable=True),
        sa.Column("locked_until", Moment, nullable=True),
        sa.Column("updated_at", Moment, nullable=False),
        sa.PrimaryKeyConstraint("source_hash", name="pk_staff_login_sources"),
    )
    op.create_index("ix_staff_login_sources_updated_at", "staff_login_sources", ["updated_at"])


def downgrade() -> None:
    op.drop_index("ix_staff_login_sources_updated_at", table_name="staff_login_sources")
    op.drop_table("staff_login_sources")
    op.drop_index("ix_staff_sessions_account_id", table_name="staff_sessions")
    op.drop_table("staff_sessions")
    op.drop_index("ix_staff_recovery_codes_account_id", table_name="staff_recovery_codes")
    op.drop_table("staff_recovery_codes")
    op.drop_table("staff_accounts")
