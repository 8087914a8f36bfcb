"""The data audit page: every third party that receives or hosts personal data, and on what terms.

For each recipient: its role, where it is, the transfer mechanism declared and whether that
mechanism is valid on the notice date (RULES.md §4 via ``steward.law.transfers``), its privacy
policy and, for processors, whether an Art 28 contract is in place. Software (systems and
cookies) comes first; other recipients such as authorities follow.
"""

from __future__ import annotations

from steward.law.transfers import country_name
from steward.manifest.schema import Manifest, Recipient
from steward.manifest.vocabulary import RecipientRole, TransferMechanism
from steward.notice import wording
from steward.notice.document import (
    NOT_STATED,
    Block,
    Document,
    Link,
    Paragraph,
    Section,
    long_date,
    para,
    table,
)

COLUMNS = (
    "Recipient",
    "Role",
    "Used for",
    "Country",
    "Transfer mechanism declared",
    "Valid on the notice date",
    "Privacy policy",
    "Processing contract",
)


def software_ids(m: Manifest) -> frozenset[str]:
    """Recipients that host a system, set a cookie, or process data for us."""
    hosting = {s.recipient for s in m.systems if s.recipient}
    setting = {c.recipient for c in m.cookies if c.recipient}
    processors = {r.id for r in m.recipients if r.role is RecipientRole.processor}
    return frozenset(i for i in hosting | setting | processors if i)


def _used_for(m: Manifest, r: Recipient) -> str:
    uses = [s.name for s in m.systems_hosted_by(r.id)]
    uses += [f"cookie {c.name}" for c in m.cookies_set_by(r.id)]
    uses += [p.name for p in m.purposes_sharing_with(r.id)]
    return "; ".join(dict.fromkeys(uses)) or str(NOT_STATED)


def _validity(m: Manifest, r: Recipient) -> str:
    on = m.notice.last_updated
    places = wording.destinations(r)
    if not places and (r.country is None or r.unnamed_destinations):
        return str(NOT_STATED)
    if not places:
        return "Not needed: in the UK"
    verdicts = []
    for country in places:
        assessment = wording.assess_transfer(r, country, on)
        if assessment.lawful and assessment.basis is not None:
            mechanism = wording.MECHANISM[TransferMechanism(assessment.basis.value)]
            verdicts.append(f"Yes ({country_name(country)}: {mechanism})")
        else:
            verdicts.append(f"No ({country_name(country)}: {assessment.reasons[-1]})")
    return "; ".join(verdicts)


def _contract(r: Recipient) -> str:
    if r.role is not RecipientRole.processor:
        return "Not a processor"
    return {True: "In place", False: "Missing", None: "Not stated"}[r.processing_contract]


def _row(m: Manifest, r: Recipient) -> tuple[Paragraph | str, ...]:
    countries = ", ".join(
        [wording.based_in(r)]
        + [country_name(c) for c in dict.fromkeys(r.also_accessed_from) if c != r.country]
        + (["countries not named"] if r.unnamed_destinations else [])
    )
    policy: Paragraph | str = (
        para(Link(f"{r.name} privacy policy", r.privacy_policy_url))
        if r.privacy_policy_url
        else str(NOT_STATED)
    )
    return (
        r.name,
        wording.role(r),
        _used_for(m, r),
        countries,
        wording.declared_mechanisms(r),
        _validity(m, r),
        policy,
        _contract(r),
    )


def data_audit(m: Manifest) -> Document:
    software = software_ids(m)
    tools = [_row(m, r) for r in m.recipients if r.id in software]
    others = [_row(m, r) for r in m.recipients if r.id not in software]
    blocks: list[Block] = [
        table("Third-party software and services", COLUMNS, tools)
        if tools
        else para("We use no third-party software or services that receive personal data.")
    ]
    sections = [Section("software", "Third-party software and services", tuple(blocks))]
    if others:
        sections.append(
            Section(
                "other-recipients",
                "Other recipients",
                (table("Other recipients of personal data", COLUMNS, others),),
            )
        )
    return Document(
        title=f"Data audit: third parties of {m.organisation.name}",
        summary=para(
            "Every outside organisation that receives or hosts personal data for "
            f"{m.organisation.name}, where it is, whether a transfer outside the UK is protected "
            f"on {long_date(m.notice.last_updated)} (UK GDPR Chapter V), and whether a "
            "processing contract is in place (UK GDPR Art 28)."
        ),
        sections=tuple(sections),
        last_updated=m.notice.last_updated,
    )
