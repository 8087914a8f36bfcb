"""ST180-ST187: free-text rules on the law named and on transfers (RULES.md §13, N-extra-4).

Each tests for a concept, not an exact phrase (RULES.md R9.3 wording caution).
"""

from __future__ import annotations

from collections.abc import Iterator

from steward.lint.context import LintContext
from steward.lint.rule import Issue, Severity, rule
from steward.lint.wording import Wording, find_wording, rx

EU_GDPR_MESSAGE = "cites the EU GDPR (or 'the GDPR' without 'UK')"
EU_GDPR = Wording(
    rx(
        r"\bEU\s+(?:GDPR|General\s+Data\s+Protection\s+Regulation)\b|Regulation\s+\(EU\)\s+2016/679"
    ),
    EU_GDPR_MESSAGE,
)
BARE_GDPR = Wording(
    rx(r"(?<!UK )(?<!UK-)\b(?:GDPR|General\s+Data\s+Protection\s+Regulation)\b"),
    EU_GDPR_MESSAGE,
    unless_anywhere=rx(
        r"UK\s+General\s+Data\s+Protection\s+Regulation\s*\(\s*[\"'“‘]?(?:UK\s+)?GDPR"
        r"|UK\s+GDPR\s*\(\s*[\"'“‘]?GDPR"
    ),
)
"""Bare 'GDPR' is fine once the text defines it as the UK GDPR ("UK General Data Protection
Regulation (GDPR)"); the EU GDPR named as such never is."""


@rule(
    "ST180",
    "eu-gdpr-cited",
    Severity.error,
    summary="Text cites the EU GDPR, or 'the GDPR' without saying UK GDPR.",
    why="Since 1 January 2021 the UK GDPR and the Data Protection Act 2018 (as amended by the "
    "DUAA 2025) govern a UK company's processing, not the EU GDPR.",
    fix="write 'the UK GDPR and the Data Protection Act 2018'",
    citation="EUWA 2018 s.3; DPPEC Regs 2019; RULES.md N-extra-4",
    covers=("SEED-01", "N-extra-4"),
)
def eu_gdpr_cited(ctx: LintContext) -> Iterator[Issue]:
    explicit = list(find_wording(ctx, EU_GDPR))
    named = {issue.path for issue in explicit}
    yield from explicit
    yield from (i for i in find_wording(ctx, BARE_GDPR) if i.path not in named)


PRIVACY_SHIELD = Wording(
    rx(r"privacy\s+shield|safe\s+harbou?r"),
    "relies on a withdrawn EU-US scheme",
)


@rule(
    "ST181",
    "privacy-shield-cited",
    Severity.error,
    summary="Text relies on the EU-US Privacy Shield (or Safe Harbour).",
    why="Privacy Shield was invalidated on 16 July 2020 (Schrems II) and was never a UK GDPR "
    "mechanism; US transfers need the UK Extension to the DPF or an IDTA/Addendum with a TRA.",
    fix="describe the mechanism actually relied on (UK Extension to the DPF, IDTA or UK Addendum)",
    citation="CJEU C-311/18; UK GDPR Arts 44-46; RULES.md R4.3",
    covers=("SEED-03",),
)
def privacy_shield_cited(ctx: LintContext) -> Iterator[Issue]:
    return find_wording(ctx, PRIVACY_SHIELD)


PECR_MISNAMED = Wording(
    rx(r"privacy\s+of\s+electronic\s+communications?\s+regulations?"),
    "misnames PECR",
)


@rule(
    "ST182",
    "pecr-misnamed",
    Severity.warning,
    summary="Text misnames the Privacy and Electronic Communications Regulations.",
    why="The correct name is the Privacy and Electronic Communications (EC Directive) Regulations "
    "2003 (PECR), as amended.",
    fix="write 'the Privacy and Electronic Communications Regulations 2003 (PECR)'",
    citation="SI 2003/2426",
    covers=("SEED-02", "N-extra-4"),
)
def pecr_misnamed(ctx: LintContext) -> Iterator[Issue]:
    return find_wording(ctx, PECR_MISNAMED)


OUTSIDE_EU = Wording(
    rx(
        r"\b(?:outside|non)[- ](?:of\s+)?(?:the\s+)?"
        r"(?:EU|EEA|European\s+(?:Union|Economic\s+Area))\b"
    ),
    "describes transfers as leaving the EU rather than the UK",
)


