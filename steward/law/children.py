"""Children's consent to online services (UK GDPR Art 8; RULES.md §11)."""

from __future__ import annotations

from datetime import date

from steward.errors import InvalidInput
from steward.law.calendar import Nation

DIGITAL_AGE_OF_CONSENT_HISTORY: tuple[tuple[date, int], ...] = ((date(2018, 5, 25), 13),)
"""(from, age) pairs, oldest first. The UK has used 13 since the GDPR applied (DPA 2018 s.9, now
Art 8(1)). Regulations under Art 8(2A) (CWSA 2026 s.72) may change it to 13-16: whether any were
made by 2026-11-26 is UNCONFIRMED, so add a dated pair here when they are (RULES.md §11)."""

SCOTLAND_ACCESS_PRESUMPTION_AGE = 12
"""In Scotland a child of 12 or more is presumed able to exercise the right of access (R11)."""


def digital_age_of_consent(
    on: date, *, history: tuple[tuple[date, int], ...] = DIGITAL_AGE_OF_CONSENT_HISTORY
) -> int:
    """The age from which a child can consent to an online service on a date (Art 8(1))."""
    ages = [age for start, age in history if start <= on]
    if not ages:
        raise InvalidInput(
            f"no digital age of consent is recorded for {on}",
            where="on",
            hint="give a date on or after 2018-05-25, or extend the dated history",
        )
    return ages[-1]


def can_self_consent(
    age: int, on: date, *, history: tuple[tuple[date, int], ...] = DIGITAL_AGE_OF_CONSENT_HISTORY
) -> bool:
    """Under the age, a holder of parental responsibility must give or authorise consent (Art 8)."""
    if age < 0:
        raise InvalidInput(f"age {age} is negative", where="age", hint="give an age in years")
    return age >= digital_age_of_consent(on, history=history)


def art8_applies(
    *,
    offered_directly_to_child: bool,
    relies_on_consent: bool,
    preventive_or_counselling: bool = False,
) -> bool:
    """Art 8 covers consent-based online services offered directly to a child, not counselling."""
    return offered_directly_to_child and relies_on_consent and not preventive_or_counselling


def presumed_able_to_exercise_access(age: int, nation: Nation) -> bool | None:
    """True in Scotland from 12; elsewhere None: competence is judged case by case (R11)."""
    if nation is Nation.scotland:
        return age >= SCOTLAND_ACCESS_PRESUMPTION_AGE
    return None
