"""A request's certificate: canonical, signed, verifiable by anyone, and free of personal data."""

from __future__ import annotations

import base64
import json
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from steward.errors import InvalidInput
from steward.evidence.canonical import canonical_bytes
from steward.evidence.certificate import (
    COMPLETE,
    INCOMPLETE,
    certificate_document,
    signed_certificate,
)
from steward.evidence.signing import fingerprint, new_private_key, public_key_pem
from steward.evidence.verification import read_certificate, verify
from steward.requests.outcome import StepAction
from tests.unit.evidence.outcomes import erasure_outcome, step

PRIVATE = new_private_key()
PUBLIC = public_key_pem(PRIVATE)


def signed() -> bytes:
    return signed_certificate(erasure_outcome(), organisation="Outserve Ltd", private_pem=PRIVATE)


def test_canonical_json_sorts_keys_and_has_no_whitespace() -> None:
    expected = '{"a":["é",null,true],"b":1}'.encode()
    assert canonical_bytes({"b": 1, "a": ["é", None, True]}) == expected


def test_canonical_json_refuses_a_float_naming_where_it_is() -> None:
    with pytest.raises(InvalidInput) as raised:
        canonical_bytes({"totals": {"found": 1.5}})
    assert raised.value.where == "$.totals.found"


@given(st.dictionaries(st.text(), st.integers() | st.text() | st.none(), max_size=8))
def test_canonical_json_is_the_same_whatever_the_order_of_the_keys(
    document: dict[str, object],
) -> None:
    reordered = dict(reversed(list(document.items())))
    assert canonical_bytes(document) == canonical_bytes(reordered)


def test_the_same_outcome_gives_the_same_certificate_bytes() -> None:
    assert signed() == signed()


def test_a_signed_certificate_verifies_with_the_public_key() -> None:
    verdict = verify(signed(), PUBLIC)
    assert verdict.valid
    assert verdict.certificate["status"] == COMPLETE
    assert verdict.checked_with == fingerprint(PUBLIC)


def test_the_certificate_names_the_key_that_signed_it() -> None:
    assert read_certificate(signed()).signing_key == fingerprint(PUBLIC)


def test_every_changed_byte_of_the_certificate_fails_verification() -> None:
    original = signed()
    wrapper = json.loads(original)
    body = json.dumps(wrapper["certificate"], sort_keys=True)
    for position in range(0, len(body), 7):
        character = body[position]
        if not character.isalnum():
            continue
        replacement = "1" if character != "1" else "2"
        changed = body[:position] + replacement + body[position + 1 :]
        try:
            tampered = json.loads(changed)
        except json.JSONDecodeError:
            continue
        wrapper["certificate"] = tampered
        content = json.dumps(wrapper).encode()
        try:
            verdict = verify(content, PUBLIC)
        except InvalidInput:
            continue  # e.g. the format field changed: not a certificate at all
        assert not verdict.valid, f"a change at {position} went unnoticed"


def test_a_changed_count_says_the_signature_does_not_match_the_content() -> None:
    wrapper = json.loads(signed())
    wrapper["certificate"]["systems"][0]["collections"][0]["totals"]["kept"] = 0
    verdict = verify(json.dumps(wrapper).encode(), PUBLIC)
    assert not verdict.valid
    assert "signature does not match the content" in verdict.reason


def test_a_changed_signature_fails_verification() -> None:
    wrapper = json.loads(signed())
    raw = bytearray(base64.b64decode(wrapper["signature"]))
    raw[0] ^= 1
    wrapper["signature"] = base64.b64encode(bytes(raw)).decode()
    assert not verify(json.dumps(wrapper).encode(), PUBLIC).valid


def test_another_public_key_fails_and_names_both_keys() -> None:
    other = public_key_pem(new_private_key())
    verdict = verify(signed(), other)
    assert not verdict.valid
    assert fingerprint(PUBLIC) in verdict.reason
    assert fingerprint(other) in verdict.reason


def test_an_unreachable_system_makes_the_certificate_incomplete() -> None:
    outcome = replace(erasure_outcome(), unreachable=("billing",))
    document = certificate_document(outcome, organisation="Outserve Ltd", signing_key="k")
    assert document["status"] == INCOMPLETE
    assert document["unreachable"] == ["billing"]


