"""The privacy notice: every UK GDPR Art 13 and Art 14 item, from the manifest (RULES.md §9).

Each section names the items it states (``Section.covers``) with the ids of
``steward.law.notice_items``, so tests and lint can check the compiled notice item by item. The
organisation's own paragraphs (``notice.statements``) are carried verbatim in the section they
belong to; lint judges their wording.
"""

from __future__ import annotations

from steward.manifest.schema import Contact, DataCategory, Manifest, Purpose
from steward.manifest.vocabulary import SourceKind
from steward.notice import wording
from steward.notice.document import Block, Document, Link, Paragraph, Section, items, para, table
from steward.notice.rights import (
    automated_decisions_section,
    complaints_section,
    marketing_section,
    rights_section,
)
from steward.notice.sharing import retention_section, sharing_section, transfers_section

STATEMENT_HOMES = {
    "intro": "about",
    "definition": "about",
    "lawful_grounds": "purposes",
    "special_category": "special-category",
    "bought_lists": "marketing",
    "marketing_retention": "retention",
    "transfers": "transfers",
    "right_of_access": "rights",
    "right_to_rectification": "rights",
    "right_to_erasure": "rights",
    "right_to_restriction": "rights",
    "right_to_portability": "rights",
    "right_to_object": "rights",
    "automated_decisions": "automated-decisions",
    "cookies": "cookies",
    "complaints": "complaints",
    "security": "security",
}
"""Where each known statement id is printed; any other id goes under "More information"."""

COOKIE_NOTICE_FILE = "cookie-notice.html"


def privacy_notice(manifest: Manifest) -> Document:
    """The privacy notice as a document, dated by ``notice.last_updated`` (N-extra-5)."""
    sections = [
        _about(manifest),
        _data(manifest),
        _purposes(manifest),
        _special_category(manifest),
        marketing_section(manifest),
        sharing_section(manifest),
        transfers_section(manifest),
        retention_section(manifest),
        rights_section(manifest),
        automated_decisions_section(manifest),
        _provision(manifest),
        complaints_section(manifest),
        _security(manifest),
        _cookies(manifest),
        _changes(manifest),
    ]
    homes = {s.id for s in sections}
    sections = [_with_statements(s, manifest) for s in sections]
    other = sorted(k for k in manifest.notice.statements if STATEMENT_HOMES.get(k) not in homes)
    if other:
        sections.append(
            Section(
                "more-information",
                "More information",
                tuple(
                    p
                    for key in other
                    for p in statement_paragraphs(manifest.notice.statements[key])
                ),
            )
        )
    org = manifest.organisation
    return Document(
        title=manifest.notice.title,
        summary=para(
            f"This notice explains how {org.name} uses personal data about you, why, on what "
            "lawful basis, who we share it with, how long we keep it, and your rights under the "
            "UK General Data Protection Regulation (UK GDPR), the Data Protection Act 2018 and the "
            "Privacy and Electronic Communications Regulations 2003 (PECR)."
        ),
        sections=tuple(sections),
        last_updated=manifest.notice.last_updated,
    )


def statement_paragraphs(text: str) -> tuple[Paragraph, ...]:
    return tuple(para(chunk.strip()) for chunk in text.split("\n\n") if chunk.strip())


def _with_statements(section: Section, manifest: Manifest) -> Section:
    """The organisation's own paragraphs open the section they belong to, in a fixed order."""
    statements = manifest.notice.statements
    own = [
        p
        for key in STATEMENT_HOMES
        if key in statements and STATEMENT_HOMES[key] == section.id
        for p in statement_paragraphs(statements[key])
    ]
    if not own:
        return section
    return Section(
        section.id, section.title, (*own, *section.blocks), section.subsections, section.covers
    )


def contact_line(contact: Contact) -> Paragraph:
    parts: list[str | Link] = []
    label = ", ".join(x for x in (contact.name, contact.role) if x)
    if label:
        parts.append(f"{label}. ")
    if contact.email:
        parts.extend(["Email: ", Link(contact.email, f"mailto:{contact.email}"), ". "])
    if contact.phone:
        parts.append(f"Phone: {contact.phone}. ")
    if contact.address:
        parts.append(f"Post: {contact.address.one_line()}. ")
    if contact.purpose:
        parts.append(f"Use this for: {contact.purpose.rstrip('.')}.")
    if isinstance(parts[-1], str):
        parts[-1] = parts[-1].rstrip()
    return Paragraph(tuple(parts))


