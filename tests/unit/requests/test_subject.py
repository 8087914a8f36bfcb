"""Who a request is about: identifiers normalised like the people index, changes validated."""

from __future__ import annotations

from datetime import date

import pytest

from steward.errors import InvalidInput
from steward.manifest.datasets import IdentityKind
from steward.requests.kinds import RequestKind
from steward.requests.subject import RequestSubject, changes_of, free_text, identities_of


def test_identifiers_are_normalised_and_grouped_without_repeats() -> None:
    grouped = identities_of(
        [
            (IdentityKind.email, " Ada@Example.ORG "),
            (IdentityKind.email, "ada@example.org"),
            (IdentityKind.phone, "07700 900461"),
            (IdentityKind.customer_number, "  C-1001 "),
        ]
    )
    assert grouped == {
        IdentityKind.email: ("ada@example.org",),
        IdentityKind.phone: ("+447700900461",),
        IdentityKind.customer_number: ("C-1001",),
    }


def test_a_request_needs_an_identifier() -> None:
    with pytest.raises(InvalidInput, match="at least one identifier"):
        identities_of([])


def test_a_bad_email_is_refused() -> None:
    with pytest.raises(InvalidInput, match="not an email address"):
        identities_of([(IdentityKind.email, "not-an-address")])


def test_changes_are_field_equals_value_for_rectification_only() -> None:
    assert changes_of(RequestKind.rectification, ["email=new@example.org"]) == {
        "email": "new@example.org"
    }
    with pytest.raises(InvalidInput, match="rectification"):
        changes_of(RequestKind.erasure, ["email=new@example.org"])
    with pytest.raises(InvalidInput, match="FIELD=NEW VALUE"):
        changes_of(RequestKind.rectification, ["email"])


def test_empty_free_text_is_none_and_long_text_is_refused() -> None:
    assert free_text("  ", "details") is None
    with pytest.raises(InvalidInput, match="longer than"):
        free_text("x" * 10_001, "details")


def test_a_subject_hides_its_identifiers_from_repr() -> None:
    subject = RequestSubject(
        "R-2026-ABC234",
        RequestKind.access,
        {IdentityKind.email: ("ada@example.org",)},
        {},
        date(2026, 9, 1),
        date(2026, 10, 1),
        details="Ada Lovelace asked by letter",
    )
    assert "ada" not in repr(subject)
