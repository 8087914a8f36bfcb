"""A list row is refused, by its line and column, when its free text holds an identifier or its
consent time is later than the moment the list is read (as an instant, not a date)."""

from __future__ import annotations

import datetime as dt

from steward.consent.imports import ListContext, ListEntry, RowProblem, read_list
from steward.law.pecr import Channel

READ_AT = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.UTC)  # 10:00 in London (GMT)
CONTEXT = ListContext(
    file="list.csv",
    purpose="newsletter",
    channel=Channel.email,
    today=READ_AT.date(),
    now=READ_AT,
)
HEADER = (
    "email,source,obtained_from,obtained_on,basis,legal_form,"
    "consent_wording,consent_version,consent_where,consent_at,consent_names_us"
)


def row(
    *,
    source: str = "newsletter form",
    wording: str = "Send me Outserve news",
    version: str = "v3",
    consent_at: str = "2026-01-10T09:30",
) -> str:
    return (
        f"ann@example.org,{source},directly,2026-01-10,consent,individual,"
        f"{wording},{version},/signup,{consent_at},yes"
    )


def only(line: str) -> ListEntry | RowProblem:
    (result,) = list(read_list([HEADER, line], CONTEXT))
    return result


def test_consent_given_later_today_than_the_list_is_read_is_refused() -> None:
    result = only(row(consent_at="2026-11-26T18:00"))
    assert isinstance(result, RowProblem)
    assert (result.line, result.column) == (2, "consent_at")
    assert "future" in result.message


def test_consent_given_earlier_today_is_accepted() -> None:
    assert isinstance(only(row(consent_at="2026-11-26T09:58")), ListEntry)


def test_consent_a_few_minutes_ahead_of_our_clock_is_within_the_allowance() -> None:
    assert isinstance(only(row(consent_at="2026-11-26T10:04:00+00:00")), ListEntry)


def test_a_source_holding_a_phone_number_is_refused() -> None:
    result = only(row(source="phoned in by 07700 900123"))
    assert isinstance(result, RowProblem)
    assert result.column == "source" and "a phone number" in result.message


def test_consent_wording_holding_an_email_address_is_refused() -> None:
    result = only(row(wording="Email news@outserve.example to stop"))
    assert isinstance(result, RowProblem)
    assert result.column == "consent_wording" and "an email address" in result.message
