"""Each vendor's HTTP behaviour as the connector meets it: pages, rate limits, outages, 404s,
and the exact Authorization header the vendor documents."""

from __future__ import annotations

import base64
from dataclasses import replace

import httpx
import pytest

from steward.connectors.protocol import RecordKey, SystemRefused, SystemUnavailable
from tests.integration.connectors.saas.vendors import (
    ADA,
    HUBSPOT,
    HUBSPOT_TOKEN,
    MAILCHIMP,
    MAILCHIMP_KEY,
    VENDORS,
    ZENDESK,
    ZENDESK_AGENT,
    ZENDESK_TOKEN,
    Vendor,
)

ids = [vendor.kind for vendor in VENDORS]


@pytest.mark.parametrize("vendor", VENDORS, ids=ids)
def test_a_lookup_reads_every_page(vendor: Vendor, http: httpx.Client, sleeps: list[float]) -> None:
    with vendor.serve(5) as server:
        connector = vendor.connector(server, http, sleeps, page_size="2")
        collection, field, value = vendor.paged
        keys = connector.find(collection, field, [value(server)])
        assert len(keys) == 5
        assert len(set(keys)) == 5
        assert len(server.api_calls()) == 3  # 2 + 2 + 1


@pytest.mark.parametrize("vendor", VENDORS, ids=ids)
def test_a_429_waits_as_long_as_retry_after_says(
    vendor: Vendor, http: httpx.Client, sleeps: list[float]
) -> None:
    with vendor.serve(1) as server:
        connector = vendor.connector(server, http, sleeps)
        server.rate_limit_next(2, retry_after=7)
        assert len(connector.find(vendor.people, vendor.email_field, [ADA])) == 1
        assert sleeps == [7.0, 7.0]


@pytest.mark.parametrize("vendor", VENDORS, ids=ids)
def test_a_5xx_is_retried_with_backoff_until_it_succeeds(
    vendor: Vendor, http: httpx.Client, sleeps: list[float]
) -> None:
    with vendor.serve(1) as server:
        connector = vendor.connector(server, http, sleeps)
        server.fail_next(2, status=502)
        assert len(connector.find(vendor.people, vendor.email_field, [ADA])) == 1
        assert sleeps == [0.5, 1.0]


@pytest.mark.parametrize("vendor", VENDORS, ids=ids)
def test_a_vendor_failing_past_the_retries_is_unavailable_and_named(
    vendor: Vendor, http: httpx.Client, sleeps: list[float]
) -> None:
    with vendor.serve(1) as server:
        connector = vendor.connector(server, http, sleeps)
        server.fail_next(10, status=503)
        with pytest.raises(SystemUnavailable) as raised:
            connector.find(vendor.people, vendor.email_field, [ADA])
        assert raised.value.system_id == f"{vendor.kind}_test"
        assert f"{vendor.kind}_test" in str(raised.value)
        assert len(server.api_calls()) == 4


@pytest.mark.parametrize("vendor", VENDORS, ids=ids)
def test_an_unreachable_vendor_is_unavailable(
    vendor: Vendor, http: httpx.Client, sleeps: list[float]
) -> None:
    server = vendor.serve(1)
    server.close()  # the port is free again: nothing answers there
    connector = vendor.connector(server, http, sleeps)
    with pytest.raises(SystemUnavailable, match="could not reach"):
        connector.find(vendor.people, vendor.email_field, [ADA])


@pytest.mark.parametrize("vendor", VENDORS, ids=ids)
def test_erasing_a_record_the_vendor_no_longer_has_changes_nothing(
    vendor: Vendor, http: httpx.Client, sleeps: list[float]
) -> None:
    gone = RecordKey(vendor.people.name, ("list0000", "0" * 32) if vendor is MAILCHIMP else ("9",))
    with vendor.serve(1) as server:
        connector = vendor.connector(server, http, sleeps)
        receipt = connector.erase(vendor.people, [gone])
        assert (receipt.affected, receipt.system_ids) == (0, ())
        assert connector.read(vendor.people, [gone]) == []


@pytest.mark.parametrize("vendor", VENDORS, ids=ids)
def test_wrong_credentials_are_refused_not_retried(
    vendor: Vendor, http: httpx.Client, sleeps: list[float]
) -> None:
    wrong = replace(vendor, connection={key: "wrong-us21" for key in vendor.connection})
    with vendor.serve(1) as server:
        connector = wrong.connector(server, http, sleeps)
        with pytest.raises(SystemRefused, match="HTTP 401") as raised:
            connector.find(vendor.people, vendor.email_field, [ADA])
        assert "wrong" not in str(raised.value)
        assert sleeps == []


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.mark.parametrize(
    ("vendor", "expected"),
    [
        (HUBSPOT, f"Bearer {HUBSPOT_TOKEN}"),
        (ZENDESK, basic(f"{ZENDESK_AGENT}/token", ZENDESK_TOKEN)),
        (MAILCHIMP, basic("steward", MAILCHIMP_KEY)),
    ],
    ids=ids,
)
def test_every_call_carries_the_vendors_documented_authorization(
    vendor: Vendor, expected: str, http: httpx.Client, sleeps: list[float]
) -> None:
    with vendor.serve(1) as server:
        connector = vendor.connector(server, http, sleeps)
        keys = connector.find(vendor.people, vendor.email_field, [ADA])
        connector.read(vendor.people, keys)
        assert {call.authorization for call in server.api_calls()} == {expected}


def test_a_next_page_link_to_another_host_is_not_followed(
    http: httpx.Client, sleeps: list[float]
) -> None:
    with ZENDESK.serve(3) as server:
        # the connector calls localhost; the server's links name 127.0.0.1, another origin
        elsewhere = server.base_url.replace("127.0.0.1", "localhost")
        connector = ZENDESK.connector(server, http, sleeps, page_size="2", base_url=elsewhere)
        collection, field, _ = ZENDESK.paged
        with pytest.raises(SystemRefused, match="another host"):
            connector.find(collection, field, ["501"])
