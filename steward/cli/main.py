"""The ``steward`` command: one Typer app, one module per command group.

Each command module exposes ``register(app)``. Only the module of the command asked for is
imported, so ``steward lint`` does not load the database layer or an HTTP client. A
StewardError is printed without a traceback and exits 2 (DESIGN.md §1); lint findings of error
severity exit 1.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence

import typer

from steward.errors import StewardError

COMMAND_MODULES: dict[str, str] = {
    "schema": "steward.cli.manifest_commands",
    "build": "steward.cli.build_commands",
    "init": "steward.cli.init_commands",
    "lint": "steward.cli.lint_commands",
    "deadline": "steward.cli.deadline_commands",
    "db": "steward.cli.store_commands",
    "keys": "steward.cli.store_commands",
    "audit": "steward.cli.store_commands",
    "marketing": "steward.cli.marketing_commands",
    "mailchimp": "steward.cli.mailchimp_commands",
}


def build_app(args: Sequence[str] = ()) -> typer.Typer:
    """The ``steward`` app with the command named in ``args`` (all of them when none is named)."""
    application = typer.Typer(
        name="steward",
        help="Steward: declare processing once, publish notices, lint against UK law.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )

    @application.callback()
    def _root() -> None:
        """Steward: declare processing once, publish notices, lint against UK law."""

    named = next((a for a in args if not a.startswith("-")), None)
    wanted = [COMMAND_MODULES[named]] if named in COMMAND_MODULES else COMMAND_MODULES.values()
    for module in dict.fromkeys(wanted):
        importlib.import_module(module).register(application)
    return application


def execute(application: typer.Typer, args: list[str] | None = None) -> int:
    """Run a Typer app and return its exit status; a StewardError prints one message and gives 2.

    Tests call this with their own app and arguments so they see exactly what a person sees.
    """
    try:
        application(args=args, prog_name="steward")
    except StewardError as error:
        from rich.console import Console  # only on this path: it costs ~17 ms of every start
        from rich.markup import escape

        Console(stderr=True, highlight=False, soft_wrap=True).print(
            f"[bold red]error:[/] {escape(str(error))}"
        )
        return 2
    except SystemExit as done:
        code = done.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0


def run() -> None:
    """Console entry point."""
    # Steward uses no pydantic plugins; looking for them reads every installed package's
    # metadata, ~11 ms of each start. An explicit setting in the environment still wins.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    args = sys.argv[1:]
    sys.exit(execute(build_app(args), args))
