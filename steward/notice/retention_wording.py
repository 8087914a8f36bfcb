"""How long data is kept, in words a reader can check against a calendar.

UK GDPR Art 13(2)(a) and 14(2)(a) ask for the period, or the criteria used to set it. A rule is
a trigger event, an anchor (RULES.md R5.2: the event itself, the end of the tax year or of the
accounting period in which it happens, or a period "beginning with" the day of the event), a
period, and what happens at the end. Every trigger and anchor must read as a correct sentence:
the event is always worded as a clause ("your employment ends"), so it fits after "after", after
"the tax year in which" and after "the day", and an event Steward has no words for is named as
an event, never forced into a phrase it does not fit.
"""

from __future__ import annotations

from steward.law.retention import Action, Anchor
from steward.manifest.schema import RetentionLimit, RetentionRule
from steward.manifest.vocabulary import Whichever
from steward.notice.document import NOT_STATED

EVENTS = {
    "collected": "we collect it",
    "collection": "we collect it",
    "recorded": "it is recorded",
    "created": "it is created",
    "received": "we receive it",
    "last_contact": "our last contact with you",
    "last_engagement": "you last engage with our messages",
    "last_activity": "your last activity with us",
    "last_purchase": "your last purchase",
    "last_visit": "your last visit",
    "visit": "your visit",
    "account_closed": "your account is closed",
    "contract_end": "the contract ends",
    "contract_ended": "the contract ends",
    "employment_end": "your employment ends",
    "employment_ended": "your employment ends",
    "application_closed": "the recruitment process closes",
    "recruitment_closed": "the recruitment process closes",
    "pay_date": "the payment is made",
    "payment": "the payment is made",
    "tax_year_processed": "the records are made",
    "check_completed": "the check is completed",
    "survey_closed": "the survey closes",
    "published": "it is published",
    "consent_withdrawn": "you withdraw your consent",
    "unsubscribed": "you unsubscribe",
    "objected": "you object",
    "complaint_closed": "the complaint is closed",
    "request_closed": "your request is closed",
    "claim_settled": "any claim is settled",
    "incident_closed": "the incident is closed",
    "treatment_ended": "your treatment ends",
    "last_treatment": "your last treatment",
    "death": "death",
    "eighteenth_birthday": "you turn 18",
    "age_18": "you turn 18",
    "left_school": "you leave the school",
    "membership_ended": "your membership ends",
    "donation": "your last donation",
    "tenancy_ended": "the tenancy ends",
}
"""Common trigger events, each as a clause that completes "after ...", "in which ..." and "the
day ...". Nouns stand where the clause form would be awkward ("our last contact with you")."""

_NOUN_EVENTS = frozenset(
    {
        "last_contact",
        "last_activity",
        "last_purchase",
        "last_visit",
        "visit",
        "last_treatment",
        "death",
        "donation",
    }
)
"""Events worded as a noun: they read "after X" and "the day of X", and "in which X happens"."""

ACTION = {
    Action.delete: "deleted",
    Action.anonymise: "anonymised",
    Action.archive_restrict: "archived with access restricted",
    Action.review: "reviewed, and deleted unless still needed",
}


def event_clause(trigger_event: str) -> str:
    """The event as words: known events in plain English, any other named as an event."""
    known = EVENTS.get(trigger_event)
    if known:
        return known
    return f"the event “{trigger_event.replace('_', ' ')}”"


def _is_noun(trigger_event: str) -> bool:
    return trigger_event in _NOUN_EVENTS or trigger_event not in EVENTS


def _in_which(trigger_event: str) -> str:
    clause = event_clause(trigger_event)
    return f"{clause} happens" if _is_noun(trigger_event) else clause


def _the_day(trigger_event: str) -> str:
    clause = event_clause(trigger_event)
    return f"the day of {clause}" if _is_noun(trigger_event) else f"the day {clause}"


def limit_text(trigger_event: str, anchor: Anchor, period: object | None) -> str:
    """One criterion: "6 years after the end of the tax year in which your employment ends"."""
    if period is None:
        if anchor is Anchor.event_date:
            return f"until {event_clause(trigger_event)}"
        return f"until {_anchored_end(trigger_event, anchor)}"
    if anchor is Anchor.event_date:
        return f"{period} after {event_clause(trigger_event)}"
    if anchor is Anchor.beginning_with:
        return f"{period} beginning with {_the_day(trigger_event)}"
    return f"{period} after {_anchored_end(trigger_event, anchor)}"


def _anchored_end(trigger_event: str, anchor: Anchor) -> str:
    if anchor is Anchor.end_of_tax_year:
        return f"the end of the tax year in which {_in_which(trigger_event)}"
    if anchor is Anchor.end_of_accounting_period:
        return f"the end of the accounting period in which {_in_which(trigger_event)}"
    return _the_day(trigger_event)


def _criterion(limit: RetentionLimit) -> str:
    return limit_text(limit.trigger_event, limit.anchor, limit.period)


def retention(rule: RetentionRule | None) -> str:
    """Period or criteria, what it counts from, and the end action (UK GDPR Art 13(2)(a))."""
    if rule is None:
        return f"{NOT_STATED}"
    if rule.period is not None:
        text = limit_text(rule.trigger_event, rule.anchor, rule.period)
    elif rule.criteria:
        text = f"No fixed period: {rule.criteria}"
    else:
        text = "No limit stated"
    if rule.also:
        criteria = [text, *(_criterion(limit) for limit in rule.also)]
        which = "later" if rule.whichever is Whichever.later else "earlier"
        text = ", or ".join(criteria) + f", whichever is {which}"
    if rule.action is None:
        text += f"; what happens then: {NOT_STATED}"
    else:
        text += f", then {ACTION[rule.action]}"
    return text + (f" ({rule.citation})" if rule.citation else "")
