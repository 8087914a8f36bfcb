"""A valid complaint has a way to reach the person, its subject matter and a receipt day that
is not in the future; nothing the person gave shows in a repr (DESIGN.md §3)."""

from __future__ import annotations

from datetime import date

import pytest

from steward.complaints.intake import (
    complainant_of,
    complaint_text,
    received_day,
    request_reference,
)
from steward.errors import InvalidInput


def test_an_email_address_is_enough_to_reach_the_person_and_is_normalised() -> None:
    who = complainant_of(name=None, email=" Ada@Example.ORG ", postal_address=None)
    assert who.email == "ada@example.org"
    assert who.reachable_by == ("e-mail",)


def test_a_postal_address_is_enough_and_keeps_its_lines() -> None:
    who = complainant_of(
        name="  Ada   Lovelace ", email=None, postal_address=" 1 High St \r\n\r\n Leeds LS1 1AA "
    )
    assert who.postal_address == "1 High St\nLeeds LS1 1AA"
    assert who.name == "Ada Lovelace"
    assert who.reachable_by == ("post",)


def test_a_phone_number_alone_cannot_carry_the_acknowledgement() -> None:
    with pytest.raises(InvalidInput) as refused:
        complainant_of(name="Ada", email=None, postal_address="  ", phone="07700 900461")
    assert refused.value.where == "contact"
    assert "--email or --address" in str(refused.value)


def test_a_malformed_email_is_refused_without_echoing_it() -> None:
    with pytest.raises(InvalidInput) as refused:
        complainant_of(name=None, email="ada at example", postal_address=None)
    assert refused.value.where == "email"
    assert "ada at example" not in str(refused.value)


def test_the_phone_number_is_normalised_when_given() -> None:
    who = complainant_of(name=None, email="a@b.org", postal_address=None, phone="07700 900461")
    assert who.phone == "+447700900461"


def test_the_complainant_never_shows_their_details_in_a_repr() -> None:
    who = complainant_of(
        name="Ada Lovelace",
        email="ada@example.org",
        postal_address="1 High St",
        phone="07700900461",
    )
    shown = repr(who)
    for value in ("Ada", "ada@example.org", "High St", "7700"):
        assert value not in shown
    assert repr(complaint_text("my data was shared")) == "ComplaintText(<18 characters hidden>)"


def test_the_subject_matter_is_required() -> None:
    with pytest.raises(InvalidInput, match="needs its subject matter"):
        complaint_text(" \n ")


def test_a_complaint_longer_than_the_limit_is_refused() -> None:
    with pytest.raises(InvalidInput, match="longer than 10000"):
        complaint_text("x" * 10_001)


def test_a_receipt_day_in_the_future_is_refused() -> None:
    assert received_day(date(2026, 12, 4), date(2026, 12, 4)) == date(2026, 12, 4)
    with pytest.raises(InvalidInput, match="in the future"):
        received_day(date(2026, 12, 5), date(2026, 12, 4))


def test_a_request_reference_is_checked_and_upper_cased() -> None:
    assert request_reference(" r-2026-abc234 ") == "R-2026-ABC234"
    assert request_reference("") is None
    with pytest.raises(InvalidInput, match="not in the form R-2026-ABC234"):
        request_reference("my request from last week")
