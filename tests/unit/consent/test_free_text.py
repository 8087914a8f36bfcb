"""Free text that is stored as written never carries an e-mail address or a phone number."""

from __future__ import annotations

import pytest

from steward.consent.free_text import EMAIL_ADDRESS, PHONE_NUMBER, contact_identifier_in


@pytest.mark.parametrize(
    "text",
    [
        "jane@example.co.uk",
        "mailto:jane.doe+news@example.com",
        "signed up as <rené@exämple.fr>",
        "forwarded by a@b.io",
    ],
)
def test_an_email_address_is_found(text: str) -> None:
    assert contact_identifier_in(text) == EMAIL_ADDRESS


@pytest.mark.parametrize(
    "text",
    [
        "07700 900123",
        "07700900123",
        "called from 07700-900-123 on Monday",
        "020 7946 0958",
        "(020) 7946 0958",
        "0161 496 0000",
        "01632 960123",
        "016977 4567",
        "+44 7700 900123",
        "+447700900123",
        "+44 (0)20 7946 0958",
        "0044 20 7946 0958",
        "+1 415 555 0100",
        "+33 6 12 34 56 78",
    ],
)
def test_a_phone_number_is_found(text: str) -> None:
    assert contact_identifier_in(text) == PHONE_NUMBER


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-26",
        "2026-11-26T10:00:00+00:00",
        "2026-11-26T10:00:00+01:00 web form",
        "01/02/2026",
        "v1.2.3",
        "wording version 2026.11.1",
        "ORD-0123456789",
        "INV-2026-0042",
        "order 123456",
        "d41d8cd98f00b204e9800998ecf8427e",
        "0770090012aa",
        "Unsubscribed from Mailchimp audience 0770090012",
        "https://outserve.example/signup?form=12",
        "jane at example dot com",
        "@outserve on social media",
        "staff:email",
        "Tick to hear about our services. Unsubscribe at any time.",
    ],
)
def test_dates_versions_references_and_ordinary_words_are_not_identifiers(text: str) -> None:
    assert contact_identifier_in(text) is None
