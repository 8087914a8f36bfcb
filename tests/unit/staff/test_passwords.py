"""The password policy (NCSC: length and a deny-list, no composition rules) and argon2id."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steward.errors import IntegrityError, InvalidInput
from steward.staff.passwords import (
    MIN_LENGTH,
    PasswordHashing,
    check_password,
    dummy_verify,
    hash_password,
    password_problem,
    verify_password,
)

CHEAP = PasswordHashing(time_cost=1, memory_kib=8192, parallelism=1)
WORDS = ["coral", "lantern", "gravel", "orbit", "thimble", "meadow", "quiver", "saffron", "tundra"]


def problem(password: str, username: str = "priya", name: str = "Priya Shah") -> str | None:
    return password_problem(password, username=username, display_name=name)


@given(st.text(max_size=MIN_LENGTH - 1))
def test_anything_shorter_than_twelve_characters_is_refused(password: str) -> None:
    assert problem(password) == (
        f"the password is {len(password)} characters; at least 12 are needed"
    )


@given(st.lists(st.sampled_from(WORDS), min_size=3, max_size=5, unique=True), st.sampled_from(" -"))
def test_a_passphrase_of_random_words_is_accepted(words: list[str], joiner: str) -> None:
    assert problem(joiner.join(words)) is None


def test_no_composition_rule_refuses_a_long_lower_case_passphrase() -> None:
    assert problem("correct horse battery staple") is None
    assert problem("thimble meadow quiver") is None


@pytest.mark.parametrize(
    "password",
    [
        "password1234",
        "Password123!",
        "P@ssw0rd2026",
        "passwordpassword",
        "qwerty123456",
        "qwertyuiopas",
        "1qaz2wsx3edc",
        "123456789012",
        "111111111111",
        "abcabcabcabc",
        "abcdefghijkl",
        "iloveyou1234",
        "Liverpool1892",
        "monkeymonkey",
        "letmein!!!!!",
        "Welcome2026!",
        "changeme1234",
    ],
)
def test_the_commonest_passwords_are_refused_however_long(password: str) -> None:
    assert problem(password) == (
        "the password is one of the most common passwords, or a keyboard or number run"
    )


@given(
    st.sampled_from(["password", "qwerty", "letmein", "welcome", "monkey", "dragon", "admin"]),
    st.text(alphabet="0123456789!?.", min_size=6, max_size=12),
)
def test_a_common_word_padded_with_digits_and_symbols_is_refused(word: str, padding: str) -> None:
    assert problem(word.capitalize() + padding) is not None


@pytest.mark.parametrize(
    ("password", "username", "name"),
    [
        ("priyapriya12", "priya", "Priya Shah"),
        ("shahpriya123", "p.shah", "Priya Shah"),
        ("p.shah-2026!", "p.shah", "Priya Shah"),
    ],
)
def test_the_account_name_does_not_count_towards_the_length(
    password: str, username: str, name: str
) -> None:
    assert problem(password, username, name) == (
        "the password is mostly the account's own name; without it, at least 12 characters "
        "must remain"
    )


def test_a_long_passphrase_that_mentions_the_name_is_accepted() -> None:
    assert problem("priya keeps coral lanterns", "priya") is None


def test_a_refused_password_says_how_to_choose_one() -> None:
    with pytest.raises(InvalidInput) as raised:
        check_password("short", username="priya")
    assert raised.value.where == "password"
    assert "three or four random words" in str(raised.value.hint)
    assert "NCSC" in str(raised.value.hint)


def test_a_stored_password_is_an_argon2id_hash_that_verifies_only_its_password() -> None:
    stored = hash_password("coral lantern gravel", CHEAP)
    assert stored.startswith("$argon2id$v=19$m=8192,t=1,p=1$")
    assert verify_password(stored, "coral lantern gravel", CHEAP).matches
    assert not verify_password(stored, "coral lantern gravel.", CHEAP).matches


def test_the_default_hashing_is_rfc_9106s_second_recommendation() -> None:
    hashing = PasswordHashing()
    assert (hashing.time_cost, hashing.memory_kib, hashing.parallelism) == (3, 65536, 4)


def test_a_hash_made_with_older_parameters_asks_to_be_remade() -> None:
    stored = hash_password("coral lantern gravel", CHEAP)
    stronger = PasswordHashing(time_cost=2, memory_kib=8192, parallelism=1)
    assert verify_password(stored, "coral lantern gravel", stronger).needs_rehash
    assert not verify_password(stored, "coral lantern gravel", CHEAP).needs_rehash


@pytest.mark.parametrize("stored", ["plaintext", "$2b$12$abcdefghijklmnopqrstuv", "$argon2id$x"])
def test_a_stored_value_that_is_not_an_argon2id_hash_is_tampering_not_a_wrong_password(
    stored: str,
) -> None:
    with pytest.raises(IntegrityError):
        verify_password(stored, "coral lantern gravel", CHEAP)


@settings(max_examples=5, deadline=None)
@given(st.text(max_size=40))
def test_the_dummy_verification_for_an_unknown_account_matches_nothing(password: str) -> None:
    dummy_verify(password, CHEAP)  # returns nothing and raises nothing, whatever is typed
