"""One-time codes: six secret digits, kept as a digest, 15 minutes, five tries, constant time."""

from __future__ import annotations

import hmac
from datetime import UTC, datetime, timedelta

import pytest

from steward.errors import InvalidInput
from steward.requests import verification
from steward.requests.verification import CodeVerdict, check, issue, new_code, parse_code

ISSUED_AT = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
RIGHT = b"r" * 32
WRONG = b"w" * 32


def code() -> verification.IssuedCode:
    return issue("R-2026-ABC234", RIGHT, 1, ISSUED_AT)


def test_a_code_is_six_digits() -> None:
    for _ in range(200):
        value = new_code()
        assert len(value) == 6 and value.isdigit()


def test_codes_come_from_the_secrets_module(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(verification.secrets, "randbelow", lambda bound: 42)
    assert new_code() == "000042"


def test_an_issued_code_keeps_only_its_digest_and_hides_it() -> None:
    issued = code()
    assert issued.digest == RIGHT
    assert "rrrr" not in repr(issued)
    assert not hasattr(issued, "code")


def test_the_right_code_within_fifteen_minutes_is_accepted_once() -> None:
    result = check(code(), RIGHT, ISSUED_AT + timedelta(minutes=14, seconds=59))
    assert result.verdict is CodeVerdict.accepted
    assert result.code is not None and result.code.used_at is not None
    assert check(result.code, RIGHT, ISSUED_AT + timedelta(minutes=15)).verdict is CodeVerdict.used


def test_a_code_expires_at_fifteen_minutes() -> None:
    assert check(code(), RIGHT, ISSUED_AT + timedelta(minutes=15)).verdict is CodeVerdict.expired


def test_a_wrong_code_counts_a_try_and_says_how_many_are_left() -> None:
    result = check(code(), WRONG, ISSUED_AT)
    assert result.verdict is CodeVerdict.wrong
    assert result.code is not None and result.code.attempts == 1
    assert result.attempts_left == 4


def test_the_fifth_wrong_try_voids_the_code_even_for_the_right_one_after() -> None:
    current = code()
    verdicts = []
    for _ in range(5):
        result = check(current, WRONG, ISSUED_AT)
        assert result.code is not None
        current = result.code
        verdicts.append(result.verdict)
    assert verdicts[-1] is CodeVerdict.exhausted
    assert check(current, RIGHT, ISSUED_AT).verdict is CodeVerdict.exhausted


def test_no_code_sent_is_its_own_answer() -> None:
    assert check(None, RIGHT, ISSUED_AT).verdict is CodeVerdict.none_sent


def test_digests_are_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    compared: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(verification.hmac, "compare_digest", spy)
    check(code(), WRONG, ISSUED_AT)
    assert compared == [(RIGHT, WRONG)]


def test_a_typed_code_may_hold_spaces_but_must_be_six_digits() -> None:
    assert parse_code(" 123 456 ") == "123456"
    with pytest.raises(InvalidInput, match="six digits"):
        parse_code("12345a")


def test_a_code_is_bound_to_its_request() -> None:
    assert verification.code_context("R-2026-ABC234") != verification.code_context("R-2026-XYZ789")
