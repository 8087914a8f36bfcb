"""The schema as SQLAlchemy Core tables; Alembic migrations must agree with it (a test checks).

Core tables, not ORM classes: repositories map rows to frozen domain values, so no row object
crosses a module border (DESIGN.md §5 item 1). Plaintext identifiers never appear in any column.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
    }
)

Serial = BigInteger().with_variant(Integer(), "sqlite")


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware in Python, stored as UTC (``timestamptz`` on PostgreSQL, text on SQLite)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; pass a timezone-aware time")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        moment: datetime = value
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


people = Table(
    "people",
    metadata,
    Column("ref", String(32), primary_key=True),
    Column("name_cipher", LargeBinary, nullable=True),
    Column("name_key_version", Integer, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
)

person_identifiers = Table(
    "person_identifiers",
    metadata,
    Column("id", Serial, primary_key=True, autoincrement=True),
    Column("person_ref", String(32), ForeignKey("people.ref"), nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("blind_index", LargeBinary(32), nullable=False),
    Column("ciphertext", LargeBinary, nullable=False),
    Column("key_version", Integer, nullable=False, index=True),
    UniqueConstraint("kind", "blind_index"),
)

consent_events = Table(
    "consent_events",
    metadata,
    Column("sequence", Serial, primary_key=True, autoincrement=True),
    Column("event_id", String(200), nullable=False, unique=True),
    Column("content_digest", String(64), nullable=False),
    Column("person_ref", String(32), ForeignKey("people.ref"), nullable=False, index=True),
    Column("kind", String(32), nullable=False),
    Column("purpose", String(100), nullable=False),
    Column("channel", String(32), nullable=False),
    Column("source", String(200), nullable=False),
    Column("wording", Text, nullable=False),
    Column("wording_version", String(50), nullable=False),
    Column("evidence", Text, nullable=False),
    Column("opted_in", Boolean, nullable=True),
    Column("occurred_at", UtcDateTime, nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
)

consent_states = Table(
    "consent_states",
    metadata,
    Column("person_ref", String(32), ForeignKey("people.ref"), primary_key=True),
    Column("purpose", String(100), primary_key=True),
    Column("channel", String(32), primary_key=True),
    Column("status", String(32), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("event_id", String(200), nullable=False),
    Column("occurred_at", UtcDateTime, nullable=False),
    Column("source", String(200), nullable=False),
    Column("wording_version", String(50), nullable=False),
    Column("order_key", LargeBinary, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    sqlite_with_rowid=False,  # rows live in the primary-key B-tree (migration 0003)
)

CONSENT_STATE_FIELDS = tuple(
    column.name for column in consent_states.c if column.name not in consent_states.primary_key
)
"""The columns an event moves in a current state (all but the person x purpose x channel key)."""

audit_events = Table(
    "audit_events",
    metadata,
    Column("sequence", Serial, primary_key=True, autoincrement=False),
    Column("occurred_at", UtcDateTime, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(100), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("payload_digest", String(64), nullable=False),
    Column("previous_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("sequence", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
    CheckConstraint("id = 1", name="single_row"),
)

key_checks = Table(
    "key_checks",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("encryption_check", String(64), nullable=False),
    Column("index_check", String(64), nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
)
"""Per key version, HMACs of a fixed label under each key: proves a key file is this database's."""

identifier_reindex = Table(
    "identifier_reindex",
    metadata,
    Column("normalisation", Integer, primary_key=True, autoincrement=False),
    Column("after_id", BigInteger, nullable=False),
    Column("up_to_id", BigInteger, nullable=False),
)
"""Progress of re-indexing identifiers stored under older normalisation rules (migration 0004)."""

person_merges = Table(
    "person_merges",
    metadata,
    Column("merged_ref", String(32), primary_key=True),
    Column("into_ref", String(32), nullable=False, index=True),
    Column("merged_at", UtcDateTime, nullable=False),
)
"""People merged because their identifiers normalise to one; their events moved to ``into_ref``."""

mailchimp_watermarks = Table(
    "mailchimp_watermarks",
    metadata,
    Column("list_id", String(100), primary_key=True),
    Column("purpose", String(100), primary_key=True),
    Column("changed_through", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

mailchimp_runs = Table(
    "mailchimp_runs",
    metadata,
    Column("id", Serial, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),
    Column("list_id", String(100), nullable=False, index=True),
    Column("purpose", String(100), nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("summary", Text, nullable=False),
    Column("finished_at", UtcDateTime, nullable=False),
    Column("audit_sequence", BigInteger, nullable=False),
)

# --- Evidence: download tokens for response packages (issue 11, docs/evidence.md) ---

download_tokens = Table(
    "download_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("request_id", String(100), nullable=False, index=True),
    Column("package_digest", String(64), nullable=False),
    Column("issued_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("downloads", Integer, nullable=False),
    Column("last_downloaded_at", UtcDateTime, nullable=True),
)
"""A link to a response package: only the SHA-256 of its token is kept (a copy of the table
cannot be turned into working links), with its expiry and the digest of the package it gives."""

__all__ = [
    "audit_events",
    "audit_head",
    "consent_events",
    "consent_states",
    "download_tokens",
    "identifier_reindex",
    "key_checks",
    "mailchimp_runs",
    "mailchimp_watermarks",
    "metadata",
    "people",
    "person_identifiers",
    "person_merges",
]
