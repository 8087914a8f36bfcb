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
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
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
    Index("ix_audit_events_subject_sequence", "subject", "sequence"),
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


# --- Data-subject requests (issue 11: intake, identity, the legal clock) ---------------------
# Identifiers, details, changes and every free-text note are sealed (``*_cipher``); the rest is
# lifecycle facts that name nobody.

requests = Table(
    "requests",
    metadata,
    Column("reference", String(20), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("status", String(24), nullable=False, index=True),
    Column("resume_to", String(24), nullable=True),
    Column("channel", String(16), nullable=False),
    Column("received", Date, nullable=False),
    Column("person_ref", String(32), ForeignKey("people.ref"), nullable=True, index=True),
    Column("identities_cipher", LargeBinary, nullable=False),
    Column("details_cipher", LargeBinary, nullable=True),
    Column("changes_cipher", LargeBinary, nullable=True),
    Column("id_received", Date, nullable=True),
    Column("verified_by", String(24), nullable=True),
    Column("authority_received", Date, nullable=True),
    Column("fee_paid", Date, nullable=True),
    Column("pauses", Text, nullable=False),
    Column("extension_reason_cipher", LargeBinary, nullable=True),
    Column("extension_told_on", Date, nullable=True),
    Column("refusal_reason_cipher", LargeBinary, nullable=True),
    Column("assigned_to", String(200), nullable=True),
    Column("due", Date, nullable=False, index=True),
    Column("closed_on", Date, nullable=True),
    Column("outcome_cipher", LargeBinary, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

request_events = Table(
    "request_events",
    metadata,
    Column("id", Serial, primary_key=True, autoincrement=True),
    Column("request_ref", String(20), ForeignKey("requests.reference"), nullable=False, index=True),
    Column("at", UtcDateTime, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(40), nullable=False),
    Column("note_cipher", LargeBinary, nullable=True),
)

verification_codes = Table(
    "verification_codes",
    metadata,
    Column("id", Serial, primary_key=True, autoincrement=True),
    Column("request_ref", String(20), ForeignKey("requests.reference"), nullable=False, index=True),
    Column("code_hash", LargeBinary(32), nullable=False),
    Column("key_version", Integer, nullable=False),
    Column("issued_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("used_at", UtcDateTime, nullable=True),
)

# --- request engine: plans and their steps (issue 11, steward/store/plans.py) -----------------

request_plans = Table(
    "request_plans",
    metadata,
    Column("request_id", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("plan", Text, nullable=False),
    Column("subject_cipher", LargeBinary, nullable=False),
    Column("subject_key_version", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("approved_by", String(200), nullable=True),
    Column("approved_at", UtcDateTime, nullable=True),
)
"""A request's plan as approved (JSON: steps, maps; no personal data) and the request's
identifiers and corrections, sealed, which the steps search by."""

plan_steps = Table(
    "plan_steps",
    metadata,
    Column("request_id", String(64), ForeignKey("request_plans.request_id"), primary_key=True),
    Column("step_no", Integer, primary_key=True, autoincrement=False),
    Column("system", String(64), nullable=False),
    Column("collection", String(200), nullable=False),
    Column("action", String(16), nullable=False),
    Column("status", String(16), nullable=False, index=True),
    Column("keys_cipher", LargeBinary, nullable=True),
    Column("keys_key_version", Integer, nullable=True),
    Column("attempts", Integer, nullable=False),
    Column("claimed_by", String(200), nullable=True),
    Column("heartbeat_at", UtcDateTime, nullable=True),
    Column("started_at", UtcDateTime, nullable=True),
    Column("finished_at", UtcDateTime, nullable=True),
    Column("evidence", Text, nullable=True),
    Column("exported_cipher", LargeBinary, nullable=True),
    Column("exported_key_version", Integer, nullable=True),
    Column("error", Text, nullable=True),
)
"""Each step's state. The record keys it acts on are recorded (sealed) before a destructive call,
so a resumed step acts on exactly those; exported records are sealed too."""

# --- Jobs (issue 11, item 4): Steward's own record of each job run -------------------------------

job_runs = Table(
    "job_runs",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("task", String(100), nullable=False),
    Column("args", Text, nullable=False),
    Column("lock_key", String(200), nullable=True, index=True),
    Column("status", String(16), nullable=False),
    Column("worker", String(200), nullable=True),
    Column("attempts", Integer, nullable=False),
    Column("queued_at", UtcDateTime, nullable=False),
    Column("started_at", UtcDateTime, nullable=True),
    Column("heartbeat_at", UtcDateTime, nullable=True),
    Column("finished_at", UtcDateTime, nullable=True),
    Column("error", String(500), nullable=True),
    CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status"),
    Index("ix_job_runs_status_heartbeat_at", "status", "heartbeat_at"),
)
"""One row per job: queued in the transaction that made it true, then moved by whichever runner
takes it (ids only in ``args``; ``error`` a short message naming no person)."""

# --- Legal holds and Art 19 notices to recipients (issue 11, item 5) ---------------------------

legal_holds = Table(
    "legal_holds",
    metadata,
    Column("id", Serial, primary_key=True, autoincrement=True),
    Column("scope", String(16), nullable=False),
    Column("person_ref", String(32), ForeignKey("people.ref"), nullable=True, index=True),
    Column("system", String(100), nullable=True),
    Column("collection", String(200), nullable=True),
    Column("source", String(32), nullable=False),
    Column("reason", Text, nullable=False),
    Column("citation", String(300), nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("until", Date, nullable=True),
    Column("released_by", String(200), nullable=True),
    Column("released_at", UtcDateTime, nullable=True),
    Column("release_reason", Text, nullable=True),
)
"""Holds staff entered (dispute, claim, investigation): a person (by reference, never an
identifier), a system, or one collection of a system (steward.requests.hold_rules)."""

recipient_notices = Table(
    "recipient_notices",
    metadata,
    Column("id", Serial, primary_key=True, autoincrement=True),
    Column("request_ref", String(100), nullable=False, index=True),
    Column("recipient", String(100), nullable=False),
    Column("change", String(32), nullable=False),
    Column("categories", Text, nullable=False),
    Column("route", String(16), nullable=False),
    Column("system", String(100), nullable=True),
    Column("status", String(16), nullable=False),
    Column("message_id", String(300), nullable=True),
    Column("detail", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("told_at", UtcDateTime, nullable=True),
)
"""Evidence that each recipient was told of a rectification, erasure or restriction (UK GDPR
Art 19): through its connector, by e-mail (message id, when), or as a manual step for staff."""

objection_balancings = Table(
    "objection_balancings",
    metadata,
    Column("id", Serial, primary_key=True, autoincrement=True),
    Column("request_ref", String(100), nullable=False, index=True),
    Column("person_ref", String(32), ForeignKey("people.ref"), nullable=False, index=True),
    Column("purposes", Text, nullable=False),
    Column("grounds", Text, nullable=True),
    Column("decision", String(16), nullable=False),
    Column("reasons", Text, nullable=False),
    Column("outcome", Text, nullable=False),
    Column("citation", String(300), nullable=False),
    Column("decided_by", String(200), nullable=False),
    Column("decided_at", UtcDateTime, nullable=False),
)
"""Staff's balancing of an Art 21(1) objection: the purposes, the grounds weighed, the decision,
its reasons and what the person was told (steward.requests.objection)."""

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

# --- Complaints to the controller (DPA 2018 s.164A; issue 12, docs/complaints.md) ---

complaints = Table(
    "complaints",
    metadata,
    Column("reference", String(20), primary_key=True),
    Column("channel", String(16), nullable=False),
    Column("received", Date, nullable=False),
    Column("status", String(24), nullable=False, index=True),
    Column("request_ref", String(20), ForeignKey("requests.reference"), nullable=True, index=True),
    Column("complainant_cipher", LargeBinary, nullable=False),
    Column("email_index", LargeBinary(32), nullable=True, index=True),
    Column("text_cipher", LargeBinary, nullable=False),
    Column("acknowledged_on", Date, nullable=True),
    Column("acknowledged_by", String(16), nullable=True),
    Column("progress_updates", Integer, nullable=False),
    Column("last_told_on", Date, nullable=True),
    Column("outcome_cipher", LargeBinary, nullable=True),
    Column("outcome_told_on", Date, nullable=True),
    Column("closed_on", Date, nullable=True),
    Column("closure", String(24), nullable=True),
    Column("due", Date, nullable=True, index=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)
"""One row per complaint: lifecycle facts in the clear; who complained (name, addresses, phone),
what they said and the outcome sealed; the e-mail's blind index to find a person's complaints.
``due`` is the next step's day (null once nothing is owed), recomputed on every write."""

complaint_events = Table(
    "complaint_events",
    metadata,
    Column("id", Serial, primary_key=True, autoincrement=True),
    Column(
        "complaint_ref", String(20), ForeignKey("complaints.reference"), nullable=False, index=True
    ),
    Column("at", UtcDateTime, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(40), nullable=False),
    Column("note_cipher", LargeBinary, nullable=True),
    Column("told_on", Date, nullable=True),
)
"""A complaint's timeline (notes sealed); ``told_on`` is the day the complainant was told."""
# --- Staff accounts and sessions (issue 12 item 4, steward.store.staff) ---------------------
# Passwords as argon2id hashes, TOTP secrets sealed, recovery codes and session tokens kept only
# as hashes: a copy of these tables opens no account.

staff_accounts = Table(
    "staff_accounts",
    metadata,
    Column("id", Serial, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name_cipher", LargeBinary, nullable=False),
    Column("role", String(16), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("password_changed_at", UtcDateTime, nullable=False),
    Column("totp_secret_cipher", LargeBinary, nullable=False),
    Column("totp_pending_cipher", LargeBinary, nullable=True),
    Column("totp_confirmed_at", UtcDateTime, nullable=True),
    Column("totp_last_step", BigInteger, nullable=True),
    Column("failures", Integer, nullable=False),
    Column("failures_since", UtcDateTime, nullable=True),
    Column("locked_until", UtcDateTime, nullable=True),
    Column("last_login_at", UtcDateTime, nullable=True),
    Column("disabled_at", UtcDateTime, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    CheckConstraint(
        "role IN ('privacy_lead', 'hr', 'marketing', 'office', 'auditor')", name="role"
    ),
)
"""One row per member of staff (steward.staff.accounts); ``totp_last_step`` refuses a replay."""

staff_recovery_codes = Table(
    "staff_recovery_codes",
    metadata,
    Column("id", Serial, primary_key=True, autoincrement=True),
    Column("account_id", Serial, ForeignKey("staff_accounts.id"), nullable=False, index=True),
    Column("code_hash", LargeBinary(32), nullable=False),
    Column("key_version", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("used_at", UtcDateTime, nullable=True),
)
"""The keyed hash (HMAC under the key ring's index key) of each recovery code; single use."""

staff_sessions = Table(
    "staff_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("account_id", Serial, ForeignKey("staff_accounts.id"), nullable=False, index=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_seen_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("ended_at", UtcDateTime, nullable=True),
    Column("end_reason", String(16), nullable=True),
)
"""Sessions by the SHA-256 of their token (never the token); ``expires_at`` is the absolute end."""

staff_login_sources = Table(
    "staff_login_sources",
    metadata,
    Column("source_hash", LargeBinary(32), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("failures_since", UtcDateTime, nullable=True),
    Column("locked_until", UtcDateTime, nullable=True),
    Column("updated_at", UtcDateTime, nullable=False, index=True),
)
"""Failed sign-ins per source address, keyed by a blind index of the address (never the address)."""
# --- Privacy centre: notice versions and API keys (issue 12, docs/web.md) ---

notice_versions = Table(
    "notice_versions",
    metadata,
    Column("id", Serial, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),
    Column("position", Integer, nullable=False),
    Column("digest", String(80), nullable=False),
    Column("last_updated", Date, nullable=False),
    Column("first_published_at", UtcDateTime, nullable=False),
    Column("summary", Text, nullable=False),
    Column("outline", Text, nullable=False),
    Column("markdown", Text, nullable=False),
    UniqueConstraint("kind", "position"),
    Index("ix_notice_versions_kind_digest", "kind", "digest"),
)
"""Each version of the privacy and cookie notices as first published: its digest (the Markdown's
SHA-256, ``steward.notice.fingerprint``), its place in its kind's history, what changed against the
version before (``summary``), the outline that comparison used, and the words themselves."""

api_keys = Table(
    "api_keys",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime, nullable=True),
)
"""Keys for the consent API (``POST /api/consent/events``): only the SHA-256 of each key is kept."""
# --- The contact-form relay's counters (issue 12 item 6, docs/relay.md) ---

relay_counts = Table(
    "relay_counts",
    metadata,
    Column("day", Date, primary_key=True),
    Column("outcome", String(16), primary_key=True),
    Column("count", Integer, nullable=False),
    CheckConstraint("outcome IN ('sent', 'spam', 'refused', 'mail_failed')", name="outcome"),
)
"""How many contact-form posts had each outcome on each UK day, and nothing else: no submitted
value, no address, no time of day (the relay stores no personal data)."""

__all__ = [
    "api_keys",
    "audit_events",
    "audit_head",
    "complaint_events",
    "complaints",
    "consent_events",
    "consent_states",
    "download_tokens",
    "identifier_reindex",
    "job_runs",
    "key_checks",
    "legal_holds",
    "mailchimp_runs",
    "mailchimp_watermarks",
    "metadata",
    "notice_versions",
    "objection_balancings",
    "people",
    "person_identifiers",
    "person_merges",
    "plan_steps",
    "recipient_notices",
    "relay_counts",
    "request_events",
    "request_plans",
    "requests",
    "staff_accounts",
    "staff_login_sources",
    "staff_recovery_codes",
    "staff_sessions",
    "verification_codes",
]
