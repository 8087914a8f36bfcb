"""How a SaaS connector reaches its vendor: the API host, the Authorization header, the
non-secret parameters its paths use, and an optional page size, all from the system's context.

Credentials go only in the Authorization header, and only over https (plain http is accepted
for a loopback host: a local proxy or a contract server). The vendor's own host is the default;
``options.base_url`` or ``connection.base_url`` overrides it.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

import httpx

from steward.connectors.protocol import ConnectorContext
from steward.connectors.saas.definition import SaasDefinition
from steward.connectors.saas.hooks import BASE_URL_HOOKS, VALUE_HOOKS
from steward.connectors.saas.templates import fill
from steward.errors import ConfigError

_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


@dataclass(frozen=True)
class Access:
    base_url: str
    authorization: str = field(repr=False)
    parameters: dict[str, str]
    page_size: int | None = None


def resolve_access(definition: SaasDefinition, context: ConnectorContext) -> Access:
    parameters = _parameters(definition, context)
    return Access(
        base_url=_base_url(definition, context, parameters),
        authorization=_authorization(definition, context),
        parameters=parameters,
        page_size=_page_size(context.options.get("page_size"), context.system_id),
    )


def _parameters(definition: SaasDefinition, context: ConnectorContext) -> dict[str, str]:
    needed = [*definition.parameters, *definition.connection_keys]
    missing = [
        name for name in needed if not (context.options.get(name) or context.connection.get(name))
    ]
    if missing:
        raise ConfigError(
            f"the {definition.vendor} connection needs {', '.join(missing)}",
            where=f"system {context.system_id} connection",
            hint=f"give {', '.join(missing)} in the system's connection (an env reference "
            "for a secret)",
        )
    return {
        name: context.options.get(name) or context.connection[name]
        for name in definition.parameters
    }


def _base_url(
    definition: SaasDefinition, context: ConnectorContext, parameters: dict[str, str]
) -> str:
    def refuse(problem: str) -> ConfigError:
        return ConfigError(
            f"the {definition.vendor} base URL {problem}",
            where=f"system {context.system_id} base_url",
            hint="leave it unset to use the vendor's own API host",
        )

    given = context.options.get("base_url") or context.connection.get("base_url")
    if given:
        url = given
    elif definition.base_url_hook is not None:
        url = BASE_URL_HOOKS[definition.base_url_hook](context.connection)
    else:
        url = fill(definition.base_url or "", parameters, VALUE_HOOKS)
    try:
        parsed = httpx.URL(url.strip())
    except (httpx.InvalidURL, TypeError) as error:
        raise refuse("cannot be parsed") from error
    if parsed.scheme not in ("https", "http") or not parsed.host:
        raise refuse("must start with https:// and name a host")
    if parsed.scheme == "http" and parsed.host not in _LOOPBACK:
        raise refuse("must use https (the credentials would travel readable)")
    if parsed.query or parsed.fragment or parsed.userinfo:
        raise refuse("must not carry a query, a fragment or a password")
    return str(parsed).rstrip("/")


def _authorization(definition: SaasDefinition, context: ConnectorContext) -> str:
    auth, connection = definition.auth, context.connection
    if auth.type == "bearer":
        return f"Bearer {fill(auth.token or '', connection, {})}"
    user = fill(auth.username or "", connection, {})
    password = fill(auth.password or "", connection, {})
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def _page_size(given: str | None, system_id: str) -> int | None:
    if given is None:
        return None
    if not given.isdigit() or not 1 <= int(given) <= 1000:
        raise ConfigError(
            f"page_size must be a whole number from 1 to 1000 (got {given!r})",
            where=f"system {system_id} options.page_size",
        )
    return int(given)
