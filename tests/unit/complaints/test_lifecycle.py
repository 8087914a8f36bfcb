"""A complaint moves received -> acknowledged -> (progress) -> outcome recorded -> closed, and
every other step is refused with what it needs (DPA 2018 s.164A; RULES.md R7.1)."""

from __future__ import annotations

from datetime import date

import pytest

from steward.complaints import lifecycle
from steward.complaints.lifecycle import (
    AckMethod,
    ClosureReason,
    Complaint,
    ComplaintChannel,
    ComplaintStatus,
)
from steward.errors import Conflict, InvalidInput

RECEIVED = date(2026, 11, 2)


def received(on: date = RECEIVED) -> Complaint:
    return lifecycle.receive("C-2026-ABC234", ComplaintChannel.phone, on)[0]


def acknowledged(on: date = date(2026, 11, 5)) -> Complaint:
    return lifecycle.acknowledge(received(), AckMethod.email, on, sent_by_steward=True)[0]


def decided() -> Complaint:
    return lifecycle.record_outcome(
        acknowledged(), "apologised; record corrected", date(2026, 12, 1)
    )[0]


def test_a_new_complaint_is_received_and_its_event_names_the_channel() -> None:
    complaint, event = lifecycle.receive("C-2026-ABC234", ComplaintChannel.letter, RECEIVED)
    assert complaint.status is ComplaintStatus.received
    assert (event.action, event.note) == ("received", "complaint by letter")


def test_a_complaint_about_a_request_names_it_in_its_first_event() -> None:
    complaint, event = lifecycle.receive(
        "C-2026-ABC234", ComplaintChannel.web, RECEIVED, request_ref="R-2026-XYZ789"
    )
    assert complaint.request_ref == "R-2026-XYZ789"
    assert event.note == "complaint by web about request R-2026-XYZ789"


def test_an_acknowledgement_sent_by_steward_records_the_day_and_that_the_person_was_told() -> None:
    complaint, event = lifecycle.acknowledge(
        received(), AckMethod.email, date(2026, 11, 3), sent_by_steward=True
    )
    assert complaint.status is ComplaintStatus.acknowledged
    assert (complaint.acknowledged_on, complaint.acknowledged_by) == (
        date(2026, 11, 3),
        AckMethod.email,
    )
    assert event.told_on == date(2026, 11, 3)
    assert event.note == "receipt acknowledged by e-mail, sent by Steward"


def test_a_letter_recorded_by_staff_needs_a_note_of_what_was_sent() -> None:
    with pytest.raises(InvalidInput, match="note of what was sent"):
        lifecycle.acknowledge(received(), AckMethod.letter, RECEIVED, sent_by_steward=False)
    _, event = lifecycle.acknowledge(
        received(), AckMethod.letter, RECEIVED, sent_by_steward=False, note="standard letter"
    )
    assert event.note == "receipt acknowledged by letter (recorded by staff): standard letter"


def test_steward_sends_acknowledgements_only_by_email() -> None:
    with pytest.raises(InvalidInput, match="e-mail only"):
        lifecycle.acknowledge(received(), AckMethod.letter, RECEIVED, sent_by_steward=True)


def test_an_acknowledgement_cannot_predate_the_complaint() -> None:
    with pytest.raises(InvalidInput, match="before the complaint was received"):
        lifecycle.acknowledge(received(), AckMethod.email, date(2026, 11, 1), sent_by_steward=True)


def test_a_complaint_is_acknowledged_once() -> None:
    with pytest.raises(Conflict, match="is acknowledged; 'acknowledge' is allowed only when"):
        lifecycle.acknowledge(acknowledged(), AckMethod.email, RECEIVED, sent_by_steward=True)


def test_an_enquiry_before_the_acknowledgement_is_recorded_without_telling_anyone() -> None:
    complaint, event = lifecycle.progress(
        received(), "asked the branch for the CCTV log", date(2026, 11, 3), told=False
    )
    assert complaint.status is ComplaintStatus.received
    assert complaint.progress_updates == 1
    assert complaint.last_told_on is None
    assert (event.action, event.told_on) == ("progress", None)


