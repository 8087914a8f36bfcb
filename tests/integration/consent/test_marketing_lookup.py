"""The set-based lookup behind `marketing filter`: one small situation id per list line, equal
situations sharing an id so the law is asked once per situation (RULES.md R2.3-R2.6)."""

from __future__ import annotations

import datetime as dt

from steward.consent.events import ConsentEvent, ConsentEventKind
from steward.consent.identifiers import IdentifierKind
from steward.consent.marketing_facts import StateFact
from steward.consent.state import ConsentStatus
from steward.store import ledger
from steward.store.database import Store, UnitOfWork
from steward.store.marketing_lookup import ListStates, matched_states

JAN = dt.datetime(2026, 1, 10, 9, 0, tzinfo=dt.UTC)


def record(
    uow: UnitOfWork,
    email: str,
    kind: ConsentEventKind,
    purpose: str = "newsletter",
    channel: str = "email",
) -> None:
    person = ledger.ensure_person(uow, email=email)
    refusal = kind.is_refusal
    ledger.record(
        uow,
        ConsentEvent(
            event_id=f"{email}-{purpose}-{channel}-{kind.value}",
            person=person,
            kind=kind,
            purpose=purpose,
            channel=channel,
            source="test",
            wording="" if refusal else "Marketing from Outserve",
            wording_version="" if refusal else "v1",
            occurred_at=JAN,
            evidence={},
        ),
    )


def look_up(store: Store, addresses: dict[int, str]) -> ListStates:
    with store.unit_of_work(actor="test") as uow:
        entries = [
            (line, uow.keys.blind_index(address, context=IdentifierKind.EMAIL))
            for line, address in sorted(addresses.items())
        ]
        return matched_states(uow, entries, "newsletter")


def given(purpose: str = "newsletter") -> StateFact:
    return StateFact(purpose, "email", ConsentStatus.GIVEN, JAN.date())


def test_lines_in_the_same_situation_share_one_id(store: Store) -> None:
    with store.unit_of_work(actor="test") as uow:
        record(uow, "ann@example.org", ConsentEventKind.GIVEN)
        record(uow, "bob@example.org", ConsentEventKind.GIVEN)
        uow.commit()
    states = look_up(store, {2: "ann@example.org", 5: "bob@example.org"})
    assert states.situation(2) == states.situation(5) != 0
    assert states.situations[states.situation(2)] == (given(),)


def test_a_line_with_several_relevant_states_holds_them_all_in_a_fixed_order(
    store: Store,
) -> None:
    with store.unit_of_work(actor="test") as uow:
        record(uow, "eve@example.org", ConsentEventKind.OBJECTED, purpose="direct_marketing")
        record(uow, "eve@example.org", ConsentEventKind.GIVEN)
        uow.commit()
    states = look_up(store, {3: "eve@example.org"})
    objected = StateFact("direct_marketing", "email", ConsentStatus.OBJECTED, JAN.date())
    assert states.situations[states.situation(3)] == (objected, given())


def test_lines_with_no_person_or_no_relevant_state_are_situation_zero(store: Store) -> None:
    with store.unit_of_work(actor="test") as uow:
        record(uow, "hal@example.org", ConsentEventKind.GIVEN, purpose="offers")
        uow.commit()
    states = look_up(store, {2: "hal@example.org", 3: "nobody@example.org"})
    assert (states.situation(2), states.situation(3), states.situation(99)) == (0, 0, 0)
    assert states.situations[0] == ()
