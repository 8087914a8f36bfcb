"""Plain-English legal wording generated from the manifest's structured fields.

One function per concept, so the privacy notice, the record of processing and the data audit
describe a lawful basis, a retention rule or a transfer in the same words. The words follow the
UK regime (UK GDPR, DPA 2018, PECR as amended by the DUAA 2025; RULES.md §0.1, N-extra-4).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from steward.law.transfers import (
    Mechanism,
    TransferAssessment,
    TransferFacts,
    adequacy,
    country_name,
    is_uk,
    transfer_lawful,
)
from steward.manifest.schema import (
    CriminalOffenceCondition,
    Manifest,
    Recipient,
    SpecialCategoryCondition,
)
from steward.manifest.vocabulary import (
    LawfulBasis,
    PecrRule,
    ProvisionRequirement,
    RecipientRole,
    SourceKind,
    SupervisoryAuthority,
    SystemKind,
    TransferMechanism,
    VerificationMethod,
)
from steward.notice.document import NOT_STATED, long_date

LAWFUL_BASIS = {
    LawfulBasis.consent: "Consent (UK GDPR Art 6(1)(a)): you have agreed, and you can withdraw "
    "at any time",
    LawfulBasis.contract: "Contract (UK GDPR Art 6(1)(b)): needed for a contract with you, or "
    "to take steps you ask for before entering one",
    LawfulBasis.legal_obligation: "Legal obligation (UK GDPR Art 6(1)(c)): needed to comply "
    "with the law",
    LawfulBasis.vital_interests: "Vital interests (UK GDPR Art 6(1)(d)): needed to protect "
    "someone's life",
    LawfulBasis.public_task: "Public task (UK GDPR Art 6(1)(e))",
    LawfulBasis.legitimate_interests: "Legitimate interests (UK GDPR Art 6(1)(f))",
    LawfulBasis.recognised_legitimate_interest: "Recognised legitimate interest "
    "(UK GDPR Art 6(1)(ea))",
}

ART9_CONDITIONS = {
    "a": "your explicit consent",
    "b": "obligations and rights in employment, social security and social protection law",
    "c": "protecting someone's vital interests when they cannot consent",
    "d": "the legitimate activities of a not-for-profit body",
    "e": "data you have manifestly made public",
    "f": "establishing, exercising or defending legal claims",
    "g": "reasons of substantial public interest",
    "h": "health or social care, or occupational medicine",
    "i": "public health",
    "j": "archiving, research or statistics in the public interest",
}

SCHEDULE_1 = {
    "para_1": "employment, social security and social protection",
    "para_6": "statutory and government purposes",
    "para_8": "equality of opportunity or treatment",
    "para_10": "preventing or detecting unlawful acts",
    "para_18": "safeguarding of children and individuals at risk",
}

MECHANISM = {
    TransferMechanism.uk_adequacy: "UK adequacy regulations",
    TransferMechanism.uk_extension_dpf: "the UK Extension to the EU-US Data Privacy Framework "
    "(UK adequacy regulations for certified US recipients)",
    TransferMechanism.eu_us_privacy_shield: "the EU-US Privacy Shield",
    TransferMechanism.eu_us_safe_harbour: "the EU-US Safe Harbour",
    TransferMechanism.idta: "the ICO's International Data Transfer Agreement (IDTA)",
    TransferMechanism.uk_addendum: "the 2021 EU standard contractual clauses with the ICO's "
    "UK Addendum",
    TransferMechanism.eu_scc_2021_without_addendum: "the 2021 EU standard contractual clauses",
    TransferMechanism.legacy_eu_scc: "the pre-2021 EU standard contractual clauses",
    TransferMechanism.uk_bcr: "binding corporate rules approved by the ICO",
    TransferMechanism.art49_derogation: "an exception for specific situations (UK GDPR Art 49)",
    TransferMechanism.gdpr_compliance: "the provider's statement that it complies with the GDPR",
}

PECR_RULE = {
    PecrRule.consent: "only if you have agreed to receive it from us; you can change your mind at "
    "any time",
    PecrRule.soft_opt_in: "because you bought, or asked about buying, our services; we only tell "
    "you about our own similar services, you could refuse when we collected your details, and "
    "every message lets you refuse further messages free of charge (PECR reg 22(3))",
    PecrRule.charity_soft_opt_in: "because you supported, or expressed an interest in, our "
    "charitable purposes; every message lets you refuse further messages free of charge",
    PecrRule.corporate_subscriber: "to business addresses of companies and other corporate bodies; "
    "every message identifies us and gives an address where you can opt out (PECR reg 23)",
    PecrRule.not_electronic: "by post or other non-electronic means",
}

PROVISION = {
    ProvisionRequirement.statutory: "Required by law",
    ProvisionRequirement.contractual: "Required by a contract",
    ProvisionRequirement.contract_entry: "Needed to enter into a contract",
    ProvisionRequirement.voluntary: "Voluntary",
    ProvisionRequirement.not_from_data_subject: "Not collected from you",
}

SOURCE = {
    SourceKind.data_subject: "From you",
    SourceKind.automatic: "Collected automatically",
    SourceKind.third_party: "From another organisation",
    SourceKind.public: "From publicly available sources",
    SourceKind.generated: "Created by us",
}
"""How data is obtained (Art 14(2)(f)); ``source`` adds how, from the systems that collect it."""

AUTOMATIC_BY_SYSTEM = {
    SystemKind.cctv: "Recorded by CCTV cameras",
    SystemKind.website: "Collected automatically when you use our website",
    SystemKind.mailchimp: "Collected automatically when you open or click our emails",
    SystemKind.hubspot: "Collected automatically when you use our website or open our emails",
    SystemKind.zendesk: "Collected automatically when you chat with us or contact our support",
}


def source(
    kind: SourceKind, name: str | None, publicly_accessible: bool, systems: Iterable[SystemKind]
) -> str:
    """A source as a reader recognises it: CCTV is recorded, not "collected by our website"."""
    text = SOURCE[kind]
    if kind is SourceKind.automatic:
        hows = [AUTOMATIC_BY_SYSTEM[s] for s in dict.fromkeys(systems) if s in AUTOMATIC_BY_SYSTEM]
        text = "; ".join(hows) or text
    if name:
        text += f" ({name})"
    if publicly_accessible:
        text += ", publicly accessible"
    return text


ROLE = {
    RecipientRole.processor: "Processor: handles the data for us, on our instructions, "
    "under contract",
    RecipientRole.controller: "Separate controller: decides how it uses the data itself",
    RecipientRole.joint_controller: "Joint controller: decides with us how the data is used",
    RecipientRole.public_authority: "Public authority",
}

VERIFICATION = {
    VerificationMethod.known_channel: "we confirm a request comes from you through contact details "
    "we already hold",
    VerificationMethod.email_code: "we send a one-time code to the contact details we already hold",
    VerificationMethod.matching_details: "we check details you give against the records we hold",
    VerificationMethod.id_document: "we may ask for an identity document",
}

ICO_COMPLAINTS_URL = "https://ico.org.uk/make-a-complaint/"


def lawful_basis(basis: LawfulBasis | None) -> str:
    return LAWFUL_BASIS[basis] if basis else str(NOT_STATED)


def special_condition(condition: SpecialCategoryCondition | None) -> str:
    """UK GDPR Art 9(2) with the DPA 2018 Sch 1 condition and policy document (RULES.md R10.1)."""
    if condition is None:
        return "No condition stated"
    letter = condition.article_9[-2]
    text = f"UK GDPR Art 9(2)({letter}): {ART9_CONDITIONS[letter]}"
    if condition.schedule_1:
        text += f"; {schedule_1(condition.schedule_1)}"
    if condition.appropriate_policy_document:
        text += f"; appropriate policy document: {condition.appropriate_policy_document}"
    return text


def criminal_condition(condition: CriminalOffenceCondition | None) -> str:
    """UK GDPR Art 10 with DPA 2018 s.10(5) and Sch 1 (RULES.md R10.4)."""
    if condition is None:
        return "No condition stated"
    parts = ["UK GDPR Art 10"]
    if condition.official_authority:
        parts.append("under official authority")
    if condition.schedule_1:
        parts.append(schedule_1(condition.schedule_1))
    if condition.appropriate_policy_document:
        parts.append(f"appropriate policy document: {condition.appropriate_policy_document}")
    return "; ".join(parts)


def schedule_1(paragraph: str) -> str:
    number = paragraph.removeprefix("para_")
    topic = SCHEDULE_1.get(paragraph)
    return f"DPA 2018 Sch 1 para {number}" + (f" ({topic})" if topic else "")


def transfer_facts(recipient: Recipient) -> TransferFacts:
    transfer = recipient.transfer
    if transfer is None:
        return TransferFacts()
    return TransferFacts(
        dpf_uk_extension=transfer.dpf_uk_extension,
        contract_date=transfer.contract_date,
        bcr_approved=transfer.bcr_approved,
        risk_assessed=transfer.transfer_risk_assessment is not None,
    )


def destinations(recipient: Recipient) -> tuple[str, ...]:
    """Named countries outside the UK the data goes to or is reached from (UK GDPR Art 44)."""
    declared = (recipient.country,) if recipient.country else ()
    codes = dict.fromkeys((*declared, *recipient.also_accessed_from))
    return tuple(code for code in codes if not is_uk(code))


def role(recipient: Recipient) -> str:
    return ROLE[recipient.role] if recipient.role else f"Role: {NOT_STATED}"


def based_in(recipient: Recipient) -> str:
    return country_name(recipient.country) if recipient.country else str(NOT_STATED)


def assess_transfer(recipient: Recipient, country: str, on: dt.date) -> TransferAssessment:
    """The law's verdict; a claim that is not a Chapter V mechanism counts for nothing."""
    declared = recipient.transfer.mechanisms if recipient.transfer else ()
    mechanisms = [Mechanism(m.value) for m in declared if m.value in Mechanism.__members__]
    return transfer_lawful(country, mechanisms, on, transfer_facts(recipient))


