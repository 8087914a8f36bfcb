"""Fix hints chosen for the organisation in front of us (issue 10 item 3).

A hospital is pointed at the health-care condition, a nursery at safeguarding, a restaurant
at explicit consent, an employer at the employment condition; the hint never names a
condition that cannot fit the people the purpose is about.
"""

from __future__ import annotations

from steward.lint.audience import Role
from steward.manifest.schema import Purpose
from steward.manifest.vocabulary import LawfulBasis

_SPECIAL_BY_ROLE: tuple[tuple[Role, str], ...] = (
    (
        Role.patient,
        "'special_category_condition: {article_9: 9(2)(h), schedule_1: para_2}' (health or "
        "social care, by or under a health professional's duty of confidentiality, DPA 2018 "
        "s.11(1))",
    ),
    (
        Role.worker,
        "'special_category_condition: {article_9: 9(2)(b), schedule_1: para_1, "
        "appropriate_policy_document: ...}' (employment obligations)",
    ),
    (
        Role.child,
        "'special_category_condition: {article_9: 9(2)(g), schedule_1: para_18, "
        "appropriate_policy_document: ...}' (safeguarding of children) or 9(2)(h) with para_2 "
        "for health care",
    ),
    (
        Role.supporter,
        "'special_category_condition: {article_9: 9(2)(a)}' (explicit consent) or 9(2)(d) for "
        "a not-for-profit body's members and regular contacts",
    ),
    (
        Role.customer,
        "'special_category_condition: {article_9: 9(2)(a)}' with explicit consent asked for "
        "when the person tells you (e.g. allergies or dietary needs)",
    ),
)

GENERIC_SPECIAL = (
    "add 'special_category_condition:' with the Art 9(2) condition that fits (9(2)(a) explicit "
    "consent; 9(2)(b) employment with Sch 1 para 1; 9(2)(h) health care with para 2; 9(2)(g) "
    "with the Sch 1 Part 2 condition) and the appropriate policy document where Sch 1 needs one"
)


def special_category_hint(purpose: Purpose, roles: frozenset[Role]) -> str:
    """The Art 9 condition most likely to fit this purpose's people, first."""
    if purpose.lawful_basis is LawfulBasis.consent:
        return (
            "add 'special_category_condition: {article_9: 9(2)(a)}' and 'explicit_consent: true' "
            "(ask for an express statement of consent to this use of the special category data)"
        )
    if purpose.aggregate_only:
        return (
            "add 'special_category_condition: {article_9: 9(2)(g), schedule_1: para_8, "
            "appropriate_policy_document: ...}' (equality of opportunity monitoring)"
        )
    for role, hint in _SPECIAL_BY_ROLE:
        if role in roles:
            return f"add {hint}"
    return GENERIC_SPECIAL


_CRIMINAL_BY_ROLE: tuple[tuple[Role, str], ...] = (
    (Role.child, "schedule_1: para_18 (safeguarding of children and individuals at risk)"),
    (
        Role.worker,
        "schedule_1: para_1 (employment) or para_6 (statutory purposes, e.g. DBS checks)",
    ),
    (Role.patient, "schedule_1: para_18 (safeguarding) or para_2 (health care)"),
)


def criminal_hint(text: str, roles: frozenset[Role]) -> str:
    """The Sch 1 condition for criminal offence data that fits what the purpose does."""
    lowered = text.lower()
    if "fraud" in lowered:
        condition = "schedule_1: para_14 (preventing fraud) or para_10 (preventing unlawful acts)"
    else:
        condition = next(
            (hint for role, hint in _CRIMINAL_BY_ROLE if role in roles),
            "schedule_1: para_10 (preventing or detecting unlawful acts) or the one that fits",
        )
    return (
        f"flag the category 'criminal_offence: true' and add 'criminal_offence_condition: "
        f"{{{condition}, appropriate_policy_document: ...}}'"
    )
