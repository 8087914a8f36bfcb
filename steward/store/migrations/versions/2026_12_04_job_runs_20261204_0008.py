"""Steward's own record of each job run (issue 11, item 4).

``job_runs``: one row per job, written in the transaction that queued it, then moved by the
runner that takes it (queued, running, done, failed), with the worker, attempts and a heartbeat
so a step stuck on a dead worker is reported within a minute. ``args`` holds ids only.

procrastinate's own tables (PostgreSQL only) are not part of this migration: ``steward db
upgrade`` installs them with procrastinate's schema tooling (``steward.store.job_queue``).

Revision ID: 20261204_0008
Revises: 20261203_0005
Create Date: 2026-12-04 01:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261204_0008"
down_revision: str | Sequence[str] | None = "20261204_0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Moment = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "job_runs",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("task", sa.String(100), nullable=False),
        sa.Column("args", sa.Text(), nullable=False),
        sa.Column("lock_key", sa.String(200), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("worker", sa.String(200), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("queued_at", Moment, nullable=False),
        sa.Column("started_at", Moment, nullable=True),
        sa.Column("heartbeat_at", Moment, nullable=True),
        sa.Column("finished_at", Moment, nullable=True),
        sa.Column("error", sa.String(500), nullable=True),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed')", name="ck_job_runs_status"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_job_runs"),
    )
    op.create_index("ix_job_runs_lock_key", "job_runs", ["lock_key"])
    op.create_index("ix_job_runs_status_heartbeat_at", "job_runs", ["status", "heartbeat_at"])


def downgrade() -> None:
    op.drop_index("ix_job_runs_status_heartbeat_at", table_name="job_runs")
    op.drop_index("ix_job_runs_lock_key", table_name="job_runs")
    op.drop_table("job_runs")
