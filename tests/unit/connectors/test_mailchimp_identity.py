"""How Mailchimp names members and hosts, and what Steward lets through into its errors."""

from __future__ import annotations

import hashlib

import httpx
import pytest
from pydantic import SecretStr

from steward.connectors.mailchimp_address import base_url_for_key
from steward.connectors.mailchimp_client import MailchimpClient
from steward.connectors.mailchimp_operations import redact_addresses, subscriber_hash
from steward.connectors.mailchimp_sync import external_event_id
from steward.errors import ConfigError, ConnectorError


@pytest.mark.parametrize(
    "address",
    [
        "urist.mcvankab@freddiesjokes.com",  # the example in Mailchimp's documentation
        "Urist.McVankab@FreddiesJokes.com",
        " urist.mcvankab@freddiesjokes.com\n",
    ],
)
def test_subscriber_hash_is_the_md5_of_the_lower_cased_address(address: str) -> None:
    assert subscriber_hash(address) == "62eeb292278cc15f5817cb78f7790b08"


@pytest.mark.parametrize(("suffix", "host"), [("us21", "us21"), ("us6", "us6")])
def test_the_data_centre_comes_from_the_key_suffix(suffix: str, host: str) -> None:
    key = SecretStr(f"0123456789abcdef0123456789abcdef-{suffix}")
    assert base_url_for_key(key) == f"https://{host}.api.mailchimp.com"


@pytest.mark.parametrize("key", ["0123456789abcdef0123456789abcdef", "abc-", "abc-US 21"])
def test_a_key_without_a_data_centre_is_a_config_error_that_hides_the_key(key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        base_url_for_key(SecretStr(key))
    assert caught.value.where == "STEWARD_MAILCHIMP_API_KEY"
    assert key not in str(caught.value)


def test_addresses_in_free_text_are_redacted() -> None:
    text = "Jane.Doe+news@example.co.uk is already a list member (see a@b.io)."
    assert redact_addresses(text) == "<address> is already a list member (see <address>)."


def test_a_refusal_quoting_the_address_becomes_an_error_without_it() -> None:
    problem = {
        "type": "https://mailchimp.com/developer/marketing/docs/errors/",
        "title": "Member In Compliance State",
        "status": 400,
        "detail": "jane@example.org is in a compliance state and cannot be changed.",
        "instance": "8f1c",
    }

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, json=problem)

    with httpx.Client(transport=httpx.MockTransport(answer)) as http:
        client = MailchimpClient(http, SecretStr("k-us1"), base_url="https://mc.test")
        with pytest.raises(ConnectorError) as caught:
            client.member_status("list1", "jane@example.org")

    assert "HTTP 400 Member In Compliance State: <address> is in a compliance state" in str(
        caught.value
    )
    assert "jane@example.org" not in str(caught.value)


def test_the_same_change_to_the_same_person_always_gives_the_same_event_id() -> None:
    change = "list1/2026-03-02T09:00:05+00:00"
    person = "8aab22c703f648f6adad4e0c2099612f"

    first = external_event_id("mailchimp", "newsletter", change, person)

    assert first == external_event_id("mailchimp", "newsletter", change, person)
    assert first != external_event_id("mailchimp", "newsletter", change, "0" * 32)
    later = "list1/2026-03-02T09:00:06+00:00"
    assert first != external_event_id("mailchimp", "newsletter", later, person)
    assert first.startswith("mailchimp:")


def test_the_event_id_includes_the_purpose() -> None:
    """One audience change pulled for two purposes is two events, not a conflicting retry."""
    change = "list1/2026-03-02T09:00:05+00:00"
    person = "8aab22c703f648f6adad4e0c2099612f"

    assert external_event_id("mailchimp", "newsletter", change, person) != external_event_id(
        "mailchimp", "offers", change, person
    )


def test_an_event_id_cannot_be_matched_to_a_guessed_address() -> None:
    """Nothing derived from the address (such as its MD5, the Mailchimp member id) goes in."""
    change = "list1/2026-03-02T09:00:05+00:00"
    member_id = hashlib.md5(b"jane@example.org", usedforsecurity=False).hexdigest()
    person = "8aab22c703f648f6adad4e0c2099612f"
    made = external_event_id("mailchimp", "newsletter", change, person)
    assert member_id not in made
    assert made != external_event_id("mailchimp", "newsletter", change, member_id)


def test_an_answer_that_is_not_json_becomes_a_connector_error() -> None:
    def portal(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text="<html>Please log in to the hotel Wi-Fi</html>")

    with httpx.Client(transport=httpx.MockTransport(portal)) as http:
        client = MailchimpClient(http, SecretStr("k-us1"), base_url="https://mc.test")
        with pytest.raises(ConnectorError, match="not a JSON object"):
            client.member_status("list1", "jane@example.org")
