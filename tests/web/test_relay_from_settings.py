"""The relay as a deployment gets it: the app built from STEWARD_* settings forwards a form
from the manifest's website to STEWARD_RELAY_INBOX through the configured mail server."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from steward.bootstrap import load_settings, web_app
from steward.cli.main import build_app, execute
from tests.integration.holds.smtp_server import smtp_server
from tests.web.relay_support import FORM

MANIFEST = Path(__file__).resolve().parents[2] / "examples" / "outserve" / "fixed"


def test_the_app_from_settings_relays_a_form_from_the_manifests_website(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("STEWARD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("STEWARD_MANIFEST", str(MANIFEST))
    for args in (["db", "upgrade"], ["keys", "init"]):
        assert execute(build_app(args), args) == 0
    with smtp_server() as (inbox, port):
        monkeypatch.setenv("STEWARD_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("STEWARD_SMTP_PORT", str(port))
        monkeypatch.setenv("STEWARD_SMTP_STARTTLS", "false")
        monkeypatch.setenv("STEWARD_MAIL_FROM", "steward@outserve.example")
        monkeypatch.setenv("STEWARD_RELAY_INBOX", "info@outserve.example")
        with TestClient(web_app(load_settings())) as client:
            sent = client.post(
                "/relay/contact", data=FORM, headers={"origin": "https://www.outserve.co.uk"}
            )
            elsewhere = client.post(
                "/relay/contact", data=FORM, headers={"origin": "https://outserve.example"}
            )
    assert sent.status_code == 200
    assert "Outserve Limited" in sent.text
    assert elsewhere.status_code == 403
    assert inbox.recipients == [["info@outserve.example"]]
    assert inbox.messages[0]["From"] == "steward@outserve.example"
