"""The ``request`` group leaves room for the engine's commands: ``steward.cli.plan_commands``
adds them when it exists, and its absence changes nothing."""

from __future__ import annotations

import sys
import types

import pytest
import typer

from steward.cli import request_commands
from steward.cli.main import COMMAND_MODULES, execute


def test_request_is_a_command_of_steward() -> None:
    assert COMMAND_MODULES["request"] == "steward.cli.request_commands"


def test_the_engine_commands_join_the_group_when_their_module_exists(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = types.ModuleType(request_commands.ENGINE_COMMANDS)

    def register_into(group: typer.Typer) -> None:
        @group.command("plan")
        def plan(reference: str) -> None:
            typer.echo(f"planned {reference}")

    engine.register_into = register_into  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, request_commands.ENGINE_COMMANDS, engine)
    app = typer.Typer()
    request_commands.register(app)

    @app.callback()
    def _root() -> None:
        """Keep `request` a named group, as in the real app."""

    assert execute(app, ["request", "plan", "R-2026-ABC234"]) == 0
    assert capsys.readouterr().out == "planned R-2026-ABC234\n"


def test_without_the_engine_module_the_group_has_its_own_commands_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, request_commands.ENGINE_COMMANDS, None)  # not installed
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
    }
