"""End to end over real mail: the form sends the code through SMTP to a real server (aiosmtpd on
127.0.0.1); the code read from the delivered message confirms the request and opens its page."""

from __future__ import annotations

import dataclasses
import re

from fastapi.testclient import TestClient

from steward.mail import SmtpMailer
from steward.web.app import create_app
from steward.web.wiring import WebWiring
from tests.integration.holds.smtp_server import smtp_server
from tests.web.requests_online.conftest import enter_code, make_request

SENDER = "privacy@outserve.example"


def test_a_request_is_confirmed_with_the_code_delivered_by_smtp(web_wiring: WebWiring) -> None:
    with smtp_server() as (inbox, port):
        mailer = SmtpMailer("127.0.0.1", port, SENDER, starttls=False)
        app = create_app(
            dataclasses.replace(web_wiring, mailer=mailer, public_url="https://privacy.example")
        )
        with TestClient(app, base_url="http://testserver") as client:
            reference = make_request(client, kind="portability", email="Ada@Example.org")
            assert len(inbox.messages) == 1
            message = inbox.messages[0]
            assert inbox.recipients[0] == ["ada@example.org"]
            assert message["From"] == SENDER
            assert message["Subject"] == f"Your code for request {reference}"
            body = message.get_payload(decode=True)
            assert isinstance(body, bytes)
            found = re.search(r"Your code is (\d{6})", body.decode())
            assert found is not None
            assert f"https://privacy.example/requests/{reference}/verify" in body.decode()

            assert enter_code(client, reference, found.group(1)).status_code == 303
            status = client.get(f"/requests/{reference}")
    assert status.status_code == 200
    assert "Take your data elsewhere" in status.text
    assert "Tuesday 29 December 2026" in status.text
