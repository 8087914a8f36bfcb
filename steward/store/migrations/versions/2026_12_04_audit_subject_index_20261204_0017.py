"""An index on the audit chain's subject, so one request's or complaint's trail is read
without scanning the whole chain (the staff console's request detail, docs/staff.md).

Revision ID: 20261204_0017
Revises: 20261204_0015
Create Date: 2026-12-04 14:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "20261204_0017"
down_revision: str | Sequence[str] | None = "20261204_0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_audit_events_subject_sequence", "audit_events", ["subject", "sequence"])


def downgrade() -> None:
    op.drop_index("ix_audit_events_subject_sequence", table_name="audit_events")
