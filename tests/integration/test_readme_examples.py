"""The README's "Using it" commands run exactly as printed, one by one, in a fresh folder.

Each line of the block is run by ``bash`` with a data folder of its own, after ``export`` lines
set their variables (as a shell would for the lines after them). Only what a reader supplies is
made first: the ``examples/`` folder, the ``list.csv`` the README describes, and the Mailchimp
settings of docs/connectors.md, pointed at the local contract server (a real HTTP server on
127.0.0.1 that speaks Mailchimp's API), since the examples must not reach the network. Linting the
seed declaration exits 1 by design (it finds the seed's errors); every other line exits 0.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.connectors.mailchimp_server import running_mailchimp

ROOT = Path(__file__).resolve().parents[2]
API_KEY = "0123456789abcdef0123456789abcdef-us21"
LIST_ID = "a1b2c3d4e5"
SEED_LINT = "steward lint examples/outserve "
"""Lines that lint the seed declaration, which has errors on purpose: exit 1."""


def using_it() -> list[str]:
    """The lines of the first ``sh`` block under "## Using it"."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Using it", 1)[1].split("\n## ", 1)[0]
    match = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert match, "README.md has no ```sh block under 'Using it'"
    return [line for line in match.group(1).splitlines() if line.strip()]


def list_csv() -> str:
    """The list the README shows, from its ```text block."""
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## Using it", 1)[1]
    match = re.search(r"```text\n(.*?)```", section, re.DOTALL)
    assert match
    return match.group(1)


@pytest.fixture
def mailchimp_env() -> Iterator[dict[str, str]]:
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with running_mailchimp(API_KEY, (LIST_ID,), start) as server:
        yield {
            "STEWARD_MAILCHIMP_API_KEY": API_KEY,
            "STEWARD_MAILCHIMP_LIST_ID": LIST_ID,
            "STEWARD_MAILCHIMP_BASE_URL": server.base_url,
            "STEWARD_MAILCHIMP_PURPOSE": "contact_marketing",
            "STEWARD_MAILCHIMP_BATCH_POLL_SECONDS": "0",
        }


@pytest.mark.slow
def test_every_command_in_using_it_runs_as_printed(
    tmp_path: Path, mailchimp_env: dict[str, str]
) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    (tmp_path / "list.csv").write_text(list_csv(), encoding="utf-8")
    env = {name: value for name, value in os.environ.items() if not name.startswith("STEWARD_")}
    env |= mailchimp_env | {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        "PYTHONPATH": str(ROOT),
        "STEWARD_DATA_DIR": str(tmp_path / "steward-data"),
    }
    outcomes = []
    for line in using_it():
        if line.startswith("export "):
            env |= dict(word.split("=", 1) for word in shlex.split(line, comments=True)[1:])
            continue
        done = subprocess.run(
            ["bash", "-c", line],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        expected = 1 if line.startswith(SEED_LINT) else 0
        outcomes.append((line.split("  #")[0].strip(), done.returncode, expected, done.stderr))
    failed = [(line, code, err) for line, code, expected, err in outcomes if code != expected]
    assert not failed, failed
    assert "Traceback" not in "".join(err for *_, err in outcomes)
    with (tmp_path / "campaign" / "allowed.csv").open(encoding="utf-8") as allowed:
        assert allowed.readline().rstrip().endswith("route,List-Unsubscribe,List-Unsubscribe-Post")
