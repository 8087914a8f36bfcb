"""The `steward` command: its wiring, and `steward schema` for editors."""

import json
import subprocess
import sys

import pytest

from steward.cli.main import build_app, execute


def test_schema_is_json_schema_covering_every_manifest_section(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert execute(build_app(), ["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$schema"].endswith("2020-12/schema")
    assert set(schema["required"]) >= {"organisation", "notice", "purposes"}
    assert set(schema["properties"]) >= {"recipients", "retention", "cookies", "systems", "rights"}
    purpose = schema["$defs"]["Purpose"]
    assert purpose["additionalProperties"] is False
    assert "legitimate_interests" in json.dumps(schema["$defs"]["LawfulBasis"])


def test_schema_output_is_stable(capsys: pytest.CaptureFixture[str]) -> None:
    execute(build_app(), ["schema"])
    first = capsys.readouterr().out
    execute(build_app(), ["schema"])
    assert capsys.readouterr().out == first


def test_deadline_command_is_wired_into_steward(capsys: pytest.CaptureFixture[str]) -> None:
    assert execute(build_app(), ["deadline", "2026-03-03"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "2026-04-07"


def test_every_command_group_is_wired_into_steward() -> None:
    app = build_app()
    names = {c.name for c in app.registered_commands} | {g.name for g in app.registered_groups}
    assert names >= {
        "schema",
        "build",
        "lint",
        "deadline",
        "db",
        "keys",
        "audit",
        "marketing",
        "mailchimp",
    }


def test_a_manifest_command_does_not_load_the_database_layer() -> None:
    probe = (
        "import sys; from steward.cli.main import build_app; build_app(['lint', 'x']); "
        "print(sorted(m for m in ('sqlalchemy', 'httpx', 'alembic') if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "[]"


def test_only_the_named_command_is_registered_but_help_lists_all() -> None:
    assert [c.name for c in build_app(["deadline", "2026-03-03"]).registered_commands] == [
        "deadline"
    ]
    assert len(build_app(["--help"]).registered_commands) >= 4
