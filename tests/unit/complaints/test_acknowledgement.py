"""The acknowledgement confirms receipt, gives the reference and the outcome target and names
the ICO, and repeats nothing the person wrote (RULES.md R7.1, R7.3)."""

from __future__ import annotations

from datetime import date

from steward.complaints.acknowledgement import ICO_COMPLAINTS, acknowledgement_letter


def test_the_acknowledgement_gives_the_reference_dates_and_the_ico() -> None:
    letter = acknowledgement_letter(
        reference="C-2026-ABC234",
        received=date(2026, 11, 26),
        organisation="Outserve Ltd",
        outcome_target=date(2027, 2, 26),
        name="Ada Lovelace",
    )
    assert letter.subject == "We received your complaint (C-2026-ABC234)"
    assert letter.text.startswith("Dear Ada Lovelace,\n\nOutserve Ltd received your data")
    assert "on 26 November 2026" in letter.text
    assert "by 26 February 2027" in letter.text
    assert ICO_COMPLAINTS in letter.text


def test_without_a_name_the_greeting_is_plain() -> None:
    letter = acknowledgement_letter(
        reference="C-2026-ABC234",
        received=date(2026, 11, 26),
        organisation="Outserve Ltd",
        outcome_target=date(2027, 2, 26),
    )
    assert letter.text.startswith("Hello,\n\n")
