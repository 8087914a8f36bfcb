"""The ``request`` group: the lifecycle's commands, the engine's, and answering."""

from __future__ import annotations

from steward.cli import request_commands
from steward.cli.main import COMMAND_MODULES


def test_request_is_a_command_of_steward() -> None:
    assert COMMAND_MODULES["request"] == "steward.cli.request_commands"


def test_the_group_holds_every_step_from_intake_to_answer() -> None:
    group = request_commands.build_request_app()
    names = {command.name for command in group.registered_commands}
    assert names == {
        "new",
        "verify",
        "list",
        "show",
        "extend",
        "pause",
        "resume",
        "refuse",
        "close",
        "assign",
        "authority",
        "fee",
        "plan",
        "approve",
        "run",
        "manual",
        "object",
        "respond",
    }
