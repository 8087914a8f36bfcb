"""List rows read with their own text and written back with columns added: always exactly what a
strict ``csv.reader`` and ``csv.writer`` of the formula-safe cells would give, whether a row is
copied or re-encoded; what a strict reader refuses is refused with its line."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steward.consent.list_csv import ListWriter, added, list_text, records, rows
from steward.errors import InvalidInput
from steward.spreadsheet import formula_safe_row

ADDED = ("no_basis", 'no valid consent: none recorded, "quoted"', "PECR reg 22(2)-(3)")


def through_csv(text: str) -> tuple[list[tuple[int, list[str]]], str] | None:
    """What reading with a strict csv.reader and writing the formula-safe cells with csv.writer
    gives (None: the reader refuses the text)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    out = io.StringIO()
    writer = csv.writer(out)
    found = []
    try:
        for row in reader:
            found.append((reader.line_num, row))
            writer.writerow([*formula_safe_row(row), "consent"])
            writer.writerow([reader.line_num, *formula_safe_row(row), *formula_safe_row(ADDED)])
    except csv.Error:
        return None
    return found, out.getvalue()


def through_list_csv(text: str) -> tuple[list[tuple[int, list[str]]], str] | None:
    out = io.StringIO()
    writer = ListWriter(out)
    allowed, excluded = added("consent"), added(*ADDED)
    found = []
    try:
        for line, fields, own in records(io.StringIO(text, newline="")):
            found.append((line, fields))
            writer.row(fields, own, allowed)
            writer.numbered_row(line, fields, own, excluded)
    except InvalidInput:
        return None
    return found, out.getvalue()


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
        '"a"b\r\n',
        "=1+1,ann@example.org\r\n",
        "ann@example.org,-,-5,+44 20 7946 0000\r\n",
        "nul\x00here\r\n",
        " spaced , out \r\n",
        "ünïcode ✓\r\n",
    ],
)
def test_examples_match_csv_reader_and_writer(text: str) -> None:
    assert through_list_csv(text) == through_csv(text)


@settings(max_examples=400)
@given(
    st.text(
        alphabet=st.sampled_from(["a", "é", " ", ",", '"', "\r", "\n", "\x00", "=", "-", "1"]),
        max_size=40,
    )
)
def test_any_text_gives_what_csv_reader_and_writer_give(text: str) -> None:
    assert through_list_csv(text) == through_csv(text)


def test_a_cell_that_would_run_as_a_formula_is_written_as_text_not_copied() -> None:
    (_, fields, own), *_ = records(io.StringIO("=1+1,ann@example.org\r\n", newline=""))
    out = io.StringIO()
    ListWriter(out).row(fields, own, added("consent"))
    assert own is None
    assert out.getvalue() == "'=1+1,ann@example.org,consent\r\n"


def read_all(data: bytes) -> list[tuple[int, list[str]]]:
    with list_text(io.BytesIO(data), "list.csv") as text:
        return list(rows(text, "list.csv"))


def test_an_unclosed_quote_is_reported_at_the_line_it_opens() -> None:
    with pytest.raises(InvalidInput) as raised:
        read_all(b'email,name\r\nann@example.org,"Ann\r\nbob@example.org,Bob\r\n')
    assert raised.value.where == "list.csv:2"
    assert "never closed" in raised.value.message


def test_a_field_past_the_csv_limit_is_refused_with_its_line() -> None:
    with pytest.raises(InvalidInput) as raised:
        read_all(b"email\r\nann@example.org\r\n" + b"x" * 1_000_000 + b"\r\n")
    assert raised.value.where == "list.csv:3"
    assert "longer than 131,072 characters" in raised.value.message


def test_bytes_that_are_not_utf8_are_refused_with_their_line() -> None:
    with pytest.raises(InvalidInput) as raised:
        read_all(b"email\r\nann@example.org\r\nbj\xf6rn@example.org\r\n")
    assert (raised.value.where, raised.value.message) == (
        "list.csv:3",
        "the list is not UTF-8 text",
    )


def test_a_bad_byte_far_into_a_large_list_is_found_on_its_line() -> None:
    body = b"".join(b"p%d@example.org\n" % n for n in range(2, 20_001))
    with pytest.raises(InvalidInput) as raised:
        read_all(b"email\n" + body + b"caf\xe9@example.org\n")
    assert raised.value.where == "list.csv:20001"


def test_a_utf8_byte_order_mark_is_not_part_of_the_header() -> None:
    assert read_all(b"\xef\xbb\xbfemail\r\nann@example.org\r\n")[0] == (1, ["email"])
