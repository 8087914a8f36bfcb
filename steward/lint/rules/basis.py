"""ST11x: lawful basis records, special category and criminal offence data.

UK GDPR Arts 6, 9, 10; DPA 2018 s.10-11 and Sch 1 (RULES.md §10).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from steward.law.special_category import (
    EqualityMonitoring,
    criminal_ok,
    equality_monitoring_ok,
    schedule_1_id,
    special_category_gaps,
)
from steward.lint.audience import Role, purpose_roles
from steward.lint.context import LintContext
from steward.lint.hints import criminal_hint, special_category_hint
from steward.lint.rule import Issue, Severity, rule
from steward.manifest.schema import DataCategory, Purpose
from steward.manifest.vocabulary import LawfulBasis


def roles(ctx: LintContext, purpose: Purpose) -> frozenset[Role]:
    return purpose_roles(ctx.manifest, purpose)


def _categories(ctx: LintContext, purpose: Purpose) -> Iterator[DataCategory]:
    for category_id in purpose.categories:
        category = ctx.category(category_id)
        if category is not None:
            yield category


@rule(
    "ST110",
    "legitimate-interests-without-lia",
    Severity.error,
    summary="A purpose relies on legitimate interests without a legitimate interests assessment.",
    why="Relying on Art 6(1)(f) needs a documented balancing test (purpose, necessity, "
    "balance) to show the interests are not overridden; accountability requires keeping it.",
    fix="write the LIA and add 'lia_reference:' (document id or link) to the purpose",
    citation="UK GDPR Arts 5(2), 6(1)(f); ICO legitimate interests guidance",
    covers=(),
)
def legitimate_interests_without_lia(ctx: LintContext) -> Iterator[Issue]:
    for path, purpose in ctx.purposes():
        if purpose.lawful_basis is LawfulBasis.legitimate_interests and not purpose.lia_reference:
            yield Issue(
                (*path, "lia_reference"),
                f"purpose '{purpose.id}' relies on legitimate interests with no LIA reference",
                group="purposes rely on legitimate interests with no LIA reference",
            )


@rule(
    "ST111",
    "special-category-condition-incomplete",
    Severity.error,
    summary="A purpose processes special category data without a complete Art 9 condition "
    "(Art 9(2) condition, DPA 2018 Sch 1 condition where needed, appropriate policy document).",
    why="Special category data needs an Art 6 basis and an Art 9(2) condition; conditions (b), "
    "(g), (h), (i), (j) also need a Sch 1 condition, and most of those an APD; 9(2)(a) needs "
    "explicit consent (an express statement), not just consent.",
    fix="add 'special_category_condition: {article_9: 9(2)(b), schedule_1: para_1, "
    "appropriate_policy_document: ...}' (9(2)(g) with para_8 for equality monitoring)",
    citation="UK GDPR Arts 9(1)-(2), 13(1)(c); DPA 2018 s.10, Sch 1 paras 1, 5, 8, 39",
    covers=("SEED-10", "N13.1.c"),
)
def special_category_condition_incomplete(ctx: LintContext) -> Iterator[Issue]:
    for path, purpose in ctx.purposes():
        condition = purpose.special_category_condition
        gaps: dict[str, None] = {}
        for category in _categories(ctx, purpose):
            if category.special_category is None:
                continue
            found = special_category_gaps(
                category.special_category.value,
                purpose.lawful_basis.value if purpose.lawful_basis else None,
                condition.article_9 if condition else None,
                sch1=condition.schedule_1 if condition else None,
                apd=bool(condition and condition.appropriate_policy_document),
            )
            gaps.update((f"{category.id}: {gap}", None) for gap in found if "Art 6" not in gap)
        if condition and condition.article_9 == "9(2)(a)" and not purpose.explicit_consent:
            gaps["Art 9(2)(a) relied on without explicit consent ('explicit_consent: true')"] = None
        if gaps:
            yield Issue(
                (*path, "special_category_condition"),
                f"purpose '{purpose.id}' processes special category data with {'; '.join(gaps)}",
                hint=None if condition else special_category_hint(purpose, roles(ctx, purpose)),
            )


@rule(
    "ST112",
    "equality-monitoring-conditions",
    Severity.error,
    summary="Equality monitoring under DPA 2018 Sch 1 para 8 is not limited to group statistics, "
    "lacks an APD, or covers data para 8 does not.",
    why="Para 8 allows racial or ethnic origin, religious beliefs, health and sexual orientation "
    "to review equality of opportunity between groups, with an APD, never to decide about one "
    "person.",
    fix="set 'aggregate_only: true', name the APD, and keep only the four kinds para 8 covers",
    citation="DPA 2018 Sch 1 paras 5, 8; RULES.md R10.3",
    covers=("SEED-10",),
)
def equality_monitoring_conditions(ctx: LintContext) -> Iterator[Issue]:
    for path, purpose in ctx.purposes():
        condition = purpose.special_category_condition
        if condition is None or condition.schedule_1 is None:
            continue
        if schedule_1_id(condition.schedule_1) != "para_8":
            continue
        facts = EqualityMonitoring(
            group_statistics_only=purpose.aggregate_only,
            apd=bool(condition.appropriate_policy_document),
        )
        failing = sorted(
            {
                c.id
                for c in _categories(ctx, purpose)
                if c.special_category
                and not equality_monitoring_ok(c.special_category.value, facts)
            }
        )
        if failing:
            yield Issue(
                (*path, "special_category_condition"),
                f"purpose '{purpose.id}' relies on Sch 1 para 8 but its conditions do "
                f"not hold for {', '.join(failing)}",
            )


@rule(
    "ST114",
    "criminal-offence-data-without-condition",
    Severity.error,
    summary="A purpose processes criminal offence data without official authority or a DPA 2018 "
    "Sch 1 condition (with its appropriate policy document).",
    why="Criminal offence data may be processed only under official authority or with a Sch 1 "
    "condition (e.g. employment, para 1, with an appropriate policy document).",
    fix="add 'criminal_offence_condition: {schedule_1: para_1, appropriate_policy_document: ...}'",
    citation="UK GDPR Art 10; DPA 2018 ss.10(5), 11(2), Sch 1",
    covers=("SEED-09",),
)
def criminal_offence_data_without_condition(ctx: LintContext) -> Iterator[Issue]:
    for path, purpose in ctx.purposes():
        criminal = sorted({c.id for c in _categories(ctx, purpose) if c.criminal_offence})
        condition = purpose.criminal_offence_condition
        if not criminal:
            continue
        lawful = condition is not None and criminal_ok(
            condition.schedule_1,
            apd=bool(condition.appropriate_policy_document),
            official_authority=condition.official_authority,
        )
        if not lawful:
            yield Issue(
                (*path, "criminal_offence_condition"),
                f"purpose '{purpose.id}' processes criminal offence data "
                f"({', '.join(criminal)}) with no valid Art 10 authorisation",
                hint=criminal_hint(_purpose_text(purpose), roles(ctx, purpose)),
            )


def _purpose_text(purpose: Purpose) -> str:
    return " ".join(filter(None, (purpose.name, purpose.description)))


CRIMINAL_WORDS = re.compile(
    r"\bfraud|criminal|\bconvictions?\b|\boffen[cs]es?\b|\bDBS\b|disclosure\s+and\s+barring"
    r"|police\s+(?:check|vetting)|\bprosecut|alleged\s+(?:crime|offen)",
    re.IGNORECASE,
)
MISCONDUCT_WORDS = re.compile(r"misconduct|disciplinar|gross\s+misconduct|theft", re.IGNORECASE)


@rule(
    "ST113",
    "criminal-offence-data-implied",
    Severity.error,
    summary="A purpose's own words (fraud, DBS checks, convictions, court disclosures, "
    "misconduct investigations) imply criminal offence data, but no category is flagged and no "
    "Art 10 condition is declared.",
    why="Criminal offence data includes allegations, proceedings and the absence of convictions "
    "(DPA 2018 s.11(2)); fraud investigations and DBS checks process it, and need official "
    "authority or a Sch 1 condition with an appropriate policy document.",
    fix="flag the category 'criminal_offence: true' and declare 'criminal_offence_condition' "
    "(the condition named in the finding fits this purpose)",
    citation="UK GDPR Art 10; DPA 2018 ss.10(5), 11(2), Sch 1",
    covers=(),
)
def criminal_offence_data_implied(ctx: LintContext) -> Iterator[Issue]:
    for path, purpose in ctx.purposes():
        if purpose.criminal_offence_condition is not None:
            continue
        if any(c.criminal_offence for c in _categories(ctx, purpose)):
            continue  # ST114 judges declared criminal offence data
        text = _purpose_text(purpose)
        texts = [text, *(f"{c.name} {c.description or ''}" for c in _categories(ctx, purpose))]
        strong = next((m for t in texts if (m := CRIMINAL_WORDS.search(t))), None)
        weak = next((m for t in texts if (m := MISCONDUCT_WORDS.search(t))), None)
        found = strong or weak
        if found is None:
            continue
        yield Issue(
            (*path, "criminal_offence_condition"),
            f"purpose '{purpose.id}' mentions '{found.group(0)}', which involves criminal "
            "offence data, but declares no criminal offence category or Art 10 condition",
            hint=criminal_hint(" ".join(texts), roles(ctx, purpose)),
            severity=None if strong else Severity.warning,
        )
