"""The ``steward`` command: one Typer app, one module per command group.

Each command module exposes ``register(app)``. A StewardError is printed without a traceback
and exits 2 (DESIGN.md §1); lint findings of error severity exit 1.
"""

from __future__ import annotations

import sys

import typer
from rich.console import Console
from rich.markup import escape

from steward.cli import (
    build_commands,
    deadline_commands,
    lint_commands,
    mailchimp_commands,
    manifest_commands,
    marketing_commands,
    store_commands,
)
from steward.errors import StewardError

app = typer.Typer(
    name="steward",
    help="Steward: declare processing once, publish notices, lint against UK law.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """Steward: declare processing once, publish notices, lint against UK law."""


for _commands in (
    manifest_commands,
    build_commands,
    lint_commands,
    deadline_commands,
    store_commands,
    marketing_commands,
    mailchimp_commands,
):
    _commands.register(app)


def execute(application: typer.Typer, args: list[str] | None = None) -> int:
    """Run a Typer app and return its exit status; a StewardError prints one message and gives 2.

    Tests call this with their own app and arguments so they see exactly what a person sees.
    """
    try:
        application(args=args, prog_name="steward")
    except StewardError as error:
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
    sys.exit(execute(app))
