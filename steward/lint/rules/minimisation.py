"""ST16x: data minimisation and children (UK GDPR Arts 5(1)(b)-(c), 8; RULES.md §11)."""

from __future__ import annotations

from collections.abc import Iterator

from steward.law.children import digital_age_of_consent
from steward.lint.context import LintContext
from steward.lint.rule import Issue, Severity, rule
from steward.manifest.vocabulary import LawfulBasis


@rule(
    "ST160",
    "category-used-by-no-purpose",
    Severity.warning,
    summary="A data category is declared but no purpose uses it.",
    why="Personal data must be adequate, relevant and limited to what the purposes need; a "
    "category with no purpose should not be collected.",
    fix="name the category in the purpose that needs it, or stop collecting it and remove it",
    citation="UK GDPR Art 5(1)(b)-(c)",
    covers=(),
)
def category_used_by_no_purpose(ctx: LintContext) -> Iterator[Issue]:
    for index, category in enumerate(ctx.manifest.data_categories):
        if category.id not in ctx.purposes_using:
            yield Issue(
                ("data_categories", index, "id"),
                f"category '{category.id}' ({category.name}) is used by no purpose",
            )


@rule(
    "ST161",
    "system-holds-data-for-no-purpose",
    Severity.error,
    summary="A system holds a data category that no purpose using that system declares.",
    why="Data held in a system must serve a declared purpose; otherwise it is held without a "
    "purpose or lawful basis and escapes retention and requests.",
    fix="add the system to 'systems:' of the purpose that keeps this category there, or remove "
    "the category from the system (and delete the data)",
    citation="UK GDPR Art 5(1)(b)-(c), 30(1)(b)-(c)",
    covers=(),
)
def system_holds_data_for_no_purpose(ctx: LintContext) -> Iterator[Issue]:
    for index, system in enumerate(ctx.manifest.systems):
        for position, category in enumerate(system.categories):
            if (system.id, category) not in ctx.system_uses:
                yield Issue(
                    ("systems", index, "categories", position),
                    f"system '{system.id}' holds '{category}' but no purpose declares "
                    "that it keeps this category there",
                    group="systems hold data categories that no purpose using them declares",
                )


@rule(
    "ST162",
    "children-without-age-rule",
    Severity.error,
    summary="A consent-based purpose, not shown to be offline, covers people who may be "
    "children but declares no age rule.",
    why="Where an online service relies on a child's consent, the child must be old enough to "
    "consent, or a parent must give or authorise it, with reasonable efforts to check. Other "
    "bases, and purposes whose systems are all offline (paper, CCTV), are outside Art 8.",
    fix="add 'children: {minimum_age: 13, parental_authorisation_below: true, age_check: ...}'",
    citation="UK GDPR Art 8; RULES.md §11",
    covers=(),
)
def children_without_age_rule(ctx: LintContext) -> Iterator[Issue]:
    """Art 8 governs consent to an online service offered directly to a child: it has nothing
    to say about contract, legal obligation, vital interests or CCTV, nor about a paper form a
    parent signs."""
    for path, purpose in ctx.purposes():
        if purpose.children is not None or purpose.lawful_basis is not LawfulBasis.consent:
            continue
        if not ctx.children_kinds.intersection(purpose.data_subjects):
            continue
        if ctx.offline(purpose):
            continue
        yield Issue(
            (*path, "children"),
            f"purpose '{purpose.id}' relies on consent from people who may be children "
            "but has no age rule",
        )


@rule(
    "ST163",
    "child-consent-below-digital-age",
    Severity.error,
    summary="A consent-based purpose accepts children's own consent below the digital age of "
    "consent.",
    why="Below the age (13 in the UK, configurable), a holder of parental responsibility must "
    "give or authorise consent, with reasonable efforts to verify it.",
    fix="set 'children.parental_authorisation_below: true' or raise 'minimum_age'",
    citation="UK GDPR Art 8(1)-(2); RULES.md §11",
    covers=(),
)
def child_consent_below_digital_age(ctx: LintContext) -> Iterator[Issue]:
    age = digital_age_of_consent(ctx.on)
    for path, purpose in ctx.purposes():
        children = purpose.children
        if (
            children is not None
            and purpose.lawful_basis is LawfulBasis.consent
            and children.minimum_age < age
            and not children.parental_authorisation_below
        ):
            yield Issue(
                (*path, "children", "minimum_age"),
                f"purpose '{purpose.id}' takes consent from children of "
                f"{children.minimum_age} without a parent, below the digital age of "
                f"consent ({age})",
            )
