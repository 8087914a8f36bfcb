"""A consent event never carries a contact identifier in its free text, and never says it
happened after it was received (beyond the clock allowance)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from steward.consent.events import (
    CLOCK_ALLOWANCE,
    ConsentEvent,
    ConsentEventKind,
    PersonRef,
    require_occurred_by,
)
from steward.errors import InvalidInput

RECEIVED = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)


def event(**changes: Any) -> ConsentEvent:
    fields: dict[str, Any] = {
        "event_id": "signup-1",
        "person": PersonRef("p1"),
        "kind": ConsentEventKind.GIVEN,
        "purpose": "newsletter",
        "channel": "email",
        "source": "web-form",
        "wording": "Send me Outserve news",
        "wording_version": "v1.2.3",
        "occurred_at": dt.datetime(2026, 11, 26, 8, 0, tzinfo=dt.UTC),
        "evidence": {"form": "/signup", "received": "2026-11-26"},
    }
    return ConsentEvent(**(fields | changes))


def test_an_ordinary_event_with_dates_and_versions_is_accepted() -> None:
    assert event().wording_version == "v1.2.3"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("source", "forwarded by jane@example.org"),
        ("source", "phoned in from 07700 900123"),
        ("wording", "Reply to offers@outserve.example to opt in"),
        ("wording_version", "+44 20 7946 0958"),
    ],
)
def test_free_text_holding_an_identifier_is_refused_naming_the_field(
    field: str, value: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        event(**{field: value})
    assert refused.value.where == field


def test_an_evidence_value_holding_a_phone_number_is_refused_naming_its_key() -> None:
    with pytest.raises(InvalidInput) as refused:
        event(evidence={"caller": "+44 7700 900123"})
    assert refused.value.where == "evidence.caller"
    assert "a phone number" in str(refused.value)


def test_an_event_within_the_clock_allowance_is_accepted() -> None:
    require_occurred_by(RECEIVED + CLOCK_ALLOWANCE, RECEIVED)


def test_an_event_after_its_receipt_beyond_the_allowance_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        require_occurred_by(RECEIVED + CLOCK_ALLOWANCE + dt.timedelta(seconds=1), RECEIVED)
    assert refused.value.where == "occurred_at"


def test_instants_are_compared_across_time_zones() -> None:
    london_summer = dt.timezone(dt.timedelta(hours=1))
    # 09:30+01:00 is 08:30 UTC: before it was received at 09:00 UTC
    require_occurred_by(dt.datetime(2026, 11, 26, 9, 30, tzinfo=london_summer), RECEIVED)
