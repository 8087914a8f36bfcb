"""A request typed by the person: every problem named by its field at once, identifiers
normalised like everywhere else, a rectification turned into a correction the engine can use."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from steward.errors import InvalidInput
from steward.manifest.datasets import IdentityKind
from steward.requests.kinds import RequestKind
from steward.requests.lifecycle import RequestStatus
from steward.requests.online import (
    CODES_PER_HOUR,
    DETAILS_MAX,
    InvalidFields,
    OnlineRequest,
    code_of,
    is_reference,
    may_send_code,
    validate,
)


def problems_of(form: OnlineRequest) -> dict[str, str]:
    with pytest.raises(InvalidFields) as raised:
        validate(form)
    return {problem.where or "": problem.message for problem in raised.value.problems}


def test_an_access_request_needs_only_the_kind_and_an_email_address() -> None:
    valid = validate(OnlineRequest(kind="access", email=" Ada@Example.ORG "))
    assert valid.kind is RequestKind.access
    assert valid.identities == ((IdentityKind.email, "ada@example.org"),)
    assert valid.details is None
    assert valid.changes == ()


def test_a_name_and_phone_are_extra_identifiers() -> None:
    valid = validate(
        OnlineRequest(
            kind="erasure",
            email="ada@example.org",
            name="  Ada   Lovelace ",
            phone="07700 900461",
            details=" I closed my account in 2024. ",
        )
    )
    assert valid.identities == (
        (IdentityKind.email, "ada@example.org"),
        (IdentityKind.name, "Ada Lovelace"),
        (IdentityKind.phone, "+447700900461"),
    )
    assert valid.details == "I closed my account in 2024."


def test_every_wrong_field_is_named_at_once_in_form_order() -> None:
    problems = problems_of(
        OnlineRequest(kind="", email="not an address", phone="call me", details="x" * 9000)
    )
    assert list(problems) == ["kind", "email", "phone", "details"]
    assert problems["kind"] == "choose what you are asking us to do"


def test_the_first_problem_is_the_errors_own_message() -> None:
    with pytest.raises(InvalidFields) as raised:
        validate(OnlineRequest(kind="access", email=""))
    assert raised.value.where == "email"
    assert raised.value.message == "an e-mail address is required"
    assert isinstance(raised.value, InvalidInput)


def test_a_name_correction_becomes_a_change_and_the_old_name_is_searched() -> None:
    valid = validate(
        OnlineRequest(
            kind="rectification",
            email="ada@example.org",
            correct_field="name",
            currently="Ada Lovelase",
            should_be="Ada Lovelace",
        )
    )
    assert valid.changes == ("name=Ada Lovelace",)
    assert (IdentityKind.name, "Ada Lovelase") in valid.identities
    assert valid.details is not None
    assert "What it says now: Ada Lovelase" in valid.details
    assert "What it should say: Ada Lovelace" in valid.details


def test_an_email_correction_is_normalised_and_the_code_still_goes_to_the_address_given() -> None:
    valid = validate(
        OnlineRequest(
            kind="rectification",
            email="ada@new.example",
            correct_field="email",
            currently="ADA@old.example",
            should_be=" Ada@New.Example ",
        )
    )
    assert valid.changes == ("email=ada@new.example",)
    assert valid.identities[0] == (IdentityKind.email, "ada@new.example")
    assert (IdentityKind.email, "ada@old.example") in valid.identities


def test_a_correction_to_a_bad_email_address_is_refused_at_what_it_should_say() -> None:
    problems = problems_of(
        OnlineRequest(
            kind="rectification", email="ada@example.org", correct_field="email", should_be="no"
        )
    )
    assert list(problems) == ["should_be"]


def test_something_else_stays_in_the_details_for_staff() -> None:
    valid = validate(
        OnlineRequest(
            kind="rectification",
            email="ada@example.org",
            correct_field="other",
            currently="my postal address: 1 Old Road",
            should_be="2 New Road",
        )
    )
    assert valid.changes == ()
    assert valid.details is not None and "2 New Road" in valid.details


def test_a_rectification_says_what_is_wrong_and_what_it_should_say() -> None:
    problems = problems_of(OnlineRequest(kind="rectification", email="ada@example.org"))
    assert list(problems) == ["should_be", "currently"]


def test_correction_boxes_filled_in_for_another_kind_are_questioned_not_dropped() -> None:
    problems = problems_of(
        OnlineRequest(kind="access", email="ada@example.org", should_be="Ada Lovelace")
    )
    assert list(problems) == ["correct_field"]


def test_an_unknown_correctable_detail_is_refused() -> None:
    problems = problems_of(
        OnlineRequest(
            kind="rectification", email="a@example.org", correct_field="salary", should_be="more"
        )
    )
    assert list(problems) == ["correct_field"]


@given(st.text(max_size=DETAILS_MAX + 50))
def test_any_text_either_validates_or_names_its_field(details: str) -> None:
    form = OnlineRequest(kind="objection", email="ada@example.org", details=details)
    try:
        valid = validate(form)
    except InvalidFields as error:
        assert [problem.where for problem in error.problems] == ["details"]
    else:
        assert valid.details == (details.strip() or None)


def test_a_code_is_six_digits_spaces_allowed() -> None:
    assert code_of(" 123 456 ") == "123456"
    for wrong in ("12345", "1234567", "12a456", ""):
        with pytest.raises(InvalidInput, match="six digits"):
            code_of(wrong)


def test_references_have_their_one_shape() -> None:
    assert is_reference("R-2026-ABC234")
    for wrong in (
        "R-2026-ABC23",
        "R-2026-ABC2340",
        "R-2026-abc234",
        "R-2026-ABC2O4",
        "R-2026-ABC234\n",
    ):
        assert not is_reference(wrong)


def test_a_new_code_goes_only_to_a_request_waiting_for_one_within_the_hourly_allowance() -> None:
    assert may_send_code(RequestStatus.awaiting_identity, CODES_PER_HOUR - 1)
    assert may_send_code(RequestStatus.received, 0)
    assert not may_send_code(RequestStatus.awaiting_identity, CODES_PER_HOUR)
    assert not may_send_code(RequestStatus.verified, 0)
    assert not may_send_code(RequestStatus.closed, 0)


def test_the_form_hides_its_values_from_repr() -> None:
    form = OnlineRequest(kind="access", email="ada@example.org")
    assert "ada" not in repr(form)
    assert "ada" not in repr(validate(form))
