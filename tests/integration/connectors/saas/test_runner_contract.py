"""Every SaaS definition keeps the connector contract against its vendor's contract server:
find by e-mail, read, rectify, erase, erase again (nothing left: affected=0), find nothing."""

from __future__ import annotations

import logging

import httpx
import pytest

from steward.connectors.protocol import Capability, Connector
from tests.integration.connectors.saas.vendors import ADA, BOB, VENDORS, Vendor

ids = [vendor.kind for vendor in VENDORS]


@pytest.mark.parametrize("vendor", VENDORS, ids=ids)
def test_a_person_is_found_read_rectified_and_erased_once(
    vendor: Vendor, http: httpx.Client, sleeps: list[float]
) -> None:
    with vendor.serve(1) as server:
        connector = vendor.connector(server, http, sleeps)
        people = vendor.people
        assert isinstance(connector, Connector)

        keys = connector.find(people, vendor.email_field, [ADA])
        assert len(keys) == 1
        [record] = connector.read(people, keys)
        assert record.fields[vendor.email_field] == ADA

        changed = connector.rectify(people, keys, {vendor.name_field: "Augusta"})
        assert changed.affected == 1
        [after] = connector.read(people, keys)
        assert after.fields[vendor.name_field] == "Augusta"

        assert connector.erase(people, keys).affected == 1
        assert connector.erase(people, keys).affected == 0
        assert connector.find(people, vendor.email_field, [ADA]) == []
        assert connector.read(people, keys) == []


@pytest.mark.parametrize("vendor", VENDORS, ids=ids)
def test_erasing_one_person_leaves_everyone_else(
    vendor: Vendor, http: httpx.Client, sleeps: list[float]
) -> None:
    with vendor.serve(1) as server:
        connector = vendor.connector(server, http, sleeps)
        connector.erase(vendor.people, connector.find(vendor.people, vendor.email_field, [ADA]))
        bob = connector.find(vendor.people, vendor.email_field, [BOB])
        assert [r.fields[vendor.email_field] for r in connector.read(vendor.people, bob)] == [BOB]


@pytest.mark.parametrize("vendor", VENDORS, ids=ids)
def test_nobody_found_for_an_unknown_address(
    vendor: Vendor, http: httpx.Client, sleeps: list[float]
) -> None:
    with vendor.serve(1) as server:
        connector = vendor.connector(server, http, sleeps)
        assert connector.find(vendor.people, vendor.email_field, ["nobody@example.org"]) == []


@pytest.mark.parametrize("vendor", VENDORS, ids=ids)
def test_capabilities_are_what_the_definition_can_do(
    vendor: Vendor, http: httpx.Client, sleeps: list[float]
) -> None:
    with vendor.serve(1) as server:
        connector = vendor.connector(server, http, sleeps)
        every_vendor = {
            Capability.find_records,
            Capability.read,
            Capability.rectify,
            Capability.erase,
            Capability.restrict,
        }
        dated = {Capability.list_past} if vendor.kind != "mailchimp" else set()
        assert connector.capabilities == every_vendor | dated


@pytest.mark.parametrize("vendor", VENDORS, ids=ids)
def test_no_log_line_holds_a_secret_or_an_address(
    vendor: Vendor, http: httpx.Client, sleeps: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with vendor.serve(1) as server:
        connector = vendor.connector(server, http, sleeps)
        server.rate_limit_next(1, 2)
        keys = connector.find(vendor.people, vendor.email_field, [ADA])
        connector.read(vendor.people, keys)
        connector.erase(vendor.people, keys)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "retrying" in logged  # the 429 was logged ...
    for secret in (ADA, *vendor.connection.values()):
        assert secret not in logged  # ... without the address or a credential
