"""The promise → control → evidence matrix: what the notice promises and what keeps each promise.

Every promise is derived from the manifest (a purpose's lawful basis, a category's retention, a
marketing rule, a right and its deadline, ...). Its status is "enforced" only when every Steward
control it rests on exists today (``steward.notice.controls``), otherwise "declared", naming the
missing control, so the matrix never claims more than the code does (UK GDPR Art 5(2)).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from steward.manifest.schema import Manifest
from steward.manifest.vocabulary import LawfulBasis, SystemKind
from steward.notice import wording
from steward.notice.controls import CONTROLS, ControlId
from steward.notice.document import Document, Section, para, table
from steward.notice.rights import RESPONSE_TIME
from steward.notice.sharing import category_retention, retention_text

C = ControlId


@dataclass(frozen=True)
class Promise:
    id: str
    text: str
    source: str
    """The manifest field the promise comes from, as a field path."""
    controls: tuple[ControlId, ...]
    evidence: str

    @property
    def missing(self) -> tuple[ControlId, ...]:
        return tuple(c for c in self.controls if not CONTROLS[c].implemented)

    @property
    def status(self) -> str:
        return "declared" if self.missing else "enforced"


def promises(m: Manifest) -> tuple[Promise, ...]:
    return tuple(_promises(m))


def _promises(m: Manifest) -> Iterator[Promise]:
    for i, p in enumerate(m.purposes):
        where = f"purposes[{i}]"
        yield Promise(
            f"basis.{p.id}",
            f"We use data for '{p.name}' only on this lawful basis: "
            f"{wording.lawful_basis(p.lawful_basis)}.",
            f"{where}.lawful_basis",
            (C.lint, C.notice_build),
            f"steward lint findings for {where}; ropa.csv row '{p.id}'",
        )
        special = any(
            m.category(c).special_category or m.category(c).criminal_offence for c in p.categories
        )
        if special:
            yield Promise(
                f"special.{p.id}",
                f"Special category or criminal offence data for '{p.name}' only under a named "
                "UK GDPR Art 9 / Art 10 condition with its DPA 2018 Sch 1 condition.",
                f"{where}.special_category_condition",
                (C.lint,),
                f"steward lint findings for {where}; ropa.json activity '{p.id}'",
            )
        if p.aggregate_only:
            yield Promise(
                f"aggregate.{p.id}",
                f"Results of '{p.name}' are published only as group totals, with counts below "
                "10 suppressed.",
                f"{where}.aggregate_only",
                (C.small_cell_suppression,),
                "published aggregate tables",
            )
        if p.marketing:
            controls = [C.consent_ledger, C.list_import_filter, C.unsubscribe]
            if any(m.system(s).kind is SystemKind.mailchimp for s in p.systems):
                controls.append(C.mailchimp_sync)
            rule = p.marketing.pecr_rule
            yield Promise(
                f"marketing.{p.id}",
                f"'{p.name}' is sent {wording.PECR_RULE[rule] if rule else 'on no stated rule'}; "
                "an objection or unsubscribe stops it at once.",
                f"{where}.marketing",
                tuple(controls),
                "consent_events and consent_states tables; list import report; "
                "List-Unsubscribe headers",
            )
    for i, category in enumerate(m.data_categories):
        yield Promise(
            f"retention.{category.id}",
            f"'{category.name}' is kept: {retention_text(category_retention(m, category))}.",
            f"data_categories[{i}].retention",
            (C.retention_sweep,),
            "retention runs and their evidence",
        )
    for i, recipient in enumerate(m.recipients):
        if wording.destinations(recipient):
            yield Promise(
                f"transfer.{recipient.id}",
                f"Data sent to {recipient.name} outside the UK is protected by UK adequacy or a "
                "safeguard valid on the day.",
                f"recipients[{i}].transfer",
                (C.lint,),
                "steward lint transfer findings with --on; data-audit.html",
            )
    yield from _rights_promises(m)
    if m.cookies:
        yield Promise(
            "cookies.consent",
            "Cookies that are not exempt are set only after you agree, and rejecting is as easy "
            "as accepting.",
            "cookies",
            (C.lint, C.cookie_banner),
            "steward lint cookie findings; banner consent records",
        )
    if m.organisation.security_measures:
        yield Promise(
            "security.measures",
            "We protect personal data with: " + "; ".join(m.organisation.security_measures) + ".",
            "organisation.security_measures",
            (C.identifier_encryption,),
            "Steward's own store: person_identifiers holds ciphertext only; the organisation's "
            "security policy for its other systems",
        )
    yield Promise(
        "accountability.audit",
        "Every consent, request and retention action is recorded so that it can be proved.",
        "rights",
        (C.audit_chain,),
        "audit_events table; chain verification",
    )
    yield Promise(
        "notice.current",
        "This notice states every Art 13 and Art 14 item and is updated when the law or our "
        "processing changes.",
        "notice.last_updated",
        (C.notice_build, C.lint),
        "privacy-notice.html; steward lint notice-item findings",
    )


def _rights_promises(m: Manifest) -> Iterator[Promise]:
    yield Promise(
        "rights.deadline",
        RESPONSE_TIME,
        "rights",
        (C.deadline_calculator, C.dsar_workflow),
        "`steward deadline RECEIVED --explain`; requests table",
    )
    yield Promise(
        "rights.object_to_marketing",
        "An objection to direct marketing is always honoured, without exception.",
        "rights",
        (C.consent_ledger, C.unsubscribe),
        "'objected' and 'unsubscribed' events in consent_events",
    )
    if any(p.lawful_basis is LawfulBasis.consent for p in m.purposes):
        yield Promise(
            "rights.withdraw_consent",
            "You can withdraw consent at any time, as easily as you gave it.",
            "rights",
            (C.consent_ledger, C.unsubscribe),
            "'withdrawn' events in consent_events",
        )
    yield Promise(
        "rights.complaints",
        "A complaint to us is acknowledged within 30 days (DPA 2018 s.164A).",
        "rights.complaints",
        (C.deadline_calculator, C.complaints_register),
        "complaints register with acknowledgement dates",
    )


def _control_names(promise: Promise) -> str:
    return "; ".join(CONTROLS[c].name for c in promise.controls)


def _status(promise: Promise) -> str:
    if not promise.missing:
        return "Enforced"
    return "Declared only: missing " + "; ".join(CONTROLS[c].name for c in promise.missing)


def promise_matrix(m: Manifest) -> Document:
    found = promises(m)
    enforced = sum(1 for p in found if p.status == "enforced")
    rows = ((p.text, _control_names(p), p.evidence, _status(p)) for p in found)
    return Document(
        title=f"Promises and how {m.organisation.name} keeps them",
        summary=para(
            f"Each promise our privacy notice makes, the Steward control that keeps it, and where "
            f"the evidence is. {enforced} of {len(found)} promises are enforced by Steward today; "
            "the rest are declared, and the missing control is named."
        ),
        sections=(
            Section(
                "matrix",
                "Promise, control and evidence",
                (
                    table(
                        "Promises, controls, evidence and status",
                        ("Promise", "Control", "Evidence", "Status"),
                        rows,
                    ),
                ),
            ),
        ),
        last_updated=m.notice.last_updated,
    )


def promise_matrix_json(m: Manifest) -> str:
    document = {
        "organisation": m.organisation.name,
        "as_of": m.notice.last_updated.isoformat(),
        "promises": [
            {
                "id": p.id,
                "promise": p.text,
                "source": p.source,
                "controls": [
                    {
                        "id": c.value,
                        "name": CONTROLS[c].name,
                        "module": CONTROLS[c].module,
                        "implemented": CONTROLS[c].implemented,
                    }
                    for c in p.controls
                ],
                "evidence": p.evidence,
                "status": p.status,
                "missing": [c.value for c in p.missing],
            }
            for p in promises(m)
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
