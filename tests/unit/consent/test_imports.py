"""Reading a marketing list: provenance per row or refusal (RULES.md R2.3; never bought lists)."""

from __future__ import annotations

import datetime as dt

import pytest

from steward.consent.imports import (
    Basis,
    ConsentEvidence,
    CustomerRelationship,
    ListContext,
    ListEntry,
    MissingProvenance,
    RowProblem,
    read_list,
)
from steward.errors import InvalidInput
from steward.law.pecr import Channel, DetailsSource, ListSource
from steward.law.subscribers import LegalForm

TODAY = dt.date(2026, 11, 26)
CONTEXT = ListContext(file="list.csv", purpose="newsletter", channel=Channel.email, today=TODAY)
HEADER = (
    "email,source,obtained_from,obtained_on,basis,legal_form,"
    "consent_wording,consent_version,consent_where,consent_at,consent_names_us,"
    "relationship,relationship_date,relationship_ref,opt_out_at_collection"
)
CONSENT_ROW = (
    "Ann@Example.org,newsletter form,directly,2026-01-10,consent,individual,"
    "Send me Outserve news,v3,https://outserve.example/signup,2026-01-10T09:30,yes,,,,"
)
SOFT_ROW = (
    "bob@example.org,shop checkout,directly,2025-06-01,soft_opt_in,sole_trader,"
    ",,,,,sale,2025-06-01,ORD-1001,yes"
)


def read(*lines: str) -> list[ListEntry | RowProblem]:
    return list(read_list([HEADER, *lines], CONTEXT))


def problem(line: str) -> RowProblem:
    (result,) = read(line)
    assert isinstance(result, RowProblem)
    return result


def test_a_consent_row_keeps_its_evidence_and_a_normalised_address() -> None:
    assert read(CONSENT_ROW) == [
        ListEntry(
            line=2,
            email="ann@example.org",
            source="newsletter form",
            obtained_from=ListSource.directly,
            obtained_on=dt.date(2026, 1, 10),
            legal_form=LegalForm.private_individual,
            consent=ConsentEvidence(
                "Send me Outserve news",
                "v3",
                "https://outserve.example/signup",
                "2026-01-10T09:30:00",
                names_us=True,
            ),
            relationship=None,
        )
    ]


def test_a_soft_opt_in_row_keeps_the_sale_it_rests_on() -> None:
    (entry,) = read(SOFT_ROW)
    assert isinstance(entry, ListEntry)
    assert entry.basis is Basis.SOFT_OPT_IN
    assert entry.relationship == CustomerRelationship(
        DetailsSource.sale, dt.date(2025, 6, 1), "ORD-1001", opt_out_at_collection=True
    )


def test_rows_are_numbered_by_their_line_in_the_file() -> None:
    results = read(CONSENT_ROW, "", "not-an-address," + CONSENT_ROW.split(",", 1)[1], SOFT_ROW)
    assert [r.line for r in results] == [2, 4, 5]
    assert isinstance(results[1], RowProblem)


def test_a_list_without_provenance_columns_is_refused_before_any_row() -> None:
    with pytest.raises(MissingProvenance, match="never use bought lists") as caught:
        list(read_list(["email,name", "ann@example.org,Ann"], CONTEXT))
    assert caught.value.where == "list.csv:1"
    assert "source" in caught.value.message and "obtained_on" in caught.value.message


def test_a_list_with_half_the_consent_columns_is_refused_naming_the_missing_ones() -> None:
    header = "email,source,obtained_from,obtained_on,basis,legal_form,consent_wording"
    with pytest.raises(MissingProvenance, match="consent_version"):
        list(read_list([header], CONTEXT))


def test_a_list_with_only_consent_columns_is_accepted() -> None:
    header = ",".join(HEADER.split(",")[:11])
    rows = list(read_list([header, ",".join(CONSENT_ROW.split(",")[:11])], CONTEXT))
    assert isinstance(rows[0], ListEntry)


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(MissingProvenance, match="empty"):
        list(read_list([], CONTEXT))


def test_a_column_named_twice_is_refused() -> None:
    with pytest.raises(InvalidInput, match="more than once"):
        list(read_list([HEADER + ",email"], CONTEXT))


def test_header_names_ignore_case_and_spaces() -> None:
    header = ", ".join(name.upper() for name in HEADER.split(","))
    (entry,) = list(read_list([header, CONSENT_ROW], CONTEXT))
    assert isinstance(entry, ListEntry)


