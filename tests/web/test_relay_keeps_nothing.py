"""The seed's promise, proved: "the contact forms ... do not store any personal data you may
insert". Posts carrying a distinctive marker in every field go down every path the relay has
(sent, sent as JSON, sent as multipart, a mistake, a smuggled header, the honeypot, another
site, an altered hosted form, a flood, a mail server that is down); the markers then reach the
organisation's mail server, and nowhere else: not the raw SQLite file, not a pg_dump of the
PostgreSQL database, not any log record of any logger at DEBUG (SQL statements and their
values included), not stdout or stderr.

The receiving SMTP server's own loggers (``mail.*``, aiosmtpd) are left out of the search: that
server stands for the organisation's inbox, which is where the enquiry is meant to go.
"""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import make_url

from steward.web.wiring import WebWiring
from tests.web.relay_support import FROM_SITE, Relay, running_relay

MARKED = {
    "name": "Quillon Marzipanova",
    "email": "zephyr.marzipan77@example.org",
    "phone": "+44 7700 900987",
    "topic": "Tangerine obelisk enquiry",
    "message": "Purple walrus manifesto:\r\nxylophone quagmire 4417",
}
HONEYPOT = "http://honeypot-wobble.example/"
NEEDLES = [
    "Quillon",
    "Marzipanova",
    "zephyr.marzipan77",
    "marzipan",
    "7700 900987",
    "7700900987",
    "Tangerine obelisk",
    "walrus manifesto",
    "xylophone quagmire",
    "honeypot-wobble",
    "injected-victim",
]


def post_down_every_path(relay: Relay) -> None:
    client = relay.client
    json_please = {**FROM_SITE, "accept": "application/json"}
    assert client.post("/relay/contact", data=MARKED, headers=FROM_SITE).status_code == 200
    assert client.post("/api/relay/contact", json=MARKED, headers=FROM_SITE).status_code == 200
    multipart = {name: (None, value) for name, value in MARKED.items()}
    assert client.post("/relay/contact", files=multipart, headers=FROM_SITE).status_code == 200
    mistaken = {**MARKED, "email": "zephyr.marzipan77@@example.org", "phone": "7700900987 ext"}
    assert client.post("/relay/contact", data=mistaken, headers=FROM_SITE).status_code == 422
    assert client.post("/api/relay/contact", json=mistaken, headers=FROM_SITE).status_code == 422
    smuggled = {**MARKED, "name": "Quillon Marzipanova\r\nBcc: injected-victim@example.net"}
    assert client.post("/relay/contact", data=smuggled, headers=json_please).status_code == 422
    robot = {**MARKED, "website": HONEYPOT}
    assert client.post("/relay/contact", data=robot, headers=FROM_SITE).status_code == 200
    elsewhere = {"origin": "https://marzipan-elsewhere.example"}
    assert client.post("/relay/contact", data=MARKED, headers=elsewhere).status_code == 403
    altered = {**MARKED, "started": "1.marzipan"}
    assert client.post("/relay/contact", data=altered, headers=FROM_SITE).status_code == 422


def database_bytes(url: str) -> bytes:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        base = Path(str(parsed.database))
        files = [base, base.with_name(base.name + "-wal"), base.with_name(base.name + "-shm")]
        return b"".join(path.read_bytes() for path in files if path.exists())
    dump = subprocess.run(
        ["pg_dump", "--host=127.0.0.1", "--username=postgres", "--data-only", str(parsed.database)],
        check=True,
        capture_output=True,
    )
    assert b"COPY public.relay_counts" in dump.stdout  # the dump really holds the counters
    return dump.stdout


def test_no_submitted_value_reaches_the_database_or_any_log(
    web_wiring: WebWiring,
    database_url: str,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")  # every statement and its values
    caplog.set_level(logging.DEBUG)  # last: it also sets the capturing handler's level
    with running_relay(web_wiring, per_source_per_hour=9) as relay:
        post_down_every_path(relay)
        flood = relay.client.post("/relay/contact", data=MARKED, headers=FROM_SITE)
        assert flood.status_code == 429  # the tenth post from this source this hour
        delivered = b"".join(message.as_bytes() for message in relay.inbox.messages)
    with running_relay(web_wiring, mail_server_down=True) as down:
        assert down.client.post("/relay/contact", data=MARKED, headers=FROM_SITE).status_code == 503
        assert (
            down.client.post("/api/relay/contact", json=MARKED, headers=SITE_JSON).status_code
            == 503
        )
        counts = down.counts()
    assert counts == {"sent": 3, "refused": 5, "spam": 1, "mail_failed": 2}
    web_wiring.store.engine.dispose()
    stored = database_bytes(database_url)
    captured = capfd.readouterr()
    records = [record for record in caplog.records if not record.name.startswith("mail.")]
    logged = "\n".join(
        [record.getMessage() for record in records] + [captured.out, captured.err]
    ).encode()
    assert "INSERT INTO relay_counts" in caplog.text  # statements were really logged
    assert b"contact relay: sent" in logged
    assert b"mail_failed" in stored  # the search sees what is meant to be there
    assert b"walrus manifesto" in delivered  # and the enquiries did reach the inbox
    for needle in (value.encode() for value in NEEDLES):
        assert needle.lower() not in stored.lower(), needle
        assert needle.lower() not in logged.lower(), needle
    for needle in (b"Quillon", b"zephyr.marzipan77", b"7700 900987", b"xylophone quagmire"):
        assert needle in delivered, needle


SITE_JSON = {**FROM_SITE, "accept": "application/json"}
