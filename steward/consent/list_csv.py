"""Marketing-list CSV rows, read with their own text and written back without re-encoding it.

``marketing filter`` writes every row of a list back out with columns added. Most rows hold no
quote character, and for such a row the text in the file is exactly what ``csv.writer`` would
write for its fields, so it is copied; only the added columns are encoded, once per distinct
set. Any other row (quotes, a NUL, an empty line) goes through ``csv`` both ways, so the output is
byte-identical to writing every row with ``csv.writer`` (the default ``excel`` dialect), and line
numbers are those ``csv.reader`` gives: the last physical line of each record.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TextIO

Record = tuple[int, list[str], str | None]
"""(line, fields, the record's text without its line ending when it can be copied, else None)."""


def records(handle: TextIO) -> Iterator[Record]:
    """Every record of ``handle`` (opened with ``newline=""``), the header included."""
    lines = _PushBack(handle)
    reader = csv.reader(lines)  # one reader for every record that needs it
    line = 0
    for raw in handle:
        text = raw.rstrip("\r\n")
        if not text or '"' in text or "\x00" in text:
            lines.back = raw
            read = reader.line_num
            fields = next(reader)  # takes more lines from the handle if a quote spans them
            line += reader.line_num - read
            yield line, fields, None
        else:
            line += 1
            yield line, text.split(","), text


class _PushBack:
    """The handle's lines, after one given back, so ``csv.reader`` can start at a line the
    caller has already read."""

    def __init__(self, handle: TextIO) -> None:
        self._handle = handle
        self.back: str | None = None

    def __iter__(self) -> _PushBack:
        return self

    def __next__(self) -> str:
        if self.back is None:
            return next(self._handle)
        line, self.back = self.back, None
        return line


def _encoded(fields: Sequence[object]) -> str:
    """``fields`` as ``csv.writer`` writes them, line ending included."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow(fields)
    return buffer.getvalue()


@dataclass(frozen=True)
class Added:
    """Columns appended to a row, and their CSV text (leading comma and line ending)."""

    values: tuple[str, ...]
    text: str


def added(*values: str) -> Added:
    return Added(values, _encoded(["", *values]))


class ListWriter:
    """One output CSV: rows of the list, optionally led by their line number, plus columns."""

    def __init__(self, handle: TextIO) -> None:
        self._write = handle.write
        self._csv = csv.writer(handle)

    def header(self, names: Sequence[str]) -> None:
        self._csv.writerow(names)

    def row(self, fields: list[str], text: str | None, columns: Added) -> None:
        if text is None:
            self._csv.writerow([*fields, *columns.values])
        else:
            self._write(text + columns.text)

    def numbered_row(self, line: int, fields: list[str], text: str | None, columns: Added) -> None:
        if text is None:
            self._csv.writerow([line, *fields, *columns.values])
        else:
            self._write(f"{line},{text}{columns.text}")
