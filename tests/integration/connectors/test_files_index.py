"""The files connector's index: the same answers as a full scan, without the scan, on real files."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path
from typing import IO, Any, Literal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from steward.connectors.files import FilesConnector
from steward.connectors.files.index import Digest, FileIndexes
from steward.connectors.files.tables import (
    FORMATS,
    CsvFormat,
    JsonLinesFormat,
    LocatedTable,
    Row,
    RowEdit,
    SeekableFormat,
    Table,
    TableError,
)
from steward.connectors.protocol import ConnectorContext, RecordKey, SystemRefused
from steward.manifest.datasets import CollectionMap
from tests.integration.connectors.test_files_connector import (
    KEY,
    ROWS,
    key,
    visitors_map,
    write_csv,
    write_jsonl,
)

AN_HOUR_AGO_NS = 3_600 * 10**9


class CountingScans:
    """A CSV or JSONL format that counts its passes over a whole file."""

    def __init__(self, inner: SeekableFormat) -> None:
        self.inner = inner
        self.name = inner.name
        self.scans = 0

    def read(self, source: IO[bytes]) -> Table:
        self.scans += 1
        return self.inner.read(source)

    def scan(self, source: IO[bytes]) -> LocatedTable:
        self.scans += 1
        return self.inner.scan(source)

    def row_at(self, source: IO[bytes], header: tuple[str, ...], offset: int) -> Row:
        return self.inner.row_at(source, header, offset)

    def rewrite(self, source: IO[bytes], target: IO[bytes], edit: RowEdit) -> None:
        self.inner.rewrite(source, target, edit)


class NoRowAtAnyOffset(CountingScans):
    """As if the file had changed under an index whose state still matched."""

    def row_at(self, source: IO[bytes], header: tuple[str, ...], offset: int) -> Row:
        raise TableError(f"no row at byte {offset}")


def counting(suffix: str) -> CountingScans:
    return CountingScans(CsvFormat() if suffix == ".csv" else JsonLinesFormat())


def indexed_connector(
    folder: Path, fmt: CountingScans | None = None, *, digest: Digest = hash
) -> FilesConnector:
    """A connector that keeps an index even of a file written a moment ago."""
    formats = dict(FORMATS)
    if fmt is not None:
        formats[".csv" if fmt.name == "CSV" else ".jsonl"] = fmt
    return FilesConnector(
        ConnectorContext("visitor_log", {"path": str(folder)}, pseudonym_key=KEY),
        formats=formats,
        indexes=FileIndexes(digest=digest, settle_ns=0),
    )


def scanning_connector(folder: Path) -> FilesConnector:
    """A new connector: its first call is always a full scan."""
    return FilesConnector(ConnectorContext("visitor_log", {"path": str(folder)}))


def written_an_hour_ago(path: Path) -> None:
    """Backdate the modification time, so a later write by anyone changes it."""
    status = path.stat()
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns - AN_HOUR_AGO_NS))


def row_text(name: str, row: dict[str, Any]) -> str:
    if name.endswith(".jsonl"):
        return json.dumps(row) + "\n"
    out = io.StringIO()
    csv.writer(out).writerow(row.values())
    return out.getvalue()


VISITORS = ("visitors.csv", "visitors.jsonl")
WRITE = {"visitors.csv": write_csv, "visitors.jsonl": write_jsonl}


@pytest.fixture(params=VISITORS)
def visitors(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    name = str(request.param)
    WRITE[name](tmp_path / name)
    return name


# -- the same answers as a scan ------------------------------------------------------------------

IDS = ("1", "2", "10", "", "é", 'q"q', "a,b", "two\nlines")
AWKWARD = (
    "",
    ",",
    '"',
    '""',
    'say "hi", then go',
    "two\nlines",
    "cr\r\nlf",
    "\r",
    " padded ",
    "Zoë Ōkafor-Lane",
    "日本",
    "=1+1",
    "x\x1fy",
    "\ufeffbom",
)
texts = st.one_of(st.sampled_from(AWKWARD), st.text(st.characters(codec="utf-8"), max_size=6))
PEOPLE_FIELDS = ("id", "email", "name", "note")


def people_map(name: str) -> CollectionMap:
    return CollectionMap.model_validate(
        {
            "name": name,
            "primary_key": ["id"],
            "fields": [
                {"name": "id"},
                {"name": "email", "identity": "email", "categories": ["visitor_log"]},
                {"name": "name", "identity": "name", "categories": ["visitor_log"]},
                {"name": "note", "categories": ["visitor_log"]},
            ],
        }
    )


@st.composite
def people_files(draw: st.DrawFn) -> tuple[str, bytes, list[tuple[Any, ...]]]:
    """A small CSV or JSONL file of people, and calls to make on it."""
    pool = draw(st.lists(texts, min_size=1, max_size=4))
    rows = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "id": st.sampled_from(IDS),
                    "email": st.sampled_from(pool),
                    "name": st.sampled_from(pool),
                    "note": st.one_of(texts, st.integers(-3, 3), st.booleans(), st.none()),
                }
            ),
            max_size=8,
        )
    )
    blank_at = draw(st.none() | st.integers(0, len(rows)))
    if draw(st.booleans()):
        name = "people.csv"
        ending = draw(st.sampled_from(["\r\n", "\n"]))
        out = io.StringIO()  # a bare "\r" in a cell is quoted only when a line ends "\r\n"
        quoting: Literal[0, 1] = csv.QUOTE_MINIMAL if ending == "\r\n" else csv.QUOTE_ALL
        writer = csv.writer(out, lineterminator=ending, quoting=quoting)
        writer.writerow(PEOPLE_FIELDS)
        for at, row in enumerate(rows):
            if at == blank_at:
                out.write(ending)
            writer.writerow(row.values())
        bom = "\ufeff" if draw(st.booleans()) else ""
        content = (bom + out.getvalue()).encode("utf-8")
    else:
        name = "people.jsonl"
        ascii_only = draw(st.booleans())
        lines = [json.dumps(row, ensure_ascii=ascii_only) + "\n" for row in rows]
        if blank_at is not None:
            lines.insert(blank_at, "\n")
        content = "".join(lines).encode("utf-8")
    finds = st.tuples(
        st.just("find"),
        st.sampled_from(PEOPLE_FIELDS),
        st.lists(st.one_of(st.sampled_from(pool), st.sampled_from(IDS), texts), max_size=3),
    )
    reads = st.tuples(
        st.just("read"),
        st.lists(st.builds(lambda v: RecordKey(name, (v,)), st.sampled_from([*IDS, "99"]))),
    )
    calls = draw(st.lists(st.one_of(finds, reads), min_size=1, max_size=6))
    return name, content, calls


def outcome(connector: FilesConnector, collection: CollectionMap, call: tuple[Any, ...]) -> Any:
    """What the call gives, or the refusal it raises (a malformed file, a missing column)."""
    try:
        if call[0] == "find":
            return connector.find(collection, call[1], call[2])
        return connector.read(collection, call[1])
    except SystemRefused as refusal:
        return str(refusal)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(people_files())
def test_find_and_read_through_the_index_give_exactly_what_a_full_scan_gives(
    tmp_path: Path, example: tuple[str, bytes, list[tuple[Any, ...]]]
) -> None:
    name, content, calls = example
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    (folder / name).write_bytes(content)
    collection = people_map(name)
    fmt = counting(Path(name).suffix)
    indexed = indexed_connector(folder, fmt)
    refused = False
    for round_ in (1, 2):
        scans_before = fmt.scans
        for call in calls:
            expected = outcome(scanning_connector(folder), collection, call)
            assert outcome(indexed, collection, call) == expected
            refused = refused or isinstance(expected, str)
        if round_ == 2 and not refused:  # every field was asked for once: no more scans
            assert fmt.scans == scans_before


@settings(max_examples=150, deadline=None)
@given(people_files())
def test_each_row_a_scan_locates_is_read_back_the_same_at_its_offset(
    example: tuple[str, bytes, list[tuple[Any, ...]]],
) -> None:
    name, content, _ = example
    fmt = CsvFormat() if name.endswith(".csv") else JsonLinesFormat()
    source = io.BytesIO(content)
    table = fmt.scan(source)
    located = list(table.rows)
    assert [row for _, row in located] == list(fmt.read(io.BytesIO(content)).rows)
    for offset, row in located:
        assert fmt.row_at(source, table.header, offset) == row


# -- no scan when nothing changed ----------------------------------------------------------------


def test_a_second_find_and_a_read_on_an_unchanged_file_do_not_scan(
    tmp_path: Path, visitors: str
) -> None:
    fmt = counting(Path(visitors).suffix)
    connector = indexed_connector(tmp_path, fmt)
    collection = visitors_map(visitors)
    assert connector.find(collection, "email", ["tom@example.org"]) == [key(visitors, "2")]
    assert fmt.scans == 1
    assert connector.find(collection, "email", ["ada@example.org"]) == [key(visitors, "1")]
    assert connector.find(collection, "name", ["Sam Patel"]) == [key(visitors, "3")]
    records = connector.read(collection, [key(visitors, "3"), key(visitors, "1")])
    assert [r.key for r in records] == [key(visitors, "1"), key(visitors, "3")]
    assert records[1].fields["email"] == "sam@example.org"
    assert fmt.scans == 1


def test_a_field_not_indexed_yet_is_scanned_once_then_served_by_the_index(
    tmp_path: Path, visitors: str
) -> None:
    fmt = counting(Path(visitors).suffix)
    connector = indexed_connector(tmp_path, fmt)
    collection = visitors_map(visitors)
    connector.find(collection, "email", ["tom@example.org"])
    both = [key(visitors, "1"), key(visitors, "2")]
    assert connector.find(collection, "company", ["Byrne Ltd"]) == both
    assert connector.find(collection, "company", ["Byrne Ltd", "Patel & Co"]) == [
        *both,
        key(visitors, "3"),
    ]
    assert connector.find(collection, "email", ["sam@example.org"]) == [key(visitors, "3")]
    assert fmt.scans == 2


def test_a_file_changed_moments_ago_is_scanned_on_every_call_until_it_settles(
    tmp_path: Path,
) -> None:
    write_csv(tmp_path / "visitors.csv")
    fmt = counting(".csv")
    connector = FilesConnector(
        ConnectorContext("visitor_log", {"path": str(tmp_path)}),
        formats={**FORMATS, ".csv": fmt},
    )
    collection = visitors_map("visitors.csv")
    for _ in range(2):
        assert connector.find(collection, "email", ["tom@example.org"]) == [
            key("visitors.csv", "2")
        ]
    assert fmt.scans == 2


# -- other writers -------------------------------------------------------------------------------


def test_an_appended_row_is_found_by_the_next_find(tmp_path: Path, visitors: str) -> None:
    connector = indexed_connector(tmp_path)
    collection = visitors_map(visitors)
    both = [key(visitors, "1"), key(visitors, "2")]
    assert connector.find(collection, "company", ["Byrne Ltd"]) == both
    row = {**ROWS[0], "id": "4", "name": "Kit Byrne", "email": "kit@example.org"}
    with (tmp_path / visitors).open("a", encoding="utf-8", newline="") as handle:
        handle.write(row_text(visitors, row))
    assert connector.find(collection, "company", ["Byrne Ltd"]) == [*both, key(visitors, "4")]
    (record,) = connector.read(collection, [key(visitors, "4")])
    assert record.fields["email"] == "kit@example.org"


def test_an_in_place_rewrite_by_another_writer_is_seen_by_the_next_find(
    tmp_path: Path, visitors: str
) -> None:
    path = tmp_path / visitors
    written_an_hour_ago(path)
    connector = indexed_connector(tmp_path)
    collection = visitors_map(visitors)
    assert connector.find(collection, "email", ["tom@example.org"]) == [key(visitors, "2")]
    content = path.read_bytes()
    with path.open("r+b") as handle:  # the same size, the same inode
        handle.write(content.replace(b"tom@example.org", b"tim@example.org"))
    assert connector.find(collection, "email", ["tom@example.org"]) == []
    assert connector.find(collection, "email", ["tim@example.org"]) == [key(visitors, "2")]
    (record,) = connector.read(collection, [key(visitors, "2")])
    assert record.fields["email"] == "tim@example.org"


def test_an_atomic_replace_is_seen_by_the_next_find(tmp_path: Path, visitors: str) -> None:
    path = tmp_path / visitors
    connector = indexed_connector(tmp_path)
    collection = visitors_map(visitors)
    assert connector.find(collection, "email", ["tom@example.org"]) == [key(visitors, "2")]
    status = path.stat()
    replacement = tmp_path / f".{visitors}.new"
    replacement.write_bytes(path.read_bytes().replace(b"tom@example.org", b"tim@example.org"))
    os.utime(replacement, ns=(status.st_atime_ns, status.st_mtime_ns))  # as `cp -p` would
    os.replace(replacement, path)
    assert connector.find(collection, "email", ["tom@example.org"]) == []
    assert connector.find(collection, "email", ["tim@example.org"]) == [key(visitors, "2")]


def test_rows_erased_through_the_connector_are_not_found_again(
    tmp_path: Path, visitors: str
) -> None:
    connector = indexed_connector(tmp_path)
    collection = visitors_map(visitors)
    keys = connector.find(collection, "company", ["Byrne Ltd"])
    assert connector.erase(collection, keys).affected == 2
    assert connector.find(collection, "company", ["Byrne Ltd"]) == []
    assert connector.find(collection, "email", ["tom@example.org"]) == []
    assert connector.read(collection, keys) == []
    assert connector.find(collection, "email", ["sam@example.org"]) == [key(visitors, "3")]


# -- never a wrong row ---------------------------------------------------------------------------


def test_colliding_digests_still_give_only_the_rows_holding_the_value(
    tmp_path: Path, visitors: str
) -> None:
    fmt = counting(Path(visitors).suffix)
    connector = indexed_connector(tmp_path, fmt, digest=lambda text: 0)
    collection = visitors_map(visitors)
    assert connector.find(collection, "email", ["tom@example.org"]) == [key(visitors, "2")]
    assert connector.find(collection, "email", ["sam@example.org", "x@example.org"]) == [
        key(visitors, "3")
    ]
    assert connector.find(collection, "name", ["Nobody"]) == []
    records = connector.read(collection, [key(visitors, "1")])
    assert [r.key for r in records] == [key(visitors, "1")]
    assert fmt.scans == 1


def test_an_offset_where_no_row_parses_makes_the_call_scan_instead(
    tmp_path: Path, visitors: str
) -> None:
    fmt = NoRowAtAnyOffset(counting(Path(visitors).suffix).inner)
    connector = indexed_connector(tmp_path, fmt)
    collection = visitors_map(visitors)
    for _ in range(2):
        assert connector.find(collection, "email", ["tom@example.org"]) == [key(visitors, "2")]
        assert [r.key for r in connector.read(collection, [key(visitors, "2")])] == [
            key(visitors, "2")
        ]
    assert fmt.scans == 4


def test_read_gives_every_row_of_a_key_the_file_holds_twice(tmp_path: Path) -> None:
    (tmp_path / "visitors.csv").write_text(
        "id,name,email,company,visited_on,processing_hold\n"
        "1,Ada Byrne,ada@example.org,Byrne Ltd,2024-05-17,false\n"
        "2,Tom Byrne,tom@example.org,Byrne Ltd,2019-02-03,false\n"
        "1,Ada B.,ada.b@example.org,,2024-06-01,false\n",
        encoding="utf-8",
    )
    connector = indexed_connector(tmp_path)
    collection = visitors_map("visitors.csv")
    keys = connector.find(collection, "email", ["ada@example.org"])
    emails = [r.fields["email"] for r in connector.read(collection, keys)]
    assert emails == ["ada@example.org", "ada.b@example.org"]


def test_a_row_after_a_bom_and_a_cell_spanning_lines_is_read_at_its_offset(
    tmp_path: Path,
) -> None:
    (tmp_path / "visitors.csv").write_bytes(
        "\ufeffid,name,email,company,visited_on,processing_hold\r\n"
        '1,Ada Byrne,ada@example.org,"Byrne\r\n""Ltd"", Dublin",2024-05-17,false\r\n'
        "2,Zoë Ōkafor,zoe@example.org,Ōkafor & Co,2019-02-03,false\r\n".encode()
    )
    fmt = counting(".csv")
    connector = indexed_connector(tmp_path, fmt)
    collection = visitors_map("visitors.csv")
    assert connector.find(collection, "email", ["zoe@example.org"]) == [key("visitors.csv", "2")]
    records = connector.read(collection, [key("visitors.csv", "1"), key("visitors.csv", "2")])
    assert [r.fields["company"] for r in records] == ['Byrne\r\n"Ltd", Dublin', "Ōkafor & Co"]
    assert connector.find(collection, "name", ["Zoë Ōkafor"]) == [key("visitors.csv", "2")]
    assert fmt.scans == 1
