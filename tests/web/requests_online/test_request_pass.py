"""A status pass opens one request's page until it ends, and cannot be forged or moved."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from steward.web import request_pass

SECRET = b"s" * 32
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
REFERENCE = "R-2026-ABC234"


def test_a_pass_admits_its_request_until_it_ends() -> None:
    token, ends = request_pass.issue(SECRET, REFERENCE, NOW)
    assert ends == NOW + request_pass.LIFETIME
    assert request_pass.admits(SECRET, REFERENCE, token, NOW)
    assert request_pass.admits(SECRET, REFERENCE, token, ends - timedelta(seconds=1))
    assert not request_pass.admits(SECRET, REFERENCE, token, ends)


def test_a_pass_does_not_admit_another_request_or_survive_a_new_secret() -> None:
    token, _ = request_pass.issue(SECRET, REFERENCE, NOW)
    assert not request_pass.admits(SECRET, "R-2026-ABC235", token, NOW)
    assert not request_pass.admits(b"t" * 32, REFERENCE, token, NOW)


def test_a_longer_life_cannot_be_written_into_a_pass() -> None:
    token, _ = request_pass.issue(SECRET, REFERENCE, NOW)
    expiry, _, signature = token.partition(".")
    assert not request_pass.admits(SECRET, REFERENCE, f"{int(expiry) + 1}.{signature}", NOW)


@given(st.text(max_size=120))
def test_no_made_up_token_is_admitted(token: str) -> None:
    assert not request_pass.admits(SECRET, REFERENCE, token, NOW)


def test_the_cookie_is_for_the_requests_own_page_only() -> None:
    token, ends = request_pass.issue(SECRET, REFERENCE, NOW)
    header = request_pass.set_cookie_header(token, REFERENCE, ends, NOW, secure=True)
    assert header.startswith(f"{request_pass.COOKIE}={token}; Path=/requests/{REFERENCE};")
    for flag in ("HttpOnly", "SameSite=Strict", "Secure", "Max-Age=15552000"):
        assert flag in header


def test_a_bearer_token_is_read_from_the_authorization_header() -> None:
    assert request_pass.from_bearer("Bearer abc.def") == "abc.def"
    assert request_pass.from_bearer("bearer  abc.def ") == "abc.def"
    assert request_pass.from_bearer("Basic abc") is None
    assert request_pass.from_bearer(None) is None