def _about(m: Manifest) -> Section:
    org = m.organisation
    name = org.name + (f" (trading as {org.trading_name})" if org.trading_name else "")
    facts = [
        f"Controller: {name}, a company registered in the UK, number {org.company_number}.",
        f"Registered office: {org.registered_address.one_line()}.",
    ]
    if org.postal_address:
        facts.append(f"Postal address: {org.postal_address.one_line()}.")
    facts.append(f"Registered with the ICO as a data controller, number {org.ico_registration}.")
    contacts: list[Block] = [
        para("For anything about your personal data, contact:"),
        items([contact_line(org.privacy_contact)]),
    ]
    if org.other_contacts:
        contacts += [
            para("Other contact details:"),
            items(contact_line(c) for c in org.other_contacts),
        ]
    if org.dpo:
        contacts += [para("Our Data Protection Officer:"), items([contact_line(org.dpo)])]
    else:
        contacts.append(
            para(
                "We have not appointed a Data Protection Officer because the law does "
                "not require us to; the privacy contact above handles these matters."
            )
        )
    if org.representative:
        contacts += [para("Our representative:"), items([contact_line(org.representative)])]
    return Section(
        "about",
        "Who we are and how to contact us",
        (items(facts), *contacts),
        covers=("N13.1.a", "N13.1.b", "N14.1.a", "N14.1.b", "N-extra-4"),
    )


def _category_sources(m: Manifest, category: DataCategory) -> str:
    found: dict[str, None] = {}
    for purpose in m.purposes_using(category.id):
        for source in purpose.sources:
            text = wording.SOURCE[source.kind] + (f" ({source.name})" if source.name else "")
            if source.publicly_accessible:
                text += ", publicly accessible"
            found.setdefault(text)
    return "; ".join(found) or "Not stated"


def _category_kind(category: DataCategory) -> str:
    if category.special_category:
        return f"Special category ({category.special_category.value.replace('_', ' ')})"
    return "Criminal offence data" if category.criminal_offence else "Personal data"


def _data(m: Manifest) -> Section:
    rows = (
        (
            c.name,
            ", ".join(c.examples) or c.description or "-",
            _category_kind(c),
            _category_sources(m, c),
        )
        for c in m.data_categories
    )
    indirect = [
        p
        for p in m.purposes
        if any(s.kind not in (SourceKind.data_subject, SourceKind.automatic) for s in p.sources)
    ]
    blocks: list[Block] = [
        table(
            "Categories of personal data and where they come from",
            ("Category", "Examples", "Kind", "Where it comes from"),
            rows,
        )
    ]
    if indirect:
        blocks.append(
            para(
                "Where we do not get the data from you, we tell you the categories of "
                "data and its source as above (UK GDPR Art 14), for these purposes: "
                + "; ".join(p.name for p in indirect)
                + "."
            )
        )
    return Section(
        "personal-data", "The personal data we use", tuple(blocks), covers=("N14.1.d", "N14.2.f")
    )


def _subjects(m: Manifest, purpose: Purpose) -> str:
    return ", ".join(m.subject_kind(s).name for s in purpose.data_subjects)


def _purpose_row(m: Manifest, p: Purpose) -> tuple[str, ...]:
    description = p.description or ""
    if not p.stored:
        description = (description + " We pass it on and do not keep it.").strip()
    if p.children:
        description += f" Not for children under {p.children.minimum_age} ({p.children.age_check})."
    basis = wording.lawful_basis(p.lawful_basis)
    if p.legitimate_interests:
        basis += f". Our legitimate interests: {p.legitimate_interests}"
    categories = ", ".join(m.category(c).name for c in p.categories)
    return (p.name, description.strip() or "-", _subjects(m, p), categories, basis)


