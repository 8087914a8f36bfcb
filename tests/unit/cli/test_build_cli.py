"""``steward build PATH --out DIR`` writes every output and says what it wrote."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
import typer

from steward.cli.build_commands import register
from steward.cli.main import execute

OUTSERVE = Path(__file__).resolve().parents[3] / "examples" / "outserve"
FIXED = OUTSERVE / "fixed"
ON = "2026-11-26"


def app() -> typer.Typer:
    application = typer.Typer()
    register(application)

    @application.callback()
    def root() -> None:
        """Test root, so 'build' is a subcommand as in the real CLI."""

    return application


def test_build_writes_the_outputs_and_lists_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "site"
    assert execute(app(), ["build", str(FIXED), "--out", str(out), "--on", ON]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert f"wrote {out / 'privacy-notice.html'}" in printed
    assert len(printed) == len(list(out.iterdir())) == 12
    assert "Draft" not in (out / "privacy-notice.html").read_text()


def test_build_refuses_a_manifest_with_lint_errors_naming_the_count_and_the_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "site"
    assert execute(app(), ["build", str(OUTSERVE), "--out", str(out), "--on", ON]) == 2
    err = capsys.readouterr().err
    assert "lint reports 44 errors in this manifest, so no publishable output was written" in err
    assert f"steward lint {OUTSERVE}" in err
    assert "--draft" in err
    assert not out.exists()


def test_a_draft_build_writes_every_output_each_marked_as_a_draft(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "site"
    code = execute(app(), ["build", str(OUTSERVE), "--out", str(out), "--on", ON, "--draft"])
    assert code == 0
    assert "do not publish" in capsys.readouterr().err
    note = f"built on {ON} with 44 lint errors outstanding"
    for name in ("privacy-notice", "cookie-notice", "data-audit", "promise-matrix"):
        assert f"Draft, not for publication:</strong> {note}" in (out / f"{name}.html").read_text()
        assert f"> **Draft, not for publication:** {note}" in (out / f"{name}.md").read_text()
    assert (out / "ropa.csv").read_text().splitlines()[1] == f'"DRAFT, not for publication: {note}"'
    for name in ("ropa.json", "promise-matrix.json"):
        assert json.loads((out / name).read_text())["draft"] == note
    with zipfile.ZipFile(out / "ropa.xlsx") as workbook:
        assert (
            f"DRAFT, not for publication: {note}"
            in workbook.read("xl/worksheets/sheet1.xml").decode()
        )


def test_build_refuses_an_out_path_that_is_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    taken = tmp_path / "taken.txt"
    taken.write_text("x")
    assert execute(app(), ["build", str(FIXED), "--out", str(taken)]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err


def test_build_of_a_broken_manifest_exits_2_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "manifest.yaml"
    broken.write_text("steward: 1\norganisation: [not, a, mapping]\n")
    assert execute(app(), ["build", str(broken), "--out", str(tmp_path / "out")]) == 2
    assert f"{broken}:2" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
