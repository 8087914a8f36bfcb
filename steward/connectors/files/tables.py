"""The three file formats a folder system holds, read as rows and rewritten row by row.

Each format reads a file as a header and a stream of rows (dicts from column to the value as the
format stores it) and rewrites it through an *edit*: a function given each row that returns the
row to keep (changed or not) or ``None`` to drop it. CSV and JSONL are streamed, so a visitor
log of a million lines never sits in memory; an XLSX workbook is loaded whole (openpyxl cannot
edit one in a stream) and only its first sheet is changed, so other sheets and formatting stay.

Rows a rewrite leaves unchanged are written back as they were read: a JSONL line keeps its exact
text, a CSV row its values (the quoting may differ), an XLSX row is not touched at all.

CSV and JSONL are also *seekable*: a scan gives each row with the byte offset where its record
starts (a CSV record may span lines when a quoted cell holds a line break), and ``row_at`` reads
the one record starting at such an offset, as the scan read it. The files index
(``steward.connectors.files.index``) keeps those offsets.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import IO, Any, Protocol, runtime_checkable

from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

Row = dict[str, Any]
RowEdit = Callable[[Row], Row | None]
"""Given a row, the row to write (the same one when nothing changes) or ``None`` to drop it."""


class TableError(ValueError):
    """The file is not a well-formed table of its format; ``line`` is where, when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    """The columns in order; empty for JSONL, whose objects each carry their own keys."""
    rows: Iterator[Row]


@dataclass(frozen=True)
class LocatedTable:
    header: tuple[str, ...]
    rows: Iterator[tuple[int, Row]]
    """Each row with the byte offset in the file where its record starts, in file order."""


class TableFormat(Protocol):
    name: str

    def read(self, source: IO[bytes]) -> Table: ...

    def rewrite(self, source: IO[bytes], target: IO[bytes], edit: RowEdit) -> None: ...


@runtime_checkable
class SeekableFormat(TableFormat, Protocol):
    """A format whose rows can be read again from where they start (CSV and JSONL)."""

    def scan(self, source: IO[bytes]) -> LocatedTable:
        """The whole file from its start, each row with its offset."""
        ...

    def row_at(self, source: IO[bytes], header: tuple[str, ...], offset: int) -> Row:
        """The one row whose record starts at ``offset``, given the header a scan found;
        ``TableError`` when no well-formed record starts there."""
        ...


_BOM = b"\xef\xbb\xbf"


def _header(names: Sequence[str] | None) -> tuple[str, ...]:
    if not names:
        raise TableError("the file has no header row", line=1)
    header = tuple(names)
    twice = sorted({name for name in header if header.count(name) > 1})
    if twice:
        raise TableError(f"column {', '.join(twice)} appears twice in the header", line=1)
    return header


def _fitted(cells: list[str], width: int, line: int | None) -> list[str]:
    """A short row padded with empty cells; a row longer than the header is refused."""
    if len(cells) > width:
        raise TableError(f"the row has {len(cells)} cells, the header {width}", line=line)
    return [*cells, *([""] * (width - len(cells)))]


def _seek_line_start(source: IO[bytes], offset: int) -> None:
    """Move to ``offset``, refusing one that is not the start of a line."""
    if offset < 0:
        raise TableError(f"no line starts at byte {offset}")
    if offset == 0:
        source.seek(0)
        return
    source.seek(offset - 1)
    if source.read(1) != b"\n":
        raise TableError(f"no line starts at byte {offset}")


def _counted_lines(source: IO[bytes], consumed: list[int]) -> Iterator[str]:
    """The file's lines as text, adding each line's length in bytes to ``consumed[0]``: the
    record a ``csv`` reader starts next begins there (it takes a line only when it needs one)."""
    for number, line in enumerate(source, start=1):
        consumed[0] += len(line)
        try:
            yield line.decode("utf-8")
        except UnicodeDecodeError as error:
            raise TableError(f"not UTF-8 text: {error}", line=number) from error


class CsvFormat:
    """UTF-8 (a byte-order mark is kept if the file had one), a header row, ``csv`` dialect
    excel. Values are text; an empty cell is an empty string."""

    name = "CSV"

    @staticmethod
    def _records(source: IO[bytes]) -> tuple[bool, tuple[str, ...], Iterator[tuple[int, Row]]]:
        """Whether the file starts with a byte-order mark, its header, and its located rows."""
        has_bom = source.read(3) == _BOM
        if not has_bom:
            source.seek(0)
        consumed = [len(_BOM) if has_bom else 0]
        reader = csv.reader(_counted_lines(source, consumed))
        try:
            header = _header(next(reader, None))
        except csv.Error as error:
            raise TableError(str(error), line=1) from error

        def rows() -> Iterator[tuple[int, Row]]:
            width = len(header)
            try:
                while True:
                    start = consumed[0]
                    cells = next(reader, None)
                    if cells is None:
                        return
                    if len(cells) != width:  # a full row (nearly all of them) is used as read
                        if not cells:
                            continue
                        cells = _fitted(cells, width, reader.line_num)
                    yield start, dict(zip(header, cells, strict=True))
            except csv.Error as error:
                raise TableError(str(error), line=reader.line_num) from error

        return has_bom, header, rows()

    def read(self, source: IO[bytes]) -> Table:
        _, header, rows = self._records(source)
        return Table(header, map(itemgetter(1), rows))

    def scan(self, source: IO[bytes]) -> LocatedTable:
        _, header, rows = self._records(source)
        return LocatedTable(header, rows)

    def row_at(self, source: IO[bytes], header: tuple[str, ...], offset: int) -> Row:
        _seek_line_start(source, offset)
        reader = csv.reader(_counted_lines(source, [offset]))
        try:
            cells = next(reader, None)
        except csv.Error as error:
            raise TableError(f"no CSV record at byte {offset}: {error}") from error
        if not cells:
            raise TableError(f"no CSV record at byte {offset}")
        return dict(zip(header, _fitted(cells, len(header), None), strict=True))

    def rewrite(self, source: IO[bytes], target: IO[bytes], edit: RowEdit) -> None:
        has_bom, header, rows = self._records(source)
        if has_bom:
            target.write(_BOM)
        writer = csv.writer(_Utf8Writer(target))
        writer.writerow(header)
        for _, row in rows:
            kept = edit(row)
            if kept is not None:
                writer.writerow([_csv_cell(kept.get(column)) for column in header])


