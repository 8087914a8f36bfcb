"""The Art 30 record of processing activities: one row per purpose, as CSV, XLSX and JSON.

Columns are every UK GDPR Art 30(1)(a)-(g) field (RULES.md R8.1) plus the extras of R8.3: the
lawful basis, the Art 9 / Art 10 condition with its DPA 2018 Sch 1 condition and appropriate
policy document, sources, systems and where they are, and processors with their contracts. The
record is written, electronic and can be handed to the ICO on request (Art 30(3)-(4)).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass

from steward.law.notice_items import ALL_ITEMS
from steward.law.transfers import country_name
from steward.manifest.schema import Contact, Manifest, Purpose
from steward.manifest.vocabulary import LawfulBasis, PecrRule, RecipientRole
from steward.notice import wording
from steward.notice.document import NOT_STATED, long_date
from steward.notice.sharing import category_retention, retention_text
from steward.notice.xlsx import RecordDetails, table_workbook

NOT_APPLICABLE = "Not applicable"
"""A column that does not apply to the activity (no special category data, no consent)."""

STEWARD_EXTRA = "steward"
"""Field id of a column Steward adds beyond RULES.md §8 (the sources, which Art 14 needs)."""


@dataclass(frozen=True)
class RopaColumn:
    key: str
    heading: str
    field: str
    """The ``law.notice_items`` id of the Art 30 field it records (30.1.b, 30.extra.apd, ...)."""
    value: Callable[[Manifest, Purpose], str]


def _contact(contact: Contact) -> str:
    parts = [
        contact.name,
        contact.role,
        contact.email,
        contact.phone,
        contact.address.one_line() if contact.address else None,
    ]
    return ", ".join(p for p in parts if p)


def _controller(m: Manifest, p: Purpose) -> str:
    org = m.organisation
    registered = [
        f"company {org.company_number}" if org.company_number else None,
        *(f"charity {c.number}" for c in org.charity_numbers),
        f"ICO {org.ico_registration or ('fee exempt' if org.fee_exempt else NOT_STATED)}",
    ]
    numbers = "; ".join(r for r in registered if r)
    text = f"{org.name} ({numbers}); " + _contact(org.privacy_contact)
    joint = [
        m.recipient(r)
        for r in p.recipients
        if m.recipient(r).role is RecipientRole.joint_controller
    ]
    if joint:
        text += "; joint controllers: " + ", ".join(r.name for r in joint)
    if org.representative:
        text += f"; representative: {_contact(org.representative)}"
    if org.dpo:
        return text + f"; DPO: {_contact(org.dpo)}"
    return text + (
        "; DPO: none appointed" if org.dpo_appointed is False else f"; DPO: {NOT_STATED}"
    )


def _purpose(m: Manifest, p: Purpose) -> str:
    return f"{p.name}: {p.description}" if p.description else p.name


def _subjects(m: Manifest, p: Purpose) -> str:
    return "; ".join(m.subject_kind(s).name for s in p.data_subjects)


def _categories(m: Manifest, p: Purpose) -> str:
    return "; ".join(m.category(c).name for c in p.categories)


def _recipients(m: Manifest, p: Purpose) -> str:
    return (
        "; ".join(
            f"{r.category} ({r.name}, {wording.based_in(r)})"
            for r in (m.recipient(i) for i in p.recipients)
        )
        or "None"
    )


def _transfers(m: Manifest, p: Purpose) -> str:
    on = m.notice.last_updated
    found = []
    for recipient in (m.recipient(i) for i in p.recipients):
        for country in wording.destinations(recipient):
            text = f"{recipient.name}: {wording.transfer(recipient, country, on)}"
            if recipient.transfer and recipient.transfer.art49_reason:
                text += f"; Art 49 documentation: {recipient.transfer.art49_reason}"
            found.append(text)
    return "; ".join(found) or "None"


def _retention(m: Manifest, p: Purpose) -> str:
    parts = []
    for category in (m.category(c) for c in p.categories):
        rules = category_retention(m, category)
        if p.retention and not category.retention:
            rules = (m.retention_rule(p.retention),)
        parts.append(f"{category.name}: {retention_text(rules)}")
    return "; ".join(parts)


def _security(m: Manifest, p: Purpose) -> str:
    return "; ".join(m.organisation.security_measures) or str(NOT_STATED)


def _basis(m: Manifest, p: Purpose) -> str:
    return wording.lawful_basis(p.lawful_basis)


def _interests(m: Manifest, p: Purpose) -> str:
    if not p.legitimate_interests and not p.lia_reference:
        return NOT_APPLICABLE
    interests = p.legitimate_interests or NOT_STATED
    return f"{interests} (assessment: {p.lia_reference or NOT_STATED})"


def _special(m: Manifest, p: Purpose) -> str:
    if not any(m.category(c).special_category for c in p.categories):
        return NOT_APPLICABLE
    return wording.special_condition(p.special_category_condition)


def _criminal(m: Manifest, p: Purpose) -> str:
    if not any(m.category(c).criminal_offence for c in p.categories):
        return NOT_APPLICABLE
    return wording.criminal_condition(p.criminal_offence_condition)


def _sources(m: Manifest, p: Purpose) -> str:
    """How the data is obtained, and for which categories when a source names them."""
    systems = tuple(m.system(s).kind for s in p.systems)
    found = []
    for s in p.sources:
        text = wording.source(s.kind, s.name, s.publicly_accessible, systems)
        if s.categories:
            text += ": " + ", ".join(m.category(c).name for c in s.categories)
        found.append(text)
    return "; ".join(found) or str(NOT_STATED)


def _systems(m: Manifest, p: Purpose) -> str:
    return (
        "; ".join(
            f"{s.name} ({country_name(s.location)})" for s in (m.system(i) for i in p.systems)
        )
        or "None declared"
    )


def _processors(m: Manifest, p: Purpose) -> str:
    processors = [m.recipient(i) for i in p.recipients]
    return (
        "; ".join(
            f"{r.name}: contract {_contract(r.processing_contract)}"
            for r in processors
            if r.role is RecipientRole.processor
        )
        or "None"
    )


def _consent_records(m: Manifest, p: Purpose) -> str:
    marketing_consent = p.marketing is not None and p.marketing.pecr_rule is PecrRule.consent
    if p.lawful_basis is LawfulBasis.consent or marketing_consent:
        return "Steward consent ledger: consent_events and consent_states tables"
    return NOT_APPLICABLE


def _contract(in_place: bool | None) -> str:
    return {True: "in place", False: "missing", None: "not stated"}[in_place]


COLUMNS = (
    RopaColumn("purpose_id", "Purpose id", "30.1.b", lambda m, p: p.id),
    RopaColumn(
        "controller", "Controller, joint controllers, representative and DPO", "30.1.a", _controller
    ),
    RopaColumn("purpose", "Purpose of the processing", "30.1.b", _purpose),
    RopaColumn("data_subjects", "Categories of data subjects", "30.1.c", _subjects),
    RopaColumn("personal_data", "Categories of personal data", "30.1.c", _categories),
    RopaColumn("recipients", "Categories of recipients", "30.1.d", _recipients),
    RopaColumn("transfers", "Transfers outside the UK and safeguards", "30.1.e", _transfers),
    RopaColumn("retention", "Time limits for erasure", "30.1.f", _retention),
    RopaColumn("security", "Technical and organisational security measures", "30.1.g", _security),
    RopaColumn("lawful_basis", "Lawful basis (Art 6)", "30.extra.lawful_basis", _basis),
    RopaColumn(
        "legitimate_interests",
        "Legitimate interests and assessment",
        "30.extra.lawful_basis",
        _interests,
    ),
    RopaColumn(
        "special_category_condition",
        "Special category condition (Art 9, DPA Sch 1, policy document)",
        "30.extra.apd",
        _special,
    ),
    RopaColumn(
        "criminal_offence_condition",
        "Criminal offence data condition (Art 10, DPA Sch 1, policy document)",
        "30.extra.apd",
        _criminal,
    ),
    RopaColumn("sources", "Sources of the data", STEWARD_EXTRA, _sources),
    RopaColumn("systems", "Systems and their locations", "30.extra.locations", _systems),
    RopaColumn(
        "processors",
        "Processors and processing contracts",
        "30.extra.processor_contracts",
        _processors,
    ),
    RopaColumn("consent_records", "Consent records", "30.extra.consent_records", _consent_records),
)


def column_law(column: RopaColumn) -> str:
    """The provision or guidance a column records, as a reader would cite it (not Steward's id)."""
    if column.field == STEWARD_EXTRA:
        return "UK GDPR Art 14(2)(f)"
    return ALL_ITEMS[column.field].citation.replace(" (wording UNCONFIRMED)", "")


def ropa_rows(m: Manifest) -> tuple[tuple[str, ...], ...]:
    """One row per purpose, in the manifest's order, one value per column."""
    return tuple(tuple(column.value(m, p) for column in COLUMNS) for p in m.purposes)


def ropa_csv(m: Manifest) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([column.heading for column in COLUMNS])
    writer.writerows(ropa_rows(m))
    return out.getvalue()


def ropa_json(m: Manifest) -> str:
    document = {
        "record": "UK GDPR Art 30(1) record of processing activities",
        "controller": m.organisation.name,
        "as_of": m.notice.last_updated.isoformat(),
        "columns": [{"key": c.key, "heading": c.heading, "law": column_law(c)} for c in COLUMNS],
        "activities": [
            dict(zip((c.key for c in COLUMNS), row, strict=True)) for row in ropa_rows(m)
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def record_details(m: Manifest) -> RecordDetails:
    """The record's title, owner, version and date (UK GDPR Art 30(1): the controller's record)."""
    org = m.organisation
    keeper = ", ".join(x for x in (org.privacy_contact.name, org.privacy_contact.role) if x)
    owner = f"{org.name} (controller)" + (f"; kept by {keeper}" if keeper else "")
    return RecordDetails(
        title=f"Record of processing activities of {org.name} (UK GDPR Art 30(1))",
        owner=owner,
        version=m.notice.version or str(NOT_STATED),
        dated=m.notice.last_updated,
        date_text=long_date(m.notice.last_updated),
    )


def ropa_xlsx(m: Manifest) -> bytes:
    return table_workbook(
        "Record of processing",
        [column.heading for column in COLUMNS],
        ropa_rows(m),
        record_details(m),
    )