def test_telling_the_person_of_progress_needs_the_acknowledgement_first() -> None:
    with pytest.raises(Conflict, match="has not been acknowledged"):
        lifecycle.progress(received(), "update", date(2026, 11, 3), told=True)


def test_progress_told_is_kept_as_the_last_day_the_person_heard() -> None:
    complaint, event = lifecycle.progress(
        acknowledged(), "still waiting for the branch", date(2026, 11, 20), told=True
    )
    assert complaint.last_told_on == date(2026, 11, 20)
    assert (event.action, event.told_on) == ("progress_told", date(2026, 11, 20))


def test_a_progress_note_is_required() -> None:
    with pytest.raises(InvalidInput, match="note of the step taken is required"):
        lifecycle.progress(acknowledged(), "  ", date(2026, 11, 20), told=False)


def test_the_outcome_needs_an_acknowledged_complaint_and_says_how_to_record_one() -> None:
    with pytest.raises(Conflict) as refused:
        lifecycle.record_outcome(received(), "upheld", date(2026, 11, 20))
    assert "acknowledge it first" in str(refused.value)


def test_the_outcome_is_kept_with_the_day_the_person_was_told() -> None:
    complaint, event = lifecycle.record_outcome(acknowledged(), " upheld ", date(2026, 11, 20))
    assert complaint.status is ComplaintStatus.outcome_recorded
    assert (complaint.outcome, complaint.outcome_told_on) == ("upheld", date(2026, 11, 20))
    assert (event.action, event.told_on) == ("outcome_recorded", date(2026, 11, 20))


def test_the_outcome_cannot_be_told_before_the_acknowledgement() -> None:
    with pytest.raises(InvalidInput, match="before receipt was acknowledged"):
        lifecycle.record_outcome(acknowledged(date(2026, 11, 5)), "upheld", date(2026, 11, 4))


def test_a_complaint_with_its_outcome_closes_as_resolved() -> None:
    complaint, event = lifecycle.close(decided(), ClosureReason.resolved, date(2026, 12, 2))
    assert complaint.status is ComplaintStatus.closed
    assert (complaint.closed_on, complaint.closure) == (date(2026, 12, 2), ClosureReason.resolved)
    assert event.note == "closed: resolved"


def test_a_complaint_without_an_outcome_cannot_be_resolved() -> None:
    with pytest.raises(Conflict, match="no outcome recorded"):
        lifecycle.close(acknowledged(), ClosureReason.resolved, date(2026, 12, 2))


def test_a_withdrawn_complaint_closes_with_a_note_saying_why() -> None:
    with pytest.raises(InvalidInput, match="note saying why it is closed"):
        lifecycle.close(received(), ClosureReason.withdrawn, date(2026, 11, 3))
    complaint, event = lifecycle.close(
        received(), ClosureReason.withdrawn, date(2026, 11, 3), "phoned to withdraw it"
    )
    assert complaint.closure is ClosureReason.withdrawn
    assert event.note == "closed: withdrawn: phoned to withdraw it"


def test_a_complaint_with_its_outcome_is_not_closed_as_withdrawn() -> None:
    with pytest.raises(Conflict, match="close it as resolved"):
        lifecycle.close(decided(), ClosureReason.withdrawn, date(2026, 12, 2), "changed mind")


def test_a_closed_complaint_takes_no_further_step() -> None:
    closed = lifecycle.close(decided(), ClosureReason.resolved, date(2026, 12, 2))[0]
    with pytest.raises(Conflict, match="is closed"):
        lifecycle.close(closed, ClosureReason.resolved, date(2026, 12, 3))
    with pytest.raises(Conflict, match="is closed"):
        lifecycle.progress(closed, "more", date(2026, 12, 3), told=False)


def test_notes_longer_than_the_limit_are_refused() -> None:
    with pytest.raises(InvalidInput, match="longer than 10000 characters"):
        lifecycle.progress(acknowledged(), "x" * 10_001, date(2026, 11, 20), told=False)
