"""PECR marketing decisions follow RULES.md §2, with every row of R2.2 and R2.10."""

from dataclasses import replace
from datetime import date

import pytest

from steward.errors import InvalidInput
from steward.law.pecr import (
    Channel,
    Consent,
    DetailsSource,
    MarketingDecision,
    Message,
    Objection,
    PecrPolicy,
    Recipient,
    Relationship,
    Route,
    may_send,
    objection_stops,
)
from steward.law.subscribers import LegalForm, SubscriberType, classify_subscriber

INDIVIDUAL = Recipient(SubscriberType.individual)
EMAIL = Message(Channel.email, purpose="marketing", own_similar_products=True)
TODAY = date(2026, 11, 26)
PURCHASE = Relationship(DetailsSource.sale, date(2025, 6, 1), opt_out_offered_at_collection=True)


@pytest.mark.parametrize(
    ("legal_form", "scottish", "expected"),
    [
        ("company", False, SubscriberType.corporate),  # Acme Ltd, sales@acme.co.uk
        ("sole_trader", False, SubscriberType.individual),  # J Smith t/a Smith Plumbing
        ("partnership", False, SubscriberType.individual),  # Smith & Jones, England
        ("partnership", True, SubscriberType.corporate),  # Smith & Jones, Scotland
        ("llp", False, SubscriberType.corporate),  # Smith & Jones LLP
        (None, False, SubscriberType.individual),  # unknown
    ],
)
def test_subscriber_types_of_r2_2(
    legal_form: str | None, scottish: bool, expected: SubscriberType
) -> None:
    assert classify_subscriber(legal_form, scottish=scottish) is expected


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("Ltd", LegalForm.company),
        ("Sole trader", LegalForm.sole_trader),
        ("PLC", LegalForm.company),
        ("", LegalForm.unknown),
        ("limited-partnership", LegalForm.limited_partnership),
    ],
)
def test_legal_form_reads_common_spellings(text: str, form: LegalForm) -> None:
    assert LegalForm.parse(text) is form


def test_unreadable_legal_form_lists_the_valid_ones() -> None:
    with pytest.raises(InvalidInput) as raised:
        LegalForm.parse("trust fund")
    assert "sole_trader" in (raised.value.hint or "")


def _example(number: int) -> MarketingDecision:
    """The inputs of RULES.md R2.10 row `number`."""
    charity_message = Message(
        Channel.email, sender_is_charity=True, furthers_charitable_purposes_only=True
    )
    donation = Relationship(
        DetailsSource.charity_support, date(2026, 2, 20), opt_out_offered_at_collection=True
    )
    match number:
        case 1:
            consent = Consent(
                date(2026, 1, 10), names_sender=True, channels=frozenset({Channel.email})
            )
            return may_send(
                INDIVIDUAL, replace(EMAIL, own_similar_products=False), TODAY, consent=consent
            )
        case 2:
            return may_send(INDIVIDUAL, EMAIL, TODAY, relationship=PURCHASE)
        case 3:
            no_opt_out = replace(PURCHASE, opt_out_offered_at_collection=False)
            return may_send(INDIVIDUAL, EMAIL, TODAY, relationship=no_opt_out)
        case 4:
            bought = Relationship(DetailsSource.bought_list, date(2025, 6, 1), True)
            list_consent = Consent(date(2025, 5, 1), names_sender=False)
            return may_send(INDIVIDUAL, EMAIL, TODAY, consent=list_consent, relationship=bought)
        case 5:
            download = Relationship(DetailsSource.content_download, date(2026, 5, 1), True)
            return may_send(INDIVIDUAL, EMAIL, TODAY, relationship=download)
        case 6:
            return may_send(Recipient(SubscriberType.corporate), EMAIL, TODAY)
        case 7:
            jane = Recipient(SubscriberType.corporate, named_person=True)
            return may_send(jane, EMAIL, TODAY, objections=[Objection(date(2026, 10, 2))])
        case 8:
            consent = Consent(date(2026, 1, 10), names_sender=True)
            return may_send(INDIVIDUAL, EMAIL, TODAY, consent=consent, suppressed=True)
        case 9:
            return may_send(INDIVIDUAL, charity_message, date(2026, 3, 1), relationship=donation)
        case 10:
            early = replace(donation, obtained_on=date(2026, 1, 5))
            return may_send(INDIVIDUAL, charity_message, date(2026, 1, 15), relationship=early)
        case 11:
            quote = Relationship(DetailsSource.negotiation, date(2026, 4, 1), True)
            dissimilar = replace(EMAIL, own_similar_products=False)
            sole_trader = Recipient(classify_subscriber("sole_trader"))
            return may_send(sole_trader, dissimilar, TODAY, relationship=quote)
    raise AssertionError(number)


