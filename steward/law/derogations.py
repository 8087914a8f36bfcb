"""Article 49 exceptions ("derogations") for one specific restricted transfer.

Without adequacy or a safeguard a transfer may go ahead only if one of these holds for that
transfer (UK GDPR Art 49, as amended by DUAA Sch 7 — amendments UNCONFIRMED; RULES.md R4.5).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum


class Derogation(StrEnum):
    """The Art 49(1) conditions (RULES.md R4.5)."""

    explicit_consent = "explicit_consent"
    contract_with_data_subject = "contract_with_data_subject"
    contract_in_interest_of_data_subject = "contract_in_interest_of_data_subject"
    public_interest = "public_interest"
    legal_claims = "legal_claims"
    vital_interests = "vital_interests"
    public_register = "public_register"
    compelling_legitimate_interests = "compelling_legitimate_interests"


@dataclass(frozen=True)
class Art49Claim:
    """The facts recorded for one transfer relying on an Art 49 condition."""

    reason: Derogation
    informed_of_risks: bool = False
    repetitive: bool = False
    purpose: str | None = None
    data_subject_unable_to_consent: bool = False
    limited_number_of_people: bool = False
    safeguards_assessed_and_documented: bool = False
    ico_informed: bool = False
    data_subject_told: bool = False


@dataclass(frozen=True)
class Art49Assessment:
    """Whether the claim holds, what is missing, and warnings that do not invalidate it."""

    valid: bool
    missing: tuple[str, ...]
    warnings: tuple[str, ...]


_LAST_RESORT_CONDITIONS: tuple[tuple[str, Callable[[Art49Claim], bool]], ...] = (
    ("not repetitive", lambda c: not c.repetitive),
    ("about a limited number of people", lambda c: c.limited_number_of_people),
    (
        "suitable safeguards assessed and documented (Art 30(1)(e))",
        lambda c: c.safeguards_assessed_and_documented,
    ),
    ("the ICO informed", lambda c: c.ico_informed),
    ("the person told of the transfer and the interests pursued", lambda c: c.data_subject_told),
)


def assess_art49(claim: Art49Claim) -> Art49Assessment:
    """Check one Art 49 claim (UK GDPR Art 49(1), (6); RULES.md R4.5).

    Explicit consent needs the person told of the risks; vital interests need the person unable
    to consent; the last-resort route needs every one of its conditions. A repetitive transfer
    on any other route is allowed but warned about: derogations are for occasional, specific
    transfers, not routine hosting [I].
    """
    missing: list[str] = []
    if claim.reason is Derogation.explicit_consent and not claim.informed_of_risks:
        missing.append("the person was not told of the possible risks before consenting")
    if claim.reason is Derogation.vital_interests and not claim.data_subject_unable_to_consent:
        missing.append("vital interests apply only where the person cannot give consent")
    if claim.reason is Derogation.compelling_legitimate_interests:
        missing.extend(
            f"last-resort transfer needs: {label}"
            for label, holds in _LAST_RESORT_CONDITIONS
            if not holds(claim)
        )
    warnings: list[str] = []
    if claim.repetitive and claim.reason is not Derogation.compelling_legitimate_interests:
        what = f" ({claim.purpose})" if claim.purpose else ""
        warnings.append(
            f"Art 49 derogations are not for routine transfers{what}; use adequacy or a safeguard"
        )
    return Art49Assessment(not missing, tuple(missing), tuple(warnings))
