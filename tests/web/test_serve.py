"""``steward serve`` and the app built from settings: a bad setting is one message, exit 2,
before anything listens; good settings give the deployment's privacy centre."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from steward.bootstrap import load_settings, web_app
from steward.cli.main import build_app, execute

MANIFEST = Path(__file__).resolve().parents[2] / "examples" / "outserve" / "fixed"


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = execute(build_app(args), args)
    return code, capsys.readouterr().err


def test_serve_refuses_an_unmigrated_database_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("STEWARD_DATA_DIR", str(tmp_path / "data"))
    code, err = _run(["serve", "--port", "1"], capsys)
    assert code == 2
    assert "Traceback" not in err
    assert "steward db upgrade" in err


def test_the_app_from_settings_serves_the_organisations_privacy_centre(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("STEWARD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("STEWARD_MANIFEST", str(MANIFEST))
    assert _run(["db", "upgrade"], capsys)[0] == 0
    assert _run(["keys", "init"], capsys)[0] == 0
    app = web_app(load_settings())
    with TestClient(app) as client:
        page = client.get("/")
    assert page.status_code == 200
    assert "Outserve" in page.text
    wiring = app.state.wiring
    assert wiring.manifest is not None and wiring.purposes is not None
    assert wiring.mailer is None  # no mail server configured
    assert len(wiring.secret) == 32