def replace_cell(row: str, column: str, value: str) -> str:
    cells = row.split(",")
    cells[HEADER.split(",").index(column)] = value
    return ",".join(cells)


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (replace_cell(CONSENT_ROW, "email", "ann at example"), "email", "not an email"),
        (replace_cell(CONSENT_ROW, "source", ""), "source", "is empty"),
        (replace_cell(CONSENT_ROW, "obtained_on", "10/01/2026"), "obtained_on", "not a date"),
        (replace_cell(CONSENT_ROW, "obtained_on", "2026-12-01"), "obtained_on", "future"),
        (replace_cell(CONSENT_ROW, "basis", "legitimate"), "basis", "not one of"),
        (
            replace_cell(CONSENT_ROW, "obtained_from", "bought_list"),
            "obtained_from",
            "never use bought lists",
        ),
        (
            replace_cell(SOFT_ROW, "obtained_from", "bought_list"),
            "obtained_from",
            "never use bought lists",
        ),
        (replace_cell(CONSENT_ROW, "legal_form", ""), "legal_form", "is empty"),
        (replace_cell(CONSENT_ROW, "consent_wording", ""), "consent_wording", "is empty"),
        (replace_cell(CONSENT_ROW, "consent_version", ""), "consent_version", "is empty"),
        (replace_cell(CONSENT_ROW, "consent_where", ""), "consent_where", "is empty"),
        (replace_cell(CONSENT_ROW, "consent_at", "yesterday"), "consent_at", "not a date"),
        (replace_cell(CONSENT_ROW, "consent_at", "2027-01-01"), "consent_at", "future"),
        (
            replace_cell(CONSENT_ROW, "consent_names_us", "no"),
            "consent_names_us",
            "did not name this sender",
        ),
        (
            replace_cell(CONSENT_ROW, "consent_where", "mailto:ann@example.org"),
            "consent_where",
            "contains an email address",
        ),
        (replace_cell(CONSENT_ROW, "legal_form", "trust fund"), "legal_form", "unknown legal form"),
        (replace_cell(CONSENT_ROW, "source", "x" * 201), "source", "longer than 200"),
        (
            replace_cell(CONSENT_ROW, "consent_version", "v" * 51),
            "consent_version",
            "longer than 50",
        ),
        (
            replace_cell(CONSENT_ROW, "consent_names_us", "maybe"),
            "consent_names_us",
            "not yes or no",
        ),
        (
            replace_cell(SOFT_ROW, "obtained_from", "partner"),
            "relationship",
            "not obtained by the sender in a sale or negotiation",
        ),
        (
            replace_cell(SOFT_ROW, "obtained_from", "group_company"),
            "relationship",
            "not obtained by the sender in a sale or negotiation",
        ),
        (
            replace_cell(SOFT_ROW, "relationship", "content_download"),
            "relationship",
            "not obtained by the sender in a sale or negotiation",
        ),
        (
            replace_cell(SOFT_ROW, "opt_out_at_collection", "no"),
            "relationship",
            "no simple, free opt-out was offered",
        ),
        (replace_cell(SOFT_ROW, "relationship", "download"), "relationship", "not one of"),
        (replace_cell(SOFT_ROW, "relationship_date", ""), "relationship_date", "is empty"),
        (replace_cell(SOFT_ROW, "relationship_ref", ""), "relationship_ref", "is empty"),
    ],
)
def test_a_bad_row_names_its_line_column_and_fix(row: str, column: str, message: str) -> None:
    found = problem(row)
    assert (found.line, found.column) == (2, column)
    assert message in found.message
    assert found.hint


def test_a_basis_refused_by_law_cites_the_provision() -> None:
    found = problem(replace_cell(SOFT_ROW, "opt_out_at_collection", "no"))
    assert "PECR reg 22" in found.message


def test_unknown_legal_form_is_accepted_as_written() -> None:
    (entry,) = read(replace_cell(CONSENT_ROW, "legal_form", "unknown"))
    assert isinstance(entry, ListEntry)
    assert entry.legal_form is LegalForm.unknown


def test_a_row_with_missing_trailing_cells_reports_the_first_empty_one() -> None:
    assert problem("ann@example.org,form,directly,2026-01-10,consent,individual").column == (
        "consent_at"
    )


def test_a_row_broken_as_csv_is_reported_and_reading_goes_on() -> None:
    results = list(read_list([HEADER + "\n", 'x,"unclosed\n', CONSENT_ROW + "\n"], CONTEXT))
    assert isinstance(results[0], RowProblem)
