"""Opening a SaaS connector: the vendor's own API host unless told otherwise, credentials only
over https (or to a loopback test server), and a clear error for a missing connection value."""

from __future__ import annotations

import pytest

from steward.connectors.protocol import ConnectorContext
from steward.connectors.registry import open_connector
from steward.connectors.saas.runner import SaasConnector
from steward.errors import ConfigError
from steward.manifest.vocabulary import SystemKind

CONNECTIONS = {
    SystemKind.hubspot: {"access_token": "pat-secret"},
    SystemKind.zendesk: {"email": "agent@example.org", "api_token": "zd-secret"},
    SystemKind.mailchimp: {"api_key": "0123456789abcdef0123456789abcdef-us21"},
}


def opened(kind: SystemKind, **options: str) -> SaasConnector:
    context = ConnectorContext(
        "crm", CONNECTIONS[kind], options={"subdomain": "outserve", **options}
    )
    connector = open_connector(kind, context)
    assert isinstance(connector, SaasConnector)
    connector.close()
    return connector


@pytest.mark.parametrize(
    ("kind", "base_url"),
    [
        (SystemKind.hubspot, "https://api.hubapi.com"),
        (SystemKind.zendesk, "https://outserve.zendesk.com"),
        (SystemKind.mailchimp, "https://us21.api.mailchimp.com"),
    ],
)
def test_each_vendor_is_reached_at_its_own_api_host(kind: SystemKind, base_url: str) -> None:
    assert opened(kind).base_url == base_url


def test_a_base_url_in_the_options_overrides_the_vendors() -> None:
    connector = opened(SystemKind.hubspot, base_url="https://hubspot-proxy.internal/")
    assert connector.base_url == "https://hubspot-proxy.internal"


def test_a_base_url_in_the_connection_overrides_the_vendors() -> None:
    context = ConnectorContext(
        "crm", {**CONNECTIONS[SystemKind.hubspot], "base_url": "http://127.0.0.1:9"}
    )
    connector = open_connector(SystemKind.hubspot, context)
    assert isinstance(connector, SaasConnector)
    connector.close()
    assert connector.base_url == "http://127.0.0.1:9"


def test_plain_http_is_refused_beyond_this_machine() -> None:
    with pytest.raises(ConfigError, match="must use https") as raised:
        opened(SystemKind.hubspot, base_url="http://hubspot-proxy.internal")
    assert raised.value.where == "system crm base_url"


def test_a_missing_connection_value_is_named_without_any_secret() -> None:
    context = ConnectorContext("helpdesk", {"email": "agent@example.org"}, {"subdomain": "x"})
    with pytest.raises(ConfigError, match="needs api_token") as raised:
        open_connector(SystemKind.zendesk, context)
    assert "agent@example.org" not in str(raised.value)


def test_zendesk_needs_its_subdomain() -> None:
    context = ConnectorContext("helpdesk", CONNECTIONS[SystemKind.zendesk])
    with pytest.raises(ConfigError, match="needs subdomain"):
        open_connector(SystemKind.zendesk, context)


def test_a_mailchimp_key_without_a_data_centre_is_refused() -> None:
    context = ConnectorContext("newsletter", {"api_key": "0123456789abcdef"})
    with pytest.raises(ConfigError, match="no data-centre suffix") as raised:
        open_connector(SystemKind.mailchimp, context)
    assert raised.value.where == "connection api_key"


def test_a_page_size_outside_the_vendors_range_is_refused() -> None:
    with pytest.raises(ConfigError, match="page_size must be a whole number from 1 to 1000"):
        opened(SystemKind.hubspot, page_size="5000")


def test_the_connector_does_not_show_its_credentials() -> None:
    assert "pat-secret" not in repr(opened(SystemKind.hubspot))
