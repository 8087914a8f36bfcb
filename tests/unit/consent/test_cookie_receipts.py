"""A banner receipt becomes one ledger event per category; what cannot be true is refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from steward.consent.cookie_receipts import (
    COOKIE_CHANNEL,
    ChoiceMode,
    CookieOffer,
    CookieReceipt,
    ReceiptVia,
    receipt_events,
)
from steward.consent.events import ConsentEventKind, PersonRef
from steward.consent.identifiers import IdentifierKind, normalise
from steward.errors import InvalidInput

AT = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
PERSON = PersonRef("0" * 32)
DIGEST = "sha256:" + "a" * 64
OLDER = "sha256:" + "b" * 64
OFFER = CookieOffer(
    notice_digest=DIGEST,
    variant="standard.0123456789ab",
    modes={
        "strictly_necessary": ChoiceMode.ALWAYS,
        "functional": ChoiceMode.OBJECTION,
        "analytics": ChoiceMode.CONSENT,
        "embedded_content": ChoiceMode.CONSENT,
    },
)


def _receipt(**fields: object) -> CookieReceipt:
    values: dict[str, object] = {
        "receipt_id": "R" * 22,
        "visitor_id": "V" * 22,
        "notice_digest": DIGEST,
        "variant": OFFER.variant,
        "via": ReceiptVia.BANNER,
        "gpc": False,
        "choices": {"analytics": True, "embedded_content": False},
    }
    values.update(fields)
    return CookieReceipt(**values)  # type: ignore[arg-type]


def test_an_acceptance_is_given_and_a_refusal_is_withdrawn_on_the_cookies_channel() -> None:
    events = receipt_events(_receipt(), OFFER, PERSON, AT)
    assert [(e.purpose, e.kind) for e in events] == [
        ("analytics", ConsentEventKind.GIVEN),
        ("embedded_content", ConsentEventKind.WITHDRAWN),
    ]
    assert {e.channel for e in events} == {COOKIE_CHANNEL}
    assert all(e.occurred_at == AT and e.person == PERSON for e in events)


def test_an_objection_category_records_an_objection_or_a_preference_to_keep_it() -> None:
    off = receipt_events(_receipt(choices={"functional": False}), OFFER, PERSON, AT)[0]
    kept = receipt_events(_receipt(choices={"functional": True}), OFFER, PERSON, AT)[0]
    assert off.kind is ConsentEventKind.OBJECTED
    assert (kept.kind, kept.opted_in) == (ConsentEventKind.PREFERENCE_CHANGED, True)


def test_every_event_carries_the_receipts_proof() -> None:
    event = receipt_events(_receipt(gpc=False), OFFER, PERSON, AT)[0]
    assert dict(event.evidence) == {
        "receipt": "R" * 22,
        "notice": DIGEST,
        "notice_current": True,
        "variant": OFFER.variant,
        "via": "banner",
        "gpc": False,
    }
    assert event.wording_version == OFFER.variant
    assert DIGEST in event.wording
    assert event.event_id == "cookie-receipt:" + "R" * 22 + ":analytics"


def test_a_receipt_on_an_older_notice_is_recorded_with_the_digest_it_showed() -> None:
    events = receipt_events(
        _receipt(notice_digest=OLDER, choices={"marketing": True}), OFFER, PERSON, AT
    )
    assert events[0].evidence["notice"] == OLDER
    assert events[0].evidence["notice_current"] is False
    assert events[0].kind is ConsentEventKind.GIVEN


def test_an_unknown_category_is_refused_by_name() -> None:
    with pytest.raises(InvalidInput) as raised:
        _receipt(choices={"tracking": True})
    assert raised.value.where == "choices.tracking"
    assert "analytics" in (raised.value.hint or "")


def test_on_the_current_notice_an_undeclared_category_is_refused() -> None:
    with pytest.raises(InvalidInput, match="offers no choice for marketing"):
        receipt_events(_receipt(choices={"marketing": True}), OFFER, PERSON, AT)


def test_an_exempt_category_has_no_choice_to_record() -> None:
    with pytest.raises(InvalidInput, match="always on") as raised:
        receipt_events(_receipt(choices={"strictly_necessary": False}), OFFER, PERSON, AT)
    assert raised.value.where == "choices.strictly_necessary"


def test_with_global_privacy_control_the_first_layer_cannot_grant() -> None:
    with pytest.raises(InvalidInput, match="Global Privacy Control") as raised:
        receipt_events(_receipt(gpc=True), OFFER, PERSON, AT)
    assert raised.value.where == "choices.analytics"


@pytest.mark.parametrize("via", [ReceiptVia.SETTINGS, ReceiptVia.PLACEHOLDER])
def test_with_global_privacy_control_a_specific_choice_still_counts(via: ReceiptVia) -> None:
    events = receipt_events(
        _receipt(gpc=True, via=via, choices={"embedded_content": True}), OFFER, PERSON, AT
    )
    assert events[0].kind is ConsentEventKind.GIVEN
    assert events[0].evidence["gpc"] is True


@pytest.mark.parametrize(
    ("field", "value", "where"),
    [
        ("receipt_id", "short", "receipt"),
        ("visitor_id", "ann@example.org-padding1", "visitor"),
        ("notice_digest", "sha256:abc", "digest"),
        ("variant", "Standard One", "variant"),
        ("choices", {}, "choices"),
    ],
)
def test_a_malformed_receipt_names_the_field(field: str, value: object, where: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        _receipt(**{field: value})
    assert raised.value.where == where


@given(
    st.dictionaries(
        st.sampled_from(["functional", "analytics", "embedded_content"]), st.booleans(), min_size=1
    )
)
def test_each_choice_is_one_event_that_refuses_exactly_when_the_visitor_said_no(
    choices: dict[str, bool],
) -> None:
    events = receipt_events(_receipt(choices=choices), OFFER, PERSON, AT)
    assert sorted(e.purpose for e in events) == sorted(choices)
    for event in events:
        assert event.grants_nothing is (not choices[event.purpose])


def test_a_visitor_id_is_kept_exactly_and_anything_else_refused() -> None:
    token = "aZ09_-" * 3 + "abcd"
    assert normalise(IdentifierKind.VISITOR, token) == token
    with pytest.raises(InvalidInput, match="not a visitor id"):
        normalise(IdentifierKind.VISITOR, token + "=")
