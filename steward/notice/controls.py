"""The Steward controls a promise can rest on, what kind each is, and whether it exists today.

Two kinds: a *run-time* control acts on the organisation's data and leaves evidence (the consent
ledger, an unsubscribe, a retention sweep); a *declaration* check reads only what the manifest
says (lint, the compiled notice). The promise matrix calls a promise "enforced" only when it rests
on run-time controls that are all implemented; ``implemented`` is kept honest by a test that
imports each control's module (tests/unit/notice/test_controls.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ControlKind(StrEnum):
    runtime = "runtime"
    """Acts on the organisation's data at run time and leaves evidence."""
    declaration = "declaration"
    """Checks or publishes what the manifest declares; acts on nothing."""


class ControlId(StrEnum):
    lint = "lint"
    notice_build = "notice_build"
    consent_ledger = "consent_ledger"
    list_import_filter = "list_import_filter"
    unsubscribe = "unsubscribe"
    mailchimp_sync = "mailchimp_sync"
    audit_chain = "audit_chain"
    deadline_calculator = "deadline_calculator"
    dsar_workflow = "dsar_workflow"
    retention_sweep = "retention_sweep"
    cookie_banner = "cookie_banner"
    small_cell_suppression = "small_cell_suppression"
    complaints_register = "complaints_register"
    identifier_encryption = "identifier_encryption"


@dataclass(frozen=True)
class Control:
    id: ControlId
    name: str
    module: str
    evidence: str
    implemented: bool
    kind: ControlKind = ControlKind.runtime


CONTROLS: dict[ControlId, Control] = {
    c.id: c
    for c in (
        Control(
            ControlId.lint,
            "Manifest lint",
            "steward.lint",
            "`steward lint PATH --on DATE` findings (text, JSON, SARIF)",
            True,
            ControlKind.declaration,
        ),
        Control(
            ControlId.notice_build,
            "Compiled notices and record",
            "steward.notice",
            "`steward build PATH --out DIR` outputs",
            True,
            ControlKind.declaration,
        ),
        Control(
            ControlId.consent_ledger,
            "Consent ledger",
            "steward.store.ledger",
            "consent_events and consent_states tables",
            True,
        ),
        Control(
            ControlId.list_import_filter,
            "Marketing list import filter",
            "steward.consent.imports",
            "list import report; rows refused with reasons",
            True,
        ),
        Control(
            ControlId.unsubscribe,
            "Signed unsubscribe links (RFC 8058)",
            "steward.consent.unsubscribe_token",
            "List-Unsubscribe headers; 'unsubscribed' events in consent_events",
            True,
        ),
        Control(
            ControlId.mailchimp_sync,
            "Mailchimp suppression sync",
            "steward.connectors.mailchimp_sync",
            "push and pull reports; ledger events with source mailchimp",
            True,
        ),
        Control(
            ControlId.audit_chain,
            "Hash-chained audit log",
            "steward.store.audit",
            "audit_events table; chain verification report",
            True,
        ),
        Control(
            ControlId.deadline_calculator,
            "Request deadline calculator",
            "steward.law.deadlines",
            "`steward deadline RECEIVED --explain`",
            True,
        ),
        Control(
            ControlId.dsar_workflow,
            "Data-subject request workflow",
            "steward.requests",
            "requests, request_events and verification_codes tables; `steward request show`",
            True,
        ),
        Control(
            ControlId.retention_sweep,
            "Retention sweep",
            "steward.retention",
            "retention runs and their evidence",
            False,
        ),
        Control(
            ControlId.cookie_banner,
            "Cookie banner",
            "steward.web.banner",
            "banner configuration and consent records",
            False,
        ),
        Control(
            ControlId.small_cell_suppression,
            "Aggregate reports with small-cell suppression",
            "steward.reports",
            "each published table passed through law.suppression; the rule exists in "
            "steward.law.suppression, the reports that must use it do not yet",
            False,
        ),
        Control(
            ControlId.complaints_register,
            "Complaints register",
            "steward.registers",
            "complaints register with acknowledgement dates",
            False,
        ),
        Control(
            ControlId.identifier_encryption,
            "Encrypted identifiers with blind index",
            "steward.store.crypto",
            "person_identifiers table (ciphertext only)",
            True,
        ),
    )
}
