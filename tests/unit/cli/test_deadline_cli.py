"""``steward deadline`` prints the due date alone on its line; mistakes exit 2 with a hint."""

import shutil
from pathlib import Path

import pytest
import typer

from steward.cli.deadline_commands import register
from steward.cli.main import execute

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "outserve"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    app = typer.Typer()
    register(app)

    @app.callback()
    def _root() -> None:
        """Keep `deadline` a named sub-command, as in the real `steward` app."""

    code = execute(app, args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_prints_the_due_date_alone_on_its_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["deadline", "2026-03-03"], capsys)[:2] == (0, "2026-04-07\n")


@pytest.mark.parametrize(
    ("args", "due"),
    [
        (["2026-05-15", "--nation", "scotland"], "2026-06-16"),
        (["2026-06-12", "--nation", "northern-ireland"], "2026-07-14"),
        (["2026-11-30", "--extended"], "2027-03-01"),
        (["2026-03-02", "--id-received", "2026-03-20"], "2026-04-20"),
        (["2026-02-03", "--fee-paid", "2026-02-27"], "2026-03-27"),
        (
            [
                "2026-09-01",
                "--clarification",
                "2026-09-04:2026-09-10",
                "--clarification",
                "2026-09-20:2026-09-21",
            ],
            "2026-10-12",
        ),
        (["2026-09-01", "--clarification", "2026-09-04:2026-09-10", "--extended"], "2026-12-08"),
    ],
)
def test_options_follow_the_rules(
    args: list[str], due: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["deadline", *args], capsys)
    assert (code, out.splitlines()[0]) == (0, due)


def test_explain_adds_each_step(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["deadline", "2026-03-03", "--explain"], capsys)
    lines = out.splitlines()
    assert (code, lines[0]) == (0, "2026-04-07")
    assert "  - clock starts 2026-03-03: request received; the start day counts as day one" in lines
    assert any("Good Friday" in line for line in lines)
    assert any("Easter Monday" in line for line in lines)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["2026-02-30"], "RECEIVED: '2026-02-30' is not a calendar date"),
        (["03/03/2026"], "RECEIVED: '03/03/2026' is not a date in the form YYYY-MM-DD"),
        (["2026-03-03", "--nation", "cornwall"], "--nation: unknown nation 'cornwall'"),
        (["2026-03-03", "--id-received", "2026-03-01"], "id_received 2026-03-01 is before"),
        (["2026-03-03", "--fee-paid", "tomorrow"], "--fee-paid: 'tomorrow' is not a date"),
        (["2026-03-03", "--clarification", "2026-03-05"], "is not ASKED:ANSWERED"),
        (["2026-03-03", "--clarification", "2026-03-09:2026-03-05"], "answered 2026-03-05 before"),
    ],
)
def test_mistakes_exit_2_with_a_clear_message(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["deadline", *args], capsys)
    assert (code, out) == (2, "")
    assert message in err
    assert "hint:" in err


def test_unknown_nation_lists_the_valid_nations(capsys: pytest.CaptureFixture[str]) -> None:
    err = run(["deadline", "2026-03-03", "--nation", "cornwall"], capsys)[2]
    assert "england, wales, scotland, northern-ireland" in err


def test_manifest_nation_is_the_default(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    manifest = tmp_path / "outserve"
    shutil.copytree(EXAMPLE, manifest, ignore=shutil.ignore_patterns("fixed"))
    organisation = manifest / "organisation.yaml"
    text = organisation.read_text()
    assert "nation: england" in text
    organisation.write_text(text.replace("nation: england", "nation: scotland"))
    assert run(["deadline", "2026-05-15", "--manifest", str(manifest)], capsys)[1] == "2026-06-16\n"
    flag_wins = ["deadline", "2026-05-15", "--manifest", str(manifest), "--nation", "england"]
    assert run(flag_wins, capsys)[1] == "2026-06-15\n"


def test_missing_manifest_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["deadline", "2026-03-03", "--manifest", str(tmp_path / "none")], capsys)
    assert code == 2
    assert err
