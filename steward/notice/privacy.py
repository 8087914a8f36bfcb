"""The privacy notice: every UK GDPR Art 13 and Art 14 item, from the manifest (RULES.md §9).

Each section names the items it states (``Section.covers``) with the ids of
``steward.law.notice_items``, so tests and lint can check the compiled notice item by item. The
organisation's own paragraphs (``notice.statements``) are carried verbatim in the section they
belong to and replace Steward's prose there (``notice.statements``); lint judges their wording.
A fact the manifest does not give is printed as "Not stated", never filled by a default.
"""

from __future__ import annotations

from steward.manifest.schema import DataCategory, Manifest, Purpose
from steward.manifest.vocabulary import LawfulBasis, SourceKind
from steward.notice import wording
from steward.notice.about import about_section
from steward.notice.cookie_notice import consent_summary
from steward.notice.document import (
    NOT_STATED,
    Block,
    Document,
    Link,
    Section,
    items,
    long_date,
    para,
    prose,
    table,
)
from steward.notice.rights import (
    automated_decisions_section,
    complaints_section,
    marketing_section,
    rights_section,
)
from steward.notice.sharing import retention_section, sharing_section, transfers_section
from steward.notice.statements import other_statements, with_statements

COOKIE_NOTICE_FILE = "cookie-notice.html"


def privacy_notice(manifest: Manifest) -> Document:
    """The privacy notice as a document, dated by ``notice.last_updated`` (N-extra-5)."""
    sections = [
        about_section(manifest),
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
    sections = [with_statements(s, manifest) for s in sections]
    other = other_statements(manifest)
    if other:
        sections.append(Section("more-information", "More information", other))
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


def category_sources(m: Manifest, category: DataCategory) -> str:
    """How a category is obtained: the sources of the purposes using it that supply it.

    A source that names categories supplies only those (UK GDPR Art 14(2)(f)), so the NHS is not
    named as the source of payment details just because both serve one purpose.
    """
    found: dict[str, None] = {}
    for purpose in m.purposes_using(category.id):
        systems = tuple(m.system(s).kind for s in purpose.systems)
        for source in purpose.sources:
            if source.categories and category.id not in source.categories:
                continue
            found.setdefault(
                wording.source(source.kind, source.name, source.publicly_accessible, systems)
            )
    return "; ".join(found) or str(NOT_STATED)


def _category_kind(category: DataCategory) -> str:
    if category.special_category:
        return f"Special category ({category.special_category.value.replace('_', ' ')})"
    return "Criminal offence data" if category.criminal_offence else "Personal data"


def _data(m: Manifest) -> Section:
    rows = (
        (
            c.name,
            ", ".join(c.examples) or c.description or "",
            _category_kind(c),
            category_sources(m, c),
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
            "Categories of personal data and how we get them",
            ("Category", "Examples", "Kind", "How we get it"),
            rows,
        )
    ]
    if indirect:
        blocks.append(
            para(
                "For these purposes we also get data from someone other than you, as the table "
                "shows (UK GDPR Art 14): " + "; ".join(p.name for p in indirect) + "."
            )
        )
    return Section(
        "personal-data", "The personal data we use", tuple(blocks), covers=("N14.1.d", "N14.2.f")
    )


def _subjects(m: Manifest, purpose: Purpose) -> str:
    return ", ".join(m.subject_kind(s).name for s in purpose.data_subjects)


def _children_rule(p: Purpose) -> str:
    if p.children is None:
        return ""
    return f" Not for children under {p.children.minimum_age} (age check: {p.children.age_check})."


def _basis(p: Purpose) -> str:
    basis = wording.lawful_basis(p.lawful_basis)
    if p.explicit_consent and p.lawful_basis is LawfulBasis.consent:
        basis = basis.replace("Consent (", "Explicit consent (", 1)
    if p.legitimate_interests:
        basis += f". Our legitimate interests: {p.legitimate_interests}"
    return basis


def _purpose_row(m: Manifest, p: Purpose) -> tuple[str, ...]:
    description = p.description or ""
    if not p.stored:
        description = (description + " We pass it on and do not keep it.").strip()
    description += _children_rule(p)
    categories = ", ".join(m.category(c).name for c in p.categories)
    return (p.name, description.strip(), _subjects(m, p), categories, _basis(p))


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
            *_aggregate(m),
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
            prose("We do not use special category data or criminal offence data."),
        )
    else:
        blocks = (
            prose(
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
    return Section(
        "special-category",
        "Special category and criminal offence data",
        blocks,
        covers=("N13.1.c",),
    )


def _aggregate(m: Manifest) -> list[Block]:
    """Aggregate-only reporting as declared; the smallest count shown only if declared."""
    found: list[Block] = []
    for p in m.purposes:
        if not p.aggregate_only:
            continue
        if p.suppression_threshold:
            hidden = f"we hide any count below {p.suppression_threshold}"
        else:
            hidden = f"the smallest count we publish: {NOT_STATED}"
        found.append(
            para(
                f"For {p.name}, we only report totals for groups, never about one person; {hidden}."
            )
        )
    return found


def _provision(m: Manifest) -> Section:
    rows = []
    for p in m.purposes:
        if p.provision is None:
            rows.append((p.name, str(NOT_STATED), str(NOT_STATED), str(NOT_STATED)))
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
        else (prose(f"How we keep your data secure: {NOT_STATED}."),)
    )
    return Section("security", "How we keep your data secure", blocks)


def _cookies(m: Manifest) -> Section:
    link = para(
        "The ",
        Link("cookie notice", COOKIE_NOTICE_FILE),
        " lists each cookie and similar technology, who sets it, why, for how long and whether "
        "it needs your consent.",
    )
    if not m.cookies:
        return Section(
            "cookies",
            "Cookies",
            (prose("Our website does not use cookies or similar technologies."),),
            covers=("N-extra-3",),
        )
    return Section(
        "cookies",
        "Cookies",
        (prose(consent_summary(m)), link),
        covers=("N-extra-3",),
    )


def _changes(m: Manifest) -> Section:
    entries = sorted(m.changes, key=lambda c: (c.date, c.summary), reverse=True)
    blocks: list[Block] = [
        para(f"We last updated this notice on {long_date(m.notice.last_updated)}.")
    ]
    if entries:
        blocks.append(
            table(
                "Changes to this notice",
                ("Date", "What changed"),
                ((long_date(e.date), e.summary) for e in entries),
            )
        )
    return Section(
        "changes", "Changes to this notice", tuple(blocks), covers=("N13.3", "N-extra-5")
    )
