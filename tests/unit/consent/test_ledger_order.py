"""The ledger order (docs/consent.md): event time, then the more protective kind, then id."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from steward.consent.events import ConsentEvent, ConsentEventKind, PersonRef
from steward.consent.state import ConsentStatus, order_key, status_after
from steward.errors import InvalidInput

T0 = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)
K = ConsentEventKind


def event(
    event_id: str = "e1", kind: K = K.GIVEN, at: datetime = T0, **extra: object
) -> ConsentEvent:
    fields: dict[str, object] = {
        "event_id": event_id,
        "person": PersonRef("p1"),
        "kind": kind,
        "purpose": "newsletter",
        "channel": "email",
        "source": "web-form",
        "wording": "Yes please",
        "wording_version": "v1",
        "occurred_at": at,
    }
    fields.update(extra)
    return ConsentEvent(**fields)  # type: ignore[arg-type]


def latest(*events: ConsentEvent) -> str:
    return max(events, key=order_key).event_id


@pytest.mark.parametrize(
    ("kind", "opted_in", "status"),
    [
        (K.GIVEN, None, ConsentStatus.GIVEN),
        (K.SOFT_OPT_IN_ESTABLISHED, None, ConsentStatus.SOFT_OPT_IN),
        (K.WITHDRAWN, None, ConsentStatus.WITHDRAWN),
        (K.UNSUBSCRIBED, None, ConsentStatus.UNSUBSCRIBED),
        (K.OBJECTED, None, ConsentStatus.OBJECTED),
        (K.PREFERENCE_CHANGED, True, ConsentStatus.GIVEN),
        (K.PREFERENCE_CHANGED, False, ConsentStatus.WITHDRAWN),
    ],
)
def test_each_kind_of_event_leaves_its_status(
    kind: K, opted_in: bool | None, status: ConsentStatus
) -> None:
    assert status_after(event(kind=kind, opted_in=opted_in)) is status


def test_later_event_time_wins_over_arrival_order() -> None:
    assert (
        latest(event("late", K.GIVEN, T0 + timedelta(seconds=1)), event("early", K.OBJECTED))
        == "late"
    )


def test_event_times_in_other_zones_are_compared_as_instants() -> None:
    bst = timezone(timedelta(hours=1))
    same_instant_earlier_wallclock = event("utc", K.GIVEN, T0)
    one_second_later_in_bst = event("bst", K.GIVEN, T0.astimezone(bst) + timedelta(seconds=1))
    assert latest(same_instant_earlier_wallclock, one_second_later_in_bst) == "bst"


@pytest.mark.parametrize(
    ("winner", "loser"),
    [
        (K.OBJECTED, K.UNSUBSCRIBED),
        (K.UNSUBSCRIBED, K.WITHDRAWN),
        (K.WITHDRAWN, K.GIVEN),
        (K.GIVEN, K.SOFT_OPT_IN_ESTABLISHED),
    ],
)
def test_at_the_same_instant_the_more_protective_event_wins(winner: K, loser: K) -> None:
    assert latest(event("zz", loser), event("aa", winner)) == "aa"


def test_a_full_tie_goes_to_the_larger_event_id() -> None:
    assert latest(event("b"), event("a")) == "b"


def test_microseconds_order_events() -> None:
    assert latest(event("a", at=T0 + timedelta(microseconds=1)), event("b")) == "a"


def test_content_digest_ignores_the_zone_the_time_was_written_in() -> None:
    bst = timezone(timedelta(hours=1))
    assert event(at=T0).content_digest() == event(at=T0.astimezone(bst)).content_digest()


def test_content_digest_changes_with_any_field() -> None:
    assert event().content_digest() != event(wording_version="v2").content_digest()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"event_id": ""}, "event_id"),
        ({"purpose": "News Letter"}, "purpose"),
        ({"channel": ""}, "channel"),
        ({"occurred_at": datetime(2026, 10, 1)}, "occurred_at"),
        ({"wording": ""}, "wording"),
        ({"kind": K.PREFERENCE_CHANGED}, "opted_in"),
        ({"opted_in": True}, "opted_in"),
        ({"evidence": {"from": "reply from ada@example.org"}}, "evidence.from"),
    ],
)
def test_invalid_events_name_the_field(overrides: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        event(**overrides)  # type: ignore[arg-type]
    assert raised.value.where == field and raised.value.hint


def test_a_refusal_needs_no_wording() -> None:
    assert event(kind=K.UNSUBSCRIBED, wording="", wording_version="").grants_nothing
