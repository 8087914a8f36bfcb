"""ST10x: the Art 13/14 items the compiled notice cannot state unless the manifest declares them.

RULES.md R9.1-R9.3. The notice compiler writes the legal wording from these fields, so a gap
here is a gap in the published notice.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from steward.lint.context import LintContext
from steward.lint.rule import Issue, Severity, rule
from steward.manifest.vocabulary import LawfulBasis, SourceKind

FIRST_HAND = (SourceKind.data_subject, SourceKind.automatic)

LAW_CHANGES: tuple[tuple[date, str], ...] = (
    (date(2021, 1, 1), "the UK GDPR replaced the EU GDPR for UK processing"),
    (date(2022, 3, 21), "the IDTA and UK Addendum replaced the EU SCCs"),
    (date(2023, 10, 12), "the UK Extension to the EU-US Data Privacy Framework"),
    (date(2026, 2, 5), "the DUAA 2025 changes to request deadlines, ADM, transfers and cookies"),
    (date(2026, 6, 19), "the right to complain to the controller (DPA 2018 s.164A)"),
)
"""Law changes a notice depends on (RULES.md §0.3, N-extra-5, SEED-27)."""


@rule(
    "ST101",
    "purpose-without-lawful-basis",
    Severity.error,
    summary="A purpose declares no Art 6 lawful basis.",
    why="The notice must give the lawful basis for each purpose.",
    fix="add 'lawful_basis:' (e.g. legitimate_interests, legal_obligation, consent) to the purpose",
    citation="UK GDPR Art 13(1)(c), 14(1)(c)",
    covers=("N13.1.c", "SEED-24"),
)
def purpose_without_lawful_basis(ctx: LintContext) -> Iterator[Issue]:
    for path, purpose in ctx.purposes():
        if purpose.lawful_basis is None:
            yield Issue(
                (*path, "lawful_basis"),
                f"purpose '{purpose.id}' ({purpose.name}) has no lawful basis",
                group="purposes declare no lawful basis",
            )


@rule(
    "ST102",
    "legitimate-interests-not-stated",
    Severity.error,
    summary="A purpose relies on legitimate interests without saying what the interests are.",
    why="Where Art 6(1)(f) is relied on, the notice must state the legitimate interests pursued.",
    fix="add 'legitimate_interests:' describing the interest pursued, in plain words",
    citation="UK GDPR Art 13(1)(d), 14(2)(b)",
    covers=("N13.1.d", "SEED-24"),
)
def legitimate_interests_not_stated(ctx: LintContext) -> Iterator[Issue]:
    for path, purpose in ctx.purposes():
        relies = purpose.lawful_basis is LawfulBasis.legitimate_interests
        if relies and not purpose.legitimate_interests:
            yield Issue(
                (*path, "legitimate_interests"),
                f"purpose '{purpose.id}' relies on legitimate interests but does not say "
                "which interests are pursued",
            )


@rule(
    "ST103",
    "provision-requirement-missing",
    Severity.error,
    summary="Data collected from the person, with no statement of whether they must provide it.",
    why="Art 13 requires saying whether providing the data is a statutory or contractual "
    "requirement, whether the person must provide it and what happens if they do not.",
    fix="add 'provision: {requirement: ..., obligatory: ..., consequence: ...}' to the purpose",
    citation="UK GDPR Art 13(2)(e)",
    covers=("N13.2.e",),
)
def provision_requirement_missing(ctx: LintContext) -> Iterator[Issue]:
    """Only where the manifest says the person provides the data (Art 13 applies).

    Data observed (CCTV, website logs: ``automatic``, or a purpose whose only systems are CCTV)
    or obtained from others is not "provided" by the person, so the question does not arise;
    data reused from another purpose that already says whether it must be provided is answered
    there; and a purpose that does not declare its sources is not assumed to collect from the
    person.
    """
    for path, purpose in ctx.purposes():
        if "sources" not in purpose.model_fields_set:
            continue
        if ctx.observed_only(purpose) or ctx.provision_answered_elsewhere(purpose):
            continue
        from_person = any(s.kind is SourceKind.data_subject for s in purpose.sources)
        if from_person and purpose.provision is None:
            yield Issue(
                (*path, "provision"),
                f"purpose '{purpose.id}' collects data from the person but does not say "
                "whether they must provide it or what happens if they do not",
                group="purposes collect data from people without saying whether they must "
                "provide it",
            )


@rule(
    "ST104",
    "indirect-source-not-named",
    Severity.error,
    summary="Data obtained from someone other than the person, with no source named.",
    why="For data not obtained from the person, the notice must state its source and whether it "
    "came from publicly accessible sources.",
    fix="give each non-first-hand source a 'name:' (and 'publicly_accessible: true' if so)",
    citation="UK GDPR Art 14(2)(f)",
    covers=("N14.2.f",),
)
def indirect_source_not_named(ctx: LintContext) -> Iterator[Issue]:
    for path, purpose in ctx.purposes():
        for index, source in enumerate(purpose.sources):
            if source.kind not in FIRST_HAND and not source.name:
                yield Issue(
                    (*path, "sources", index, "kind"),
                    f"purpose '{purpose.id}' obtains data from a {source.kind.value} "
                    "source without naming it",
                )


@rule(
    "ST105",
    "notice-predates-law-change",
    Severity.error,
    summary="The notice's 'last updated' date is earlier than a law change it depends on.",
    why="A notice last revised before a change in the law it describes cannot be accurate.",
    fix="review the notice against today's law, then set notice.last_updated and add a change "
    "entry for the review",
    citation="UK GDPR Art 12(1), 13; RULES.md N-extra-5",
    covers=("N-extra-5", "SEED-27"),
)
def notice_predates_law_change(ctx: LintContext) -> Iterator[Issue]:
    updated = ctx.manifest.notice.last_updated
    missed = [(d, what) for d, what in LAW_CHANGES if updated < d <= ctx.on]
    if missed:
        latest, what = missed[-1]
        yield Issue(
            ("notice", "last_updated"),
            f"the notice was last updated on {updated.isoformat()}, before "
            f"{latest.isoformat()} ({what}) and {len(missed) - 1} other change(s) in "
            "the law it depends on",
        )


@rule(
    "ST106",
    "last-update-not-in-change-log",
    Severity.warning,
    summary="The notice keeps a change log, but its 'last updated' date has no entry in it.",
    why="People should be able to see what changed in the notice and when.",
    fix="add an entry to 'changes:' dated notice.last_updated that summarises the change",
    citation="UK GDPR Art 5(2), 12(1)",
    covers=(),
)
def last_update_not_in_change_log(ctx: LintContext) -> Iterator[Issue]:
    updated = ctx.manifest.notice.last_updated
    changes = ctx.manifest.changes
    if changes and all(change.date != updated for change in changes):
        yield Issue(
            ("notice", "last_updated"), f"no entry in 'changes' is dated {updated.isoformat()}"
        )


@rule(
    "ST107",
    "automated-decisions-without-safeguards",
    Severity.error,
    summary="Automated decision-making is in use without the Arts 22A-22D safeguards declared.",
    why="Significant decisions based solely on automated processing need safeguards: "
    "information, representations, human intervention and a way to contest.",
    fix="describe the safeguards under 'automated_decisions.safeguards'",
    citation="UK GDPR Arts 13(2)(f), 22A-22D (DUAA s.80)",
    covers=("N13.2.f", "SEED-29"),
)
def automated_decisions_without_safeguards(ctx: LintContext) -> Iterator[Issue]:
    for path, purpose in ctx.purposes():
        decisions = purpose.automated_decisions
        if decisions.used and not decisions.safeguards:
            yield Issue(
                (*path, "automated_decisions", "safeguards"),
                f"purpose '{purpose.id}' uses automated decisions but declares no safeguards",
            )


@rule(
    "ST108",
    "controller-contacts-unexplained",
    Severity.warning,
    summary="The organisation gives contact points besides its privacy contact without saying "
    "what each is for.",
    why="The controller's identity and contact details must be clear; contacts on different "
    "domains or addresses with no stated role confuse people about where to send a request.",
    fix="reconcile the contacts, or give each one a 'purpose:' (e.g. 'privacy requests')",
    citation="UK GDPR Art 13(1)(a); RULES.md SEED-32",
    covers=("N13.1.a", "SEED-32"),
)
def controller_contacts_unexplained(ctx: LintContext) -> Iterator[Issue]:
    """The privacy contact's purpose is given by its place (privacy questions and requests);
    only the other contacts need to say what they are for."""
    organisation = ctx.manifest.organisation
    others = list(enumerate(organisation.other_contacts))
    if not others:
        return
    everyone = [organisation.privacy_contact, *organisation.other_contacts]
    domains = sorted({c.email.rsplit("@", 1)[1].lower() for c in everyone if c.email})
    spread = (
        f" (contacts use {len(domains)} email domains: {', '.join(domains)})"
        if len(domains) > 1
        else ""
    )
    for index, contact in others:
        if not contact.purpose:
            label = contact.email or contact.phone or "this contact"
            yield Issue(
                ("organisation", "other_contacts", index),
                f"contact {label} has no stated purpose beside the privacy contact{spread}",
            )
