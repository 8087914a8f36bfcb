"""Unsubscribe tokens: signed, unguessable, bound to one person, purpose and channel (R2.9)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steward.consent.unsubscribe_token import UnsubscribeScope, UnsubscribeSigner
from steward.errors import IntegrityError, InvalidInput

SECRET_1 = bytes(range(32))
SECRET_2 = bytes(range(100, 132))
SCOPE = UnsubscribeScope(person_ref="p-42", purpose="newsletter", channel="email")


def signer(current: str = "1") -> UnsubscribeSigner:
    return UnsubscribeSigner({"1": SECRET_1, "2": SECRET_2}, current=current)


def test_a_token_verifies_to_the_scope_it_was_issued_for() -> None:
    assert signer().verify(signer().issue(SCOPE)) == SCOPE


def test_the_same_scope_and_key_give_the_same_token() -> None:
    assert signer().issue(SCOPE) == signer().issue(SCOPE)


def test_tokens_for_different_people_differ() -> None:
    other = UnsubscribeScope(person_ref="p-43", purpose="newsletter", channel="email")
    assert signer().issue(SCOPE) != signer().issue(other)


def test_a_token_is_safe_in_a_url_path_without_escaping() -> None:
    token = signer().issue(SCOPE)
    assert all(c.isalnum() or c in "-_." for c in token)


def test_a_token_signed_with_a_retired_key_still_verifies_after_rotation() -> None:
    old = signer(current="1").issue(SCOPE)
    assert signer(current="2").verify(old) == SCOPE


def test_a_token_signed_with_a_key_no_longer_held_is_refused() -> None:
    token = signer(current="2").issue(SCOPE)
    with pytest.raises(IntegrityError, match="not in the key ring"):
        UnsubscribeSigner({"1": SECRET_1}, current="1").verify(token)


def test_a_token_from_a_different_secret_is_refused() -> None:
    forged = UnsubscribeSigner({"1": bytes(32)}, current="1").issue(SCOPE)
    with pytest.raises(IntegrityError, match="signature does not match"):
        signer().verify(forged)


def test_swapping_the_payload_of_one_token_into_another_is_refused() -> None:
    mine = signer().issue(SCOPE).split(".")
    theirs = signer().issue(UnsubscribeScope("p-99", "newsletter", "email")).split(".")
    spliced = ".".join([mine[0], mine[1], theirs[2], mine[3]])
    with pytest.raises(IntegrityError):
        signer().verify(spliced)


@pytest.mark.parametrize("text", ["", "u1", "u1.1.x", "v9.1.abc.def", "u1.1.@@@.###", "u1.1.a.b.c"])
def test_malformed_tokens_are_refused_as_integrity_failures(text: str) -> None:
    with pytest.raises(IntegrityError):
        signer().verify(text)


@settings(max_examples=200)
@given(position=st.integers(min_value=0), replacement=st.sampled_from("AZaz09-_."))
def test_changing_any_character_of_a_token_is_detected(position: int, replacement: str) -> None:
    token = signer().issue(SCOPE)
    index = position % len(token)
    tampered = token[:index] + replacement + token[index + 1 :]
    if tampered != token:
        with pytest.raises(IntegrityError):
            signer().verify(tampered)


def test_a_secret_shorter_than_32_bytes_is_refused() -> None:
    with pytest.raises(InvalidInput, match="at least 32"):
        UnsubscribeSigner({"1": b"short"}, current="1")


def test_the_current_key_id_must_be_in_the_ring() -> None:
    with pytest.raises(InvalidInput, match="not among the keys"):
        UnsubscribeSigner({"1": SECRET_1}, current="7")


@pytest.mark.parametrize("field", ["person_ref", "purpose", "channel"])
def test_a_scope_needs_every_field(field: str) -> None:
    values = {"person_ref": "p-1", "purpose": "newsletter", "channel": "email", field: ""}
    with pytest.raises(InvalidInput, match=field):
        UnsubscribeScope(**values)
