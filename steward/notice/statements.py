"""The organisation's own paragraphs (``notice.statements``) and how they combine with Steward's.

Each known statement id has a home section. There the organisation's paragraphs come first and
replace Steward's generated explanation for that section (``Prose``), while the facts the
manifest declares (tables, lists, contacts) stay. A statement about one right replaces Steward's
line for that right only. So the two never repeat or contradict each other; lint judges the
organisation's wording against the law (UK GDPR Art 12(1), Arts 13-14).
"""

from __future__ import annotations

from steward.manifest.schema import Manifest
from steward.notice.document import Paragraph, Prose, Section, para

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
    "right_to_object_direct_marketing": "object-to-marketing",
    "automated_decisions": "automated-decisions",
    "cookies": "cookies",
    "complaints": "complaints",
    "security": "security",
    "changes": "changes",
}
"""Where each known statement id is printed; any other id goes under "More information"."""

RIGHT_STATEMENTS = {
    "right_of_access": "Access",
    "right_to_rectification": "Rectification",
    "right_to_erasure": "Erasure",
    "right_to_restriction": "Restriction",
    "right_to_portability": "Portability",
    "right_to_object": "Objection",
}
"""Statements about one right: each replaces Steward's line for that right, not the section."""


def statement_paragraphs(text: str) -> tuple[Paragraph, ...]:
    return tuple(para(chunk.strip()) for chunk in text.split("\n\n") if chunk.strip())


def own_paragraphs(manifest: Manifest, section_id: str) -> tuple[Paragraph, ...]:
    """The organisation's paragraphs for a section, in the fixed order of STATEMENT_HOMES."""
    statements = manifest.notice.statements
    return tuple(
        p
        for key, home in STATEMENT_HOMES.items()
        if home == section_id and key in statements and key not in RIGHT_STATEMENTS
        for p in statement_paragraphs(statements[key])
    )


def with_statements(section: Section, manifest: Manifest) -> Section:
    """The section with the organisation's paragraphs first, replacing Steward's prose."""
    own = own_paragraphs(manifest, section.id)
    subsections = tuple(with_statements(s, manifest) for s in section.subsections)
    if not own:
        return Section(section.id, section.title, section.blocks, subsections, section.covers)
    facts = tuple(b for b in section.blocks if not isinstance(b, Prose))
    return Section(section.id, section.title, (*own, *facts), subsections, section.covers)


def other_statements(manifest: Manifest) -> tuple[Paragraph, ...]:
    """Statements with no section of their own, for "More information", in id order."""
    statements = manifest.notice.statements
    return tuple(
        p
        for key in sorted(statements)
        if key not in STATEMENT_HOMES
        for p in statement_paragraphs(statements[key])
    )