class _Utf8Writer:
    """What ``csv.writer`` writes to: text encoded straight into the binary target."""

    def __init__(self, target: IO[bytes]) -> None:
        self._target = target

    def write(self, text: str) -> int:
        return self._target.write(text.encode("utf-8"))


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class JsonLinesFormat:
    """One JSON object per line (UTF-8); blank lines are skipped and kept out of a rewrite."""

    name = "JSONL"

    @staticmethod
    def _lines(source: IO[bytes]) -> Iterator[tuple[int, bytes, Row]]:
        """Each object with its line and the offset where the line starts."""
        offset = 0
        for number, line in enumerate(source, start=1):
            start, offset = offset, offset + len(line)
            if line.strip():
                yield start, line, _json_object(line, number)

    def read(self, source: IO[bytes]) -> Table:
        return Table((), (row for _, _, row in self._lines(source)))

    def scan(self, source: IO[bytes]) -> LocatedTable:
        return LocatedTable((), ((start, row) for start, _, row in self._lines(source)))

    def row_at(self, source: IO[bytes], header: tuple[str, ...], offset: int) -> Row:
        _seek_line_start(source, offset)
        line = source.readline()
        if not line.strip():
            raise TableError(f"no JSON object at byte {offset}")
        return _json_object(line, None)

    def rewrite(self, source: IO[bytes], target: IO[bytes], edit: RowEdit) -> None:
        for _, line, row in self._lines(source):
            kept = edit(dict(row))
            if kept is None:
                continue
            if kept == row:
                target.write(line if line.endswith(b"\n") else line + b"\n")
            else:
                text = json.dumps(kept, ensure_ascii=False, separators=(", ", ": "))
                target.write(text.encode("utf-8") + b"\n")


def _json_object(line: bytes, number: int | None) -> Row:
    try:
        value = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise TableError(f"not a JSON object: {error}", line=number) from error
    if not isinstance(value, dict):
        raise TableError("the line is JSON but not an object", line=number)
    return value


class XlsxFormat:
    """The first sheet of a workbook, its first row the header. Other sheets are kept."""

    name = "XLSX"

    @staticmethod
    def _load(source: IO[bytes], *, read_only: bool) -> Workbook:
        try:
            return load_workbook(source, read_only=read_only, data_only=False)
        except (InvalidFileException, KeyError, OSError, ValueError) as error:
            raise TableError(f"not a readable XLSX workbook: {error}") from error

    def read(self, source: IO[bytes]) -> Table:
        book = self._load(source, read_only=True)
        lines = book.worksheets[0].iter_rows(values_only=True)
        first = next(lines, None)
        header = _header([str(cell) for cell in first if cell is not None] if first else None)

        def rows() -> Iterator[Row]:
            for cells in lines:
                if all(cell is None for cell in cells):
                    continue
                yield {
                    column: cells[i] if i < len(cells) else None for i, column in enumerate(header)
                }
            book.close()

        return Table(header, rows())

    def rewrite(self, source: IO[bytes], target: IO[bytes], edit: RowEdit) -> None:
        book = self._load(source, read_only=False)
        sheet = book.worksheets[0]
        first = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), None)
        header = _header([str(cell) for cell in first if cell is not None] if first else None)
        dropped: list[int] = []
        for number, cells in enumerate(sheet.iter_rows(min_row=2), start=2):
            row = {column: cells[i].value for i, column in enumerate(header) if i < len(cells)}
            if all(value is None for value in row.values()):
                continue
            kept = edit(dict(row))
            if kept is None:
                dropped.append(number)
                continue
            for i, column in enumerate(header):
                if kept.get(column) != row.get(column):
                    cell = sheet.cell(row=number, column=i + 1)
                    cell.value = kept.get(column)
                    if isinstance(cell.value, str):
                        cell.data_type = "s"  # new text is text, never a formula
        for number in reversed(dropped):
            sheet.delete_rows(number)
        book.save(target)


FORMATS: dict[str, TableFormat] = {
    ".csv": CsvFormat(),
    ".jsonl": JsonLinesFormat(),
    ".xlsx": XlsxFormat(),
}
"""Formats by file-name suffix (lower case)."""
