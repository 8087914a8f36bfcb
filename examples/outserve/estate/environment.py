"""The environment that points Steward at a generated Outserve estate.

The Outserve manifest (``examples/outserve/fixed``) names each system's connection as ``env:``
variables (``OUTSERVE_CRM_URL``, ``OUTSERVE_HUBSPOT_TOKEN``, ...); this builds them from where
the estate was generated and where its contract servers listen, for the demo
(``examples/outserve/demo_request.py``) and the request benchmarks alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

MANIFEST = "examples/outserve/fixed"
MAPS = "examples/outserve/estate/maps"
_VENDORS = {"hubspot": "HUBSPOT", "zendesk": "ZENDESK", "mailchimp": "MAILCHIMP"}
_SECRETS = {"access_token": "TOKEN", "api_token": "TOKEN", "email": "EMAIL", "api_key": "API_KEY"}


@dataclass(frozen=True)
class EstateLocations:
    crm: str
    """SQLAlchemy URL of the CRM (PostgreSQL)."""
    hr: str
    """SQLAlchemy URL of HR and payroll (MariaDB)."""
    support: Path
    """The support-ticket SQLite file."""
    visitors: Path
    """The visitor log folder (visitors.csv)."""
    hr_files: Path
    """The HR files folder (no map: its search is a manual step)."""


def estate_environment(
    where: EstateLocations, servers: Iterable[tuple[str, str, Mapping[str, str]]]
) -> dict[str, str]:
    """The ``OUTSERVE_*`` variables for the estate at ``where``, and for each contract server
    given as (vendor, base URL, connection values as the server prints them)."""
    environment = {
        "OUTSERVE_CRM_URL": where.crm,
        "OUTSERVE_HR_URL": where.hr,
        "OUTSERVE_SUPPORT_URL": f"sqlite:///{where.support}",
        "OUTSERVE_VISITOR_LOG_DIR": str(where.visitors),
        "OUTSERVE_HR_FILES": str(where.hr_files),
        "OUTSERVE_ZENDESK_SUBDOMAIN": "outserve",
    }
    for vendor, base_url, connection in servers:
        environment[f"OUTSERVE_{_VENDORS[vendor]}_URL"] = base_url
        for key, value in connection.items():
            environment[f"OUTSERVE_{_VENDORS[vendor]}_{_SECRETS[key]}"] = value
    return environment
