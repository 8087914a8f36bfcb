"""Marketing-list CSV rows, read with their own text and written back without re-encoding it.

``marketing filter`` writes every row of a list back out with columns added. Most rows hold no
quote character and no cell a spreadsheet would run as a formula, and for such a row the text in
the file is exactly what ``csv.writer`` would write for its fields, so it is copied; only the
added columns are encoded, once per distinct set. Any other row (quotes, a NUL, an empty line, a
cell beginning ``=``, ``+``, ``-``, ``@``...) goes through ``csv`` both ways with every cell passed
through ``steward.spreadsheet.formula_safe``, so the output is byte-identical to writing every
row's safe cells with ``csv.writer`` (the default ``excel`` dialect), and line numbers are those
``csv.reader`` gives: the last physical line of each record.

Reading is strict, as ``marketing import`` reads (``steward.consent.imports``): an unclosed
quote, a field past the ``csv`` size limit or bytes that are not UTF-8 stop the list with an
``InvalidInput`` naming the line, never a traceback.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO, TextIO

from steward.errors import InvalidInput
from steward.spreadsheet import FORMULA_STARTS, formula_safe, formula_safe_row

Record = tuple[int, list[str], str | None]
"""(line, fields, the record's text without its line ending when it can be copied, else None)."""

_CSV_HINT = (
    "save the list as comma-separated UTF-8 text; a field holding a comma, quote or line break "
    'is written in double quotes, and a quote inside it is doubled ("")'
)


@contextmanager
def list_text(stream: BinaryIO, name: str) -> Iterator[TextIO]:
    """The list from its first byte as text (UTF-8, an optional byte-order mark dropped), for
    one pass; bytes that are not UTF-8 stop it with the line they are on."""
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        yield text
    except UnicodeDecodeError as error:
        raise InvalidInput(
            "the list is not UTF-8 text",
            where=f"{name}:{_undecodable_line(stream)}",
            hint="save it as UTF-8 (in Excel: CSV UTF-8)",
        ) from error
    finally:
        text.detach()  # the caller owns the stream; the next pass reads it again


def _undecodable_line(stream: BinaryIO) -> int:
    """The line (counted as ``csv`` counts: CR, LF or CRLF ends one) of the first bad byte."""
    stream.seek(0)
    line = 1
    for number, raw in enumerate(stream):
        try:
            raw.decode("utf-8-sig" if number == 0 else "utf-8")
        except UnicodeDecodeError as error:
            before = raw[: error.start]
            return line + before.count(b"\r") - before.count(b"\r\n")
        line += 1 + raw.count(b"\r") - raw.count(b"\r\n") - raw.endswith(b"\r")
    return line


def rows(handle: TextIO, name: str) -> Iterator[tuple[int, list[str]]]:
    """Every record of ``handle`` with the line it ends on, the header included."""
    reader = csv.reader(handle, strict=True)
    while True:
        done = reader.line_num
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise unreadable(error, name, done + 1, reader.line_num) from error
        yield reader.line_num, row


def records(handle: TextIO, name: str = "list") -> Iterator[Record]:
    """Every record of ``handle`` (opened with ``newline=""``), the header included."""
    lines = _PushBack(handle)
    reader = csv.reader(lines, strict=True)  # one reader for every record that needs it
    starts = FORMULA_STARTS
    line = 0
    for raw in handle:
        text = raw.rstrip("\r\n")
        if text and '"' not in text and "\x00" not in text:
            fields = text.split(",")
            for cell in fields:  # the cheapest test per row: most lists have a few columns
                if cell[:1] in starts:
                    break
            else:
                line += 1
                yield line, fields, text
                continue
        lines.back = raw
        read = reader.line_num
        try:
            fields = next(reader)  # takes more lines from the handle if a quote spans them
        except csv.Error as error:
            raise unreadable(error, name, line + 1, line + reader.line_num - read) from error
        line += reader.line_num - read
        yield line, fields, None


def unreadable(error: csv.Error, name: str, start: int, end: int) -> InvalidInput:
    """``csv``'s complaint about the record on lines ``start``-``end``, as what/where/how."""
    limit = csv.field_size_limit()
    problem = str(error)
    if "unexpected end of data" in problem:
        return InvalidInput(
            f"the quoted field that opens on line {start} is never closed",
            where=f"{name}:{start}",
            hint="add the closing double quote; " + _CSV_HINT,
        )
    if "field larger than field limit" in problem:
        message = f"a field on line {end} is longer than {limit:,} characters"
        if end > start:
            message = (
                f"the quoted field that opens on line {start} runs past {limit:,} characters "
                "(is its closing quote missing?)"
            )
        return InvalidInput(
            message,
            where=f"{name}:{start if end > start else end}",
            hint="a list holds addresses and short columns; check it is the file you meant",
        )
    return InvalidInput(f"not readable as CSV: {problem}", where=f"{name}:{end}", hint=_CSV_HINT)


class _PushBack:
    """The handle's lines, after one given back, so ``csv.reader`` can start at a line the
    caller has already read."""

    def __init__(self, handle: Iterable[str]) -> None:
        self._handle = iter(handle)
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
    """Columns appended to a row (formula-safe), and their CSV text (leading comma and line
    ending)."""

    values: tuple[str, ...]
    text: str


def added(*values: str) -> Added:
    safe = tuple(formula_safe(value) for value in values)
    return Added(safe, _encoded(["", *safe]))


class ListWriter:
    """One output CSV: rows of the list, optionally led by their line number, plus columns."""

    def __init__(self, handle: TextIO) -> None:
        self._write = handle.write
        self._csv = csv.writer(handle)

    def header(self, names: Sequence[str]) -> None:
        self._csv.writerow(formula_safe_row(names))

    def row(self, fields: list[str], text: str | None, columns: Added) -> None:
        if text is None:
            self._csv.writerow([*formula_safe_row(fields), *columns.values])
        else:
            self._write(text + columns.text)

    def numbered_row(self, line: int, fields: list[str], text: str | None, columns: Added) -> None:
        if text is None:
            self._csv.writerow([line, *formula_safe_row(fields), *columns.values])
        else:
            self._write(f"{line},{text}{columns.text}")
