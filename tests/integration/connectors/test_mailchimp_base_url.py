"""The Mailchimp base URL: accepted with or without /3.0, refused with a clear reason."""

from __future__ import annotations

import hashlib

import httpx
import pytest
from pydantic import SecretStr

from steward.connectors.mailchimp_address import api_root
from steward.connectors.mailchimp_client import MailchimpClient
from steward.errors import ConfigError
from tests.integration.connectors.conftest import API_KEY, LIST_ID
from tests.integration.connectors.mailchimp_server import MailchimpServer

JANE = "jane.doe@example.co.uk"


def md5(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def urlpath(target: str) -> str:
    return httpx.URL(target).path


@pytest.mark.parametrize(
    "given",
    [
        "{base}",
        "{base}/",
        "{base}/3.0",
        "{base}/3.0/",
        " {base}/3.0 ",
    ],
)
def test_the_base_url_is_accepted_with_or_without_the_api_version(
    mailchimp: MailchimpServer, http: httpx.Client, given: str
) -> None:
    mailchimp.contract.add_member(LIST_ID, JANE)
    client = MailchimpClient(
        http, SecretStr(API_KEY), base_url=given.format(base=mailchimp.base_url)
    )

    assert client.member_status(LIST_ID, JANE) == "subscribed"
    [call] = mailchimp.api_calls()
    assert urlpath(call.target) == f"/3.0/lists/{LIST_ID}/members/{md5(JANE)}"


@pytest.mark.parametrize(
    ("given", "problem"),
    [
        ("us21.api.mailchimp.com", "must start with https://"),
        ("ftp://us21.api.mailchimp.com", "must start with https://"),
        ("http://us21.api.mailchimp.com/3.0", "must use https"),
        ("https://us21.api.mailchimp.com/3.0?x=1", "must not carry a query"),
        ("https://user:secret@us21.api.mailchimp.com", "must not carry a query"),
        ("https://[::1", "cannot be parsed"),
    ],
)
def test_a_bad_base_url_is_a_config_error_naming_the_setting(given: str, problem: str) -> None:
    with pytest.raises(ConfigError) as caught:
        api_root(given)

    assert caught.value.where == "STEWARD_MAILCHIMP_BASE_URL"
    assert problem in caught.value.message
    assert "with or without /3.0" in (caught.value.hint or "")


def test_the_api_root_keeps_a_proxy_path_and_adds_the_version_once() -> None:
    assert api_root("https://proxy.example.org/mailchimp/") == (
        "https://proxy.example.org/mailchimp/3.0"
    )
    assert api_root("http://127.0.0.1:8080/3.0") == "http://127.0.0.1:8080/3.0"
