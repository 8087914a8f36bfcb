"""``steward systems check|discover`` as a person runs them: a summary, or errors and exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from sqlalchemy import create_engine, text

from steward.cli.main import execute
from steward.cli.systems_commands import register
from tests.dataset_maps_manifest import write_maps_manifest

SUPPORT_MAP = """\
system: support
collections:
  - name: tickets
    primary_key: [id]
    fields:
      - name: id
      - name: requester_email
        categories: [contact_details]
        identity: email
"""


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def root() -> None:
        """Test root, so commands are called by name as in the real CLI."""

    register(app)
    return app


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = execute(_app(), ["systems", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The manifest, named by STEWARD_MANIFEST, with one map in its datasets/ folder."""
    path = write_maps_manifest(tmp_path / "manifest")
    (tmp_path / "manifest" / "datasets").mkdir()
    (tmp_path / "manifest" / "datasets" / "support.yaml").write_text(SUPPORT_MAP, "utf-8")
    monkeypatch.setenv("STEWARD_MANIFEST", str(path))
    return path


@pytest.fixture
def support_db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'support.sqlite3'}"
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text("CREATE TABLE tickets (id INTEGER PRIMARY KEY, email TEXT, body TEXT)")
        )
    engine.dispose()
    return url


def test_check_prints_what_the_maps_cover(
    capsys: pytest.CaptureFixture[str], manifest: Path
) -> None:
    code, out, _ = _run(capsys, "check")

    assert code == 0
    assert out.strip() == (
        "OK: 1 system (support), 1 collection, 2 fields (1 personal, 1 identifying)"
    )


def test_check_reports_every_problem_with_its_line_and_exits_2(
    capsys: pytest.CaptureFixture[str], manifest: Path
) -> None:
    maps = manifest.parent / "datasets"
    text_ = SUPPORT_MAP.replace("[contact_details]", "[contacts]").replace(
        "system: support", "system: suport"
    )
    (maps / "support.yaml").write_text(text_, "utf-8")

    code, out, err = _run(capsys, "check", str(maps))

    assert code == 2
    assert out == ""
    assert "2 problems in the dataset maps:" in err
    assert f"{maps / 'support.yaml'}:1:9 system: refers to unknown systems id 'suport'" in err
    assert "Traceback" not in err


def test_check_without_a_manifest_says_how_to_name_one(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("STEWARD_MANIFEST", raising=False)

    code, _, err = _run(capsys, "check", str(tmp_path))

    assert code == 2
    assert "STEWARD_MANIFEST" in err
    assert "Traceback" not in err


def test_check_of_a_missing_folder_exits_2(
    capsys: pytest.CaptureFixture[str], manifest: Path, tmp_path: Path
) -> None:
    code, _, err = _run(capsys, "check", str(tmp_path / "nowhere"), "--manifest", str(manifest))

    assert code == 2
    assert "no such folder of dataset maps" in err


def test_discover_drafts_a_map_that_check_accepts(
    capsys: pytest.CaptureFixture[str], manifest: Path, support_db: str
) -> None:
    out_file = manifest.parent / "datasets" / "support.yaml"
    out_file.unlink()

    code, _, err = _run(capsys, "discover", "support", "--url", support_db, "--out", str(out_file))

    assert code == 0
    assert f"drafted 1 table to {out_file}" in err
    assert "review: true" in out_file.read_text("utf-8")
    assert _run(capsys, "check")[0] == 0


def test_discover_prints_the_draft_without_out(
    capsys: pytest.CaptureFixture[str], manifest: Path, support_db: str
) -> None:
    code, out, _ = _run(capsys, "discover", "support", "--url", support_db)

    assert code == 0
    assert out.startswith("# Dataset map of system 'support'")


def test_discover_never_overwrites_a_map(
    capsys: pytest.CaptureFixture[str], manifest: Path, support_db: str
) -> None:
    existing = manifest.parent / "datasets" / "support.yaml"

    code, _, err = _run(capsys, "discover", "support", "--url", support_db, "--out", str(existing))

    assert code == 2
    assert "--out: " in err
    assert existing.read_text("utf-8") == SUPPORT_MAP


def test_discover_of_an_unknown_system_exits_2_with_a_suggestion(
    capsys: pytest.CaptureFixture[str], manifest: Path, support_db: str
) -> None:
    code, _, err = _run(capsys, "discover", "suport", "--url", support_db)

    assert code == 2
    assert "did you mean 'support'?" in err
    assert "Traceback" not in err


def test_discover_of_an_unreachable_database_names_the_system_not_the_password(
    capsys: pytest.CaptureFixture[str], manifest: Path
) -> None:
    url = "postgresql+psycopg://steward:s3cret-pw@127.0.0.1:1/crm"

    code, _, err = _run(capsys, "discover", "crm", "--url", url)

    assert code == 2
    assert "system crm" in err
    assert "s3cret-pw" not in err
