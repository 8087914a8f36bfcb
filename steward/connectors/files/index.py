"""Indexes of a folder system's CSV and JSONL files, so a request does not scan a file per call.

A data-subject request finds a person's rows (UK GDPR Art 15-17) and then reads them back for
the export or a hold check; with a visitor log of a million lines, each of those calls was a
full scan. A connector keeps, per collection file, one index per field it looks up: for each
row, where its record starts in the file, filed under a digest of the field's text
(``as_text``, as a scan compares it). The record key of every row is indexed too, so ``read``
of any key, not only those a ``find`` returned, seeks straight to its rows, including every row
of a key the file holds twice. One scan builds all of a collection's indexes: the field asked
for, the fields the map marks as identifying, and every field asked for before.

*Validity.* An index belongs to the file it was built from, known by ``os.fstat`` of the open
descriptor: device, inode, size, modification and change times (nanoseconds). Each call opens
the file, fstats it and uses the index only when all five are as recorded; else one scan both
answers the call and rebuilds. The change time is set by the kernel alone, so a writer that puts
an old modification time back (``cp -p``, ``rsync -t``, unpacking an archive) is still seen.
Timestamps advance in ticks, so two writes within one tick can leave the same state: an index
is kept only for a file last changed at least ``settle_ns`` (2 s) before the scan began; a file
changed more recently is scanned on each call until it has settled. The rows are then read from
that same descriptor, so a file replaced meanwhile is never mixed with the one indexed. A
rewrite by the connector itself drops the collection's index.

*Never a wrong row.* A digest only nominates rows: each one is read again at its offset (which
must start a line), parsed, and kept only if its value (or key) is one asked for, so a digest
collision costs a read, never a wrong answer. A row that does not parse where the index says
means the index no longer describes the file: it is dropped and the call scans. Rows come back
in file order, each once, as the scan gives them.

*Memory.* An entry is one unsigned 64-bit integer: the row's offset in the low bits (as many as
the file's size needs: 27 for 100 MB) and the digest's low bits above it (the other 37), kept
sorted in an ``array('Q')`` and searched by bisection. That is 8 bytes a row for the key and for
each indexed field; a row whose field is empty is not entered, as ``find`` never looks for an
empty value. The visitor log of 780,000 rows, indexed by key, name and e-mail (half the rows
have one), takes 16 MB. Entries are sorted on an index's first lookup (about 0.5 s for 780,000
rows), which briefly needs a list of Python integers, about 45 bytes a row. At most one index
per collection and field lives, as long as the connector. XLSX files are not indexed: openpyxl
reads a workbook whole anyway.
"""

from __future__ import annotations

import os
import time
from array import array
from bisect import bisect_left
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import IO

from steward.connectors.files.tables import LocatedTable, Row, SeekableFormat, Table, TableError
from steward.connectors.files.values import as_text
from steward.manifest.datasets import CollectionMap

Digest = Callable[[str], int]
"""A text's digest; only its low bits are kept. Python's own ``hash``: fast, 64 bits, and salted
per process, which does no harm as an index never leaves its process."""

FileState = tuple[int, int, int, int, int]
"""Device, inode, size, modification and change times (ns) of an open file."""

SETTLE_NS = 2_000_000_000
"""How long a file must have been left alone before its index is kept (coarse timestamps)."""

KEY_SEPARATOR = "\x1f"


def file_state(status: os.stat_result) -> FileState:
    return (
        status.st_dev,
        status.st_ino,
        status.st_size,
        status.st_mtime_ns,
        status.st_ctime_ns,
    )


def key_text(values: Iterable[str]) -> str:
    """A record key's values as one text; two keys sharing it only share a digest."""
    return KEY_SEPARATOR.join(values)


@dataclass(frozen=True)
class Packing:
    """How an entry holds a row's offset (low ``offset_bits``) under a digest (the rest)."""

    offset_bits: int
    digest: Digest

    @classmethod
    def for_size(cls, size: int, digest: Digest) -> Packing:
        return cls(max(size, 1).bit_length(), digest)

    @property
    def offset_mask(self) -> int:
        return (1 << self.offset_bits) - 1

    @property
    def digest_mask(self) -> int:
        return (1 << (64 - self.offset_bits)) - 1

    def bucket(self, text: str) -> int:
        """The smallest entry a row holding ``text`` can have (its offset is added to it)."""
        return (self.digest(text) & self.digest_mask) << self.offset_bits


class ValueIndex:
    """The rows of one file by the text of one field (or of the record key). The entries are
    sorted on the first lookup, not by the scan: the call that scanned has its answer already,
    and an index never looked up is never sorted."""

    def __init__(self, packing: Packing, entries: array[int]) -> None:
        self.packing = packing
        self._entries = entries
        self._sorted = False

    def offsets(self, texts: Iterable[str]) -> set[int]:
        """Where the rows that may hold one of ``texts`` start (a superset: check each)."""
        entries = self._sorted_entries()
        span, mask = 1 << self.packing.offset_bits, self.packing.offset_mask
        found: set[int] = set()
        for text in texts:
            low = self.packing.bucket(text)
            first = bisect_left(entries, low)
            last = bisect_left(entries, low + span, first)
            found.update(entry & mask for entry in entries[first:last])
        return found

    def _sorted_entries(self) -> array[int]:
        """By digest, and within one digest in file order (the offset is the low bits)."""
        if not self._sorted:
            self._entries = array("Q", sorted(self._entries))
            self._sorted = True
        return self._entries


