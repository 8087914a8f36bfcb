"""The promise → control → evidence matrix: what the notice promises and what keeps each promise.

Every promise is derived from the manifest (a purpose's lawful basis, a category's retention, a
marketing rule, a right and its deadline, ...). It has exactly one of three states, never
conflated (UK GDPR Art 5(2): the matrix never claims more than the code does):

- ``enforced``: Steward run-time controls keep it, every one of them exists today, and lint
  reports no error against the declaration it comes from;
- ``checked``: Steward checks and publishes the declaration only (lint, the notice), because no
  run-time control keeps it, one it needs is missing (named), or lint reports an error against it;
- ``organisation``: the organisation's own control (a firewall, anti-virus, a locked cabinet),
  which Steward neither runs nor checks.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from enum import StrEnum

from steward.law.deadlines import COMPLAINTS_DUTY_FROM
from steward.manifest.schema import Manifest
from steward.manifest.vocabulary import LawfulBasis, SystemKind
from steward.notice import wording
from steward.notice.controls import CONTROLS, ControlId, ControlKind
from steward.notice.document import Document, Section, para, table
from steward.notice.rights import RESPONSE_TIME
from steward.notice.sharing import category_retention, retention_text

C = ControlId


class PromiseStatus(StrEnum):
    enforced = "enforced"
    checked = "checked"
    organisation = "organisation"


STATUS_LABEL = {
    PromiseStatus.enforced: "Enforced by Steward",
    PromiseStatus.checked: "Checked in the declaration only",
    PromiseStatus.organisation: "The organisation's own control (not checked by Steward)",
}


@dataclass(frozen=True)
class Promise:
    id: str
    text: str
    source: str
    """The manifest field the promise comes from, as a field path."""
    controls: tuple[ControlId, ...]
    evidence: str
    own_control: bool = False
    """Kept by the organisation's own measure, which Steward neither runs nor checks."""
    lint_errors: int = 0
    """Lint errors reported against ``source`` (or a field inside or above it)."""

    @property
    def missing(self) -> tuple[ControlId, ...]:
        return tuple(c for c in self.controls if not CONTROLS[c].implemented)

    @property
    def runtime_controls(self) -> tuple[ControlId, ...]:
        return tuple(c for c in self.controls if CONTROLS[c].kind is ControlKind.runtime)

    @property
    def status(self) -> PromiseStatus:
        if self.own_control:
            return PromiseStatus.organisation
        if self.runtime_controls and not self.missing and not self.lint_errors:
            return PromiseStatus.enforced
        return PromiseStatus.checked

    @property
    def reason(self) -> str:
        """Why the promise has its status, in a sentence for the matrix."""
        if self.status is PromiseStatus.organisation:
            return "Steward does not run or check this control"
        notes = []
        if self.missing:
            notes.append("missing " + "; ".join(CONTROLS[c].name for c in self.missing))
        if self.lint_errors:
            notes.append(
                f"lint reports {self.lint_errors} error{'s' if self.lint_errors != 1 else ''} "
                "against this declaration"
            )
        if not self.runtime_controls:
            notes.append("no Steward control acts on it at run time")
        return "; ".join(notes)


def concerns(error_field: str, source: str) -> bool:
    """Whether a lint error at ``error_field`` is against the declaration at ``source``: the
    same field, a field inside it, or the entry that holds it (``purposes[2]``)."""
    if error_field == source:
        return True
    inside = error_field.startswith((source + ".", source + "["))
    above = source.startswith((error_field + ".", error_field + "["))
    return inside or above


def promises(m: Manifest, *, error_fields: Collection[str] = ()) -> tuple[Promise, ...]:
    """Every promise the manifest makes; ``error_fields`` are the field paths of lint errors
    (``Finding.field``), so no promise reads "enforced" while lint reports an error against it."""
    found = tuple(_promises(m))
    if not error_fields:
        return found
    return tuple(
        Promise(
            p.id,
            p.text,
            p.source,
            p.controls,
            p.evidence,
            p.own_control,
            sum(1 for field in error_fields if concerns(field, p.source)),
        )
        for p in found
    )


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
                f"Results of '{p.name}' are published only as group totals"
                + (
                    f", with any count below {p.suppression_threshold} hidden."
                    if p.suppression_threshold
                    else "."
                ),
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
    for i, measure in enumerate(m.organisation.security_measures):
        yield Promise(
            f"security.{i + 1}",
            f"We protect personal data with: {measure}.",
            f"organisation.security_measures[{i}]",
            (),
            "the organisation's own security records",
            own_control=True,
        )
    yield Promise(
        "security.steward_store",
        "Identifiers that Steward holds (e-mail addresses, phone numbers, names) are encrypted "
        "at rest and found only through a keyed index.",
        "organisation",
        (C.identifier_encryption,),
        "person_identifiers table (ciphertext only); tests/integration/store/test_no_plaintext.py",
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
        (C.lint, C.deadline_calculator, C.dsar_workflow),
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
    if m.notice.last_updated < COMPLAINTS_DUTY_FROM:
        return
    yield Promise(
        "rights.complaints",
        "A complaint to us is acknowledged within 30 days (DPA 2018 s.164A).",
        "rights.complaints",
        (C.lint, C.deadline_calculator, C.complaints_register),
        "complaints register with acknowledgement dates",
    )


def _control_names(promise: Promise) -> str:
    return "; ".join(CONTROLS[c].name for c in promise.controls)


def _status(promise: Promise) -> str:
    label = STATUS_LABEL[promise.status]
    return f"{label}: {promise.reason}" if promise.reason else label


def promise_matrix(m: Manifest, *, error_fields: Collection[str] = ()) -> Document:
    found = promises(m, error_fields=error_fields)
    count = {s: sum(1 for p in found if p.status is s) for s in PromiseStatus}
    rows = (
        (p.text, _control_names(p) or "The organisation's own measure", p.evidence, _status(p))
        for p in found
    )
    return Document(
        title=f"Promises and how {m.organisation.name} keeps them",
        summary=para(
            f"Each promise our privacy notice makes, the control that keeps it, and where the "
            f"evidence is. Of {len(found)} promises, {count[PromiseStatus.enforced]} are enforced "
            f"by Steward at run time, {count[PromiseStatus.checked]} are checked in the "
            f"declaration only (the reason is named), and {count[PromiseStatus.organisation]} "
            "rest on the organisation's own controls, which Steward does not check."
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


def promise_matrix_json(m: Manifest, *, error_fields: Collection[str] = ()) -> str:
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
                        "kind": CONTROLS[c].kind.value,
                    }
                    for c in p.controls
                ],
                "evidence": p.evidence,
                "status": p.status.value,
                "reason": p.reason,
                "missing": [c.value for c in p.missing],
                "lint_errors": p.lint_errors,
            }
            for p in promises(m, error_fields=error_fields)
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