def test_a_system_in_scope_with_no_recorded_search_makes_it_incomplete() -> None:
    outcome = erasure_outcome()
    outcome = replace(outcome, scope=replace(outcome.scope, systems=("crm", "billing", "hr")))
    document = certificate_document(outcome, organisation="Outserve Ltd", signing_key="k")
    assert document["status"] == INCOMPLETE
    assert document["not_searched"] == ["hr"]


def test_per_collection_totals_say_what_was_found_erased_and_kept() -> None:
    document = certificate_document(erasure_outcome(), organisation="O", signing_key="k")
    systems = {s["system"]: s for s in document["systems"]}  # type: ignore[attr-defined]
    crm = systems["crm"]["collections"][0]["totals"]
    billing = systems["billing"]["collections"][0]
    assert (crm["found"], crm["erased"]) == (2, 2)
    assert billing["totals"]["kept"] == 5
    assert billing["steps"][1]["kept_because"] == ["Tax records are kept six years (HMRC)"]


def test_the_certificate_holds_no_e_mail_address_or_system_id_in_clear() -> None:
    text = signed().decode()
    assert "@" not in text
    assert "priya" not in text
    assert "c-17" not in text


def test_a_hold_reason_holding_an_e_mail_address_is_refused() -> None:
    outcome = replace(
        erasure_outcome(),
        steps=(step("crm", "c", StepAction.keep, 1, kept_because=("dispute with a@b.example",)),),
    )
    with pytest.raises(InvalidInput, match="no personal data"):
        certificate_document(outcome, organisation="O", signing_key="k")


def test_a_hold_reason_holding_a_phone_number_is_refused() -> None:
    outcome = replace(
        erasure_outcome(),
        steps=(step("crm", "c", StepAction.keep, 1, kept_because=("call 07700 900123",)),),
    )
    with pytest.raises(InvalidInput, match="no personal data"):
        certificate_document(outcome, organisation="O", signing_key="k")


def test_a_step_digest_that_is_not_sha256_hex_is_refused() -> None:
    bad = replace(step("crm", "c", StepAction.search, 1), digest="jane@example.com")
    with pytest.raises(InvalidInput, match="SHA-256"):
        certificate_document(
            replace(erasure_outcome(), steps=(bad,)), organisation="O", signing_key="k"
        )


@pytest.mark.parametrize(
    "content",
    [
        b"not json",
        b"[]",
        b'{"certificate": {}}',
        b'{"certificate": {"format": "x"}, "signature": ""}',
    ],
)
def test_input_that_is_not_a_certificate_is_invalid_input(content: bytes) -> None:
    with pytest.raises(InvalidInput):
        verify(content, PUBLIC)


def test_a_third_party_verifies_with_nothing_but_json_and_cryptography() -> None:
    """The recipe of docs/evidence.md, verbatim in spirit: no Steward import."""
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    document = json.loads(signed())
    message = json.dumps(
        document["certificate"], sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")
    key = load_pem_public_key(PUBLIC)
    key.verify(base64.b64decode(document["signature"]), message)  # type: ignore[union-attr, call-arg]


def test_a_hold_reason_with_a_date_and_a_statute_is_signed() -> None:
    reason = "Kept until 2032-04-05: Taxes Management Act 1970 s.12B; UK GDPR Art 17(3)(b)"
    outcome = replace(
        erasure_outcome(),
        steps=(step("crm", "customers", StepAction.keep, 1, kept_because=(reason,)),),
    )
    document = certificate_document(outcome, organisation="O", signing_key="k")
    steps = document["systems"][0]["collections"][0]["steps"]  # type: ignore[index]
    assert steps[0]["kept_because"] == [reason]


@given(st.data())
def test_any_single_byte_of_the_signed_bytes_changed_fails(data: st.DataObject) -> None:
    from steward.evidence.signing import sign, signature_matches

    message = canonical_bytes(
        certificate_document(erasure_outcome(), organisation="Outserve Ltd", signing_key="k")
    )
    signature = sign(PRIVATE, message)
    position = data.draw(st.integers(0, len(message) - 1))
    flip = data.draw(st.integers(1, 255))
    changed = bytearray(message)
    changed[position] ^= flip
    assert not signature_matches(PUBLIC, bytes(changed), signature)