@dataclass(frozen=True)
class FileIndex:
    """One collection file's indexes, valid while the file's state is ``state``."""

    state: FileState
    header: tuple[str, ...]
    primary_key: tuple[str, ...]
    fields: Mapping[str, ValueIndex]
    keys: ValueIndex


def _text(row: Row, name: str) -> str:
    value = row.get(name)
    return value if type(value) is str else as_text(value)


class _Builder:
    """Enters each row of one scan; ``index`` is the result once every row went through."""

    def __init__(
        self, fields: Collection[str], primary_key: tuple[str, ...], packing: Packing
    ) -> None:
        self._packing = packing
        self._primary_key = primary_key
        self._fields = {name: array("Q") for name in fields}
        self._keys: array[int] = array("Q")
        self._complete = False

    def rows(self, located: Iterator[tuple[int, Row]]) -> Iterator[Row]:
        digest, bits = self._packing.digest, self._packing.offset_bits  # bucket(), inlined
        digest_mask, limit = self._packing.digest_mask, self._packing.offset_mask
        fields = [(name, entries.append) for name, entries in self._fields.items()]
        enter_key, primary_key = self._keys.append, self._primary_key
        overflowed = False
        for offset, row in located:  # the one loop every row of a million goes through
            if offset > limit:  # the file grew during the scan: the state recorded is gone
                overflowed = True
                yield row
                continue
            for name, enter in fields:
                value = row.get(name)
                text = value if type(value) is str else as_text(value)
                if text:
                    enter((digest(text) & digest_mask) << bits | offset)
            if len(primary_key) == 1:  # key_text of one value, without building a list
                value = row.get(primary_key[0])
                key = value if type(value) is str else as_text(value)
            else:
                key = key_text([_text(row, name) for name in primary_key])
            enter_key((digest(key) & digest_mask) << bits | offset)
            yield row
        self._complete = not overflowed

    def index(self, state: FileState, header: tuple[str, ...]) -> FileIndex | None:
        if not self._complete:
            return None
        fields = {
            name: ValueIndex(self._packing, entries) for name, entries in self._fields.items()
        }
        return FileIndex(
            state, header, self._primary_key, fields, ValueIndex(self._packing, self._keys)
        )


class FileIndexes:
    """A connector's indexes: at most one ``FileIndex`` per collection, for as long as the
    connector lives. ``digest`` and ``settle_ns`` are for tests (a colliding digest, a file
    written a moment ago)."""

    def __init__(self, *, digest: Digest = hash, settle_ns: int = SETTLE_NS) -> None:
        self._digest = digest
        self._settle_ns = settle_ns
        self._kept: dict[str, FileIndex] = {}
        self._asked: dict[str, set[str]] = {}

    def rows(
        self,
        collection: CollectionMap,
        field: str | None,
        wanted: Collection[str],
        fmt: SeekableFormat,
        source: IO[bytes],
        status: os.stat_result,
    ) -> Table | None:
        """The rows that may hold one of the ``wanted`` texts of ``field`` (of the record key
        when ``field`` is None), in file order, read at the offsets the index gives; None when
        there is no index for this file as it is now, or it proved wrong: then scan."""
        if field is not None:
            self._asked.setdefault(collection.name, set()).add(field)
        index = self._usable(collection, field, file_state(status))
        if index is None:
            return None
        values = index.keys if field is None else index.fields[field]
        rows: list[Row] = []
        for offset in sorted(values.offsets(wanted)):
            try:
                rows.append(fmt.row_at(source, index.header, offset))
            except TableError:
                self.drop(collection.name)
                return None
        return Table(index.header, iter(rows))

    def scanning(
        self, collection: CollectionMap, table: LocatedTable, status: os.stat_result
    ) -> Table:
        """``table``'s rows; once every one has been read, the indexes they built are kept."""
        return Table(table.header, self._indexing(collection, table, status))

    def drop(self, collection_name: str) -> None:
        self._kept.pop(collection_name, None)

    def _usable(
        self, collection: CollectionMap, field: str | None, state: FileState
    ) -> FileIndex | None:
        index = self._kept.get(collection.name)
        if (
            index is not None
            and index.state == state
            and index.primary_key == collection.primary_key
            and (field is None or field in index.fields)
        ):
            return index
        self.drop(collection.name)  # stale or short of a field: free it before the next scan
        return None

    def _indexing(
        self, collection: CollectionMap, table: LocatedTable, status: os.stat_result
    ) -> Iterator[Row]:
        last_change = max(status.st_mtime_ns, status.st_ctime_ns)
        if time.time_ns() - last_change < self._settle_ns:
            for _, row in table.rows:
                yield row
            return
        asked = self._asked.get(collection.name, set())
        fields = [f.name for f in collection.fields if f.identity is not None or f.name in asked]
        packing = Packing.for_size(status.st_size, self._digest)
        builder = _Builder(fields, collection.primary_key, packing)
        yield from builder.rows(table.rows)
        index = builder.index(file_state(status), table.header)
        if index is not None:
            self._kept[collection.name] = index
