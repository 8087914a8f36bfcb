"""``steward worker``: serve the job queue (PostgreSQL) until stopped.

Thin (DESIGN.md §5 item 2): build the worker's queue through ``steward.bootstrap`` (which
refuses, with the reason, when there is nothing to serve), run ``steward.jobs.worker.serve``.
Start as many as the work needs, on any machine that reaches the database (docs/operations.md,
"Jobs and workers"). On SQLite jobs run in the process that queues them and the command says
so (exit 2).
"""

from __future__ import annotations

import logging
import re
import sys
from typing import Any

import typer

from steward.bootstrap import Settings, load_settings, queue_worker
from steward.errors import InvalidInput
from steward.jobs.registry import TaskRegistry
from steward.jobs.runs import worker_name
from steward.jobs.worker import serve

_QUEUE_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")


def register(app: typer.Typer) -> None:
    app.command("worker")(worker)


def worker(
    concurrency: int = typer.Option(
        1, "--concurrency", min=1, max=64, help="Jobs this worker runs at once."
    ),
    queue: str = typer.Option("steward", "--queue", help="The queue to serve."),
    once: bool = typer.Option(
        False, "--once", help="Stop once the queue is empty instead of waiting for more."
    ),
) -> None:
    """Run queued jobs (request steps) from the PostgreSQL queue; Ctrl-C or SIGTERM stops it
    after the running jobs finish."""
    settings = load_settings()
    _log_to_stderr()
    start_worker(settings, concurrency=concurrency, queue=queue, once=once)


class _WithoutErrorText(logging.Filter):
    """Drops the exception attached to a record: an error's text may quote a row of the
    organisation's data (a driver's "duplicate key (email)=(...)"), and no plaintext identifier
    may reach a log line (DESIGN.md §3). Steward logs where a job failed on its own line
    (``steward.jobs.runs``), without the error's text."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        return True


class _StandardError(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time of each line, not the stream that was
    current when the worker started (a test harness, or a redirect, may have replaced it)."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        """The stream is always the current standard error."""


def _log_to_stderr() -> None:
    """A worker runs for days: each job's start, end and failure go to stderr (the journal,
    under systemd). Jobs carry ids only and errors are logged without their text, so these
    lines hold no personal data."""
    handler = _StandardError()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(_WithoutErrorText())
    for name in ("steward", "procrastinate"):
        logger = logging.getLogger(name)
        if not logger.handlers:
            logger.addHandler(handler)
            logger.setLevel(logging.INFO)


def start_worker(
    settings: Settings,
    *,
    concurrency: int = 1,
    queue: str = "steward",
    once: bool = False,
    registry: TaskRegistry | None = None,
) -> None:
    """The worker as the command runs it (``registry``: the deployment's tasks by default)."""
    if not _QUEUE_NAME.match(queue):
        raise InvalidInput(
            f"{queue!r} is not a queue name", where="queue", hint="lower-case, e.g. 'steward'"
        )
    built = queue_worker(settings, concurrency=concurrency, queue=queue, registry=registry)
    typer.echo(
        f"worker {worker_name()} serving queue {queue!r} (concurrency {concurrency}); "
        "Ctrl-C or SIGTERM stops it",
        err=True,
    )
    try:
        serve(
            built.jobs,
            concurrency=concurrency,
            once=once,
            stalled_after=built.stalled_after_seconds,
        )
    finally:
        built.jobs.store.engine.dispose()
    typer.echo(f"worker {worker_name()} stopped", err=True)
