"""``steward init DIR``: a starter manifest that loads, and whose lint lists what remains."""

from __future__ import annotations

import datetime as dt
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
import typer

from steward.cli.init_commands import register
from steward.cli.main import execute
from steward.lint import Severity, lint
from steward.manifest.load import load
from steward.notice.build import ManifestNotPublishable, publishable_outputs

ANSWERS = [
    "--name",
    'Acme: "Best" Ltd',
    "--email",
    "privacy@acme.example",
    "--address",
    "1 High Street, Exampleton",
    "--postcode",
    "EX1 1AA",
    "--company-number",
    "01234567",
    "--ico",
    "ZA123456",
]


def app() -> typer.Typer:
    application = typer.Typer()
    register(application)

    @application.callback()
    def root() -> None:
        """Test root, so 'init' is a subcommand as in the real CLI."""

    return application


def test_init_writes_a_starter_that_loads_with_the_answers_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "manifest"
    assert execute(app(), ["init", str(target), *ANSWERS, "--staff"]) == 0
    assert f"steward lint {target}" in capsys.readouterr().out
    m = load(target).manifest
    assert m.organisation.name == 'Acme: "Best" Ltd'
    assert m.organisation.registered_address.lines == ("1 High Street", "Exampleton")
    assert str(m.organisation.privacy_contact.email) == "privacy@acme.example"
    assert [p.id for p in m.purposes] == ["service_delivery", "employment"]
    assert m.notice.last_updated == dt.date.today()


def test_the_starters_lint_lists_what_remains_and_build_refuses_to_publish_it(
    tmp_path: Path,
) -> None:
    target = tmp_path / "manifest"
    assert execute(app(), ["init", str(target), *ANSWERS, "--marketing"]) == 0
    loaded = load(target)
    report = lint(loaded, dt.date(2026, 12, 3))
    errors = [f for f in report.findings if f.severity is Severity.error]
    missing = {field for f in errors for field in f.fields}
    for i in range(len(loaded.manifest.purposes)):
        assert f"purposes[{i}].lawful_basis" in missing
    assert "data_categories[0]" in missing
    assert all(Path(place.file).parent == target for f in report.findings for place in f.places)
    with pytest.raises(ManifestNotPublishable):
        publishable_outputs(loaded, dt.date(2026, 12, 3))


def test_init_never_writes_over_an_existing_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "keep.yaml").write_text("mine")
    assert execute(app(), ["init", str(tmp_path / "taken"), *ANSWERS]) == 2
    assert "already exists and is not an empty folder" in capsys.readouterr().err
    assert (tmp_path / "taken" / "keep.yaml").read_text() == "mine"


def test_bad_answers_are_named_by_their_flag_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = [*ANSWERS]
    answers[answers.index("privacy@acme.example")] = "not-an-address"
    target = tmp_path / "manifest"
    assert execute(app(), ["init", str(target), *answers]) == 2
    err = capsys.readouterr().err
    assert "--email: 'not-an-address' is not in the expected form" in err
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_without_a_terminal_a_missing_required_answer_names_its_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert execute(app(), ["init", str(tmp_path / "m"), "--name", "Acme Ltd"]) == 2
    err = capsys.readouterr().err
    assert "--email" in err and "does not run at a terminal" in err


def _read_until(fd: int, text: bytes, seen: bytearray, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while text not in seen:
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"no {text!r} in {bytes(seen)!r}"
        ready, _, _ = select.select([fd], [], [], remaining)
        if ready:
            try:
                seen += os.read(fd, 4096)
            except OSError:
                break


def test_at_a_terminal_init_asks_each_question(tmp_path: Path) -> None:
    """A real pseudo-terminal, as a person would use it."""
    target = tmp_path / "manifest"
    controller, terminal = pty.openpty()
    env = {k: v for k, v in os.environ.items() if not k.startswith("STEWARD_")}
    env.update(TERM="dumb", COLUMNS="200", NO_COLOR="1")
    process = subprocess.Popen(
        [sys.executable, "-c", "from steward.cli.main import run; run()", "init", str(target)],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        env=env,
        close_fds=True,
    )
    os.close(terminal)
    seen = bytearray()
    try:
        for prompt, answer in (
            (b"Organisation name", "Acme Ltd"),
            (b"E-mail address", "privacy@acme.example"),
            (b"Registered address", "1 High Street, Exampleton"),
            (b"Postcode", "EX1 1AA"),
            (b"Companies House number", "01234567"),
            (b"ICO registration number", "ZA123456"),
            (b"Website address", ""),
            (b"customers?", "y"),
            (b"staff?", "n"),
            (b"marketing?", "n"),
        ):
            _read_until(controller, prompt, seen)
            os.write(controller, answer.encode() + b"\r")
        _read_until(controller, b"wrote a starter manifest", seen)
        assert process.wait(timeout=20) == 0
    finally:
        process.kill()
        os.close(controller)
    assert load(target).manifest.organisation.ico_registration == "ZA123456"
