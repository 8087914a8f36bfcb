"""`steward notice publish` and `steward api-key`: thin commands over the privacy centre's
services, run as a person types them (SQLite through the settings)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from steward.bootstrap import load_settings, open_store, web_app
from steward.cli.main import build_app, execute
from steward.services.notice_versions import NoticeKind, history
from tests.web.centre.support import OUTSERVE

UNFIXED = OUTSERVE.parent


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = execute(build_app(args), args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def deployment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Path:
    monkeypatch.setenv("STEWARD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("STEWARD_MANIFEST", str(OUTSERVE))
    assert _run(["db", "upgrade"], capsys)[0] == 0
    assert _run(["keys", "init"], capsys)[0] == 0
    return tmp_path


def _numbers() -> dict[NoticeKind, list[int]]:
    store = open_store(load_settings())
    try:
        with store.unit_of_work(actor="test", reads_only=True) as uow:
            return {k: [v.number for v in found] for k, found in history(uow).items()}
    finally:
        store.engine.dispose()


def test_publish_records_each_notice_once(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(["notice", "publish"], capsys)
    assert code == 0
    assert "Privacy notice: recorded version 1" in out
    assert "Cookie notice: recorded version 1" in out
    code, out, _ = _run(["notice", "publish"], capsys)
    assert code == 0
    assert "Privacy notice: unchanged, still version 1" in out
    assert _numbers() == {NoticeKind.PRIVACY: [1], NoticeKind.COOKIE: [1]}


def test_the_served_app_finds_the_published_versions(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _run(["notice", "publish"], capsys)
    with TestClient(web_app(load_settings())) as client:
        assert "Version 1 of this privacy notice" in client.get("/privacy").text
    assert _numbers() == {NoticeKind.PRIVACY: [1], NoticeKind.COOKIE: [1]}


def test_publish_refuses_a_manifest_lint_finds_errors_in(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(["notice", "publish", str(UNFIXED)], capsys)
    assert code == 2
    assert "lint reports" in err and "Traceback" not in err
    assert _numbers() == {NoticeKind.PRIVACY: [], NoticeKind.COOKIE: []}


def test_publish_without_a_manifest_names_the_setting(
    deployment: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("STEWARD_MANIFEST")
    code, _, err = _run(["notice", "publish"], capsys)
    assert code == 2
    assert "STEWARD_MANIFEST" in err


def test_a_key_is_printed_once_and_works_until_revoked(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(["api-key", "create", "website-signup"], capsys)
    assert code == 0
    key = out.strip()
    assert key.startswith("stk_")
    assert "shown only now" in err
    code, out, _ = _run(["api-key", "list"], capsys)
    assert "website-signup" in out and "active" in out and key not in out
    event = {
        "event_id": "e-1",
        "email": "ada@example.org",
        "kind": "unsubscribed",
        "purpose": "contact_marketing",
        "channel": "email",
        "source": "web-form",
        "occurred_at": "2026-12-01T10:00:00+00:00",
    }
    with TestClient(web_app(load_settings())) as client:
        headers = {"authorization": f"Bearer {key}"}
        assert client.post("/api/consent/events", json=event, headers=headers).status_code == 200
        assert _run(["api-key", "revoke", "website-signup"], capsys)[0] == 0
        assert client.post("/api/consent/events", json=event, headers=headers).status_code == 401
    assert "revoked" in _run(["api-key", "list"], capsys)[1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["api-key", "create", "Bad Name"], "is not a key name"),
        (["api-key", "revoke", "nobody"], "no key called 'nobody'"),
    ],
)
def test_a_bad_key_command_is_one_message_and_exit_2(
    deployment: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, _, err = _run(args, capsys)
    assert code == 2
    assert message in err and "Traceback" not in err


def test_a_second_key_with_the_same_name_is_refused(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _run(["api-key", "create", "shop"], capsys)
    code, out, err = _run(["api-key", "create", "shop"], capsys)
    assert code == 2
    assert out == ""
    assert "already exists" in err
