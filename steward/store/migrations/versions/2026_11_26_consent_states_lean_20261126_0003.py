"""Leaner current-state table: one B-tree per state on SQLite, no status index anywhere.

Every ledger write upserts a state row, so each structure on ``consent_states`` is written once
per consent event (issue 5: ledger writes at least half as fast as a raw INSERT).
- SQLite keeps a rowid table plus a separate index for a composite primary key; ``WITHOUT
  ROWID`` stores the rows in the primary-key B-tree itself (one B-tree instead of two).
- The (purpose, channel, status) index served only the Mailchimp suppression push, a batch job
  that reads every refusal on a channel: a large share of the table, which a scan reads as fast.

Revision ID: 20261126_0003
Revises: 20261126_0002
Create Date: 2026-11-26 12:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "20261126_0003"
down_revision: str | Sequence[str] | None = "20261126_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUS_INDEX = "ix_consent_states_purpose_channel_status"
STATUS_COLUMNS = ["purpose", "channel", "status"]


def upgrade() -> None:
    op.drop_index(STATUS_INDEX, table_name="consent_states")
    if op.get_bind().dialect.name == "sqlite":
        _recreate(with_rowid=False)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _recreate(with_rowid=True)
    op.create_index(STATUS_INDEX, "consent_states", STATUS_COLUMNS)


def _recreate(*, with_rowid: bool) -> None:
    with op.batch_alter_table(
        "consent_states", recreate="always", table_kwargs={"sqlite_with_rowid": with_rowid}
    ):
        pass
