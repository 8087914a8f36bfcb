"""``steward build PATH --out DIR`` writes every output and says what it wrote."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

from steward.cli.build_commands import register
from steward.cli.main import execute

OUTSERVE = Path(__file__).resolve().parents[3] / "examples" / "outserve"


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
    assert execute(app(), ["build", str(OUTSERVE), "--out", str(out)]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert f"wrote {out / 'privacy-notice.html'}" in printed
    assert len(printed) == len(list(out.iterdir())) == 12


def test_build_refuses_an_out_path_that_is_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    taken = tmp_path / "taken.txt"
    taken.write_text("x")
    assert execute(app(), ["build", str(OUTSERVE), "--out", str(taken)]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err


def test_build_of_a_broken_manifest_exits_2_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "manifest.yaml"
    broken.write_text("steward: 1\norganisation: [not, a, mapping]\n")
    assert execute(app(), ["build", str(broken), "--out", str(tmp_path / "out")]) == 2
    assert f"{broken}:2" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
