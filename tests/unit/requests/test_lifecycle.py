"""Request lifecycle: each step's result, and each step refused from a status that forbids it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from steward.errors import Conflict, InvalidInput
from steward.requests import lifecycle
from steward.requests.kinds import RequestKind
from steward.requests.lifecycle import (
    ALLOWED_FROM,
    Channel,
    Extension,
    Pause,
    Request,
    RequestStatus,
    VerificationMethod,
)

RECEIVED = date(2026, 9, 1)


def received(kind: RequestKind = RequestKind.access) -> Request:
    request, _ = lifecycle.receive("R-2026-ABC234", kind, Channel.email, RECEIVED, today=RECEIVED)
    return request


def test_a_new_request_is_received_with_its_channel_and_day() -> None:
    request, event = lifecycle.receive(
        "R-2026-ABC234", RequestKind.erasure, Channel.letter, RECEIVED, today=date(2026, 9, 2)
    )
    assert (request.status, request.channel, request.received) == (
        RequestStatus.received,
        Channel.letter,
        RECEIVED,
    )
    assert event.action == "received"


def test_a_request_received_in_the_future_is_refused() -> None:
    with pytest.raises(InvalidInput, match="in the future"):
        lifecycle.receive(
            "R-2026-ABC234", RequestKind.access, Channel.email, date(2026, 9, 2), today=RECEIVED
        )


def test_asking_for_identity_awaits_it() -> None:
    asked, event = lifecycle.ask_identity(received())
    assert asked.status is RequestStatus.awaiting_identity
    assert event.action == "identity_requested"


def test_identity_received_after_asking_restarts_the_clock_on_that_day() -> None:
    asked, _ = lifecycle.ask_identity(received())
    verified, event = lifecycle.verify(asked, VerificationMethod.code, date(2026, 9, 5))
    assert verified.status is RequestStatus.verified
    assert verified.id_received == date(2026, 9, 5)
    assert "clock restarts" in (event.note or "")


def test_staff_confident_without_asking_leave_the_start_at_receipt() -> None:
    verified, _ = lifecycle.verify(
        received(), VerificationMethod.known_contact, date(2026, 9, 5), "from the CRM address"
    )
    assert verified.verified_by is VerificationMethod.known_contact
    assert verified.id_received is None


def test_a_staff_verification_needs_a_note() -> None:
    with pytest.raises(InvalidInput, match="note"):
        lifecycle.verify(received(), VerificationMethod.document, RECEIVED, "  ")


def test_verifying_twice_is_refused_naming_the_status_and_what_is_allowed() -> None:
    verified, _ = lifecycle.verify(received(), VerificationMethod.in_person, RECEIVED, "seen")
    with pytest.raises(Conflict) as raised:
        lifecycle.verify(verified, VerificationMethod.in_person, RECEIVED, "seen")
    assert "is verified" in raised.value.message
    assert "awaiting_identity, received" in raised.value.message


def test_pausing_an_access_request_remembers_where_to_resume() -> None:
    paused, event = lifecycle.pause(received(), date(2026, 9, 4), "which mailbox?")
    assert paused.status is RequestStatus.paused
    assert paused.resume_to is RequestStatus.received
    assert paused.pauses == (Pause(date(2026, 9, 4)),)
    assert event.note == "which mailbox?"


def test_resuming_closes_the_pause_and_returns_to_the_earlier_status() -> None:
    paused, _ = lifecycle.pause(received(), date(2026, 9, 4), "which mailbox?")
    resumed, _ = lifecycle.resume(paused, date(2026, 9, 10))
    assert resumed.status is RequestStatus.received
    assert resumed.pauses == (Pause(date(2026, 9, 4), date(2026, 9, 10)),)
    assert resumed.resume_to is None


def test_only_access_requests_can_be_paused() -> None:
    with pytest.raises(InvalidInput, match="only on access requests"):
        lifecycle.pause(received(RequestKind.erasure), date(2026, 9, 4), "which account?")


def test_a_pause_needs_a_note_of_what_needs_clarifying() -> None:
    with pytest.raises(InvalidInput, match="clarifying"):
        lifecycle.pause(received(), date(2026, 9, 4), None)


def test_an_answer_before_the_question_is_refused() -> None:
    paused, _ = lifecycle.pause(received(), date(2026, 9, 4), "which mailbox?")
    with pytest.raises(InvalidInput, match="before the clarification was asked"):
        lifecycle.resume(paused, date(2026, 9, 3))


def test_resuming_a_request_that_is_not_paused_is_refused() -> None:
    with pytest.raises(Conflict, match="'resume' is allowed only when it is paused"):
        lifecycle.resume(received(), date(2026, 9, 3))


def test_an_extension_told_in_time_is_recorded_with_its_reason() -> None:
    extended, event = lifecycle.extend(
        received(), "three systems and 40,000 e-mails", date(2026, 9, 20), date(2026, 10, 1)
    )
    assert extended.extension == Extension("three systems and 40,000 e-mails", date(2026, 9, 20))
    assert event.action == "extended"


def test_an_extension_needs_a_reason() -> None:
    with pytest.raises(InvalidInput, match="reason"):
        lifecycle.extend(received(), "", date(2026, 9, 20), date(2026, 10, 1))


def test_an_extension_told_after_the_first_month_is_refused() -> None:
    with pytest.raises(InvalidInput, match="after the last day to tell them"):
        lifecycle.extend(received(), "complex", date(2026, 10, 2), date(2026, 10, 1))


def test_a_request_is_extended_once_only() -> None:
    extended, _ = lifecycle.extend(received(), "complex", date(2026, 9, 20), date(2026, 10, 1))
    with pytest.raises(Conflict, match="already extended"):
        lifecycle.extend(extended, "more", date(2026, 9, 21), date(2026, 10, 1))


def test_a_refusal_needs_its_reason_and_ends_the_work() -> None:
    with pytest.raises(InvalidInput, match="reason"):
        lifecycle.refuse(received(), None, RECEIVED)
    refused, _ = lifecycle.refuse(received(), "the fifth identical request this week", RECEIVED)
    assert refused.status is RequestStatus.refused
    assert refused.refusal_reason == "the fifth identical request this week"
    assert refused.status.finished


def test_a_refused_request_cannot_be_refused_or_extended_again() -> None:
    refused, _ = lifecycle.refuse(received(), "excessive", RECEIVED)
    with pytest.raises(Conflict, match="is refused"):
        lifecycle.refuse(refused, "again", RECEIVED)
    with pytest.raises(Conflict, match="is refused"):
        lifecycle.extend(refused, "complex", RECEIVED, date(2026, 10, 1))


def test_closing_records_the_outcome_and_a_closed_request_stays_closed() -> None:
    closed, _ = lifecycle.close(received(), "withdrawn by the person", date(2026, 9, 3))
    assert (closed.status, closed.outcome, closed.closed_on) == (
        RequestStatus.closed,
        "withdrawn by the person",
        date(2026, 9, 3),
    )
    with pytest.raises(Conflict, match="is closed"):
        lifecycle.close(closed, "again", date(2026, 9, 3))


def test_closing_needs_an_outcome_note() -> None:
    with pytest.raises(InvalidInput, match="outcome"):
        lifecycle.close(received(), " ", RECEIVED)


def test_assignment_names_a_member_of_staff() -> None:
    assigned, event = lifecycle.assign(received(), " Priya Shah ")
    assert assigned.assigned_to == "Priya Shah"
    assert event.note == "assigned to Priya Shah"
    with pytest.raises(InvalidInput, match="staff name"):
        lifecycle.assign(received(), "")
    with pytest.raises(InvalidInput, match="at most 200 characters"):
        lifecycle.assign(received(), "P" * 201)


def test_the_engine_plans_only_a_verified_request() -> None:
    with pytest.raises(Conflict, match="'plan' is allowed only when it is planned, verified"):
        lifecycle.plan(received())


def test_a_destructive_plan_must_be_approved_before_it_runs() -> None:
    verified = replace(received(RequestKind.erasure), status=RequestStatus.verified)
    planned, _ = lifecycle.plan(verified)
    with pytest.raises(Conflict, match="must be approved first"):
        lifecycle.start(planned)
    approved, _ = lifecycle.approve(planned)
    running, _ = lifecycle.start(approved)
    completed, _ = lifecycle.complete(running, date(2026, 9, 9))
    assert completed.status is RequestStatus.completed


def test_an_access_plan_runs_without_approval() -> None:
    verified = replace(received(), status=RequestStatus.verified)
    planned, _ = lifecycle.plan(verified)
    assert lifecycle.start(planned)[0].status is RequestStatus.running


@pytest.mark.parametrize("status", list(RequestStatus))
def test_every_status_either_allows_a_step_or_is_closed(status: RequestStatus) -> None:
    allowed = {step for step, statuses in ALLOWED_FROM.items() if status in statuses}
    assert allowed or status is RequestStatus.closed


def test_evidence_of_authority_is_recorded_with_its_day() -> None:
    with_authority, event = lifecycle.receive_authority(
        received(), date(2026, 9, 8), "signed letter of authority from the solicitor"
    )
    assert with_authority.authority_received == date(2026, 9, 8)
    assert event.note == "signed letter of authority from the solicitor (clock restarts 2026-09-08)"


def test_a_fee_paid_is_recorded_with_why_it_was_lawful() -> None:
    paid, event = lifecycle.receive_fee(received(), date(2026, 9, 8), "a further copy (Art 15(3))")
    assert paid.fee_paid == date(2026, 9, 8)
    assert event.action == "fee_paid"
    with pytest.raises(InvalidInput, match="why a fee was lawful"):
        lifecycle.receive_fee(received(), date(2026, 9, 8), "")
