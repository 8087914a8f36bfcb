"""`make demo`'s web part, prepared as the Makefile runs it: the notices published, a demo
privacy lead who can sign in with the password and a code from the printed authenticator key,
and the privacy centre and banner served from the same store."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pyotp
import pytest
from fastapi.testclient import TestClient

from examples.outserve.demo_web import main
from steward.bootstrap import load_settings, open_store, web_app
from steward.services import staff

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def in_root(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.chdir(ROOT)
    yield
    for name in [n for n in os.environ if n.startswith("STEWARD_")]:
        monkeypatch.delenv(name, raising=False)


def test_the_web_demo_prints_a_staff_account_that_signs_in(
    in_root: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--data", str(tmp_path / "steward"), "--no-serve"]) == 0
    printed = capsys.readouterr().out
    password = re.search(r"password:\s+(\S+)", printed)
    secret = re.search(r"authenticator key:\s+(\S+)", printed)
    assert password and secret and "Staff console:" in printed
    store = open_store(load_settings())
    try:
        now = datetime.now(UTC)
        signed = staff.login(
            store, "demo-lead", password.group(1), pyotp.TOTP(secret.group(1)).at(now),
            "127.0.0.1", now,
        )  # fmt: skip
        assert signed.signed_in.role.value == "privacy_lead"
    finally:
        store.engine.dispose()
    with TestClient(web_app(load_settings())) as client:
        assert "Outserve" in client.get("/privacy").text
        assert client.get("/banner.js").status_code == 200
