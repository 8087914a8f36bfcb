"""`steward marketing ...` as an operator runs it: import, filter, headers, unsubscribe."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
import typer

from steward.cli.main import execute
from steward.cli.marketing_commands import register
from steward.store.keyfile import create_key_file

HEADER = (
    "email,source,obtained_from,obtained_on,basis,legal_form,"
    "consent_wording,consent_version,consent_where,consent_at,consent_names_us"
)
ANN = (
    "ann@example.org,form,directly,2025-01-10,consent,individual,"
    "Outserve news,v3,/signup,2025-01-10,yes"
)
BOUGHT = (
    "cat@example.org,broker,bought_list,2025-02-01,consent,individual,Offers,v1,/x,2025-02-01,yes"
)
MANIFEST = Path(__file__).resolve().parents[3] / "examples" / "outserve" / "fixed"
ENDPOINTS = [
    "--base-url",
    "https://privacy.outserve.example",
    "--mailbox",
    "unsubscribe@outserve.example",
]


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


def write(tmp_path: Path, *lines: str) -> str:
    path = tmp_path / "list.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_import_reports_what_it_recorded(
    cli: typer.Typer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        execute(
            cli,
            ["marketing", "import", write(tmp_path, HEADER, ANN), "--purpose", "contact_marketing"],
        )
        == 0
    )
    assert "recorded 1, already recorded 0, skipped 0" in capsys.readouterr().out


def test_import_of_a_list_with_a_bought_row_fails_with_the_line_and_exit_2(
    cli: typer.Typer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = execute(
        cli,
        [
            "marketing",
            "import",
            write(tmp_path, HEADER, ANN, BOUGHT),
            "--purpose",
            "contact_marketing",
        ],
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "line 3, obtained_from" in err and "never use bought lists" in err


def test_import_with_skip_invalid_reports_the_skipped_rows(
    cli: typer.Typer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        execute(
            cli,
            [
                "marketing",
                "import",
                write(tmp_path, HEADER, ANN, BOUGHT),
                "--purpose",
                "contact_marketing",
                "--skip-invalid",
            ],
        )
        == 0
    )
    captured = capsys.readouterr()
    assert "recorded 1, already recorded 0, skipped 1" in captured.out
    assert "skipped line 3" in captured.err


def test_filter_writes_allowed_and_excluded_files(
    cli: typer.Typer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    execute(
        cli, ["marketing", "import", write(tmp_path, HEADER, ANN), "--purpose", "contact_marketing"]
    )
    send_list = write(tmp_path, "email", "ann@example.org", "gus@example.org")
    out = tmp_path / "out"
    assert (
        execute(
            cli,
            [
                "marketing",
                "filter",
                send_list,
                "--purpose",
                "contact_marketing",
                "--channel",
                "email",
                "--out",
                str(out),
                "--on",
                "2025-06-01",
            ],
        )
        == 0
    )
    assert "read 2: 1 allowed" in capsys.readouterr().out
    with (out / "excluded.csv").open(newline="") as handle:
        (gus,) = list(csv.DictReader(handle))
    assert (gus["email"], gus["route"]) == ("gus@example.org", "no_basis")


def test_headers_print_one_click_unsubscribe_for_a_known_person(
    cli: typer.Typer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    execute(
        cli, ["marketing", "import", write(tmp_path, HEADER, ANN), "--purpose", "contact_marketing"]
    )
    capsys.readouterr()
    assert (
        execute(
            cli,
            [
                "marketing",
                "headers",
                "ann@example.org",
                "--purpose",
                "contact_marketing",
                *ENDPOINTS,
            ],
        )
        == 0
    )
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("List-Unsubscribe: <https://privacy.outserve.example/u/u1.")
    assert "<mailto:unsubscribe@outserve.example?subject=unsubscribe-u1." in lines[0]
    assert lines[1] == "List-Unsubscribe-Post: List-Unsubscribe=One-Click"


def test_headers_for_an_unknown_address_fail_with_exit_2(
    cli: typer.Typer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        execute(
            cli,
            [
                "marketing",
                "headers",
                "nobody@example.org",
                "--purpose",
                "contact_marketing",
                *ENDPOINTS,
            ],
        )
        == 2
    )
    assert "no person with that address" in capsys.readouterr().err


def test_staff_record_an_emailed_unsubscribe_once(
    cli: typer.Typer, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [
        "marketing",
        "unsubscribe",
        "ann@example.org",
        "--received",
        "2025-11-20",
        "--via",
        "email",
    ]
    assert execute(cli, args) == 0
    assert "recorded objected for direct_marketing on email" in capsys.readouterr().out
    assert execute(cli, args) == 0
    assert "nothing more to record" in capsys.readouterr().out


def test_a_malformed_received_date_fails_with_exit_2(
    cli: typer.Typer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        execute(cli, ["marketing", "unsubscribe", "ann@example.org", "--received", "20/11/2025"])
        == 2
    )
    assert "--received" in capsys.readouterr().err
