"""The ``steward`` command: one Typer app, one module per command group.

Each command module exposes ``register(app)``. A StewardError is printed without a traceback
and exits 2 (DESIGN.md §1); lint findings of error severity exit 1.
"""

from __future__ import annotations

import sys

import typer
from rich.console import Console
from rich.markup import escape

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


def run() -> None:
    """Console entry point: user errors become one clear message and exit status 2."""
    try:
        app()
    except StewardError as error:
        Console(stderr=True, highlight=False, soft_wrap=True).print(
            f"[bold red]error:[/] {escape(str(error))}"
        )
        sys.exit(2)
