"""List rows read with their own text and written back with columns added: always exactly what
``csv.reader`` and ``csv.writer`` would give, whether a row is copied or re-encoded."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steward.consent.list_csv import ListWriter, added, records

ADDED = ("no_basis", 'no valid consent: none recorded, "quoted"', "PECR reg 22(2)-(3)")


def through_csv(text: str) -> tuple[list[tuple[int, list[str]]], str]:
    """What reading with csv.reader and writing with csv.writer gives."""
    reader = csv.reader(io.StringIO(text, newline=""))
    out = io.StringIO()
    writer = csv.writer(out)
    rows = []
    for row in reader:
        rows.append((reader.line_num, row))
        writer.writerow([*row, "consent"])
        writer.writerow([reader.line_num, *row, *ADDED])
    return rows, out.getvalue()


def through_list_csv(text: str) -> tuple[list[tuple[int, list[str]]], str]:
    out = io.StringIO()
    writer = ListWriter(out)
    allowed, excluded = added("consent"), added(*ADDED)
    rows = []
    for line, fields, own in records(io.StringIO(text, newline="")):
        rows.append((line, fields))
        writer.row(fields, own, allowed)
        writer.numbered_row(line, fields, own, excluded)
    return rows, out.getvalue()


def test_a_plain_row_is_copied_with_the_columns_added() -> None:
    ((line, fields, own),) = records(io.StringIO("ann@example.org,Ann\r\n", newline=""))
    assert (line, fields, own) == (1, ["ann@example.org", "Ann"], "ann@example.org,Ann")


def test_a_quoted_record_over_two_lines_is_parsed_and_numbered_by_its_last_line() -> None:
    text = 'email,note\r\nann@example.org,"two\nlines"\r\nbob@example.org,x\r\n'
    assert [(line, own) for line, _, own in records(io.StringIO(text, newline=""))] == [
        (1, "email,note"),
        (3, None),
        (4, "bob@example.org,x"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\r\n",
        "a",
        "a,,b\n",
        ",\r",
        'a,"b,c"\r\nd\re\n',
        '"unterminated,\r\nx\r\n',
        "nul\x00here\r\n",
        " spaced , out \r\n",
        "ünïcode ✓\r\n",
    ],
)
def test_examples_match_csv_reader_and_writer(text: str) -> None:
    assert through_list_csv(text) == through_csv(text)


@settings(max_examples=400)
@given(
    st.text(alphabet=st.sampled_from(["a", "é", " ", ",", '"', "\r", "\n", "\x00"]), max_size=40)
)
def test_any_text_gives_what_csv_reader_and_writer_give(text: str) -> None:
    assert through_list_csv(text) == through_csv(text)
