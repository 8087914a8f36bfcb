"""ST115-ST117: whether the Art 6 basis a purpose claims can fit what it does and whom it is about.

A basis is not a label: consent PECR demands cannot be swapped for legitimate interests, a legal
duty is not a legitimate interest, and a contract is a basis only for the people who are party
to it (UK GDPR Art 6(1); ICO lawful basis and direct marketing guidance).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from steward.lint.audience import Role, purpose_roles
from steward.lint.context import LintContext
from steward.lint.rule import Issue, Severity, rule
from steward.manifest.vocabulary import LawfulBasis, PecrRule, SubscriberType


@rule(
    "ST115",
    "lawful-basis-conflicts-with-pecr",
    Severity.error,
    summary="Electronic marketing needs consent under PECR, but the purpose claims another "
    "Art 6 basis (usually legitimate interests).",
    why="Where PECR requires consent for the message, sending it without consent is unlawful, so "
    "no legitimate interest can be relied on; the UK GDPR basis must be consent, and the notice "
    "must say so (the person can withdraw it at any time).",
    fix="set 'lawful_basis: consent' for this marketing and record consent that names you",
    citation="PECR reg 22(2); UK GDPR Arts 6(1)(a), 13(1)(c); ICO direct marketing guidance",
    covers=(),
)
def lawful_basis_conflicts_with_pecr(ctx: LintContext) -> Iterator[Issue]:
    for path, purpose in ctx.purposes():
        marketing = purpose.marketing
        if marketing is None or not any(c.is_electronic_mail for c in marketing.channels):
            continue
        if SubscriberType.individual not in marketing.subscriber_types:
            continue
        basis = purpose.lawful_basis
        if marketing.pecr_rule is PecrRule.consent and basis not in (None, LawfulBasis.consent):
            yield Issue(
                (*path, "lawful_basis"),
                f"marketing purpose '{purpose.id}' needs consent under PECR but claims "
                f"{basis.value.replace('_', ' ')}",
            )


LEGAL_DUTY = re.compile(
    r"\b(?:legal|statutory|regulatory)\s+(?:obligations?|requirements?|dut(?:y|ies))"
    r"|\bcompl(?:y|ying|iance)\s+with\s+(?:the\s+|all\s+|any\s+|our\s+|relevant\s+)*"
    r"(?:law|legislation|legal|statutory|regulat)"
    r"|\brequired\s+(?:by|under)\s+(?:the\s+)?law",
    re.IGNORECASE,
)


@rule(
    "ST116",
    "legal-obligation-claimed-as-legitimate-interest",
    Severity.error,
    summary="A purpose lists meeting a legal obligation among its legitimate interests.",
    why="Processing needed to comply with a legal obligation rests on Art 6(1)(c), not (f); "
    "calling it a legitimate interest misstates the basis in the notice and invites an "
    "objection the organisation cannot honour.",
    fix="split the legal duty into its own purpose with 'lawful_basis: legal_obligation' "
    "(naming the law), and keep only real interests under legitimate interests",
    citation="UK GDPR Arts 6(1)(c), 6(1)(f), 13(1)(c)-(d)",
    covers=(),
)
def legal_obligation_claimed_as_legitimate_interest(ctx: LintContext) -> Iterator[Issue]:
    for path, purpose in ctx.purposes():
        interests = purpose.legitimate_interests
        if purpose.lawful_basis is not LawfulBasis.legitimate_interests or not interests:
            continue
        found = LEGAL_DUTY.search(interests)
        if found:
            yield Issue(
                (*path, "legitimate_interests"),
                f"purpose '{purpose.id}' lists '{found.group(0)}' as a legitimate interest",
                quote=found.group(0),
            )


NOT_PARTY = {
    Role.child: "children (the contract is with a parent or carer)",
    Role.third_party_contact: "emergency contacts, next of kin, referees or family members",
}


@rule(
    "ST117",
    "contract-basis-for-non-party",
    Severity.error,
    summary="Contract is claimed as the basis for people who are not party to the contract.",
    why="Art 6(1)(b) covers processing necessary for a contract with the data subject (or steps "
    "at their request before one); a child in a parent's childcare contract, or an employee's "
    "emergency contact, is not party to it.",
    fix="keep contract for the party, and give the others their own basis (legitimate "
    "interests with an LIA, legal obligation, or vital interests in an emergency)",
    citation="UK GDPR Art 6(1)(b); ICO lawful basis guidance (contract)",
    covers=(),
)
def contract_basis_for_non_party(ctx: LintContext) -> Iterator[Issue]:
    for path, purpose in ctx.purposes():
        if purpose.lawful_basis is not LawfulBasis.contract:
            continue
        found = purpose_roles(ctx.manifest, purpose)
        outsiders = [label for role, label in NOT_PARTY.items() if role in found]
        if outsiders:
            yield Issue(
                (*path, "lawful_basis"),
                f"purpose '{purpose.id}' claims contract for {' and '.join(outsiders)}, "
                "who are not party to it",
            )
