"""Where the Mailchimp Marketing API lives: the data centre named by the key, or a base URL.

The API key travels in every request (Basic auth), so the API is reached over https only; plain
http is accepted for a loopback host (a local proxy or a test server). A base URL may be given
with or without the version path ``/3.0`` and a trailing slash, which all mean the same.
"""

from __future__ import annotations

import re

import httpx
from pydantic import SecretStr

from steward.errors import ConfigError

SERVICE = "Mailchimp"
API_ROOT = "/3.0"
BASE_URL_SETTING = "STEWARD_MAILCHIMP_BASE_URL"
_DATA_CENTRE = re.compile(r"^[a-z]+[0-9]+$")
_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


def base_url_for_key(api_key: SecretStr) -> str:
    """The API root for a key: its data-centre suffix (``...-us21``) names the host."""
    _, dash, centre = api_key.get_secret_value().rpartition("-")
    if not dash or not _DATA_CENTRE.match(centre):
        raise ConfigError(
            "the Mailchimp API key has no data-centre suffix",
            where="STEWARD_MAILCHIMP_API_KEY",
            hint="copy the whole key from Mailchimp (Profile > Extras > API keys); "
            "it ends in a data centre such as '-us21'",
        )
    return f"https://{centre}.api.mailchimp.com"


def api_root(base_url: str) -> str:
    """The API root (ending ``/3.0``) for a base URL given with or without ``/3.0`` and with or
    without a trailing slash. Only https leaves the machine: over plain http the API key would
    travel readable, so http is accepted for a loopback host (a local proxy or test server)."""

    def refuse(problem: str) -> ConfigError:
        return ConfigError(
            f"{problem} (got {base_url!r})",
            where=BASE_URL_SETTING,
            hint="leave it unset to use the data centre named by the API key, or give the API "
            "host such as https://us21.api.mailchimp.com (with or without /3.0)",
        )

    try:
        url = httpx.URL(base_url.strip())
    except (httpx.InvalidURL, TypeError) as error:
        raise refuse("the Mailchimp base URL cannot be parsed") from error
    if url.scheme not in ("https", "http") or not url.host:
        raise refuse("the Mailchimp base URL must start with https:// and name a host")
    if url.scheme == "http" and url.host not in _LOOPBACK:
        raise refuse("the Mailchimp base URL must use https (the API key would travel readable)")
    if url.query or url.fragment or url.userinfo:
        raise refuse("the Mailchimp base URL must not carry a query, a fragment or a password")
    path = url.path.rstrip("/")
    path = path.removesuffix(API_ROOT)
    port = f":{url.port}" if url.port else ""
    host = f"[{url.host}]" if ":" in url.host else url.host
    return f"{url.scheme}://{host}{port}{path}{API_ROOT}"
