"""Objections recorded: direct marketing becomes an `objected` ledger event; 21(1) is balanced."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from steward.consent.marketing_facts import OBJECTION_PURPOSE
from steward.consent.state import ConsentStatus
from steward.errors import InvalidInput
from steward.requests.objection import Balancing, ObjectionDecision
from steward.services.objection import (
    decide_legitimate_interests_objection,
    decide_request_objection,
    object_to_direct_marketing,
    objection_decided,
)
from steward.store import audit, ledger, objections
from steward.store.database import Store
from steward.store.ledger_check import verify_ledger
from steward.store.tables import audit_events
from tests.unit.requests.manifests import outserve

NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
REASONS = "The footage is kept only for security incidents and this person was not involved."


def actions(store: Store) -> list[str]:
    with store.unit_of_work("test", reads_only=True) as uow:
        return list(
            uow.connection.execute(
                select(audit_events.c.action).order_by(audit_events.c.sequence)
            ).scalars()
        )


def test_an_objection_to_direct_marketing_is_an_objected_event_in_the_ledger(
    store: Store,
) -> None:
    with store.unit_of_work("cli:ann") as uow:
        outcome = object_to_direct_marketing(
            uow, "ann@example.org", request_ref="R-1", received=date(2026, 12, 2), now=NOW
        )
        uow.commit()
    with store.unit_of_work("test", reads_only=True) as uow:
        state = ledger.current_state(uow, outcome.person, OBJECTION_PURPOSE, "email")
        ledger_intact = verify_ledger(uow).intact
        chain_intact = audit.verify_chain(uow).intact

    assert outcome.decision.upheld and outcome.recorded
    assert state is not None and state.status is ConsentStatus.OBJECTED
    assert actions(store) == ["person.created", "consent.objected", "objection.upheld"]
    assert ledger_intact and chain_intact


def test_objecting_again_records_no_second_event_and_is_still_upheld(store: Store) -> None:
    with store.unit_of_work("cli:ann") as uow:
        object_to_direct_marketing(
            uow, "ann@example.org", request_ref="R-1", received=date(2026, 12, 2), now=NOW
        )
        again = object_to_direct_marketing(
            uow, "ann@example.org", request_ref="R-2", received=date(2026, 12, 3), now=NOW
        )
        uow.commit()

    assert again.decision.upheld and not again.recorded
    assert actions(store).count("consent.objected") == 1


def test_a_balancing_against_a_direct_marketing_objection_is_refused(store: Store) -> None:
    weighed = Balancing(
        ("client_marketing",), "Valued client", ObjectionDecision.refuse, REASONS, "cli:ann"
    )
    with (
        store.unit_of_work("cli:ann") as uow,
        pytest.raises(InvalidInput, match="absolute: no balancing is taken"),
    ):
        object_to_direct_marketing(
            uow,
            "ann@example.org",
            request_ref="R-1",
            received=date(2026, 12, 2),
            now=NOW,
            balancing=weighed,
        )
    assert actions(store) == []


def test_a_21_1_balancing_is_kept_and_chained_in_the_audit(store: Store) -> None:
    weighed = Balancing(
        ("cctv",),
        "the footage is evidence in an open insurance claim",
        ObjectionDecision.refuse,
        REASONS,
        "cli:ann",
    )
    with store.unit_of_work("cli:ann") as uow:
        outcome = decide_legitimate_interests_objection(
            uow, outserve(), "ann@example.org", request_ref="R-3", balancing=weighed
        )
        uow.commit()
    with store.unit_of_work("test", reads_only=True) as uow:
        (kept,) = objections.for_request(uow, "R-3")

    assert not outcome.upheld
    assert kept.balancing == weighed
    assert kept.outcome == outcome.reason
    assert actions(store)[-1] == "objection.decided"


def test_an_incomplete_21_1_balancing_records_nothing(store: Store) -> None:
    thin = Balancing(("cctv",), None, ObjectionDecision.uphold, "ok", "cli:ann")
    with store.unit_of_work("cli:ann") as uow, pytest.raises(InvalidInput, match="reasons"):
        decide_legitimate_interests_objection(
            uow, outserve(), "ann@example.org", request_ref="R-3", balancing=thin
        )

    assert actions(store) == []


def _objection_request(store: Store, email: str = "ann@example.org") -> str:
    from steward.law.calendar import Nation
    from steward.manifest.datasets import IdentityKind
    from steward.requests.kinds import RequestKind
    from steward.requests.lifecycle import Channel
    from steward.services.requests import new_request

    return new_request(
        store,
        Nation.england,
        kind=RequestKind.objection,
        channel=Channel.letter,
        received=date(2026, 12, 2),
        identities=[(IdentityKind.email, email)],
        actor="cli:ann",
        details="please stop",
    ).reference


def test_an_objection_request_to_direct_marketing_is_upheld_and_suppressed_at_once(
    store: Store,
) -> None:
    reference = _objection_request(store)
    decision = decide_request_objection(
        store, outserve(), reference, direct_marketing=True, balancing=None,
        actor="cli:ann", now=NOW,
    )  # fmt: skip
    recorded = objection_decided(store, reference)
    assert decision.upheld and decision.direct_marketing
    assert recorded == decision
    assert "consent.objected" in actions(store)


def test_an_objection_request_under_21_1_keeps_the_balancing_it_was_decided_on(
    store: Store,
) -> None:
    reference = _objection_request(store)
    weighed = Balancing(
        ("cctv",), "evidence in an open insurance claim", ObjectionDecision.refuse, REASONS, "ann"
    )
    decision = decide_request_objection(
        store, outserve(), reference, direct_marketing=False, balancing=weighed,
        actor="cli:ann", now=NOW,
    )  # fmt: skip
    recorded = objection_decided(store, reference)
    assert recorded is not None and not recorded.upheld and not recorded.direct_marketing
    assert recorded.reason == decision.reason


def test_an_objection_request_needs_one_kind_of_decision_and_an_objection(store: Store) -> None:
    reference = _objection_request(store)
    weighed = Balancing(("cctv",), None, ObjectionDecision.uphold, REASONS, "ann")
    with pytest.raises(InvalidInput, match="either"):
        decide_request_objection(
            store, outserve(), reference, direct_marketing=True, balancing=weighed,
            actor="cli:ann", now=NOW,
        )  # fmt: skip
    assert objection_decided(store, reference) is None
