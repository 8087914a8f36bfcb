"""Unsubscribes on SQLite and PostgreSQL: one click records once, forged links record nothing,
requests received by email are recorded by staff (RULES.md R2.6-R2.8; RFC 8058)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from steward.consent.events import ConsentEvent, ConsentEventKind, PersonRef
from steward.consent.marketing_facts import OBJECTION_PURPOSE
from steward.consent.purposes import DeclaredPurpose, PurposeCatalogue
from steward.consent.state import ConsentStatus
from steward.errors import ConfigError, IntegrityError, InvalidInput
from steward.law.pecr import Channel
from steward.services.unsubscribe import (
    Via,
    issue_token,
    record_email_unsubscribe,
    signer_for,
    unsubscribe,
)
from steward.store import ledger
from steward.store.crypto import KeyRing, KeyVersion
from steward.store.database import FixedKeys, Store
from steward.store.tables import consent_events

GIVEN_AT = dt.datetime(2026, 1, 10, 9, 0, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 11, 26, 8, 50, tzinfo=dt.UTC)  # before the store's clock reads it
PURPOSES = PurposeCatalogue(
    (
        DeclaredPurpose("newsletter", "Outserve news", frozenset({Channel.email})),
        DeclaredPurpose("service_delivery", "Delivering our services"),
    )
)


def subscribed(
    store: Store,
    email: str = "ann@example.org",
    at: dt.datetime = GIVEN_AT,
    event_id: str = "signup-1",
) -> PersonRef:
    with store.unit_of_work(actor="test") as uow:
        person = ledger.ensure_person(uow, email=email)
        ledger.record(
            uow,
            ConsentEvent(
                event_id=event_id,
                person=person,
                kind=ConsentEventKind.GIVEN,
                purpose="newsletter",
                channel="email",
                source="web-form",
                wording="Send me Outserve news",
                wording_version="v3",
                occurred_at=at,
            ),
        )
        uow.commit()
    return person


def token_for(store: Store, person: PersonRef) -> str:
    with store.unit_of_work(actor="test") as uow:
        return issue_token(uow, person, "newsletter", "email", purposes=PURPOSES)


def click(store: Store, token: str, now: dt.datetime = NOW) -> bool:
    with store.unit_of_work(actor="web:unsubscribe") as uow:
        outcome = unsubscribe(uow, token, now)
        uow.commit()
    return outcome.recorded


def status(store: Store, person: PersonRef, purpose: str = "newsletter") -> ConsentStatus | None:
    with store.unit_of_work(actor="test") as uow:
        state = ledger.current_state(uow, person, purpose, "email")
    return None if state is None else state.status


def events(store: Store) -> int:
    with store.unit_of_work(actor="test") as uow:
        return int(
            uow.connection.execute(select(func.count()).select_from(consent_events)).scalar_one()
        )


def test_one_click_unsubscribes_the_person_for_that_purpose_and_channel(store: Store) -> None:
    person = subscribed(store)
    assert click(store, token_for(store, person))
    assert status(store, person) is ConsentStatus.UNSUBSCRIBED


def test_clicking_twice_records_once(store: Store) -> None:
    person = subscribed(store)
    token = token_for(store, person)
    assert click(store, token)
    assert not click(store, token, NOW + dt.timedelta(minutes=5))
    assert events(store) == 2  # the consent and one unsubscribe


def test_a_tampered_token_records_nothing(store: Store) -> None:
    person = subscribed(store)
    token = token_for(store, person)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    with pytest.raises(IntegrityError):
        click(store, forged)
    assert status(store, person) is ConsentStatus.GIVEN


def test_a_token_from_another_key_ring_is_refused(store: Store) -> None:
    person = subscribed(store)
    stranger = signer_for(KeyRing({1: KeyVersion.generate(1)}, current=1))
    with pytest.raises(IntegrityError):
        click(store, stranger.issue(signer_for(store.keys.ring()).verify(token_for(store, person))))


def test_an_old_link_still_works_after_the_person_subscribes_again(store: Store) -> None:
    person = subscribed(store)
    token = token_for(store, person)
    click(store, token, dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    subscribed(store, at=dt.datetime(2026, 6, 1, tzinfo=dt.UTC), event_id="signup-2")
    assert click(store, token)
    assert status(store, person) is ConsentStatus.UNSUBSCRIBED


def test_a_link_keeps_working_after_key_rotation(store: Store) -> None:
    person = subscribed(store)
    token = token_for(store, person)
    old = store.keys.ring()
    rotated = KeyRing({1: old.key(1), 2: KeyVersion.generate(2)}, current=2)
    assert click(store.with_keys(FixedKeys(rotated)), token)


def email_request(
    store: Store, address: str, received: dt.date | dt.datetime, purpose: str | None = None
) -> bool:
    with store.unit_of_work(actor="staff:7") as uow:
        outcome = record_email_unsubscribe(
            uow,
            address,
            received=received,
            now=NOW,
            purposes=PURPOSES,
            via=Via.EMAIL,
            purpose=purpose,
        )
        uow.commit()
    return outcome.recorded


def test_an_emailed_request_without_a_purpose_is_an_objection_to_all_marketing(
    store: Store,
) -> None:
    person = subscribed(store)
    assert email_request(store, "ANN@example.org ", dt.date(2026, 11, 20))
    assert status(store, person, OBJECTION_PURPOSE) is ConsentStatus.OBJECTED


def test_an_emailed_request_naming_a_purpose_unsubscribes_from_it(store: Store) -> None:
    person = subscribed(store)
    assert email_request(store, "ann@example.org", dt.date(2026, 11, 20), purpose="newsletter")
    assert status(store, person) is ConsentStatus.UNSUBSCRIBED


def test_entering_the_same_request_twice_records_once(store: Store) -> None:
    subscribed(store)
    assert email_request(store, "ann@example.org", dt.date(2026, 11, 20))
    assert not email_request(store, "ann@example.org", dt.date(2026, 11, 20))
    assert events(store) == 2


def test_a_request_from_an_unknown_address_is_kept_to_screen_future_imports(
    store: Store,
) -> None:
    email_request(store, "stranger@example.org", dt.date(2026, 11, 20))
    with store.unit_of_work(actor="test") as uow:
        person = ledger.find_person(uow, email="stranger@example.org")
    assert person is not None
    assert status(store, person, OBJECTION_PURPOSE) is ConsentStatus.OBJECTED


def test_a_dated_request_outranks_consent_given_earlier_that_day(store: Store) -> None:
    person = subscribed(store, at=dt.datetime(2026, 11, 20, 16, 0, tzinfo=dt.UTC))
    email_request(store, "ann@example.org", dt.date(2026, 11, 20), purpose="newsletter")
    assert status(store, person) is ConsentStatus.UNSUBSCRIBED


def test_a_request_dated_in_the_future_is_refused(store: Store) -> None:
    with pytest.raises(InvalidInput, match="future"):
        email_request(store, "ann@example.org", dt.date(2026, 11, 27))


def test_an_emailed_request_for_an_undeclared_purpose_is_refused_and_records_nothing(
    store: Store,
) -> None:
    subscribed(store)
    with pytest.raises(InvalidInput) as refused:
        email_request(store, "ann@example.org", dt.date(2026, 11, 20), purpose="newsleter")
    assert refused.value.where == "purpose" and "did you mean 'newsletter'" in str(refused.value)
    assert events(store) == 1


def test_an_emailed_request_for_a_purpose_that_is_not_marketing_is_refused(store: Store) -> None:
    subscribed(store)
    with pytest.raises(InvalidInput, match="not a marketing purpose"):
        email_request(store, "ann@example.org", dt.date(2026, 11, 20), purpose="service_delivery")
    assert events(store) == 1


def test_a_purpose_cannot_be_recorded_without_a_catalogue_to_check_it(store: Store) -> None:
    with store.unit_of_work(actor="staff:7") as uow, pytest.raises(ConfigError):
        record_email_unsubscribe(
            uow, "ann@example.org", received=dt.date(2026, 11, 20), now=NOW, purpose="newsletter"
        )


def test_no_token_is_issued_for_a_channel_the_purpose_does_not_market_on(store: Store) -> None:
    person = subscribed(store)
    with store.unit_of_work(actor="test") as uow, pytest.raises(InvalidInput) as refused:
        issue_token(uow, person, "newsletter", "sms", purposes=PURPOSES)
    assert refused.value.where == "channel"


def test_a_click_is_honoured_even_when_the_purpose_has_since_left_the_manifest(
    store: Store,
) -> None:
    person = subscribed(store)
    token = token_for(store, person)
    # the catalogue is not consulted: the refusal of a person is never lost (RULES.md R2.6)
    assert click(store, token)
    assert status(store, person) is ConsentStatus.UNSUBSCRIBED


def test_a_request_timed_later_today_than_now_is_refused(store: Store) -> None:
    subscribed(store)
    with pytest.raises(InvalidInput) as refused:
        email_request(store, "ann@example.org", NOW + dt.timedelta(hours=2))
    assert refused.value.where == "received"
    assert events(store) == 1
