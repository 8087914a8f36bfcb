"""Consent is recorded and decided only for purposes the manifest declares; marketing commands
only for marketing purposes, on a channel the purpose declares."""

from __future__ import annotations

import pytest

from steward.consent.purposes import DeclaredPurpose, PurposeCatalogue
from steward.errors import InvalidInput
from steward.law.pecr import Channel

PURPOSES = PurposeCatalogue(
    (
        DeclaredPurpose("newsletter", "Outserve news", frozenset({Channel.email, Channel.sms})),
        DeclaredPurpose("client_marketing", "Offers to clients", frozenset({Channel.email})),
        DeclaredPurpose("payroll", "Paying staff"),
    ),
    origin="the manifest site/",
)


def test_a_declared_purpose_is_found() -> None:
    assert PURPOSES.declared("payroll").name == "Paying staff"


def test_a_mistyped_purpose_is_refused_with_the_nearest_declared_id() -> None:
    with pytest.raises(InvalidInput) as refused:
        PURPOSES.declared("newsleter")
    assert refused.value.where == "purpose"
    assert refused.value.hint == "did you mean 'newsletter'?"
    assert "the manifest site/" in str(refused.value)


def test_an_unlike_purpose_is_refused_with_the_declared_ids() -> None:
    with pytest.raises(InvalidInput) as refused:
        PURPOSES.declared("zzz")
    assert refused.value.hint == "declared: client_marketing, newsletter, payroll"


def test_a_purpose_without_a_marketing_block_is_not_a_marketing_purpose() -> None:
    with pytest.raises(InvalidInput) as refused:
        PURPOSES.marketing("payroll")
    assert "not a marketing purpose" in str(refused.value)
    assert "client_marketing, newsletter" in str(refused.value.hint)


def test_a_marketing_purpose_is_refused_on_a_channel_it_does_not_declare() -> None:
    with pytest.raises(InvalidInput) as refused:
        PURPOSES.marketing("client_marketing", channel="sms")
    assert refused.value.where == "channel" and "email" in str(refused.value.hint)


def test_a_marketing_purpose_on_a_declared_channel_is_accepted() -> None:
    assert PURPOSES.marketing("newsletter", channel="sms").is_marketing


def test_an_empty_catalogue_says_to_declare_the_purpose() -> None:
    with pytest.raises(InvalidInput) as refused:
        PurposeCatalogue(()).declared("newsletter")
    assert "declare the purpose" in str(refused.value.hint)
