"""Start contract servers for the demo: one line of JSON per server says where it listens.

    python -m examples.outserve.estate.servers --hubspot hubspot.json --zendesk zendesk.json \
        --mailchimp mailchimp.json --port 8701

Ports are consecutive from ``--port`` in the order hubspot, zendesk, mailchimp (0: any free
port). The credentials are the demo ones in README.md unless given. Ctrl-C stops them.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from examples.outserve.estate.servers.base import ContractServer
from examples.outserve.estate.servers.hubspot import HubSpotServer
from examples.outserve.estate.servers.mailchimp import MailchimpServer
from examples.outserve.estate.servers.zendesk import ZendeskServer

HUBSPOT_TOKEN = "pat-eu1-demo-outserve"
ZENDESK_EMAIL = "privacy@outserve.example"
ZENDESK_TOKEN = "demo-outserve-zendesk-token"
MAILCHIMP_KEY = "0123456789abcdef0123456789abcdef-us21"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _seed(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def start(arguments: argparse.Namespace) -> list[tuple[str, ContractServer, dict[str, str]]]:
    port = arguments.port
    started: list[tuple[str, ContractServer, dict[str, str]]] = []

    def next_port() -> int:
        return port + len(started) if port else 0

    if arguments.hubspot:
        hubspot = HubSpotServer.from_seed(_seed(arguments.hubspot), HUBSPOT_TOKEN, next_port())
        started.append(("hubspot", hubspot, {"access_token": HUBSPOT_TOKEN}))
    if arguments.zendesk:
        zendesk = ZendeskServer.from_seed(
            _seed(arguments.zendesk), ZENDESK_EMAIL, ZENDESK_TOKEN, next_port()
        )
        started.append(("zendesk", zendesk, {"email": ZENDESK_EMAIL, "api_token": ZENDESK_TOKEN}))
    if arguments.mailchimp:
        mailchimp = MailchimpServer.from_seed(
            _seed(arguments.mailchimp), MAILCHIMP_KEY, START, next_port()
        )
        started.append(("mailchimp", mailchimp, {"api_key": MAILCHIMP_KEY}))
    return started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m examples.outserve.estate.servers")
    parser.add_argument("--hubspot", type=Path, help='seed file: {"contacts": [...]}')
    parser.add_argument("--zendesk", type=Path, help='seed file: {"users": [...], ...}')
    parser.add_argument("--mailchimp", type=Path, help='seed file: {"lists": {...}}')
    parser.add_argument("--port", type=int, default=0, help="first port (0: any free port)")
    arguments = parser.parse_args(argv)
    started = start(arguments)
    if not started:
        parser.error("give at least one of --hubspot, --zendesk, --mailchimp")
    for vendor, server, connection in started:
        server.serve_in_background()
        line = {"vendor": vendor, "base_url": server.base_url, "connection": connection}
        print(json.dumps(line), flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        for _, server, _ in started:
            server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