def transfer(recipient: Recipient, country: str, on: dt.date) -> str:
    """Art 13(1)(f): adequacy, or the safeguard relied on (RULES.md R4.1-R4.3)."""
    assessment = assess_transfer(recipient, country, on)
    name = country_name(country)
    if not assessment.lawful or assessment.basis is None:
        return f"{name}: no safeguard valid on {long_date(on)} is in place for this transfer"
    if assessment.basis is Mechanism.uk_adequacy:
        finding = adequacy(country, on)
        scope = f" for {finding.scope}" if finding.partial else ""
        return f"{name}: covered by UK adequacy regulations{scope}"
    text = f"{name}: protected by {MECHANISM[TransferMechanism(assessment.basis.value)]}"
    if assessment.basis is Mechanism.uk_extension_dpf:
        return text
    if recipient.transfer and recipient.transfer.art49_reason:
        text += f" ({recipient.transfer.art49_reason})"
    return text


def declared_mechanisms(recipient: Recipient) -> str:
    if recipient.transfer is None:
        return "None declared"
    return "; ".join(MECHANISM[m] for m in recipient.transfer.mechanisms)


def supervisory_authority(manifest: Manifest) -> str:
    """RULES.md SEED-30: the ICO until DUAA s.119 commences, then the Information Commission."""
    if manifest.organisation.supervisory_authority is SupervisoryAuthority.information_commission:
        return "the Information Commission"
    return "the Information Commissioner's Office (ICO)"
