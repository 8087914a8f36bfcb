"""Cookies and similar technologies: does storing or reading this need consent on this date?

PECR reg 6 and Schedule A1 as re-written by DUAA s.112 and Sch 12 (in force 5 Feb 2026; SI
2026/82 reg 2(w)), read as RULES.md §3 states them. Exact Sch A1 wording is UNCONFIRMED.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

SCHEDULE_A1_FROM = date(2026, 2, 5)
"""The statistical, appearance and emergency-assistance exceptions apply from here (R3.1)."""


class CookiePurpose(StrEnum):
    """What a storage or access technology is used for (RULES.md R3.1-R3.3)."""

    strictly_necessary = "strictly_necessary"
    communication = "communication"
    statistical = "statistical"
    appearance = "appearance"
    emergency_assistance = "emergency_assistance"
    analytics = "analytics"
    advertising = "advertising"
    embedded_content = "embedded_content"
    personalisation = "personalisation"
    social_media = "social_media"
    ab_testing = "ab_testing"


class Exemption(StrEnum):
    """The five exceptions to consent (PECR reg 6, Sch A1; RULES.md R3.1)."""

    strictly_necessary = "strictly_necessary"
    communication = "communication"
    statistical = "statistical"
    appearance = "appearance"
    emergency_assistance = "emergency_assistance"


_EXCEPTION_FOR = {
    CookiePurpose.strictly_necessary: Exemption.strictly_necessary,
    CookiePurpose.communication: Exemption.communication,
    CookiePurpose.statistical: Exemption.statistical,
    CookiePurpose.appearance: Exemption.appearance,
    CookiePurpose.emergency_assistance: Exemption.emergency_assistance,
}
_ALWAYS_AVAILABLE = frozenset({Exemption.strictly_necessary, Exemption.communication})
_NEEDS_INFORMATION_AND_OBJECTION = frozenset({Exemption.statistical, Exemption.appearance})
_CITATION = "PECR reg 6, Sch A1 (DUAA 2025 s.112, Sch 12)"


@dataclass(frozen=True)
class StorageAccess:
    """One storage or access technology as the site uses it (RULES.md R3.1-R3.3).

    - `every_use_fits`: nothing is done with it beyond the declared purposes.
    - `provider_own_purposes`: the provider also uses the data for its own ends (advertising,
      cross-site profiles, product improvement), which takes it outside every exception.
    - `notice_explains` / `objection_means`: clear information about the purpose, and a simple,
      free means to object that the site itself offers (a third-party browser add-on is not it).
    """

    purposes: frozenset[CookiePurpose]
    every_use_fits: bool = True
    provider_own_purposes: bool = False
    notice_explains: bool = False
    objection_means: bool = False


@dataclass(frozen=True)
class CookieDecision:
    """Consent needed or not, the exception relied on, why, and the provision."""

    consent_required: bool
    exemption: Exemption | None
    reason: str
    citation: str = _CITATION


def needs_consent(tech: StorageAccess, on: date) -> CookieDecision:
    """Whether storing or reading needs prior consent on a date (PECR reg 6; RULES.md R3.1-R3.6).

    An exception applies only when every purpose falls under that one exception and every use
    fits it; several exceptions together are not combined [I: each exception is for a sole
    purpose]. Statistical, appearance and emergency exceptions exist only from 5 Feb 2026, and
    the first two also need the notice to explain the purpose and a simple, free objection means.
    """
    if not tech.purposes:
        return _consent("no purpose is declared, so no exception can be shown to apply")
    if tech.provider_own_purposes:
        return _consent("the provider also uses the data for its own purposes")
    if not tech.every_use_fits:
        return _consent("some uses go beyond the declared purposes")
    non_exempt = sorted(p.value for p in tech.purposes if p not in _EXCEPTION_FOR)
    if non_exempt:
        extra = (
            "; load it only after consent (click-to-load placeholder), as clicking play is "
            "not informed consent"
            if CookiePurpose.embedded_content in tech.purposes
            else ""
        )
        return _consent(f"{', '.join(non_exempt)} is not covered by any exception{extra}")
    exemptions = {_EXCEPTION_FOR[p] for p in tech.purposes}
    if len(exemptions) > 1:
        names = ", ".join(sorted(e.value for e in exemptions))
        return _consent(f"its uses fall under several exceptions ({names}); each needs a sole use")
    exemption = exemptions.pop()
    if exemption not in _ALWAYS_AVAILABLE and on < SCHEDULE_A1_FROM:
        return _consent(
            f"the {exemption.value} exception applies only from {SCHEDULE_A1_FROM.isoformat()}"
        )
    if exemption in _NEEDS_INFORMATION_AND_OBJECTION and not (
        tech.notice_explains and tech.objection_means
    ):
        return _consent(
            f"the {exemption.value} exception needs the notice to explain the purpose and a "
            "simple, free means to object"
        )
    return CookieDecision(False, exemption, f"exempt: {exemption.value.replace('_', ' ')}")


def _consent(reason: str) -> CookieDecision:
    return CookieDecision(True, None, f"consent required: {reason}")


@dataclass(frozen=True)
class Banner:
    """The consent banner's first layer and behaviour (RULES.md R3.4-R3.5)."""

    accept_on_first_layer: bool
    reject_on_first_layer: bool
    accept_clicks: int = 1
    reject_clicks: int = 1
    equal_prominence: bool = True
    pre_ticked_boxes: bool = False
    non_exempt_load_before_choice: bool = False
    consent_by_continuing: bool = False
    withdraw_as_easy_as_give: bool = True


@dataclass(frozen=True)
class BannerAssessment:
    """Whether the banner can obtain valid consent, and every problem found."""

    valid: bool
    problems: tuple[str, ...]
    citation: str = "UK GDPR Art 4(11), 7; PECR reg 6; ICO cookie guidance (R3.4-R3.5)"


def banner_valid(banner: Banner) -> BannerAssessment:
    """Reject must be as easy as accept; consent prior, affirmative and easy to withdraw.

    RULES.md R3.4 (UK GDPR Art 4(11), 7(1)-(4), Recital 32) and R3.5 (ICO warning letters of
    November 2023 and January 2024).
    """
    checks = (
        (
            banner.accept_on_first_layer and not banner.reject_on_first_layer,
            "'Reject all' must be on the first layer next to 'Accept all'",
        ),
        (
            banner.reject_clicks > banner.accept_clicks,
            "rejecting must take no more clicks than accepting",
        ),
        (not banner.equal_prominence, "reject and accept must have equal visual weight"),
        (banner.pre_ticked_boxes, "pre-ticked boxes are not an affirmative action"),
        (
            banner.non_exempt_load_before_choice,
            "nothing non-exempt may load before the choice, including on the landing page",
        ),
        (banner.consent_by_continuing, "continuing to browse is not consent"),
        (not banner.withdraw_as_easy_as_give, "withdrawing must be as easy as giving consent"),
    )
    problems = tuple(problem for failed, problem in checks if failed)
    return BannerAssessment(not problems, problems)
