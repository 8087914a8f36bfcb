"""The demo starts the contract servers from seed files with one command and reads where each
listens from its output; a connector pointed there finds the seeded people."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from steward.connectors.protocol import ConnectorContext
from steward.connectors.saas.definition import bundled_definition
from steward.connectors.saas.runner import SaasConnector
from tests.integration.connectors.saas.vendors import CONTACTS, MEMBERS, USERS

ROOT = Path(__file__).resolve().parents[4]
SAMPLES = ROOT / "examples" / "outserve" / "estate" / "servers" / "samples"
ADA = "ada.lovelace@example.org"


@pytest.fixture
def servers() -> Iterator[dict[str, dict[str, Any]]]:
    command = [sys.executable, "-m", "examples.outserve.estate.servers"]
    for vendor in ("hubspot", "zendesk", "mailchimp"):
        command += [f"--{vendor}", str(SAMPLES / f"{vendor}.json")]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        lines = [json.loads(process.stdout.readline()) for _ in range(3)]
        yield {line["vendor"]: line for line in lines}
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


@pytest.mark.parametrize(
    ("vendor", "people", "field", "found"),
    [
        ("hubspot", CONTACTS, "email", 1),
        ("zendesk", USERS, "email", 1),
        ("mailchimp", MEMBERS, "email_address", 2),
    ],
)
def test_the_servers_command_serves_each_seed(
    servers: dict[str, dict[str, Any]], vendor: str, people: Any, field: str, found: int
) -> None:
    started = servers[vendor]
    context = ConnectorContext(
        vendor, started["connection"], {"base_url": started["base_url"], "subdomain": "demo"}
    )
    with httpx.Client(trust_env=False, timeout=5.0) as http:
        connector = SaasConnector(bundled_definition(vendor), context, http)
        keys = connector.find(people, field, [ADA])
        assert len(keys) == found
        assert {r.fields[field] for r in connector.read(people, keys)} == {ADA}
