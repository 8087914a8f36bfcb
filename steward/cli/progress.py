"""Progress bars for long commands (import, key rotation), on stderr and only on a terminal.

A bar is for a person watching; a script or a log file gets the summary line alone, so output
that is piped or captured stays the same whatever the speed of the machine (DESIGN.md §1: CLI
"progress bars on long work").
"""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

_LABELS = {"checking": "checking the list", "recording": "recording"}


class PhaseProgressBar:
    """One bar whose label follows the work's phase; ``update`` is the service's callback."""

    def __init__(self, console: Console | None = None) -> None:
        self._console = console or Console(stderr=True)
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self._phase: str | None = None

    def __enter__(self) -> PhaseProgressBar:
        if self._console.is_terminal:
            self._progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                console=self._console,
                transient=True,
            )
            self._progress.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()

    def update(self, phase: str, done: int, total: int | None) -> None:
        if self._progress is None:
            return
        label = _LABELS.get(phase, phase)
        if self._task is None or phase != self._phase:
            if self._task is not None:
                self._progress.remove_task(self._task)
            self._task = self._progress.add_task(label, total=total)
            self._phase = phase
        self._progress.update(self._task, completed=done, total=total)
