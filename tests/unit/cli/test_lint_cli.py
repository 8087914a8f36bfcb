"""``steward lint``: what a person (or GitHub code scanning) sees, and the exit status."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer

from steward.cli.lint_commands import register
from steward.cli.main import execute

REPO = Path(__file__).resolve().parents[3]
SEED = REPO / "examples" / "outserve"
FIXED = SEED / "fixed"


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def root() -> None:
        """Test root, so commands are called by name as in the real CLI."""

    register(app)
    return app


def _line_of(file: Path, fragment: str) -> int:
    return next(n for n, line in enumerate(file.read_text().splitlines(), 1) if fragment in line)


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = execute(_app(), ["lint", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_seed_declaration_reports_privacy_shield_and_eu_gdpr_at_their_lines_and_exits_1(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    code, out, _ = _run(capsys, "examples/outserve", "--on", "2026-11-26")
    organisation = SEED / "organisation.yaml"
    recipients = SEED / "recipients.yaml"
    shield_text = _line_of(organisation, "Privacy Shield certified")
    eu_gdpr_text = _line_of(organisation, "permitted by the EU")
    shield_mechanism = _line_of(recipients, "eu_us_privacy_shield")
    assert code == 1
    assert f"examples/outserve/organisation.yaml:{shield_text}:" in out
    assert any(
        line.startswith(f"examples/outserve/organisation.yaml:{shield_text}:") and "ST181" in line
        for line in out.splitlines()
    )
    assert any(
        line.startswith(f"examples/outserve/organisation.yaml:{eu_gdpr_text}:") and "ST180" in line
        for line in out.splitlines()
    )
    assert any(
        line.startswith(f"examples/outserve/recipients.yaml:{shield_mechanism}:")
        and "ST131" in line
        and "Privacy Shield" in line
        for line in out.splitlines()
    )


def test_fixed_declaration_lints_clean_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, str(FIXED), "--on", "2026-11-26")
    assert code == 0, out
    assert out.strip().endswith("0 errors, 0 warnings, 0 infos (law applied as at 2026-11-26)")


def test_bad_on_date_exits_2_with_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, str(FIXED), "--on", "2026-02-30")
    assert code == 2
    assert "--on: '2026-02-30' is not a date" in err
    assert "YYYY-MM-DD" in err
    assert out == ""


def test_missing_manifest_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = _run(capsys, str(tmp_path / "absent"), "--on", "2026-11-26")
    assert code == 2
    assert "no such file or folder" in err


def test_json_output_lists_each_finding_with_location_and_rule(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = _run(capsys, str(SEED), "--on", "2026-11-26", "--format", "json")
    document = json.loads(out)
    assert code == 1
    assert document["on"] == "2026-11-26"
    assert document["summary"]["error"] == sum(
        1 for f in document["findings"] if f["severity"] == "error"
    )
    shield = [f for f in document["findings"] if f["rule"] == "ST181"]
    assert shield and shield[0]["file"].endswith("organisation.yaml")
    assert set(shield[0]) >= {"line", "column", "field", "message", "fix", "citation", "covers"}
    assert "SEED-03" in shield[0]["covers"]


def test_findings_are_sorted_by_file_line_and_rule(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _run(capsys, str(SEED), "--on", "2026-11-26", "--format", "json")
    findings = json.loads(out)["findings"]
    keys = [(f["file"], f["line"], f["rule"]) for f in findings]
    assert keys == sorted(keys)


@pytest.mark.parametrize(("on", "expected"), [("2023-10-11", 1), ("2023-10-12", 0)])
def test_on_date_decides_whether_a_uk_extension_transfer_is_lawful(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, on: str, expected: int
) -> None:
    from tests.unit.lint.conftest import base, write
    from tests.unit.lint.mutations import DPF, recipient

    document = base()
    recipient("US", DPF)(document)
    write(tmp_path, document)
    _, out, _ = _run(capsys, str(tmp_path / "manifest.yaml"), "--on", on, "--format", "json")
    transfers = [f for f in json.loads(out)["findings"] if f["rule"] == "ST130"]
    assert len(transfers) == expected


def test_same_date_gives_identical_output(capsys: pytest.CaptureFixture[str]) -> None:
    first = _run(capsys, str(SEED), "--on", "2026-11-26", "--format", "sarif")
    second = _run(capsys, str(SEED), "--on", "2026-11-26", "--format", "sarif")
    assert first == second


def test_a_date_before_uk_gdpr_is_refused_with_the_reason_and_exit_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = _run(capsys, str(SEED), "--on", "2020-06-01")
    assert code == 2
    assert out == ""
    assert "--on: 2020-06-01 is before UK GDPR transfer rules applied" in err
    assert "use a date on or after 2021-01-01" in err
    assert "Traceback" not in err