@pytest.mark.parametrize(
    ("number", "send", "route", "cited", "reason_mentions"),
    [
        (1, True, Route.consent, "22(2)", "consented"),
        (2, True, Route.soft_opt_in, "22(3)", "soft opt-in"),
        (3, False, Route.no_basis, "22(2)-(3)", "22(3)(c)"),
        (4, False, Route.no_basis, "22(2)-(3)", "did not name this sender"),
        (5, False, Route.no_basis, "22(2)-(3)", "not obtained by the sender in a sale"),
        (6, True, Route.corporate_subscriber, "23", "reg 22 does not apply"),
        (7, False, Route.objection, "Art 21", "2026-10-02"),
        (8, False, Route.suppressed, "Art 21(3)", "suppression list"),
        (9, True, Route.charity_soft_opt_in, "22(3A)", "charity"),
        (10, False, Route.no_basis, "22(2)-(3)", "only from 2026-02-05"),
        (11, False, Route.no_basis, "22(2)-(3)", "similar products"),
    ],
)
def test_worked_examples_of_r2_10(
    number: int, send: bool, route: Route, cited: str, reason_mentions: str
) -> None:
    decision = _example(number)
    assert (decision.send, decision.route) == (send, route)
    assert cited in decision.citation
    assert reason_mentions in decision.reason


def test_consent_to_third_parties_is_not_consent_to_this_sender() -> None:
    consent = Consent(date(2026, 1, 1), names_sender=False)
    assert not may_send(INDIVIDUAL, EMAIL, TODAY, consent=consent).send


def test_withdrawn_consent_stops_marketing_from_the_withdrawal_day() -> None:
    consent = Consent(date(2026, 1, 1), names_sender=True, withdrawn_on=TODAY)
    assert may_send(INDIVIDUAL, EMAIL, date(2026, 11, 25), consent=consent).send
    assert not may_send(INDIVIDUAL, EMAIL, TODAY, consent=consent).send


def test_consent_to_one_newsletter_does_not_cover_other_marketing() -> None:
    consent = Consent(date(2026, 1, 1), names_sender=True, purposes=frozenset({"newsletter"}))
    decision = may_send(
        INDIVIDUAL, replace(EMAIL, own_similar_products=False), TODAY, consent=consent
    )
    assert not decision.send
    assert "purpose 'marketing'" in decision.reason


def test_consent_for_email_does_not_cover_sms() -> None:
    consent = Consent(date(2026, 1, 1), names_sender=True, channels=frozenset({Channel.email}))
    sms = Message(Channel.sms)
    assert not may_send(INDIVIDUAL, sms, TODAY, consent=consent).send


def test_an_objection_by_email_stops_sms_too_by_default() -> None:
    consent = Consent(date(2026, 1, 1), names_sender=True)
    objection = Objection(date(2026, 6, 1), channel=Channel.email)
    decision = may_send(
        INDIVIDUAL, Message(Channel.sms), TODAY, consent=consent, objections=[objection]
    )
    assert decision.route is Route.objection


def test_an_objection_limited_to_email_leaves_sms_alone() -> None:
    consent = Consent(date(2026, 1, 1), names_sender=True)
    objection = Objection(date(2026, 6, 1), channel=Channel.email, limited_to_channel=True)
    decision = may_send(
        INDIVIDUAL, Message(Channel.sms), TODAY, consent=consent, objections=[objection]
    )
    assert decision.route is Route.consent


