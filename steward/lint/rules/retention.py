"""ST14x: storage limitation: every stored category has a bounded, stated retention.

RULES.md §5 (UK GDPR Arts 5(1)(e), 13(2)(a), 30(1)(f)). A category's retention comes from its own
``retention`` or from the purposes that use it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from steward.law.retention import Anchor, InvalidPeriod, Period
from steward.lint.context import LintContext
from steward.lint.rule import Issue, Severity, rule
from steward.manifest.schema import RetentionRule
from steward.manifest.vocabulary import LawfulBasis

RECORD_KEEPING = (LawfulBasis.legal_obligation, LawfulBasis.contract)
"""Bases under which tax and company records arise (RULES.md R5.3)."""
TAX_LAW = re.compile(r"\b(?:tax\s+(?:law|legislation|rules)|HMRC|PAYE)\b", re.IGNORECASE)
_NUMBER = re.compile(r"\b\d+\s*(?:years?|months?|weeks?|days?)\b", re.IGNORECASE)
_WORD_NUMBER = re.compile(
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|thirty)\s+"
    r"(?:years?|months?|weeks?|days?)\b",
    re.IGNORECASE,
)


def _bounded_criteria(criteria: str) -> bool:
    """Whether criteria text states a measurable limit (a period), not just 'regularly'."""
    if _NUMBER.search(criteria) or _WORD_NUMBER.search(criteria):
        return True
    try:
        Period.parse(criteria)
    except InvalidPeriod:
        return False
    return True


@rule(
    "ST140",
    "category-without-retention",
    Severity.error,
    summary="A stored data category has no retention rule, neither its own nor from a purpose.",
    why="Every category needs a retention period, or the criteria used to set it, in the notice "
    "and the Art 30 record.",
    fix="add 'retention: <rule id>' to the category (or to each purpose using it) and declare the "
    "rule under 'retention:'",
    citation="UK GDPR Arts 5(1)(e), 13(2)(a), 30(1)(f)",
    covers=("N13.2.a", "SEED-25"),
)
def category_without_retention(ctx: LintContext) -> Iterator[Issue]:
    for index, category in enumerate(ctx.manifest.data_categories):
        users = list(ctx.purposes_of(category.id))
        stored = [p for p in users if p.stored]
        if category.retention or not stored or any(p.retention for p in stored):
            continue
        yield Issue(
            ("data_categories", index),
            f"category '{category.id}' ({category.name}) is kept with no retention period",
            group="data categories are kept with no retention period",
        )


@rule(
    "ST141",
    "retention-unbounded",
    Severity.error,
    summary="A retention rule has no period and no criteria: data would be kept indefinitely.",
    why="Data may be kept no longer than necessary; 'until you tell us otherwise' is no limit, "
    "and after an objection or withdrawal only minimal suppression data may stay.",
    fix="give the rule a 'period:' (e.g. '2 years') counted from a trigger event such as the "
    "last interaction, or measurable 'criteria:'",
    citation="UK GDPR Arts 5(1)(e), 13(2)(a); ICO Respect people's preferences",
    covers=("N13.2.a", "SEED-25", "SEED-26"),
)
def retention_unbounded(ctx: LintContext) -> Iterator[Issue]:
    for index, retention in enumerate(ctx.manifest.retention):
        if retention.period is None and retention.criteria is None:
            yield Issue(
                ("retention", index, "period"),
                f"retention rule '{retention.id}' ({retention.description}) sets no limit",
            )


@rule(
    "ST142",
    "retention-criteria-vague",
    Severity.error,
    summary="A retention rule gives criteria that state no measurable limit.",
    why="Criteria such as 'destroyed on a regular basis' tell a person nothing about how long "
    "their data is kept.",
    fix="state a period ('CCTV is overwritten after 30 days') or criteria that fix one",
    citation="UK GDPR Art 13(2)(a)",
    covers=("N13.2.a", "SEED-25"),
)
def retention_criteria_vague(ctx: LintContext) -> Iterator[Issue]:
    for index, retention in enumerate(ctx.manifest.retention):
        if (
            retention.period is None
            and retention.criteria is not None
            and not _bounded_criteria(retention.criteria)
        ):
            yield Issue(
                ("retention", index, "criteria"),
                f"retention rule '{retention.id}' gives no period: \"{retention.criteria}\"",
            )


def _tax_rule(retention: RetentionRule) -> bool:
    return bool(TAX_LAW.search(f"{retention.citation or ''} {retention.description}"))


@rule(
    "ST143",
    "tax-retention-beyond-tax-records",
    Severity.error,
    summary="A rule justified by tax law is applied to data also used for purposes outside "
    "contracts and legal obligations (e.g. enquiries or marketing).",
    why="HMRC minimums apply to the records they name (company records 6 years from the end of "
    "the accounting period, PAYE 3 years after the tax year); they do not justify keeping every "
    "contact's details.",
    fix="give the category its own rule for its real purpose, or split the category so only "
    "the tax records carry the tax rule",
    citation="UK GDPR Arts 5(1)(c), 5(1)(e); PAYE Regs 2003 reg 97; RULES.md R5.3",
    covers=("SEED-17",),
)
def tax_retention_beyond_tax_records(ctx: LintContext) -> Iterator[Issue]:
    for index, category in enumerate(ctx.manifest.data_categories):
        found = ctx.retention.get(category.retention or "")
        if found is None or not _tax_rule(found[1]):
            continue
        others = sorted(
            {p.id for p in ctx.purposes_of(category.id) if p.lawful_basis not in RECORD_KEEPING}
        )
        if others:
            yield Issue(
                ("data_categories", index, "retention"),
                f"category '{category.id}' is kept under tax rule '{found[1].id}' but is "
                f"also used for {', '.join(others)}",
            )


@rule(
    "ST144",
    "tax-retention-wrong-anchor",
    Severity.warning,
    summary="A tax-law retention rule counts from the event itself rather than the end of the "
    "tax year or accounting period.",
    why="PAYE records run 3 years after the end of the tax year; company records 6 years from "
    "the end of the accounting period.",
    fix="set 'anchor: end_of_tax_year' (PAYE, SMP) or 'anchor: end_of_accounting_period'",
    citation="PAYE Regs 2003 reg 97; gov.uk Company and accounting records; RULES.md R5.3",
    covers=("SEED-17",),
)
def tax_retention_wrong_anchor(ctx: LintContext) -> Iterator[Issue]:
    for index, retention in enumerate(ctx.manifest.retention):
        if _tax_rule(retention) and retention.anchor is Anchor.event_date:
            yield Issue(
                ("retention", index, "anchor"),
                f"tax-law rule '{retention.id}' counts from the event date",
            )
