"""How ledger states become the facts law.pecr decides on (docs/consent.md, "Marketing and
unsubscribe"); the decisions themselves are the law module's (RULES.md R2.3-R2.6)."""

from __future__ import annotations

import datetime as dt

import pytest

from steward.consent.marketing_facts import (
    StateFact,
    law_facts,
    london_date,
    relationship_of,
)
from steward.consent.state import ConsentStatus
from steward.law.pecr import Channel, Consent, DetailsSource, ListSource, Objection

DAY = dt.date(2026, 3, 1)


def fact(
    status: ConsentStatus, purpose: str = "newsletter", channel: str = "email", **extra: object
) -> StateFact:
    return StateFact(purpose, channel, status, DAY, **extra)  # type: ignore[arg-type]


def test_consent_given_for_the_purpose_and_channel_is_consent_to_us() -> None:
    facts = law_facts((fact(ConsentStatus.GIVEN),), "newsletter", "email")
    assert facts.consent == Consent(
        DAY,
        names_sender=True,
        channels=frozenset({Channel.email}),
        purposes=frozenset({"newsletter"}),
    )


def test_withdrawn_consent_is_consent_withdrawn_that_day() -> None:
    consent = law_facts((fact(ConsentStatus.WITHDRAWN),), "newsletter", "email").consent
    assert consent is not None and consent.withdrawn_on == DAY


def test_consent_on_another_channel_is_not_consent_for_this_one() -> None:
    facts = law_facts((fact(ConsentStatus.GIVEN, channel="sms"),), "newsletter", "email")
    assert facts.consent is None and facts.objections == ()


def test_an_objection_for_any_purpose_covers_all_marketing() -> None:
    facts = law_facts(
        (fact(ConsentStatus.OBJECTED, "direct_marketing", "sms"),), "newsletter", "email"
    )
    assert facts.objections == (Objection(DAY, channel=Channel.sms),)


def test_an_unsubscribe_from_this_purpose_on_another_channel_is_an_objection_for_it() -> None:
    facts = law_facts((fact(ConsentStatus.UNSUBSCRIBED, channel="sms"),), "newsletter", "email")
    assert facts.objections == (Objection(DAY, channel=Channel.sms, purpose="newsletter"),)


def test_an_unsubscribe_from_another_purpose_does_not_bear_on_this_one() -> None:
    facts = law_facts((fact(ConsentStatus.UNSUBSCRIBED, purpose="offers"),), "newsletter", "email")
    assert facts.objections == ()


def test_an_objection_on_a_channel_the_law_does_not_know_covers_every_channel() -> None:
    facts = law_facts(
        (fact(ConsentStatus.OBJECTED, channel="carrier_pigeon"),), "newsletter", "email"
    )
    assert facts.objections == (Objection(DAY, channel=None),)


@pytest.mark.parametrize(
    ("relationship", "obtained_from", "source"),
    [
        (DetailsSource.sale, ListSource.directly, DetailsSource.sale),
        (DetailsSource.negotiation, ListSource.directly, DetailsSource.negotiation),
        (DetailsSource.sale, ListSource.partner, DetailsSource.third_party),
        (DetailsSource.sale, ListSource.group_company, DetailsSource.third_party),
        (DetailsSource.sale, ListSource.bought_list, DetailsSource.bought_list),
        (None, ListSource.directly, DetailsSource.other),
        (DetailsSource.sale, None, DetailsSource.other),
    ],
)
def test_only_details_we_collected_keep_their_sale_or_negotiation(
    relationship: DetailsSource | None,
    obtained_from: ListSource | None,
    source: DetailsSource,
) -> None:
    assert relationship_of(relationship, obtained_from, True, DAY).source is source


def test_a_soft_opt_in_state_carries_its_recorded_relationship() -> None:
    state = fact(
        ConsentStatus.SOFT_OPT_IN,
        relationship=DetailsSource.sale,
        obtained_from=ListSource.directly,
        opt_out_at_collection=True,
    )
    relationship = law_facts((state,), "newsletter", "email").relationship
    assert relationship is not None
    assert (
        relationship.source,
        relationship.obtained_on,
        relationship.opt_out_offered_at_collection,
    ) == (DetailsSource.sale, DAY, True)


@pytest.mark.parametrize(
    ("moment", "day"),
    [
        (dt.datetime(2026, 7, 1, 23, 30, tzinfo=dt.UTC), dt.date(2026, 7, 2)),  # BST
        (dt.datetime(2026, 1, 1, 23, 30, tzinfo=dt.UTC), dt.date(2026, 1, 1)),  # GMT
    ],
)
def test_timestamps_become_london_dates(moment: dt.datetime, day: dt.date) -> None:
    assert london_date(moment) == day
