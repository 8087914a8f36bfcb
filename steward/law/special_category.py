"""Special category and criminal offence data: the extra conditions they need.

UK GDPR Arts 9-10 and DPA 2018 s.10-11 and Schedule 1, as RULES.md R10.1-R10.4 state them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class SpecialCategory(StrEnum):
    """The kinds of special category data (UK GDPR Art 9(1); RULES.md R10.1)."""

    racial_ethnic_origin = "racial_ethnic_origin"
    political_opinions = "political_opinions"
    religious_philosophical_beliefs = "religious_philosophical_beliefs"
    trade_union_membership = "trade_union_membership"
    genetic = "genetic"
    biometric = "biometric"
    health = "health"
    sex_life = "sex_life"
    sexual_orientation = "sexual_orientation"


def is_special_category(kind: str) -> bool:
    """Whether a data kind is special category data; criminal offence data is not (R10.1, R10.4)."""
    return kind in SpecialCategory.__members__


ART9_CONDITIONS: dict[str, str] = {
    "9(2)(a)": "explicit consent",
    "9(2)(b)": "employment, social security and social protection obligations and rights",
    "9(2)(c)": "vital interests where the person cannot consent",
    "9(2)(d)": "not-for-profit body's legitimate activities",
    "9(2)(e)": "made manifestly public by the person",
    "9(2)(f)": "legal claims or judicial acts",
    "9(2)(g)": "substantial public interest",
    "9(2)(h)": "health or social care",
    "9(2)(i)": "public health",
    "9(2)(j)": "archiving, research or statistics",
}
"""UK GDPR Art 9(2) conditions by id."""

SCHEDULE_1_FOR: dict[str, frozenset[str]] = {
    "9(2)(b)": frozenset({"para_1"}),
    "9(2)(h)": frozenset({"para_2"}),
    "9(2)(i)": frozenset({"para_3"}),
    "9(2)(j)": frozenset({"para_4"}),
    "9(2)(g)": frozenset(f"para_{n}" for n in range(6, 29)),
}
"""Art 9(2) conditions that also need a DPA 2018 Sch 1 condition, and which ones can meet them.

DPA 2018 s.10(2)-(3): (b), (h), (i), (j) by Sch 1 Part 1 paras 1-4; (g) by Part 2 paras 6-28.
RULES.md R10.1 names the five conditions but not the pairing.
"""

APD_REQUIRED: frozenset[str] = frozenset(
    {"para_1", "para_36", *(f"para_{n}" for n in range(6, 29))}
)
"""Sch 1 conditions needing an appropriate policy document (DPA 2018 Sch 1 paras 1, 5, 38-39).

Para 1 (employment) and Part 2 (para 5) are RULES.md R10.2-R10.3; para 36 (Part 2 conditions
extended to criminal offence data) is read the same way. Part 2's own exceptions to para 5 are
UNCONFIRMED, so every Part 2 condition is treated as needing one (conservative default).
"""

CRIMINAL_CONDITIONS: frozenset[str] = frozenset(f"para_{n}" for n in range(1, 38))
"""Sch 1 Parts 1-3 (paras 1-37) may each authorise criminal offence data (DPA 2018 s.10(5))."""


def schedule_1_id(condition: str) -> str:
    """ "para1", "Para 1" and "para_1" all mean Sch 1 paragraph 1."""
    digits = "".join(ch for ch in condition if ch.isdigit())
    return f"para_{int(digits)}" if digits else condition.strip().lower()


def special_category_gaps(
    kind: str,
    art6: str | None,
    art9: str | None,
    *,
    sch1: str | None = None,
    apd: bool = False,
) -> tuple[str, ...]:
    """What is missing to process this kind of data lawfully (UK GDPR Arts 6, 9; R10.1-R10.2)."""
    gaps: list[str] = []
    if art6 is None:
        gaps.append("no Art 6 lawful basis")
    if not is_special_category(kind):
        return tuple(gaps)
    if art9 is None:
        return (*gaps, "no Art 9(2) condition")
    if art9 not in ART9_CONDITIONS:
        return (*gaps, f"{art9!r} is not an Art 9(2) condition (use 9(2)(a) to 9(2)(j))")
    needed = SCHEDULE_1_FOR.get(art9)
    if needed is None:
        return tuple(gaps)
    paragraph = schedule_1_id(sch1) if sch1 is not None else None
    if paragraph is None:
        gaps.append(f"Art {art9} also needs a DPA 2018 Sch 1 condition")
    elif paragraph not in needed:
        gaps.append(f"Sch 1 {paragraph} does not meet Art {art9}")
    elif paragraph in APD_REQUIRED and not apd:
        gaps.append(f"Sch 1 {paragraph} needs an appropriate policy document in place")
    return tuple(gaps)


def special_ok(
    kind: str,
    art6: str | None,
    art9: str | None,
    *,
    sch1: str | None = None,
    apd: bool = False,
) -> bool:
    """Both an Art 6 basis and, for special category data, an Art 9 (+ Sch 1) condition (R10.1)."""
    return not special_category_gaps(kind, art6, art9, sch1=sch1, apd=apd)


def criminal_ok(
    condition: str | None,
    *,
    apd: bool = False,
    official_authority: bool = False,
    comprehensive_register: bool = False,
) -> bool:
    """Criminal offence data: official authority, or a Sch 1 condition (with its APD) (R10.4).

    UK GDPR Art 10; DPA 2018 ss.10(5), 11(2). A comprehensive register of convictions needs
    official authority.
    """
    if official_authority:
        return True
    if comprehensive_register or condition is None:
        return False
    paragraph = schedule_1_id(condition)
    return paragraph in CRIMINAL_CONDITIONS and (apd or paragraph not in APD_REQUIRED)


@dataclass(frozen=True)
class EqualityMonitoring:
    """The facts Sch 1 para 8 turns on (RULES.md R10.3; sub-conditions UNCONFIRMED)."""

    group_statistics_only: bool
    individual_decision: bool = False
    likely_substantial_damage_or_distress: bool = False
    written_objection_received: bool = False
    apd: bool = False


EQUALITY_KINDS = frozenset(
    {
        SpecialCategory.racial_ethnic_origin,
        SpecialCategory.religious_philosophical_beliefs,
        SpecialCategory.health,
        SpecialCategory.sexual_orientation,
    }
)


def equality_monitoring_ok(kind: str, facts: EqualityMonitoring) -> bool:
    """Equality-of-opportunity monitoring under Art 9(2)(g) + Sch 1 para 8 (RULES.md R10.3)."""
    return (
        kind in EQUALITY_KINDS
        and facts.group_statistics_only
        and not facts.individual_decision
        and not facts.likely_substantial_damage_or_distress
        and not facts.written_objection_received
        and facts.apd
    )