def _purposes(m: Manifest) -> Section:
    rows = (_purpose_row(m, p) for p in m.purposes)
    return Section(
        "purposes",
        "Why we use your data and our lawful basis",
        (
            table(
                "Purposes, whose data, and the lawful basis for each",
                (
                    "Purpose",
                    "What it involves",
                    "Whose data",
                    "Data used",
                    "Lawful basis and legitimate interests",
                ),
                rows,
            ),
        ),
        covers=("N13.1.c", "N13.1.d", "N14.1.c", "N14.2.b"),
    )


def _special_category(m: Manifest) -> Section:
    rows = []
    for p in m.purposes:
        categories = [m.category(c) for c in p.categories]
        special = [c.name for c in categories if c.special_category]
        criminal = [c.name for c in categories if c.criminal_offence]
        if special:
            rows.append(
                (
                    p.name,
                    ", ".join(special),
                    wording.special_condition(p.special_category_condition),
                )
            )
        if criminal:
            rows.append(
                (
                    p.name,
                    ", ".join(criminal),
                    wording.criminal_condition(p.criminal_offence_condition),
                )
            )
    if not rows:
        blocks: tuple[Block, ...] = (
            para("We do not use special category data or criminal offence data."),
        )
    else:
        blocks = (
            para(
                "Special category data (such as health or ethnic origin) and criminal offence "
                "data have extra protection. Criminal offence data is not special category data: "
                "it has its own rules (UK GDPR Art 10)."
            ),
            table(
                "Special category and criminal offence data, and the condition for each",
                ("Purpose", "Data", "Condition"),
                rows,
            ),
        )
        aggregate = [p.name for p in m.purposes if p.aggregate_only]
        if aggregate:
            blocks += (
                para(
                    "For " + "; ".join(aggregate) + ", we only report totals for groups, "
                    "never about one person, and we hide any count below 10 so that "
                    "nobody can be identified."
                ),
            )
    return Section(
        "special-category",
        "Special category and criminal offence data",
        blocks,
        covers=("N13.1.c",),
    )


def _provision(m: Manifest) -> Section:
    rows = []
    for p in m.purposes:
        if p.provision is None:
            rows.append((p.name, "Not stated", "-", "-"))
        else:
            rows.append(
                (
                    p.name,
                    wording.PROVISION[p.provision.requirement],
                    "Yes" if p.provision.obligatory else "No",
                    p.provision.consequence,
                )
            )
    return Section(
        "provision",
        "Do you have to give us your data?",
        (
            table(
                "Whether you must provide the data, and what happens if you do not",
                ("Purpose", "Requirement", "Must you provide it?", "If you do not provide it"),
                rows,
            ),
        ),
        covers=("N13.2.e",),
    )


def _security(m: Manifest) -> Section:
    measures = m.organisation.security_measures
    blocks: tuple[Block, ...] = (
        (para("We protect your data with these measures:"), items(measures))
        if measures
        else (para("Our security measures are not described here; ask us for details."),)
    )
    return Section("security", "How we keep your data secure", blocks)


def _cookies(m: Manifest) -> Section:
    if not m.cookies:
        return Section(
            "cookies",
            "Cookies",
            (para("Our website does not use cookies or similar technologies."),),
            covers=("N-extra-3",),
        )
    return Section(
        "cookies",
        "Cookies",
        (
            para(
                f"Our website uses {len(m.cookies)} cookies and similar technologies. "
                "Those that are not strictly necessary are only set if you agree. The ",
                Link("cookie notice", COOKIE_NOTICE_FILE),
                " lists each one, who sets it, why and for how long.",
            ),
        ),
        covers=("N-extra-3",),
    )


def _changes(m: Manifest) -> Section:
    entries = sorted(m.changes, key=lambda c: (c.date, c.summary), reverse=True)
    blocks: list[Block] = [
        para(
            f"We last updated this notice on {m.notice.last_updated.isoformat()}. "
            "We tell you about changes that affect you before they take effect."
        )
    ]
    if entries:
        blocks.append(
            table(
                "Changes to this notice",
                ("Date", "What changed"),
                ((e.date.isoformat(), e.summary) for e in entries),
            )
        )
    return Section(
        "changes", "Changes to this notice", tuple(blocks), covers=("N13.3", "N-extra-5")
    )
