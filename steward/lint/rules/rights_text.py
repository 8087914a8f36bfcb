"""ST176: the organisation's own list of rights leaves out rights people have.

A paragraph that lists rights ("you have the right to access ..., to have it corrected ...")
tells the reader that is the whole list. Which rights must appear follows from the
declaration: objection only where a purpose relies on legitimate interests, public task or
direct marketing; portability only for consent or contract; withdrawal only where consent is
relied on (UK GDPR Arts 13(2)(b)-(d), 15-22).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from steward.lint.context import LintContext
from steward.lint.rule import Issue, Severity, rule
from steward.lint.wording import rx
from steward.manifest.vocabulary import LawfulBasis

RIGHT_FAMILIES: dict[str, re.Pattern[str]] = {
    "access": rx(
        r"\baccess\b|copy\s+of\s+(?:the\s+|your\s+)?(?:personal\s+)?(?:data|information)"
        r"|what\s+(?:personal\s+)?(?:data|information)\s+we\s+hold"
    ),
    "rectification": rx(r"rectif|\bcorrect|inaccurate|incomplete"),
    "erasure": rx(r"\beras|\bdelet|forgotten"),
    "restriction": rx(r"restrict|\blimit\w*\s+(?:the\s+|how\s+we\s+)?(?:use|process)"),
    "objection": rx(r"\bobject"),
    "portability": rx(r"portab|machine[- ]readable|transfer\s+(?:your|the)\s+(?:personal\s+)?data"),
    "withdrawing consent": rx(r"withdraw"),
    "complaining to the ICO": rx(r"complain|lodge"),
}
RIGHTS_LIST = rx(r"\bright(?:s)?\b")
MIN_LISTED = 3
"""A text naming at least this many rights is read as a list of them."""

OBJECTION_BASES = frozenset(
    {
        LawfulBasis.legitimate_interests,
        LawfulBasis.public_task,
        LawfulBasis.recognised_legitimate_interest,
    }
)
PORTABILITY_BASES = frozenset({LawfulBasis.consent, LawfulBasis.contract})


def applicable_rights(ctx: LintContext) -> tuple[str, ...]:
    """The rights this organisation's declared processing gives people."""
    bases = {p.lawful_basis for p in ctx.manifest.purposes}
    marketing = any(p.marketing is not None for p in ctx.manifest.purposes)
    found = ["access", "rectification", "erasure", "restriction"]
    if bases & OBJECTION_BASES or marketing:
        found.append("objection")
    if bases & PORTABILITY_BASES:
        found.append("portability")
    if LawfulBasis.consent in bases:
        found.append("withdrawing consent")
    found.append("complaining to the ICO")
    return tuple(found)


@rule(
    "ST176",
    "rights-text-incomplete",
    Severity.error,
    summary="The organisation's own paragraph listing people's rights leaves out rights its "
    "processing gives them.",
    why="The notice must tell people of each right that applies: access, rectification, "
    "erasure, restriction, objection (where legitimate interests, public task or direct "
    "marketing is relied on), portability (consent or contract), withdrawing consent, and "
    "complaining to the ICO. A list that stops short reads as the whole list.",
    fix="complete the list (the finding names what is missing), or drop the paragraph and let "
    "the compiled notice state the rights",
    citation="UK GDPR Arts 13(2)(b)-(d), 14(2)(c)-(e), 15-22",
    covers=(),
)
def rights_text_incomplete(ctx: LintContext) -> Iterator[Issue]:
    applicable = applicable_rights(ctx)
    for path, text in ctx.texts:
        if not RIGHTS_LIST.search(text):
            continue
        listed = [name for name, words in RIGHT_FAMILIES.items() if words.search(text)]
        if len(listed) < MIN_LISTED:
            continue
        missing = [name for name in applicable if name not in listed]
        if missing:
            yield Issue(
                path,
                f"lists the rights to {', '.join(listed)} but not {', '.join(missing)}",
            )
