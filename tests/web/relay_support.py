"""A relay over a real store and a real SMTP server (aiosmtpd on 127.0.0.1), for the relay's
HTTP tests and the test that it keeps nothing."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from fastapi.testclient import TestClient

from steward.mail import SmtpMailer
from steward.relay.screening import RelayPolicy
from steward.store import relay_counts
from steward.store.database import Store
from steward.web.app import create_app
from steward.web.wiring import WebWiring
from tests.integration.holds.smtp_server import Inbox, free_port, smtp_server

INBOX = "enquiries@outserve.example"
SENDER = "steward@outserve.example"
SITE = "https://www.outserve.example"
FROM_SITE = {"origin": SITE}
FORM = {
    "name": "Ann Example",
    "email": "ann@example.org",
    "phone": "+44 20 7946 0000",
    "topic": "Opening hours",
    "message": "Hello,\r\nare you open on Saturdays?",
}


@dataclass
class Relay:
    client: TestClient
    inbox: Inbox
    store: Store

    def counts(self) -> dict[str, int]:
        return counts_in(self.store)


def counts_in(store: Store) -> dict[str, int]:
    """Every count the relay has written, by outcome (all days together)."""
    with store.unit_of_work(actor="test", reads_only=True) as uow:
        rows = relay_counts.counts_since(uow, date(2000, 1, 1))
    totals: dict[str, int] = {}
    for row in rows:
        totals[row.outcome] = totals.get(row.outcome, 0) + row.count
    return totals


def mailer_to(port: int) -> SmtpMailer:
    return SmtpMailer(host="127.0.0.1", port=port, sender=SENDER, starttls=False, timeout=5.0)


@contextmanager
def running_relay(
    wiring: WebWiring, *, mail_server_down: bool = False, **policy: object
) -> Iterator[Relay]:
    """The app with the relay set up for SITE and INBOX (``policy`` overrides), sending through
    a real SMTP server, or to a port where nothing listens."""
    settings = {"inbox": INBOX, "origins": (SITE,), **policy}
    with smtp_server() as (inbox, port):
        relay_wiring = dataclasses.replace(
            wiring,
            mailer=mailer_to(free_port() if mail_server_down else port),
            relay=RelayPolicy(**settings),  # type: ignore[arg-type]
        )
        with TestClient(create_app(relay_wiring), base_url="http://testserver") as client:
            yield Relay(client, inbox, wiring.store)
