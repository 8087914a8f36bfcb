"""The letter a person receives says what was done, what was kept and why, who else was told,
and how to complain; it never claims a suppression entry or an objection that is not there."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from steward.notice.render import render_markdown
from steward.requests.kinds import RequestKind
from steward.requests.letter import LetterFacts, response_letter
from steward.requests.objection import (
    SUPPRESSION_KEPT,
    decide_marketing_objection,
    suppression_note,
)
from steward.requests.outcome import StepAction
from tests.unit.evidence.outcomes import erasure_outcome, step
from tests.unit.requests.manifests import outserve

SENT = date(2026, 11, 21)


def _text(outcome, facts: LetterFacts = LetterFacts(sent_on=SENT)) -> str:  # type: ignore[no-untyped-def]
    return render_markdown(response_letter(outcome, outserve(), facts))


def test_an_erasure_letter_says_what_was_erased_and_why_records_were_kept() -> None:
    text = _text(erasure_outcome())
    assert "You asked us to erase" in text
    assert "received your request on 2 November 2026 and answered it on 21 November 2026" in text
    assert "| crm | customers | erased | 2 |" in text
    assert "Tax records are kept six years (HMRC)" in text
    assert "billing invoices: 5 record(s)" in text
    assert suppression_note() not in text


def test_the_suppression_note_appears_only_when_a_suppression_entry_was_kept() -> None:
    kept = step("steward", "people", StepAction.erase, 1, 1,
                note=f"{SUPPRESSION_KEPT} (email) for a refusal of direct marketing")  # fmt: skip
    outcome = erasure_outcome()
    text = _text(replace(outcome, steps=(*outcome.steps, kept)))
    assert suppression_note() in text


def test_recipients_told_are_listed_and_none_is_said_plainly() -> None:
    told = LetterFacts(recipients_told=("HubSpot, Inc. (CRM)",), sent_on=SENT)
    assert "- HubSpot, Inc. (CRM)" in _text(erasure_outcome(), told)
    assert "We shared none of the changed data" in _text(erasure_outcome())


def test_an_objection_letter_gives_the_decision_and_access_letters_no_recipients() -> None:
    outcome = replace(erasure_outcome(), kind=RequestKind.objection, steps=())
    text = _text(outcome, LetterFacts(objection=decide_marketing_objection(), sent_on=SENT))
    assert "We have stopped." in text
    assert "Who else we told" not in text


def test_every_letter_says_how_to_complain_to_us_and_to_the_ico() -> None:
    text = _text(replace(erasure_outcome(), kind=RequestKind.access))
    assert "How to complain" in text
    assert "ico.org.uk" in text