@rule(
    "ST183",
    "transfers-outside-eu",
    Severity.error,
    summary="Text describes restricted transfers as 'outside the EU/EEA'.",
    why="For a UK controller the test is a transfer outside the UK; EEA destinations are covered "
    "by UK adequacy regulations.",
    fix="write 'outside the UK' and say, per destination, whether adequacy regulations or which "
    "safeguard covers it",
    citation="UK GDPR Arts 13(1)(f), 44-49; RULES.md N-extra-4",
    covers=("SEED-06", "N-extra-4"),
)
def transfers_outside_eu(ctx: LintContext) -> Iterator[Issue]:
    return find_wording(ctx, OUTSIDE_EU)


GDPR_COMPLIANT = Wording(
    rx(r"\bGDPR[- ]compliant\b|\bcompliant\s+with\s+(?:the\s+)?(?:EU\s+)?GDPR\b"),
    "offers 'GDPR compliance' as a safeguard",
)


@rule(
    "ST184",
    "gdpr-compliance-as-safeguard",
    Severity.error,
    summary="Text presents a provider being 'GDPR compliant' as a transfer safeguard.",
    why="Compliance claims are not a Chapter V transfer mechanism.",
    fix="name the adequacy regulations or the safeguard (IDTA, UK Addendum, UK Extension) "
    "relied on",
    citation="UK GDPR Arts 44-49",
    covers=("SEED-05",),
)
def gdpr_compliance_as_safeguard(ctx: LintContext) -> Iterator[Issue]:
    return find_wording(ctx, GDPR_COMPLIANT)


EU_SCC_ALONE = Wording(
    rx(r"standard\s+contractual\s+clauses|\bSCCs?\b"),
    "relies on EU standard contractual clauses without the UK Addendum or the IDTA",
    unless=rx(r"addendum|\bIDTA\b|international\s+data\s+transfer\s+agreement"),
)


@rule(
    "ST185",
    "eu-sccs-without-uk-addendum",
    Severity.error,
    summary="Text relies on EU standard contractual clauses alone.",
    why="EU SCCs alone are not valid for UK restricted transfers; the old EU SCCs expired in "
    "March 2024; the 2021 EU SCCs need the UK Addendum, or use the IDTA.",
    fix="name the IDTA, or the UK Addendum to the 2021 EU SCCs, with a transfer risk assessment",
    citation="ICO IDTA and Addendum guidance; RULES.md R4.3",
    covers=("SEED-04",),
)
def eu_sccs_without_uk_addendum(ctx: LintContext) -> Iterator[Issue]:
    return find_wording(ctx, EU_SCC_ALONE)


CRIMINAL_AS_SPECIAL = Wording(
    rx(
        r"special\s+categor(?=.*(?:criminal|conviction|offence))"
        r"|(?:criminal|conviction|offence)(?=.*special\s+categor)"
    ),
    "treats criminal offence data as special category data",
    unless=rx(r"\bnot\b|\bseparate"),
)


@rule(
    "ST186",
    "criminal-data-called-special-category",
    Severity.error,
    summary="Text counts criminal offence data as special category data.",
    why="Criminal offence data is a separate regime (Art 10, DPA 2018 s.11(2)); the special "
    "categories also include genetic and biometric data.",
    fix="define special category data as in Art 9(1) and describe criminal offence data separately",
    citation="UK GDPR Arts 9(1), 10; DPA 2018 s.11(2)",
    covers=("SEED-07",),
)
def criminal_data_called_special_category(ctx: LintContext) -> Iterator[Issue]:
    return find_wording(ctx, CRIMINAL_AS_SPECIAL)


SENSITIVE_PERSONAL_DATA = Wording(
    rx(r"sensitive\s+personal\s+(?:data|information)"),
    "uses the obsolete DPA 1998 term",
)


@rule(
    "ST187",
    "obsolete-sensitive-personal-data",
    Severity.warning,
    summary="Text uses the DPA 1998 term 'sensitive personal data'.",
    why="The UK GDPR speaks of special category data and criminal offence data.",
    fix="write 'special category data' (or 'criminal offence data')",
    citation="UK GDPR Arts 9, 10; DPA 2018",
    covers=("SEED-08",),
)
def obsolete_sensitive_personal_data(ctx: LintContext) -> Iterator[Issue]:
    return find_wording(ctx, SENSITIVE_PERSONAL_DATA)
