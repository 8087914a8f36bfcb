"""Which posts are read, which are spam and which are refused, before any field is looked at;
the origins and thank-you address the settings may name."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from steward.errors import ConfigError
from steward.relay.screening import (
    Verdict,
    counted_day,
    fill_key,
    fill_token,
    parse_origins,
    parse_thanks_url,
    request_origin,
    screen,
    seconds_since_served,
)

KEY = fill_key(b"s" * 32)
NOW = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
SITE = "https://www.outserve.example"


def verdict(**changes: object) -> Verdict:
    given: dict[str, object] = {
        "origin": SITE,
        "allowed": (SITE,),
        "honeypot": None,
        "started": None,
        "key": KEY,
        "now": NOW,
        "min_fill_seconds": 3,
    }
    given.update(changes)
    return screen(**given).verdict  # type: ignore[arg-type]


def test_a_post_from_an_allowed_site_passes() -> None:
    assert verdict() is Verdict.PASS


def test_a_post_from_another_site_or_from_no_site_is_refused() -> None:
    assert verdict(origin="https://elsewhere.example") is Verdict.WRONG_SITE
    assert verdict(origin=None) is Verdict.WRONG_SITE


def test_a_filled_honeypot_is_spam_even_when_the_rest_looks_right() -> None:
    assert verdict(honeypot="http://buy.example") is Verdict.SPAM


def test_a_hosted_form_sent_too_fast_is_spam_and_one_sent_later_passes() -> None:
    token = fill_token(KEY, NOW - timedelta(seconds=1))
    assert verdict(started=token) is Verdict.SPAM
    assert verdict(started=fill_token(KEY, NOW - timedelta(seconds=30))) is Verdict.PASS


def test_an_altered_or_day_old_hosted_form_is_refused() -> None:
    token = fill_token(KEY, NOW - timedelta(seconds=30))
    moment, _, signature = token.partition(".")
    assert verdict(started=f"{int(moment) - 100}.{signature}") is Verdict.STALE_FORM
    assert verdict(started=fill_token(fill_key(b"o" * 32), NOW)) is Verdict.STALE_FORM
    assert verdict(started="yesterday") is Verdict.STALE_FORM
    assert verdict(started=fill_token(KEY, NOW - timedelta(days=2))) is Verdict.STALE_FORM


def test_the_fill_time_is_measured_from_the_signed_moment() -> None:
    token = fill_token(KEY, NOW - timedelta(seconds=42))
    assert seconds_since_served(KEY, token, NOW) == 42


def test_the_origin_comes_from_origin_else_from_the_referer_page() -> None:
    assert request_origin("https://WWW.Outserve.example:443", None) == SITE
    assert request_origin(None, "https://www.outserve.example/contact?x=1") == SITE
    assert request_origin("null", "https://www.outserve.example/contact") == SITE
    assert request_origin("null", None) is None
    assert request_origin(None, None) is None
    assert request_origin("http://localhost:8080", None) == "http://localhost:8080"


def test_origins_in_a_setting_are_normalised_and_must_be_https() -> None:
    assert parse_origins("https://www.outserve.example/, HTTPS://outserve.example", where="X") == (
        SITE,
        "https://outserve.example",
    )
    assert parse_origins("http://localhost:8000", where="X") == ("http://localhost:8000",)
    with pytest.raises(ConfigError, match="not https"):
        parse_origins("http://www.outserve.example", where="STEWARD_RELAY_ORIGINS")
    with pytest.raises(ConfigError, match="no path") as raised:
        parse_origins("https://www.outserve.example/contact", where="STEWARD_RELAY_ORIGINS")
    assert raised.value.where == "STEWARD_RELAY_ORIGINS"


def test_a_thank_you_address_must_be_absolute_https() -> None:
    assert parse_thanks_url(SITE + "/thanks", where="X") == SITE + "/thanks"
    for bad in ("/thanks", "http://www.outserve.example/thanks", "https://a:b@outserve.example/"):
        with pytest.raises(ConfigError):
            parse_thanks_url(bad, where="STEWARD_RELAY_THANKS_URL")


def test_outcomes_are_counted_on_the_uk_calendar_day() -> None:
    assert counted_day(datetime(2026, 7, 1, 23, 30, tzinfo=UTC)) == date(2026, 7, 2)
    assert counted_day(datetime(2026, 12, 1, 23, 30, tzinfo=UTC)) == date(2026, 12, 1)
