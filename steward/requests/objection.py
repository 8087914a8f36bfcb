"""The right to object (UK GDPR Art 21), decided as a value with its reason and citation.

Two rights with one name, and Steward keeps them apart:

- **Art 21(1)**: processing based on legitimate interests (Art 6(1)(f)) or a public task
  (Art 6(1)(e)). The organisation must stop *unless* it demonstrates compelling legitimate grounds
  that override the person's interests, rights and freedoms, or the processing is for legal
  claims. Staff record the balancing: which purposes were objected to, the grounds weighed (or
  that there are none), the decision, and reasons, which are required either way (Art 5(2)
  accountability; the person must be told why an objection is refused, Art 12(4)).
- **Art 21(2)-(3)**: direct marketing. Absolute: "there are no reasons that you can use to refuse
  their objection" (ICO). No balancing is accepted; the objection becomes an ``objected`` event in
  the consent ledger (the suppression entry, RULES.md R2.6-R2.7), through
  ``steward.services.unsubscribe``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from steward.errors import InvalidInput
from steward.manifest.schema import Manifest, Purpose
from steward.manifest.vocabulary import LawfulBasis

ART_21_1 = "UK GDPR Art 21(1)"
ART_21_3 = "UK GDPR Art 21(2)-(3); ICO guidance on the right to object"
_MIN_REASONS = 20
_OBJECTABLE = frozenset(
    {
        LawfulBasis.legitimate_interests,
        LawfulBasis.public_task,
        LawfulBasis.recognised_legitimate_interest,  # Art 6(1)(ea), as amended by the DUAA 2025
    }
)


class ObjectionDecision(StrEnum):
    uphold = "uphold"  # processing stops for the purposes objected to
    refuse = "refuse"  # compelling legitimate grounds override (or legal claims)


@dataclass(frozen=True)
class Balancing:
    """What staff weighed under Art 21(1). ``grounds`` None: the organisation has none."""

    purposes: tuple[str, ...]
    grounds: str | None
    decision: ObjectionDecision
    reasons: str
    decided_by: str


@dataclass(frozen=True)
class ObjectionOutcome:
    """The decision the person is told, with the reason and the provision relied on."""

    upheld: bool
    purposes: tuple[str, ...]
    reason: str
    citation: str
    direct_marketing: bool = False


def decide_marketing_objection(purposes: Sequence[str] = ()) -> ObjectionOutcome:
    """Art 21(3): always upheld, whatever is said for continuing; no balancing is taken."""
    scope = ", ".join(purposes) if purposes else "all direct marketing"
    return ObjectionOutcome(
        upheld=True,
        purposes=tuple(purposes),
        reason=(
            f"you objected to direct marketing ({scope}); this right is absolute, so we have "
            "stopped, and keep only a suppression entry so that we never contact you again"
        ),
        citation=ART_21_3,
        direct_marketing=True,
    )


def decide_objection(manifest: Manifest, balancing: Balancing) -> ObjectionOutcome:
    """Art 21(1): staff's balancing becomes the decision, once it is shown to be complete.

    Refused: no purposes, a purpose the manifest does not declare, a marketing purpose (that is
    Art 21(3), never balanced), a purpose whose basis is neither legitimate interests nor public
    task (Art 21(1) does not apply to it: say so instead), missing or thin reasons, and refusing
    the objection without stating the compelling grounds.
    """
    if not balancing.purposes:
        raise InvalidInput(
            "an objection names the purposes objected to",
            where="purposes",
            hint="give the purpose ids of the manifest the person objects to",
        )
    for purpose in (_purpose(manifest, p) for p in balancing.purposes):
        if purpose.marketing is not None:
            raise InvalidInput(
                f"purpose {purpose.id!r} is direct marketing: an objection to it is absolute "
                "and is never balanced",
                where="purposes",
                hint="record it as a direct-marketing objection (Art 21(3))",
            )
        if purpose.lawful_basis not in _OBJECTABLE:
            basis = purpose.lawful_basis.value if purpose.lawful_basis else "none declared"
            raise InvalidInput(
                f"purpose {purpose.id!r} relies on {basis}, not legitimate interests or a public "
                "task, so Art 21(1) does not apply to it",
                where="purposes",
                hint="tell the person which right does apply (e.g. withdraw consent, Art 7(3))",
            )
    if len(balancing.reasons.strip()) < _MIN_REASONS:
        raise InvalidInput(
            "the balancing needs reasons (Art 21(1); Art 5(2))",
            where="reasons",
            hint="say why the grounds do or do not override the person's interests, in a sentence",
        )
    grounds = (balancing.grounds or "").strip()
    scope = ", ".join(balancing.purposes)
    if balancing.decision is ObjectionDecision.refuse:
        if not grounds:
            raise InvalidInput(
                "refusing an objection needs compelling legitimate grounds (Art 21(1))",
                where="grounds",
                hint="state the grounds, or uphold the objection",
            )
        return ObjectionOutcome(
            upheld=False,
            purposes=balancing.purposes,
            reason=(
                f"we will continue {scope}: {grounds}; {balancing.reasons.strip()}. You can "
                "complain to the ICO or seek a judicial remedy (Art 12(4))"
            ),
            citation=ART_21_1,
        )
    weighed = (
        f"the grounds we considered ({grounds}) do not override"
        if grounds
        else ("we have no compelling legitimate grounds that override")
    )
    return ObjectionOutcome(
        upheld=True,
        purposes=balancing.purposes,
        reason=(f"we have stopped {scope}: {weighed} your interests; {balancing.reasons.strip()}"),
        citation=ART_21_1,
    )


def _purpose(manifest: Manifest, purpose_id: str) -> Purpose:
    for purpose in manifest.purposes:
        if purpose.id == purpose_id:
            return purpose
    known = ", ".join(p.id for p in manifest.purposes)
    raise InvalidInput(
        f"the manifest declares no purpose {purpose_id!r}",
        where="purposes",
        hint=f"use one of: {known}",
    )


SUPPRESSION_KEPT = "kept a minimal suppression entry"
"""How an erasure step's evidence begins when Steward's store kept a suppression entry."""


def suppression_note() -> str:
    """What an erasure response says when a marketing contact is kept on the suppression list
    (RULES.md R2.7: "explain this in the response")."""
    return (
        "You objected to, or unsubscribed from, our direct marketing. So that we never contact "
        "you again, we keep a minimal suppression entry: your e-mail address, stored encrypted "
        "and matched only through a keyed code, with the fact and date of your objection. It is "
        "used for nothing else. Everything else we held about you has been erased. "
        "(UK GDPR Art 21(3); ICO guidance: suppression, not deletion.)"
    )
