"""Which driver serves which kind of system; drivers are imported only when a system needs one.

DESIGN.md §5 item 7: one contract, one registry, lazy drivers. A kind without a driver (paper,
CCTV, a website) has no connector: the engine lists its collections as manual steps.
"""

from __future__ import annotations

from importlib import import_module

from steward.connectors.protocol import Connector, ConnectorContext
from steward.errors import ConfigError
from steward.manifest.vocabulary import SystemKind

_DRIVERS: dict[SystemKind, str] = {
    SystemKind.sqlite: "steward.connectors.sql:open_sql",
    SystemKind.postgresql: "steward.connectors.sql:open_sql",
    SystemKind.mysql: "steward.connectors.sql:open_sql",
    SystemKind.files: "steward.connectors.files:open_files",
    SystemKind.hubspot: "steward.connectors.saas.runner:open_saas",
    SystemKind.zendesk: "steward.connectors.saas.runner:open_saas",
    SystemKind.mailchimp: "steward.connectors.saas.runner:open_saas",
}


def has_driver(kind: SystemKind) -> bool:
    return kind in _DRIVERS


def open_connector(kind: SystemKind, context: ConnectorContext) -> Connector:
    """A connector for one system; each driver's ``open_*(kind, context)`` builds it."""
    target = _DRIVERS.get(kind)
    if target is None:
        raise ConfigError(
            f"no connector reaches a system of kind '{kind.value}'",
            where=f"system {context.system_id}",
            hint="its records are handled as manual steps; or map it to a supported kind",
        )
    module_name, _, function = target.partition(":")
    opener = getattr(import_module(module_name), function)
    connector: Connector = opener(kind, context)
    return connector
