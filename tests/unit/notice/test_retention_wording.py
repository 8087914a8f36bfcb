"""Retention reads as a correct English sentence for every trigger event and every anchor.

UK GDPR Art 13(2)(a): the period, or the criteria used to set it. The old wording printed "after
the end of the tax year of employment ended"; each anchor now takes the event as a clause.
"""

from __future__ import annotations

import itertools

import pytest

from steward.law.retention import Action, Anchor, Period
from steward.manifest.schema import RetentionLimit, RetentionRule
from steward.manifest.vocabulary import Whichever
from steward.notice.retention_wording import EVENTS, event_clause, limit_text, retention

SIX_YEARS = Period(years=6)

EXPECTED = {
    ("employment_ended", Anchor.event_date): "6 years after your employment ends",
    ("employment_ended", Anchor.end_of_tax_year): (
        "6 years after the end of the tax year in which your employment ends"
    ),
    ("employment_ended", Anchor.end_of_accounting_period): (
        "6 years after the end of the accounting period in which your employment ends"
    ),
    ("employment_ended", Anchor.beginning_with): (
        "6 years beginning with the day your employment ends"
    ),
    ("last_contact", Anchor.event_date): "6 years after our last contact with you",
    ("last_contact", Anchor.end_of_tax_year): (
        "6 years after the end of the tax year in which our last contact with you happens"
    ),
    ("last_contact", Anchor.beginning_with): (
        "6 years beginning with the day of our last contact with you"
    ),
    ("collected", Anchor.event_date): "6 years after we collect it",
    ("collected", Anchor.end_of_accounting_period): (
        "6 years after the end of the accounting period in which we collect it"
    ),
    ("pay_date", Anchor.end_of_tax_year): (
        "6 years after the end of the tax year in which the payment is made"
    ),
    ("invoice_raised", Anchor.event_date): "6 years after the event “invoice raised”",
    ("invoice_raised", Anchor.end_of_tax_year): (
        "6 years after the end of the tax year in which the event “invoice raised” happens"
    ),
    ("invoice_raised", Anchor.beginning_with): (
        "6 years beginning with the day of the event “invoice raised”"
    ),
}


@pytest.mark.parametrize(("trigger", "anchor"), sorted(EXPECTED))
def test_each_trigger_and_anchor_reads_as_a_sentence(trigger: str, anchor: Anchor) -> None:
    assert limit_text(trigger, anchor, SIX_YEARS) == EXPECTED[trigger, anchor]


TRIGGERS = (*sorted(EVENTS), "invoice_raised", "x")


@pytest.mark.parametrize(
    ("trigger", "anchor"), list(itertools.product(TRIGGERS, list(Anchor))), ids=str
)
def test_no_trigger_and_anchor_leaves_a_bare_identifier_or_a_broken_joint(
    trigger: str, anchor: Anchor
) -> None:
    text = limit_text(trigger, anchor, SIX_YEARS)
    words = trigger.replace("_", " ")
    assert "_" not in text
    assert event_clause(trigger) in text
    if event_clause(trigger) != words:
        assert not any(f"{joint} {words}" in text for joint in ("in which", "day", "after"))


def test_a_known_event_is_never_quoted_and_an_unknown_one_always_is() -> None:
    assert "“" not in limit_text("account_closed", Anchor.event_date, SIX_YEARS)
    assert "“case opened”" in limit_text("case_opened", Anchor.event_date, SIX_YEARS)


def _rule(**fields: object) -> RetentionRule:
    base: dict[str, object] = {"id": "r", "description": "d", "trigger_event": "employment_ended"}
    return RetentionRule.model_validate({**base, **fields})


def test_a_combined_rule_says_whichever_is_later() -> None:
    rule = _rule(
        anchor=Anchor.end_of_tax_year,
        period="6 years",
        also=[RetentionLimit(trigger_event="claim_settled")],
        whichever=Whichever.later,
        action=Action.delete,
    )
    assert retention(rule) == (
        "6 years after the end of the tax year in which your employment ends, or until any "
        "claim is settled, whichever is later, then deleted"
    )


def test_a_rule_with_no_action_says_what_happens_then_is_not_stated() -> None:
    text = retention(_rule(period="1 year"))
    assert text == "1 year after your employment ends; what happens then: Not stated"


def test_no_rule_reads_not_stated() -> None:
    assert retention(None) == "Not stated"
