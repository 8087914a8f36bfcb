"""A folder of CSV, JSONL and XLSX files as a system: each collection of the map is one file.

Requests reach files as they reach databases (UK GDPR Art 15-18): records are found by an exact
value of a field, read, rectified, erased (rows deleted, or fields masked where the map keeps
the record for a retention duty) and restricted by a processing-hold column. Every change is a
rewrite of the whole file, made atomically: the new file is written beside the old one, flushed
to disk, then moved over it (``os.replace``), so a crash or a failed write leaves the old file
whole and a reader never sees half of one. A rewrite keeps the file's permissions.

A CSV or JSONL file is scanned once per state of the file: the scan also builds an index of its
rows' offsets by record key and by the fields looked up, and later finds and reads of that same
file seek straight to the rows (``index``).

The folder and the files are the organisation's: a file that is a symbolic link, a folder or a
device is refused rather than followed (a planted link must not send an erasure elsewhere), a
missing file is refused naming it. Two rewrites of one file must not run at once: the engine
runs one step per system at a time.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from datetime import date
from pathlib import Path
from typing import IO, Any, TypeVar

from steward.connectors.files.index import FileIndexes, key_text
from steward.connectors.files.tables import (
    FORMATS,
    CsvFormat,
    JsonLinesFormat,
    Row,
    SeekableFormat,
    Table,
    TableError,
    TableFormat,
)
from steward.connectors.files.values import as_date, as_field_value, as_text, masked
from steward.connectors.protocol import (
    Capability,
    ChangeReceipt,
    ConnectorContext,
    FieldValue,
    NotSupported,
    Record,
    RecordKey,
    SystemRefused,
    SystemUnavailable,
)
from steward.files import file_kind
from steward.manifest.datasets import CollectionMap, Erase, RestrictBy

T = TypeVar("T")


class FilesConnector:
    """One folder (``connection.path``); ``formats`` maps a file suffix to its format;
    ``indexes`` holds the files' indexes for as long as the connector lives."""

    capabilities = frozenset(Capability)

    def __init__(
        self,
        context: ConnectorContext,
        *,
        formats: Mapping[str, TableFormat] = FORMATS,
        indexes: FileIndexes | None = None,
    ) -> None:
        self.system_id = context.system_id
        self._context = context
        self._formats = formats
        self._indexes = FileIndexes() if indexes is None else indexes
        path = context.connection.get("path")
        if not path:
            raise SystemRefused(
                self.system_id,
                "the connection has no 'path'",
                hint="set connection: {path: env:NAME}, NAME holding the folder of the files",
            )
        self.folder = Path(path)
        if not self.folder.is_dir():
            raise SystemUnavailable(
                self.system_id,
                f"the folder {self.folder} is not there",
                hint="check the folder exists and is mounted, then try again",
            )

    # -- finding and reading ---------------------------------------------------------------

    def find(
        self, collection: CollectionMap, field_name: str, values: Sequence[str]
    ) -> list[RecordKey]:
        wanted = {value for value in values if value}
        self._known_field(collection, field_name)

        def matching(table: Table) -> list[RecordKey]:
            if table.header and field_name not in table.header:
                raise self._missing_column(collection, field_name)
            keys: dict[RecordKey, None] = {}
            for row in table.rows:
                if as_text(row.get(field_name)) in wanted:
                    keys[self._key(collection, row)] = None
            return list(keys)

        return self._looking_up(collection, field_name, wanted, matching)

    def read(self, collection: CollectionMap, keys: Sequence[RecordKey]) -> list[Record]:
        wanted = set(keys)
        names = [f.name for f in collection.fields]

        def records(table: Table) -> list[Record]:
            found: list[Record] = []
            for row in table.rows:
                key = self._key(collection, row)
                if key in wanted:
                    found.append(Record(key, {n: as_field_value(row.get(n)) for n in names}))
            return found

        texts = {key_text(key.values) for key in wanted if key.collection == collection.name}
        return self._looking_up(collection, None, texts, records)

    def past(self, collection: CollectionMap, before: date) -> list[RecordKey]:
        date_field = collection.date_field
        if date_field is None:
            raise NotSupported(self.system_id, Capability.list_past)

        def old(table: Table) -> list[RecordKey]:
            keys: list[RecordKey] = []
            for row in table.rows:
                day = as_date(row.get(date_field))
                if day is not None and day < before:
                    keys.append(self._key(collection, row))
            return keys

        return self._reading(collection, old)

    # -- changing --------------------------------------------------------------------------

    def rectify(
        self,
        collection: CollectionMap,
        keys: Sequence[RecordKey],
        changes: Mapping[str, FieldValue],
    ) -> ChangeReceipt:
        for name in changes:
            self._known_field(collection, name)
            if not collection.field(name).rectifiable:
                raise SystemRefused(
                    self.system_id,
                    f"{collection.name}.{name} is not rectifiable in the dataset map",
                    hint="rectify it by hand, or set 'rectifiable: true' on the field",
                )
        return self._rewrite(collection, keys, lambda row: {**row, **changes})

    def erase(self, collection: CollectionMap, keys: Sequence[RecordKey]) -> ChangeReceipt:
        if collection.erase is Erase.delete:
            return self._rewrite(collection, keys, lambda row: None)
        fmt = self._format(collection)
        text_cells = isinstance(fmt, CsvFormat)
        key = self._context.pseudonym_key
        fields = [
            f
            for f in collection.fields
            if (f.mask is not None or f.categories or f.identity is not None)
            and f.name not in collection.primary_key
        ]
        if any(f.mask is not None and f.mask.value == "pseudonym" for f in fields) and not key:
            raise SystemRefused(
                self.system_id,
                f"{collection.name} masks a field by pseudonym but no pseudonym key is set",
                hint="set the deployment's pseudonym key before erasing by masking",
            )

        def mask(row: Row) -> Row:
            return {
                **row,
                **{
                    f.name: masked(f, row.get(f.name), key=key, text_cells=text_cells)
                    for f in fields
                },
            }

        return self._rewrite(collection, keys, mask)

    def restrict(
        self, collection: CollectionMap, keys: Sequence[RecordKey], on: bool
    ) -> ChangeReceipt:
        flag = collection.restrict.field
        if collection.restrict.by is not RestrictBy.field or flag is None:
            raise NotSupported(self.system_id, Capability.restrict)
        return self._rewrite(collection, keys, lambda row: {**row, flag: on})

    def close(self) -> None:
        """No file stays open between calls; the indexes are memory only, kept while the
        connector is, for its next request."""

    # -- the file --------------------------------------------------------------------------

    def _format(self, collection: CollectionMap) -> TableFormat:
        fmt = self._formats.get(Path(collection.name).suffix.lower())
        if fmt is None:
            raise SystemRefused(
                self.system_id,
                f"{collection.name} is not a CSV, JSONL or XLSX file",
                hint="name each collection by its file, ending .csv, .jsonl or .xlsx",
            )
        return fmt

    def _path(self, collection: CollectionMap) -> Path:
        name = collection.name
        if "/" in name or "\\" in name or name in {".", ".."}:
            raise SystemRefused(
                self.system_id,
                f"the collection {name} is not a file name",
                hint="name a file directly inside the system's folder",
            )
        return self.folder / name

    def _open(self, collection: CollectionMap) -> tuple[IO[bytes], os.stat_result]:
        """The file opened for reading, refused unless it is a regular file, not a link."""
        path = self._path(collection)
        try:
            descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except FileNotFoundError:
            raise SystemRefused(
                self.system_id,
                f"the file {collection.name} is not in {self.folder}",
                hint="check the dataset map names the file as it is spelt in the folder",
            ) from None
        except OSError as error:
            if os.path.islink(path):
                raise SystemRefused(
                    self.system_id,
                    f"the file {collection.name} is a symbolic link",
                    hint="replace the link by the file itself; Steward never follows a link",
                ) from None
            raise SystemUnavailable(
                self.system_id, f"cannot open {collection.name}: {error.strerror}"
            ) from error
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            os.close(descriptor)
            raise SystemRefused(
                self.system_id,
                f"{collection.name} is {file_kind(status.st_mode)}, not a file",
                hint="the collection must be a regular file in the folder",
            )
        os.set_blocking(descriptor, True)
        return os.fdopen(descriptor, "rb"), status

    def _reading(self, collection: CollectionMap, use: Callable[[Table], T]) -> T:
        fmt = self._format(collection)
        source, _ = self._open(collection)
        with source, self._read_errors(collection, fmt):
            return use(fmt.read(source))

    def _looking_up(
        self,
        collection: CollectionMap,
        field: str | None,
        wanted: set[str],
        use: Callable[[Table], T],
    ) -> T:
        """``use`` given the rows that may hold a ``wanted`` text of ``field`` (of the record
        key when None), through the file's index; by a scan that rebuilds it when there is no
        index of the file as it is now. ``use`` keeps the rows that really match."""
        fmt = self._format(collection)
        if not isinstance(fmt, SeekableFormat):
            return self._reading(collection, use)
        source, status = self._open(collection)
        with source, self._read_errors(collection, fmt):
            found = self._indexes.rows(collection, field, wanted, fmt, source, status)
            if found is not None:
                return use(found)
            source.seek(0)
            return use(self._indexes.scanning(collection, fmt.scan(source), status))

    @contextmanager
    def _read_errors(self, collection: CollectionMap, fmt: TableFormat) -> Iterator[None]:
        try:
            yield
        except TableError as error:
            raise self._malformed(collection, fmt, error) from error
        except OSError as error:
            raise SystemUnavailable(
                self.system_id, f"cannot read {collection.name}: {error.strerror}"
            ) from error

    def _rewrite(
        self,
        collection: CollectionMap,
        keys: Sequence[RecordKey],
        change: Callable[[Row], Row | None],
    ) -> ChangeReceipt:
        """Apply ``change`` to the rows with ``keys``; count only rows it really changed."""
        fmt = self._format(collection)
        wanted = set(keys)
        text_cells = isinstance(fmt, CsvFormat)
        affected = 0

        def edit(row: Row) -> Row | None:
            nonlocal affected
            if self._key(collection, row) not in wanted:
                return row
            changed = change(row)
            if changed is None:
                affected += 1
                return None
            if not isinstance(fmt, JsonLinesFormat):
                for name in changed:
                    if name not in row:
                        raise self._missing_column(collection, name)
            if any(
                _differs(row.get(name), changed.get(name), text_cells=text_cells)
                for name in changed
            ):
                affected += 1
                return changed
            return row

        source, status = self._open(collection)
        target = self._path(collection)
        descriptor, temporary = tempfile.mkstemp(dir=self.folder, prefix=f".{target.name}.")
        try:
            with source, os.fdopen(descriptor, "wb") as out:
                fmt.rewrite(source, out, edit)
                out.flush()
                os.fsync(out.fileno())
                os.chmod(temporary, stat.S_IMODE(status.st_mode))
            if affected:
                os.replace(temporary, target)
                self._indexes.drop(collection.name)
                _sync_folder(self.folder)
        except TableError as error:
            raise self._malformed(collection, fmt, error) from error
        except OSError as error:
            raise SystemUnavailable(
                self.system_id,
                f"cannot rewrite {collection.name}: {error.strerror}; the file is unchanged",
                hint="check the folder is writable and the disk has room",
            ) from error
        finally:
            with suppress(FileNotFoundError):
                os.unlink(temporary)
        return ChangeReceipt(affected=affected)

    # -- helpers ---------------------------------------------------------------------------

    def _key(self, collection: CollectionMap, row: Row) -> RecordKey:
        return RecordKey(
            collection.name, tuple(as_text(row.get(name)) for name in collection.primary_key)
        )

    def _known_field(self, collection: CollectionMap, name: str) -> None:
        if name not in {f.name for f in collection.fields}:
            raise SystemRefused(
                self.system_id,
                f"{name} is not a field of {collection.name} in the dataset map",
                hint="add the field to the collection's map, or use one it lists",
            )

    def _missing_column(self, collection: CollectionMap, name: str) -> SystemRefused:
        return SystemRefused(
            self.system_id,
            f"{collection.name} has no column {name}",
            hint="add the column to the file, or correct the dataset map's field name",
        )

    def _malformed(
        self, collection: CollectionMap, fmt: TableFormat, error: TableError
    ) -> SystemRefused:
        where = f" (line {error.line})" if error.line else ""
        return SystemRefused(
            self.system_id,
            f"{collection.name} is not a well-formed {fmt.name} file{where}: {error}",
            hint=f"fix the file so it is valid {fmt.name}; nothing was changed",
        )


def _differs(old: Any, new: Any, *, text_cells: bool) -> bool:
    if text_cells:
        return as_text(old) != as_text(new)
    return type(old) is not type(new) or old != new


def _sync_folder(folder: Path) -> None:
    """Make the rename durable: after this a crash keeps the new file."""
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
