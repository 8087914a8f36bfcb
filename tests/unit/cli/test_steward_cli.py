"""`steward schema` prints the manifest's JSON Schema for editors."""

import json

import pytest

from steward.cli.main import app, execute


def test_schema_is_json_schema_covering_every_manifest_section(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert execute(app, ["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$schema"].endswith("2020-12/schema")
    assert set(schema["required"]) >= {"organisation", "notice", "purposes"}
    assert set(schema["properties"]) >= {"recipients", "retention", "cookies", "systems", "rights"}
    purpose = schema["$defs"]["Purpose"]
    assert purpose["additionalProperties"] is False
    assert "legitimate_interests" in json.dumps(schema["$defs"]["LawfulBasis"])


def test_schema_output_is_stable(capsys: pytest.CaptureFixture[str]) -> None:
    execute(app, ["schema"])
    first = capsys.readouterr().out
    execute(app, ["schema"])
    assert capsys.readouterr().out == first


def test_deadline_command_is_wired_into_steward(capsys: pytest.CaptureFixture[str]) -> None:
    assert execute(app, ["deadline", "2026-03-03"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "2026-04-07"


def test_every_command_group_is_wired_into_steward() -> None:
    names = {c.name for c in app.registered_commands} | {g.name for g in app.registered_groups}
    assert names >= {
        "schema", "build", "lint", "deadline", "db", "keys", "audit", "marketing", "mailchimp"
    }
