"""ST11x: lawful basis records, special category and criminal offence data.

UK GDPR Arts 6, 9, 10; DPA 2018 s.10-11 and Sch 1 (RULES.md §10).
"""

from __future__ import annotations

from collections.abc import Iterator

from steward.lint.context import LintContext
from steward.lint.rule import Issue, Severity, rule
from steward.manifest.schema import DataCategory, Purpose
from steward.manifest.vocabulary import LawfulBasis


def _categories(ctx: LintContext, purpose: Purpose) -> Iterator[DataCategory]:
    for category_id in purpose.categories:
        category = ctx.category(category_id)
        if category is not None:
            yield category


@rule(
    "ST110", "legitimate-interests-without-lia", Severity.error,
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
            yield Issue((*path, "lia_reference"),
                        f"purpose '{purpose.id}' relies on legitimate interests with no LIA "
                        "reference")


@rule(
    "ST111", "special-category-without-condition", Severity.error,
    summary="A purpose processes special category data without an Art 9(2) condition.",
    why="Special category data needs both an Art 6 basis and an Art 9(2) condition; the notice "
    "must state them.",
    fix="add 'special_category_condition: {article_9: 9(2)(b), schedule_1: para_1, "
    "appropriate_policy_document: ...}' (para_8 for equality monitoring)",
    citation="UK GDPR Arts 9(1)-(2), 13(1)(c); DPA 2018 s.10",
    covers=("SEED-10",),
)
def special_category_without_condition(ctx: LintContext) -> Iterator[Issue]:
    for path, purpose in ctx.purposes():
        special = sorted({c.id for c in _categories(ctx, purpose) if c.special_category})
        if special and purpose.special_category_condition is None:
            yield Issue((*path, "special_category_condition"),
                        f"purpose '{purpose.id}' processes special category data "
                        f"({', '.join(special)}) with no Art 9(2) condition")


@rule(
    "ST114", "criminal-offence-data-without-condition", Severity.error,
    summary="A purpose processes criminal offence data without official authority or a DPA 2018 "
    "Sch 1 condition.",
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
        if criminal and (condition is None or not (condition.official_authority
                                                   or condition.schedule_1)):
            yield Issue((*path, "criminal_offence_condition"),
                        f"purpose '{purpose.id}' processes criminal offence data "
                        f"({', '.join(criminal)}) with no Art 10 authorisation")
