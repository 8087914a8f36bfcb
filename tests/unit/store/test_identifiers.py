"""Identifier normalisation: one person is one match, and hidden characters are refused."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from steward.consent.identifiers import IdentifierKind, normalise, normalise_email, normalise_phone
from steward.errors import InvalidInput


def test_a_decomposed_accent_and_a_composed_one_are_the_same_address() -> None:
    assert normalise_email("rene\u0301@example.org") == normalise_email("rené@example.org")
    assert normalise_email("rene\u0301@example.org") == "ren\u00e9@example.org"


def test_surrounding_whitespace_and_case_do_not_make_another_address() -> None:
    assert normalise_email("  Ada.Lovelace@Example.ORG\t") == "ada.lovelace@example.org"
    assert normalise_email("\u00a0ada@example.org\u00a0") == "ada@example.org"


def test_a_punycode_domain_and_its_unicode_form_are_one_domain() -> None:
    assert normalise_email("kim@xn--bcher-kva.example") == normalise_email("Kim@BÜCHER.example")


def test_sharp_s_is_not_folded_into_ss() -> None:
    assert normalise_email("straße@example.org") != normalise_email("strasse@example.org")


@pytest.mark.parametrize(
    ("character", "name"),
    [
        ("\u200b", "ZERO WIDTH SPACE"),
        ("\u200d", "ZERO WIDTH JOINER"),
        ("\ufeff", "ZERO WIDTH NO-BREAK SPACE"),
        ("\u00ad", "SOFT HYPHEN"),
        ("\u202e", "RIGHT-TO-LEFT OVERRIDE"),
        ("\u2066", "LEFT-TO-RIGHT ISOLATE"),
        ("\x00", "unnamed character"),
        ("\x07", "unnamed character"),
    ],
)
def test_an_invisible_or_control_character_is_refused_and_named(character: str, name: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        normalise_email(f"ada{character}@example.org")
    assert f"U+{ord(character):04X} {name}" in raised.value.message
    assert raised.value.where == "email" and "hidden character" in (raised.value.hint or "")


def test_a_byte_order_mark_at_the_start_is_refused_not_stripped() -> None:
    with pytest.raises(InvalidInput, match="U\\+FEFF"):
        normalise_email("\ufeffada@example.org")


def test_a_trailing_dot_in_the_domain_is_refused_with_a_hint() -> None:
    with pytest.raises(InvalidInput) as raised:
        normalise_email("ada@example.org.")
    assert "ends with a dot" in raised.value.message and "remove the dot" in (
        raised.value.hint or ""
    )


@pytest.mark.parametrize(
    "raw", ["ada", "@example.org", "ada@", "a@b@c", "ada @example.org", "ada@example..org"]
)
def test_malformed_addresses_are_refused(raw: str) -> None:
    with pytest.raises(InvalidInput, match="not an email address"):
        normalise_email(raw)


def test_invalid_punycode_is_refused() -> None:
    with pytest.raises(InvalidInput, match="punycode"):
        normalise_email("ada@xn--zz!.example")


@pytest.mark.parametrize(
    "raw", ["07700 900123", "+44 (0)7700-900-123", "0044 7700 900123", "０７７００ ９００１２３"]
)
def test_phone_numbers_in_any_common_form_become_one(raw: str) -> None:
    assert normalise_phone(raw) == "+447700900123"


@pytest.mark.parametrize("raw", ["7700900123", "+44 7700 9001²3", "+44\u200b7700900123", "+12"])
def test_phone_numbers_that_cannot_be_read_for_sure_are_refused(raw: str) -> None:
    with pytest.raises(InvalidInput, match="not a phone number"):
        normalise_phone(raw)


_LOCAL = st.text(alphabet=st.characters(categories=["L", "N", "Mn"]), min_size=1, max_size=12)
_LABEL = st.text(alphabet="abcdefghijklmnopqrstuvwxyzé0123456789-", min_size=1, max_size=10)


@given(local=_LOCAL, labels=st.lists(_LABEL, min_size=1, max_size=3))
def test_normalising_twice_changes_nothing(local: str, labels: list[str]) -> None:
    raw = f"{local}@{'.'.join(labels)}"
    try:
        once = normalise_email(raw)
    except InvalidInput:
        return
    assert normalise_email(once) == once


@given(local=_LOCAL, labels=st.lists(_LABEL, min_size=1, max_size=3))
def test_every_unicode_form_of_an_address_is_the_same_address(
    local: str, labels: list[str]
) -> None:
    raw = f"{local}@{'.'.join(labels)}"
    forms = {unicodedata.normalize(form, raw) for form in ("NFC", "NFD")}
    results = set()
    for form in forms:
        try:
            results.add(normalise(IdentifierKind.EMAIL, form))
        except InvalidInput:
            results.add("refused")
    assert len(results) == 1


@given(
    local=_LOCAL,
    hidden=st.characters(categories=["Cf", "Cc"]),
    at=st.integers(min_value=0, max_value=12),
)
def test_a_hidden_character_anywhere_inside_is_always_refused(
    local: str, hidden: str, at: int
) -> None:
    value = f"{local[:at]}{hidden}{local[at:]}@example.org"
    if value.strip() != value:  # a control character that is whitespace at the edge is trimmed
        return
    with pytest.raises(InvalidInput):
        normalise_email(value)
