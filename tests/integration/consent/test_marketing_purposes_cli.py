"""`steward marketing ...` only records and decides for purposes the manifest declares, reads
its unsubscribe endpoints from settings, and the ledger refuses an event from the future."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import typer
from sqlalchemy import func, select

from steward.cli.main import execute
from steward.cli.marketing_commands import register
from steward.consent.events import CLOCK_ALLOWANCE, ConsentEvent, ConsentEventKind
from steward.errors import InvalidInput
from steward.store import ledger
from steward.store.database import Store
from steward.store.keyfile import create_key_file
from steward.store.tables import consent_events

MANIFEST = Path(__file__).resolve().parents[3] / "examples" / "outserve" / "fixed"
HEADER = (
    "email,source,obtained_from,obtained_on,basis,legal_form,"
    "consent_wording,consent_version,consent_where,consent_at,consent_names_us"
)
ANN = (
    "ann@example.org,form,directly,2025-01-10,consent,individual,"
    "Outserve news,v3,/signup,2025-01-10,yes"
)


@pytest.fixture
def cli(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> typer.Typer:
    key_file = tmp_path / "keys" / "keys.json"
    create_key_file(key_file, now=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    monkeypatch.setenv("STEWARD_DATABASE_URL", database_url)
    monkeypatch.setenv("STEWARD_KEY_FILE", str(key_file))
    monkeypatch.setenv("STEWARD_MANIFEST", str(MANIFEST))
    app = typer.Typer()
    register(app)
    return app


def a_list(tmp_path: Path) -> str:
    path = tmp_path / "list.csv"
    path.write_text(f"{HEADER}\n{ANN}\n", encoding="utf-8")
    return str(path)


def test_a_mistyped_purpose_is_refused_with_the_nearest_and_exit_2(
    cli: typer.Typer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = execute(cli, ["marketing", "import", a_list(tmp_path), "--purpose", "contact_marketng"])
    err = capsys.readouterr().err
    assert code == 2 and "did you mean 'contact_marketing'" in err


def test_a_purpose_that_is_not_marketing_is_refused_by_filter(
    cli: typer.Typer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = execute(
        cli,
        ["marketing", "filter", a_list(tmp_path), "--purpose", "cctv", "--out", str(tmp_path)],
    )
    assert code == 2 and "not a marketing purpose" in capsys.readouterr().err
    assert not (tmp_path / "allowed.csv").exists()


def test_an_unsubscribe_for_an_undeclared_purpose_records_nothing(
    cli: typer.Typer, committed_store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    store = committed_store
    code = execute(
        cli,
        [
            "marketing",
            "unsubscribe",
            "ann@example.org",
            "--received",
            "2026-11-20",
            "--purpose",
            "newsletter",
        ],
    )
    assert code == 2 and "not a purpose declared" in capsys.readouterr().err
    with store.unit_of_work(actor="test", reads_only=True) as uow:
        count = uow.connection.execute(select(func.count()).select_from(consent_events))
        assert count.scalar_one() == 0


def test_without_a_manifest_a_purpose_command_says_to_set_steward_manifest(
    cli: typer.Typer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("STEWARD_MANIFEST")
    code = execute(cli, ["marketing", "import", a_list(tmp_path), "--purpose", "contact_marketing"])
    assert code == 2 and "STEWARD_MANIFEST" in capsys.readouterr().err


def test_an_objection_needs_no_manifest(
    cli: typer.Typer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("STEWARD_MANIFEST")
    code = execute(cli, ["marketing", "unsubscribe", "ann@example.org", "--received", "2026-11-20"])
    assert code == 0 and "recorded objected" in capsys.readouterr().out


def test_headers_read_their_endpoints_from_settings(
    cli: typer.Typer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    execute(cli, ["marketing", "import", a_list(tmp_path), "--purpose", "contact_marketing"])
    monkeypatch.setenv("STEWARD_UNSUBSCRIBE_BASE_URL", "https://privacy.outserve.example")
    monkeypatch.setenv("STEWARD_UNSUBSCRIBE_MAILBOX", "unsubscribe@outserve.example")
    capsys.readouterr()
    code = execute(
        cli, ["marketing", "headers", "ann@example.org", "--purpose", "contact_marketing"]
    )
    out = capsys.readouterr().out
    assert code == 0 and "<https://privacy.outserve.example/u/u1." in out


def test_headers_without_endpoints_name_the_setting(
    cli: typer.Typer, capsys: pytest.CaptureFixture[str]
) -> None:
    code = execute(
        cli, ["marketing", "headers", "ann@example.org", "--purpose", "contact_marketing"]
    )
    assert code == 2 and "STEWARD_UNSUBSCRIBE_BASE_URL" in capsys.readouterr().err


def test_the_ledger_refuses_an_event_that_happened_after_it_was_received(store: Store) -> None:
    with store.unit_of_work(actor="test") as uow:
        person = ledger.ensure_person(uow, email="ann@example.org")
        received = store.clock()
        with pytest.raises(InvalidInput) as refused:
            ledger.record(
                uow,
                ConsentEvent(
                    event_id="from-the-future",
                    person=person,
                    kind=ConsentEventKind.GIVEN,
                    purpose="contact_marketing",
                    channel="email",
                    source="web-form",
                    wording="Send me Outserve news",
                    wording_version="v3",
                    occurred_at=received + CLOCK_ALLOWANCE + dt.timedelta(minutes=1),
                ),
            )
        assert refused.value.where == "occurred_at"
        count = uow.connection.execute(select(func.count()).select_from(consent_events))
        assert count.scalar_one() == 0
