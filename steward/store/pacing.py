"""How many rows a long job writes per transaction, so no transaction holds the write lock long.

Issue 9 item 2: imports, pulls and key rotation write in short batches, each its own transaction,
and none holds SQLite's write lock (or PostgreSQL's audit head) for more than about half a second,
so a person's unsubscribe from another process waits at most that long. A fixed row count cannot
promise this: a row costs more on a slow disk, a loaded machine or a big table. So the batch size
follows the time the last write transactions took: it grows while they finish well inside the
budget and shrinks at once when one runs long, between a floor and a ceiling.
"""

from __future__ import annotations

from dataclasses import dataclass, field

WRITE_BUDGET_SECONDS = 0.5
"""The longest a batch's write transaction should hold the lock (issue 9 item 2)."""
TARGET_SECONDS = 0.2
"""What the pacer aims for: well inside the budget, so a slow batch (a checkpoint, a busy disk)
still ends within it."""


@dataclass
class BatchPacer:
    """The next batch's size, from the seconds the previous write transactions took.

    ``start`` and ``ceiling`` come from measurement (docs/consent.md, "Batches"); ``floor`` keeps
    a stalled disk from shrinking batches to nothing.
    """

    start: int = 500
    floor: int = 50
    ceiling: int = 5000
    target: float = TARGET_SECONDS
    size: int = field(init=False)
    longest: float = field(init=False, default=0.0)

    def __post_init__(self) -> None:
        self.size = max(self.floor, min(self.start, self.ceiling))

    def observe(self, rows: int, seconds: float) -> None:
        """Record that ``rows`` were written in a transaction of ``seconds``."""
        self.longest = max(self.longest, seconds)
        if rows <= 0:
            return
        per_row = max(seconds, 1e-6) / rows
        wanted = int(self.target / per_row)
        if seconds > self.target:
            self.size = max(self.floor, min(wanted, self.size // 2 or 1))
        else:
            # grow gently: at most double, and no further than the measured pace allows
            self.size = max(self.floor, min(self.ceiling, wanted, self.size * 2))
