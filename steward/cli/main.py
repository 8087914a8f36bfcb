"""The ``steward`` command: one Typer app, one module per command group.

Each command module exposes ``register(app)``. Only the module of the command asked for is
imported, so ``steward lint`` does not load the database layer or an HTTP client.

This is the command line's one error boundary (docs/architecture.md, "Exit codes"): a
StewardError prints one message and exits 2; so does a file or encoding error that escaped the
place that should have translated it (a safety net). Anything else is a bug in Steward: one
line says so and where the traceback was written, exit 70 (EX_SOFTWARE). Lint findings of error
severity and a broken audit chain exit 1.
"""

from __future__ import annotations

import importlib
import os
import sys
import tempfile
import traceback
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

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
    "request": "steward.cli.request_commands",
    "worker": "steward.cli.worker_commands",
    "hold": "steward.cli.hold_commands",
    "evidence": "steward.cli.evidence_commands",
    "systems": "steward.cli.systems_commands",
    "serve": "steward.cli.serve_commands",
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


EXIT_USER_ERROR = 2
EXIT_INTERRUPTED = 130
EXIT_BUG = 70  # EX_SOFTWARE (sysexits.h): distinct from 1 (findings) and 2 (fix your input)

FLAG_FOR_FIELD: dict[str, str] = {
    "channel": "--channel",
    "purpose": "--purpose",
    "received": "--received",
    "since": "--since",
    "on": "--on",
    "out": "--out",
    "told_on": "--told-on",
    "asked": "--asked",
    "answered": "--answered",
    "code": "--code",
    "change": "--change",
    "identity": "--email",
    "outcome": "--outcome",
    "staff": "--to",
    "queue": "--queue",
    "until": "--until",
    "reason": "--reason",
}
"""Core errors name fields (DESIGN.md §3); on the command line the flag that sets one is what
a person can act on. Only an exact field name is mapped."""

_PATH_ERRORS = (
    PermissionError,
    IsADirectoryError,
    NotADirectoryError,
    FileNotFoundError,
    FileExistsError,
)


def execute(application: typer.Typer, args: list[str] | None = None) -> int:
    """Run a Typer app and return its exit status (see the module's docstring).

    Tests call this with their own app and arguments so they see exactly what a person sees.
    """
    try:
        application(args=args, prog_name="steward")
    except StewardError as error:
        _print_error(_for_the_command_line(error))
        return EXIT_USER_ERROR
    except SystemExit as done:
        code = done.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except KeyboardInterrupt:
        _print_error("interrupted")
        return EXIT_INTERRUPTED
    except _PATH_ERRORS as error:
        if error.filename is None:
            return _report_bug(error, args)
        _print_error(f"{error.filename}: {error.strerror or error}")
        return EXIT_USER_ERROR
    except UnicodeDecodeError as error:
        _print_error(
            f"a file is not UTF-8 text (byte {error.object[error.start : error.start + 1]!r} at "
            f'offset {error.start})\n  hint: save it as UTF-8 (a spreadsheet\'s "CSV UTF-8")'
        )
        return EXIT_USER_ERROR
    except Exception as error:
        return _report_bug(error, args)
    return 0


def _for_the_command_line(error: StewardError) -> str:
    flag = FLAG_FOR_FIELD.get(error.where or "")
    if flag is None:
        return str(error)
    return str(StewardError(error.message, where=flag, hint=error.hint))


def _print_error(text: str) -> None:
    from rich.console import Console  # only on this path: it costs ~17 ms of every start
    from rich.markup import escape

    Console(stderr=True, highlight=False, soft_wrap=True).print(
        f"[bold red]error:[/] {escape(text)}"
    )


def _report_bug(error: BaseException, args: Sequence[str] | None) -> int:
    """One line for the person, the whole traceback in a private file for the report."""
    summary = f"{type(error).__name__}: {error}".splitlines()[0][:200]
    try:
        path = write_crash_report(error, args)
    except OSError:
        traceback.print_exception(error)
        _print_error(f"internal error (a bug in Steward): {summary}")
        return EXIT_BUG
    _print_error(
        f"internal error (a bug in Steward): {summary}; the traceback is in {path} "
        "(please attach it to a bug report)"
    )
    return EXIT_BUG


def write_crash_report(
    error: BaseException, args: Sequence[str] | None, *, folder: Path | None = None
) -> Path:
    """Write the traceback to ``<data dir>/crash/<UTC time>-<pid>.txt`` (folder 0700, file
    0600), or to the system's temporary folder when the data dir cannot take it. Only the
    command's words are kept, not its arguments, which may hold a person's address."""
    command = " ".join(word for word in (args or sys.argv[1:])[:2] if not word.startswith("-"))
    text = f"steward {command}\n" + "".join(traceback.format_exception(error))
    name = f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{os.getpid()}.txt"
    try:
        chosen = folder or _crash_folder()
        chosen.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = chosen / name
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError:
        handle, where = tempfile.mkstemp(prefix="steward-crash-", suffix=".txt")
        path = Path(where)
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        file.write(text)
    return path


def _crash_folder() -> Path:
    try:
        from steward.bootstrap import load_settings

        return Path(load_settings().data_dir) / "crash"
    except (StewardError, OSError):
        return Path(tempfile.gettempdir())


def run() -> None:
    """Console entry point."""
    # Steward uses no pydantic plugins; looking for them reads every installed package's
    # metadata, ~11 ms of each start. An explicit setting in the environment still wins.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    args = sys.argv[1:]
    sys.exit(execute(build_app(args), args))
