"""Request plans and their steps (the request engine).

``request_plans``: a request's plan as made and approved (JSON without personal data) and the
request's identifiers and corrections, sealed. ``plan_steps``: each step's state, attempts,
heartbeat, the record keys it acts on (sealed, recorded before a destructive call so a resumed
step acts on exactly those), its evidence, and the records an access step exported (sealed).

Revision ID: 20261204_0007
Revises: 20261203_0005
Create Date: 2026-12-04 01:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261204_0007"
down_revision: str | Sequence[str] | None = "20261204_0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Moment = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "request_plans",
        sa.Column("request_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("plan", sa.Text(), nullable=False),
        sa.Column("subject_cipher", sa.LargeBinary(), nullable=False),
        sa.Column("subject_key_version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", Moment, nullable=False),
        sa.Column("approved_by", sa.String(200), nullable=True),
        sa.Column("approved_at", Moment, nullable=True),
        sa.PrimaryKeyConstraint("request_id", name="pk_request_plans"),
    )
    op.create_table(
        "plan_steps",
        sa.Column("request_id", sa.String(64), nullable=False),
        sa.Column("step_no", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("system", sa.String(64), nullable=False),
        sa.Column("collection", sa.String(200), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("keys_cipher", sa.LargeBinary(), nullable=True),
        sa.Column("keys_key_version", sa.Integer(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_by", sa.String(200), nullable=True),
        sa.Column("heartbeat_at", Moment, nullable=True),
        sa.Column("started_at", Moment, nullable=True),
        sa.Column("finished_at", Moment, nullable=True),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("exported_cipher", sa.LargeBinary(), nullable=True),
        sa.Column("exported_key_version", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["request_plans.request_id"],
            name="fk_plan_steps_request_id_request_plans",
        ),
        sa.PrimaryKeyConstraint("request_id", "step_no", name="pk_plan_steps"),
    )
    op.create_index("ix_plan_steps_status", "plan_steps", ["status"])


def downgrade() -> None:
    op.drop_index("ix_plan_steps_status", table_name="plan_steps")
    op.drop_table("plan_steps")
    op.drop_table("request_plans")