def test_policy_can_limit_every_objection_to_its_own_channel() -> None:
    consent = Consent(date(2026, 1, 1), names_sender=True)
    objection = Objection(date(2026, 6, 1), channel=Channel.email)
    policy = PecrPolicy(objection_covers_all_channels=False)
    decision = may_send(
        INDIVIDUAL,
        Message(Channel.sms),
        TODAY,
        consent=consent,
        objections=[objection],
        policy=policy,
    )
    assert decision.send


def test_an_objection_received_after_the_send_date_does_not_apply_to_it() -> None:
    consent = Consent(date(2026, 1, 1), names_sender=True)
    objection = Objection(date(2026, 12, 1))
    assert may_send(INDIVIDUAL, EMAIL, TODAY, consent=consent, objections=[objection]).send


def test_objection_wins_over_the_soft_opt_in() -> None:
    decision = may_send(
        INDIVIDUAL, EMAIL, TODAY, relationship=PURCHASE, objections=[Objection(date(2026, 1, 1))]
    )
    assert decision.route is Route.objection


def test_refusal_at_collection_wins_over_the_soft_opt_in() -> None:
    refused = replace(PURCHASE, refused_at_collection=True)
    assert may_send(INDIVIDUAL, EMAIL, TODAY, relationship=refused).route is Route.objection


def test_a_message_without_an_opt_out_is_never_sent_even_to_a_company() -> None:
    no_opt_out = replace(EMAIL, opt_out_included=False)
    decision = may_send(Recipient(SubscriberType.corporate), no_opt_out, TODAY)
    assert (decision.send, decision.citation) == (False, "PECR reg 23")


def test_a_corporate_subscriber_named_person_is_told_the_uk_gdpr_applies() -> None:
    decision = may_send(Recipient(SubscriberType.corporate, named_person=True), EMAIL, TODAY)
    assert decision.send
    assert "UK GDPR also applies" in decision.reason


def test_charity_supporters_recruited_before_commencement_need_the_policy_switch() -> None:
    message = Message(Channel.email, sender_is_charity=True, furthers_charitable_purposes_only=True)
    earlier = Relationship(DetailsSource.charity_support, date(2025, 12, 1), True)
    assert not may_send(INDIVIDUAL, message, TODAY, relationship=earlier).send
    policy = PecrPolicy(charity_covers_earlier_supporters=True)
    assert may_send(INDIVIDUAL, message, TODAY, relationship=earlier, policy=policy).send


def test_a_non_charity_cannot_use_the_charity_soft_opt_in() -> None:
    message = Message(Channel.email, furthers_charitable_purposes_only=True)
    donation = Relationship(DetailsSource.charity_support, date(2026, 3, 1), True)
    assert not may_send(INDIVIDUAL, message, TODAY, relationship=donation).send


def test_postal_marketing_is_not_decided_by_pecr_electronic_mail_rules() -> None:
    with pytest.raises(InvalidInput, match="not electronic mail"):
        may_send(INDIVIDUAL, Message(Channel.post), TODAY)


@pytest.mark.parametrize(
    ("objection", "purpose", "stops"),
    [
        (Objection(date(2026, 10, 2), channel=Channel.sms), "newsletter", True),
        (
            Objection(date(2026, 10, 2), channel=Channel.sms, limited_to_channel=True),
            "newsletter",
            False,
        ),
        (Objection(date(2026, 10, 2), purpose="newsletter"), "newsletter", True),
        (Objection(date(2026, 10, 2), purpose="events"), "newsletter", False),
        (Objection(date(2026, 12, 1)), "newsletter", False),
    ],
)
def test_objection_stops_email_marketing_as_r2_6_reads_it(
    objection: Objection, purpose: str, stops: bool
) -> None:
    assert objection_stops([objection], Channel.email, purpose, date(2026, 11, 26)) is stops
