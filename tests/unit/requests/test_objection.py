"""The right to object: direct marketing is absolute; Art 21(1) needs a balancing with reasons."""

from __future__ import annotations

import pytest

from steward.errors import InvalidInput
from steward.requests.objection import (
    Balancing,
    ObjectionDecision,
    decide_marketing_objection,
    decide_objection,
    suppression_note,
)
from tests.unit.requests.manifests import outserve

REASONS = "The footage is kept only for security incidents and this person was not involved."


def balancing(
    decision: ObjectionDecision,
    *,
    purposes: tuple[str, ...] = ("cctv",),
    grounds: str | None = None,
    reasons: str = REASONS,
) -> Balancing:
    return Balancing(purposes, grounds, decision, reasons, decided_by="cli:ann")


def test_an_objection_to_direct_marketing_is_always_upheld() -> None:
    outcome = decide_marketing_objection(["client_marketing"])

    assert outcome.upheld and outcome.direct_marketing
    assert "absolute" in outcome.reason
    assert outcome.citation.startswith("UK GDPR Art 21(2)-(3)")


def test_a_marketing_purpose_cannot_be_balanced_under_21_1() -> None:
    with pytest.raises(InvalidInput, match="direct marketing: an objection to it is absolute"):
        decide_objection(
            outserve(),
            balancing(
                ObjectionDecision.refuse,
                purposes=("client_marketing",),
                grounds="We value our client relationships highly",
            ),
        )


def test_21_1_needs_reasons() -> None:
    with pytest.raises(InvalidInput, match="needs reasons") as caught:
        decide_objection(outserve(), balancing(ObjectionDecision.uphold, reasons="ok"))

    assert caught.value.where == "reasons"


def test_refusing_an_objection_needs_compelling_grounds() -> None:
    with pytest.raises(InvalidInput, match="compelling legitimate grounds"):
        decide_objection(outserve(), balancing(ObjectionDecision.refuse))


def test_a_refusal_with_grounds_and_reasons_says_why_and_how_to_complain() -> None:
    outcome = decide_objection(
        outserve(),
        balancing(
            ObjectionDecision.refuse,
            grounds="the footage is evidence in an open insurance claim",
        ),
    )

    assert not outcome.upheld
    assert "the footage is evidence in an open insurance claim" in outcome.reason
    assert "ICO" in outcome.reason
    assert outcome.citation == "UK GDPR Art 21(1)"


def test_an_upheld_objection_without_grounds_says_there_are_none() -> None:
    outcome = decide_objection(outserve(), balancing(ObjectionDecision.uphold))

    assert outcome.upheld
    assert "no compelling legitimate grounds" in outcome.reason


def test_21_1_does_not_apply_to_a_purpose_based_on_contract() -> None:
    with pytest.raises(InvalidInput, match="relies on contract"):
        decide_objection(
            outserve(), balancing(ObjectionDecision.uphold, purposes=("service_delivery",))
        )


def test_an_objection_to_an_undeclared_purpose_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(InvalidInput, match="no purpose 'golf'") as caught:
        decide_objection(outserve(), balancing(ObjectionDecision.uphold, purposes=("golf",)))

    assert "cctv" in (caught.value.hint or "")


def test_the_suppression_note_says_what_is_kept_and_why() -> None:
    note = suppression_note()

    assert "suppression entry" in note
    assert "never contact you again" in note
    assert "erased" in note
