"""List-Unsubscribe headers for one-click unsubscribe (RFC 2369, RFC 8058; RULES.md R2.9)."""

from __future__ import annotations

import pytest

from steward.consent.unsubscribe_headers import UnsubscribeEndpoints, unsubscribe_headers
from steward.errors import InvalidInput

ENDPOINTS = UnsubscribeEndpoints(
    base_url="https://privacy.outserve.example/", mailbox="unsubscribe@outserve.example"
)
TOKEN = "u1.1.cC00Mh9uZXdzbGV0dGVyH2VtYWls.abc-_def"


def test_headers_give_an_https_link_and_a_mailto_naming_the_token() -> None:
    headers = dict(unsubscribe_headers(ENDPOINTS, TOKEN))
    assert headers["List-Unsubscribe"] == (
        f"<https://privacy.outserve.example/u/{TOKEN}>, "
        f"<mailto:unsubscribe@outserve.example?subject=unsubscribe-{TOKEN}>"
    )


def test_headers_announce_one_click_post() -> None:
    assert dict(unsubscribe_headers(ENDPOINTS, TOKEN))["List-Unsubscribe-Post"] == (
        "List-Unsubscribe=One-Click"
    )


def test_list_unsubscribe_comes_before_list_unsubscribe_post() -> None:
    assert [name for name, _ in unsubscribe_headers(ENDPOINTS, TOKEN)] == [
        "List-Unsubscribe",
        "List-Unsubscribe-Post",
    ]


@pytest.mark.parametrize(
    "base_url",
    ["http://privacy.outserve.example", "privacy.outserve.example", "https://x.example/?a=1"],
)
def test_one_click_needs_a_plain_https_base_url(base_url: str) -> None:
    with pytest.raises(InvalidInput, match="https"):
        UnsubscribeEndpoints(base_url=base_url, mailbox="unsubscribe@outserve.example")


@pytest.mark.parametrize("mailbox", ["", "unsubscribe", "a@b", "a b@c.example", "a@b.example?x=1"])
def test_the_mailbox_must_be_an_email_address(mailbox: str) -> None:
    with pytest.raises(InvalidInput, match="mailbox"):
        UnsubscribeEndpoints(base_url="https://privacy.outserve.example", mailbox=mailbox)
