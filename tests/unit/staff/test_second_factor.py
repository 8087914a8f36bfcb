"""TOTP codes (RFC 6238) one step either side, never twice; recovery codes shown once."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import pyotp
from hypothesis import given
from hypothesis import strategies as st

from steward.staff.second_factor import (
    RECOVERY_CODES,
    check_totp,
    looks_like_totp,
    new_recovery_codes,
    new_totp_secret,
    provisioning_uri,
    recovery_code_key,
    spaced,
    step_at,
    totp_code,
)

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
NOON = datetime(2026, 12, 4, 12, 0, 0, tzinfo=UTC)


def test_the_code_an_app_shows_now_is_accepted_and_its_step_returned() -> None:
    code = pyotp.TOTP(SECRET).at(NOON)
    assert check_totp(SECRET, code, NOON, last_step=None).step == step_at(NOON)


@given(st.integers(min_value=-1, max_value=1))
def test_a_code_one_step_early_or_late_is_accepted_for_clock_drift(offset: int) -> None:
    code = totp_code(SECRET, NOON + timedelta(seconds=30 * offset))
    assert check_totp(SECRET, code, NOON, last_step=None).accepted


@given(st.integers(min_value=2, max_value=100), st.sampled_from([-1, 1]))
def test_a_code_two_or_more_steps_away_is_refused(steps: int, sign: int) -> None:
    code = totp_code(SECRET, NOON + timedelta(seconds=30 * steps * sign))
    if code != totp_code(SECRET, NOON) and all(
        code != totp_code(SECRET, NOON + timedelta(seconds=30 * d)) for d in (-1, 1)
    ):
        assert not check_totp(SECRET, code, NOON, last_step=None).accepted


def test_a_code_for_a_step_already_used_is_a_replay() -> None:
    code = totp_code(SECRET, NOON)
    used = check_totp(SECRET, code, NOON, last_step=step_at(NOON))
    assert (used.accepted, used.replayed) == (False, True)


def test_an_earlier_code_still_in_the_window_is_refused_once_a_later_one_was_used() -> None:
    earlier = totp_code(SECRET, NOON - timedelta(seconds=30))
    assert check_totp(SECRET, earlier, NOON, last_step=step_at(NOON)).replayed


def test_a_code_with_spaces_is_read_as_typed() -> None:
    code = totp_code(SECRET, NOON)
    assert check_totp(SECRET, f"{code[:3]} {code[3:]}", NOON, last_step=None).accepted


@given(st.text(max_size=10))
def test_anything_but_six_digits_is_never_a_code(text: str) -> None:
    if not re.fullmatch(r"[\s-]*(\d[\s-]*){6}", text):
        assert not check_totp(SECRET, text, NOON, last_step=None).accepted


def test_a_new_secret_is_160_bits_of_base32() -> None:
    secret = new_totp_secret()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    assert secret != new_totp_secret()
    assert spaced("ABCDEFGH") == "ABCD EFGH"


def test_the_provisioning_uri_names_the_issuer_and_the_account() -> None:
    uri = urlparse(provisioning_uri(SECRET, username="priya", issuer="Outserve Steward"))
    assert (uri.scheme, uri.netloc, uri.path) == ("otpauth", "totp", "/Outserve%20Steward:priya")
    assert parse_qs(uri.query) == {"secret": [SECRET], "issuer": ["Outserve Steward"]}


def test_recovery_codes_are_ten_distinct_codes_read_back_in_any_case_or_spacing() -> None:
    codes = new_recovery_codes()
    assert len(set(codes)) == RECOVERY_CODES
    assert all(
        re.fullmatch(r"[2-9a-hjkmnp-z]{4}-[2-9a-hjkmnp-z]{4}-[2-9a-hjkmnp-z]{4}", c) for c in codes
    )
    key = recovery_code_key(codes[0])
    assert key is not None and len(key) == 12
    assert recovery_code_key(codes[0].upper().replace("-", " ")) == key


@given(st.text(max_size=20))
def test_a_recovery_code_is_never_mistaken_for_a_totp_code(text: str) -> None:
    assert not (looks_like_totp(text) and recovery_code_key(text) is not None)


def test_text_that_cannot_be_a_recovery_code_has_no_key() -> None:
    assert recovery_code_key("abcd-efgh-ijkl") is None  # i and l are not in the alphabet
    assert recovery_code_key("abcd-efgh") is None
