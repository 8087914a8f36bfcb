"""Restricted transfers: UK adequacy, safeguards and withdrawn mechanisms on a given date.

RULES.md §4 (UK GDPR Chapter V as substituted by DUAA s.85, Schs 7-9; DPA 2018 Sch 21 para 5).
Every validity window is inclusive and exact on its boundary days.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from steward.errors import InvalidInput
from steward.law.countries import COUNTRY_NAMES
from steward.law.derogations import Art49Claim, assess_art49


class Mechanism(StrEnum):
    """Transfer mechanism ids as the manifest writes them (RULES.md R4.3)."""

    uk_adequacy = "uk_adequacy"
    uk_extension_dpf = "uk_extension_dpf"
    eu_us_privacy_shield = "eu_us_privacy_shield"
    eu_us_safe_harbour = "eu_us_safe_harbour"
    idta = "idta"
    uk_addendum = "uk_addendum"
    eu_scc_2021_without_addendum = "eu_scc_2021_without_addendum"
    legacy_eu_scc = "legacy_eu_scc"
    uk_bcr = "uk_bcr"
    art49_derogation = "art49_derogation"
    gdpr_compliance = "gdpr_compliance"
    """Not a mechanism at all: some notices claim "GDPR compliance" as a safeguard (SEED-05).
    It is accepted as a value only so that it can be named and rejected."""


UK_GDPR_FROM = date(2021, 1, 1)
"""First day of UK GDPR transfers (IP completion day was 31 Dec 2020 23:00; RULES.md R4.2 †)."""
IDTA_AND_ADDENDUM_FROM = date(2022, 3, 21)
LEGACY_SCC_CONTRACT_DEADLINE = date(2022, 9, 21)
KOREA_ADEQUACY_FROM = date(2022, 12, 19)
US_ADEQUACY_FROM = date(2023, 10, 12)


@dataclass(frozen=True)
class TransferPolicy:
    """UNCONFIRMED points of RULES.md §4 as documented defaults (see docs/rules.md).

    - `faroe_islands_adequate` (R4.2; Appendix B.4): default False, flagged.
    - `legacy_scc_last_valid_day` (R4.3 boundary note; Appendix B.5): 2024-03-21 taken as the
      last valid day; set 2024-03-20 to read it as the first invalid day.
    """

    faroe_islands_adequate: bool = False
    legacy_scc_last_valid_day: date = date(2024, 3, 21)


DEFAULT_POLICY = TransferPolicy()


class BeforeUkGdpr(InvalidInput):
    """A transfer question for a day before UK GDPR Chapter V applied (RULES.md R4.2 †).

    Until IP completion day (31 Dec 2020 23:00) UK processing was governed by the EU GDPR (from
    25 May 2018) or the Data Protection Act 1998 (before it): transfers to the EEA were not
    restricted, and EU adequacy decisions, the EU-US Privacy Shield (to 2020-07-15) and the EU
    SCCs applied. Steward judges only the UK regime, so it refuses such a date rather than give
    an answer ("invalid") that was not the law on that day.
    """

    def __init__(self, on: date, *, where: str = "on") -> None:
        super().__init__(
            f"{on.isoformat()} is before UK GDPR transfer rules applied "
            f"(from {UK_GDPR_FROM.isoformat()}); on that day the EU GDPR or the Data Protection "
            "Act 1998 governed transfers from the UK, which Steward does not assess",
            where=where,
            hint=f"use a date on or after {UK_GDPR_FROM.isoformat()}",
        )
        self.on = on


def require_uk_gdpr_date(on: date, *, where: str = "on") -> date:
    """The date itself, or BeforeUkGdpr when it falls before 2021-01-01 (RULES.md R4.2 †)."""
    if on < UK_GDPR_FROM:
        raise BeforeUkGdpr(on, where=where)
    return on


@dataclass(frozen=True)
class AdequacyEntry:
    """One row of the UK adequacy table (RULES.md R4.2)."""

    scope: str
    valid_from: date
    basis: str
    partial: bool = False
    confirmed: bool = True


_SCH21 = "DPA 2018 Sch 21 para 5"
_FULL_FROM_2021 = (
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE "
    "IS LI NO GI AD AR GG IM IL JE NZ CH UY"
)
ADEQUACY: dict[str, AdequacyEntry] = {
    **{code: AdequacyEntry("full", UK_GDPR_FROM, _SCH21) for code in _FULL_FROM_2021.split()},
    "CA": AdequacyEntry(
        "recipients subject to PIPEDA (commercial organisations)", UK_GDPR_FROM, _SCH21, True
    ),
    "JP": AdequacyEntry(
        "private-sector recipients subject to the APPI", UK_GDPR_FROM, _SCH21, True
    ),
    "FO": AdequacyEntry(
        "recipients subject to the Faroese data-protection Act",
        UK_GDPR_FROM,
        _SCH21 + " (inclusion UNCONFIRMED)",
        partial=True,
        confirmed=False,
    ),
    "KR": AdequacyEntry(
        "recipients subject to PIPA",
        KOREA_ADEQUACY_FROM,
        "Data Protection (Adequacy) (Republic of Korea) Regulations 2022, SI 2022/1213",
        True,
    ),
    "US": AdequacyEntry(
        "recipients on the Data Privacy Framework List participating in the UK Extension",
        US_ADEQUACY_FROM,
        "Data Protection (Adequacy) (United States of America) Regulations 2023, SI 2023/1028",
        True,
    ),
}


def normalise_country(code: str, *, where: str = "country") -> str:
    """Upper-case ISO 3166-1 alpha-2; "UK" means GB. Unknown codes are an error."""
    cleaned = code.strip().upper()
    cleaned = "GB" if cleaned == "UK" else cleaned
    if cleaned not in COUNTRY_NAMES:
        raise InvalidInput(
            f"unknown country code {code!r}",
            where=where,
            hint="use an ISO 3166-1 alpha-2 code such as US, DE, IN (GB or UK for the UK)",
        )
    return cleaned


def is_known_country(code: str) -> bool:
    """Whether code is an assigned ISO 3166-1 alpha-2 code (or "UK" for GB)."""
    cleaned = code.strip().upper()
    return cleaned == "UK" or cleaned in COUNTRY_NAMES


def country_name(code: str) -> str:
    """The short English name of an ISO 3166-1 alpha-2 code."""
    return COUNTRY_NAMES[normalise_country(code)]


def is_uk(code: str) -> bool:
    """Sending data within the UK is not a restricted transfer (RULES.md R4.1)."""
    return normalise_country(code) == "GB"


@dataclass(frozen=True)
class AdequacyFinding:
    """Whether UK adequacy regulations cover a destination on a date, and with what caveat."""

    adequate: bool
    partial: bool
    scope: str | None
    basis: str | None
    unconfirmed: bool = False


def adequacy(
    country: str,
    on: date,
    *,
    within_scope: bool = True,
    policy: TransferPolicy = DEFAULT_POLICY,
) -> AdequacyFinding:
    """UK adequacy for a destination on a date (RULES.md R4.2).

    For partial adequacy (CA, JP, KR, US, FO) `within_scope` says whether the recipient is in
    the covered sector; for the US that means certified to the UK Extension of the DPF. The
    Faroe Islands count only if `policy.faroe_islands_adequate` (UNCONFIRMED). A date before
    2021-01-01 is refused (BeforeUkGdpr): UK adequacy regulations did not exist then.
    """
    require_uk_gdpr_date(on)
    code = normalise_country(country)
    entry = ADEQUACY.get(code)
    if entry is None:
        return AdequacyFinding(False, False, None, None)
    in_force = on >= entry.valid_from and (entry.confirmed or policy.faroe_islands_adequate)
    adequate = in_force and (within_scope or not entry.partial)
    return AdequacyFinding(adequate, entry.partial, entry.scope, entry.basis, not entry.confirmed)


@dataclass(frozen=True)
class TransferFacts:
    """Facts about one transfer that decide whether a mechanism holds (RULES.md R4.3).

    - `dpf_uk_extension`: the US recipient is on the DPF List, participates in the UK
      Extension and is active on the transfer date.
    - `within_scope`: the recipient is within a partial adequacy decision's scope.
    - `contract_date` / `processing_unchanged`: for legacy EU SCCs.
    - `bcr_approved` / `bcr_revoked`: ICO approval and revocation dates of UK BCRs.
    - `risk_assessed`: a transfer risk assessment finds protection not materially lower (R4.1).
    - `art49`: the Art 49 claim recorded for this specific transfer (R4.5).
    """

    dpf_uk_extension: bool = False
    within_scope: bool = True
    contract_date: date | None = None
    processing_unchanged: bool = True
    bcr_approved: date | None = None
    bcr_revoked: date | None = None
    risk_assessed: bool = True
    art49: Art49Claim | None = None


def mechanism_valid(
    mechanism: Mechanism,
    country: str,
    on: date,
    *,
    dpf_uk_extension: bool = False,
    contract_date: date | None = None,
    bcr_approved: date | None = None,
    bcr_revoked: date | None = None,
    art49: Art49Claim | None = None,
    within_scope: bool = True,
    processing_unchanged: bool = True,
    risk_assessed: bool = True,
    policy: TransferPolicy = DEFAULT_POLICY,
) -> bool:
    """Whether one mechanism lawfully covers a transfer to country on a date (R4.3, R4.4)."""
    facts = TransferFacts(
        dpf_uk_extension=dpf_uk_extension,
        within_scope=within_scope,
        contract_date=contract_date,
        processing_unchanged=processing_unchanged,
        bcr_approved=bcr_approved,
        bcr_revoked=bcr_revoked,
        risk_assessed=risk_assessed,
        art49=art49,
    )
    return mechanism_gap(mechanism, country, on, facts, policy) is None


def mechanism_gap(
    mechanism: Mechanism,
    country: str,
    on: date,
    facts: TransferFacts,
    policy: TransferPolicy = DEFAULT_POLICY,
) -> str | None:
    """Why a mechanism does not cover the transfer, or None when it does (RULES.md R4.3).

    Privacy Shield (invalid from 2020-07-16, Schrems II), Safe Harbour (from 2015-10-06,
    Schrems I) and the 2021 EU SCCs without the UK Addendum are never UK GDPR mechanisms.
    A UK BCR stops on its revocation date (conservative reading of R4.3). A date before
    2021-01-01 is refused (BeforeUkGdpr) rather than answered with the UK rules.
    """
    require_uk_gdpr_date(on)
    code = normalise_country(country)
    if mechanism is Mechanism.uk_adequacy:
        scope = facts.dpf_uk_extension if code == "US" else facts.within_scope
        if adequacy(code, on, within_scope=scope, policy=policy).adequate:
            return None
        return f"{country_name(code)} is not covered by UK adequacy regulations for this recipient"
    if mechanism is Mechanism.uk_extension_dpf:
        if code != "US":
            return "the UK Extension to the DPF covers only US recipients"
        if on < US_ADEQUACY_FROM:
            return f"the UK Extension applies only from {US_ADEQUACY_FROM.isoformat()}"
        if not facts.dpf_uk_extension:
            return "the recipient is not certified to the UK Extension of the DPF on that date"
        return None
    if mechanism is Mechanism.eu_us_privacy_shield:
        return "Privacy Shield was invalidated on 2020-07-16 and was never a UK GDPR mechanism"
    if mechanism is Mechanism.eu_us_safe_harbour:
        return "Safe Harbour was invalidated in October 2015 (Schrems I)"
    if mechanism is Mechanism.eu_scc_2021_without_addendum:
        return "the 2021 EU SCCs alone are never valid for UK transfers; add the UK Addendum"
    if mechanism is Mechanism.gdpr_compliance:
        return "GDPR compliance is not a transfer mechanism under UK GDPR Chapter V (Arts 44-49)"
    if mechanism in (Mechanism.idta, Mechanism.uk_addendum):
        if on < IDTA_AND_ADDENDUM_FROM:
            return f"the IDTA and UK Addendum apply only from {IDTA_AND_ADDENDUM_FROM.isoformat()}"
        return _risk_gap(facts)
    if mechanism is Mechanism.legacy_eu_scc:
        return _legacy_scc_gap(on, facts, policy) or _risk_gap(facts)
    if mechanism is Mechanism.uk_bcr:
        if facts.bcr_approved is None or on < facts.bcr_approved:
            return "no ICO approval of the UK BCRs on that date"
        if facts.bcr_revoked is not None and on >= facts.bcr_revoked:
            return f"the UK BCRs were revoked on {facts.bcr_revoked.isoformat()}"
        return _risk_gap(facts)
    return _art49_gap(facts.art49)


def _risk_gap(facts: TransferFacts) -> str | None:
    if facts.risk_assessed:
        return None
    return "no transfer risk assessment shows protection not materially lower than in the UK"


def _legacy_scc_gap(on: date, facts: TransferFacts, policy: TransferPolicy) -> str | None:
    """Old EU SCCs: concluded by 2022-09-21; new contracts to then, unchanged ones to 2024-03-21."""
    if facts.contract_date is None:
        return "legacy EU SCCs need the date the contract was concluded"
    if facts.contract_date > LEGACY_SCC_CONTRACT_DEADLINE:
        return f"legacy EU SCCs concluded after {LEGACY_SCC_CONTRACT_DEADLINE.isoformat()}"
    if facts.contract_date > on:
        return "the contract was not yet concluded on that date"
    if on > policy.legacy_scc_last_valid_day:
        return f"legacy EU SCCs stopped being valid after {policy.legacy_scc_last_valid_day}"
    if on > LEGACY_SCC_CONTRACT_DEADLINE and not facts.processing_unchanged:
        return "legacy EU SCCs covered only unchanged processing after 2022-09-21"
    return None


def _art49_gap(claim: Art49Claim | None) -> str | None:
    if claim is None:
        return "no Art 49 condition recorded for this transfer"
    assessment = assess_art49(claim)
    return "; ".join(assessment.missing) if not assessment.valid else None


@dataclass(frozen=True)
class TransferAssessment:
    """Whether a transfer is lawful on a date, on what basis, and why (RULES.md R4.1)."""

    lawful: bool
    basis: Mechanism | None
    reasons: tuple[str, ...]


def transfer_lawful(
    country: str,
    mechanisms: Iterable[Mechanism],
    on: date,
    facts: TransferFacts = TransferFacts(),
    policy: TransferPolicy = DEFAULT_POLICY,
) -> TransferAssessment:
    """Adequacy first, then each declared mechanism in order (UK GDPR Ch V; RULES.md R4.1).

    The UK itself is not a restricted transfer. An unconfirmed adequacy entry (Faroe Islands)
    is reported among the reasons so lint can warn. A date before 2021-01-01 is refused
    (BeforeUkGdpr).
    """
    require_uk_gdpr_date(on)
    code = normalise_country(country)
    if code == "GB":
        return TransferAssessment(True, None, ("the United Kingdom: not a restricted transfer",))
    reasons: list[str] = []
    scope = facts.dpf_uk_extension if code == "US" else facts.within_scope
    finding = adequacy(code, on, within_scope=scope, policy=policy)
    if finding.unconfirmed:
        reasons.append(f"UK adequacy for {country_name(code)} is UNCONFIRMED ({finding.basis})")
    if finding.adequate:
        reasons.append(f"{country_name(code)} is covered by UK adequacy ({finding.scope})")
        return TransferAssessment(True, Mechanism.uk_adequacy, tuple(reasons))
    for mechanism in mechanisms:
        gap = mechanism_gap(mechanism, code, on, facts, policy)
        if gap is None:
            reasons.append(f"{mechanism.value} covers the transfer on {on.isoformat()}")
            if mechanism is Mechanism.art49_derogation and facts.art49 is not None:
                reasons.extend(assess_art49(facts.art49).warnings)
            return TransferAssessment(True, mechanism, tuple(reasons))
        reasons.append(f"{mechanism.value}: {gap}")
    reasons.append(f"no adequacy and no valid mechanism for {country_name(code)}")
    return TransferAssessment(False, None, tuple(reasons))
