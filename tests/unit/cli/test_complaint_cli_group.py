"""The ``complaint`` group: every step from intake to closing, loaded only when asked for."""

from __future__ import annotations

from steward.cli import complaint_commands
from steward.cli.main import COMMAND_MODULES, build_app


def test_complaint_is_a_command_of_steward() -> None:
    assert COMMAND_MODULES["complaint"] == "steward.cli.complaint_commands"


def test_the_group_holds_every_step_from_intake_to_closing() -> None:
    group = complaint_commands.build_complaint_app()
    names = {command.name for command in group.registered_commands}
    assert names == {"new", "list", "show", "acknowledge", "progress", "outcome", "close"}


def test_the_group_is_built_when_its_name_is_given() -> None:
    app = build_app(["complaint", "list"])
    assert [group.name for group in app.registered_groups] == ["complaint"]
