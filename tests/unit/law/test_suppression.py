"""Small-cell suppression follows RULES.md R10.5 and hides every suppressed cell from the totals."""

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steward.errors import InvalidInput
from steward.law.suppression import SuppressedTable, SuppressionRefused, suppress

EXAMPLE_4X4 = [[20, 3, 10, 30], [30, 15, 12, 12], [15, 0, 0, 10], [3, 20, 5, 3]]


@pytest.mark.parametrize(
    ("table", "threshold", "published"),
    [
        (
            [[12, 3, 10], [15, 11, 12], [19, 14, 13]],
            10,
            [["12", "*", "*"], ["15", "*", "*"], ["19", "14", "13"]],
        ),
        (
            [[12, 3, 10], [15, 11, 12], [19, 14, 13]],
            5,
            [["12", "*", "*"], ["15", "*", "*"], ["19", "14", "13"]],
        ),
        (
            [[4, 0, 20], [6, 15, 18], [30, 22, 25]],
            10,
            [["*", "0", "*"], ["*", "*", "*"], ["30", "*", "*"]],
        ),
        ([[12, 15], [20, 25]], 10, [["12", "15"], ["20", "25"]]),
        (
            EXAMPLE_4X4,
            10,
            [
                ["20", "*", "*", "30"],
                ["30", "*", "*", "*"],
                ["*", "0", "0", "*"],
                ["*", "20", "*", "*"],
            ],
        ),
    ],
)
def test_worked_examples_of_r10_5(
    table: list[list[int]], threshold: int, published: list[list[str]]
) -> None:
    assert suppress(table, threshold=threshold).published() == published


def test_threshold_5_suppresses_only_the_3_as_primary() -> None:
    result = suppress([[12, 3, 10], [15, 11, 12], [19, 14, 13]], threshold=5)
    assert result.primary == {(0, 1)}


def test_4x4_example_repairs_the_bridge_with_cell_1_3() -> None:
    result = suppress(EXAMPLE_4X4)
    assert result.primary == {(0, 1), (3, 0), (3, 2), (3, 3)}
    assert (1, 3) in result.secondary
    assert result.cells[1][3] is None


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ([[3, 20], [0, 25]], "column 0 total 3 is a small cell"),
        ([[2, 30]], "column 0 total 2 is a small cell"),
    ],
)
def test_small_totals_are_refused_with_merge_advice(table: list[list[int]], message: str) -> None:
    with pytest.raises(SuppressionRefused, match=message) as raised:
        suppress(table)
    assert "merge categories" in (raised.value.hint or "")


def test_a_line_without_a_partner_is_refused() -> None:
    with pytest.raises(SuppressionRefused, match="column 1 needs another suppressed cell"):
        suppress([[3, 20], [15, 0]])


def test_a_bridge_nothing_can_protect_is_refused() -> None:
    table = [[3, 0, 0, 20], [0, 15, 12, 5], [15, 0, 0, 20], [15, 12, 20, 12]]
    with pytest.raises(SuppressionRefused, match=r"cell \(1, 3\) could be recovered"):
        suppress(table)


def test_zeros_are_shown_and_totals_are_the_true_totals() -> None:
    result = suppress([[4, 0, 20], [6, 15, 18], [30, 22, 25]])
    assert result.cells[0][1] == 0
    assert (result.row_totals, result.column_totals, result.grand_total) == (
        (24, 39, 77),
        (40, 37, 63),
        140,
    )


@pytest.mark.parametrize(
    ("table", "threshold", "where"),
    [
        ([[1, 2]], 4, "threshold"),
        ([], 10, "table"),
        ([[1, 2], [3]], 10, "table[1]"),
        ([[1, -2]], 10, "table[0][1]"),
    ],
)
def test_malformed_input_is_rejected(table: list[list[int]], threshold: int, where: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        suppress(table, threshold=threshold)
    assert raised.value.where == where


def _rank(matrix: list[list[Fraction]]) -> int:
    """Rank by exact Gaussian elimination over the rationals."""
    rows = [row[:] for row in matrix]
    rank = 0
    width = len(rows[0]) if rows else 0
    for column in range(width):
        pivot = next((i for i in range(rank, len(rows)) if rows[i][column] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for i in range(len(rows)):
            if i != rank and rows[i][column] != 0:
                factor = rows[i][column] / rows[rank][column]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[rank], strict=True)]
        rank += 1
    return rank


def recoverable_cells(result: SuppressedTable) -> list[tuple[int, int]]:
    """Suppressed cells whose unit vector lies in the row space of the published constraints.

    Unknowns are the suppressed cells; each published row and column total gives one equation
    over the unknowns in that line. A cell is fixed by the totals exactly when adding its unit
    vector to the constraint matrix does not raise the rank.
    """
    unknowns = sorted(result.primary | result.secondary)
    index = {cell: i for i, cell in enumerate(unknowns)}
    rows, columns = len(result.cells), len(result.cells[0])
    constraints = []
    for line in [[(r, c) for c in range(columns)] for r in range(rows)] + [
        [(r, c) for r in range(rows)] for c in range(columns)
    ]:
        vector = [Fraction(0)] * len(unknowns)
        for cell in line:
            if cell in index:
                vector[index[cell]] = Fraction(1)
        if any(vector):
            constraints.append(vector)
    if not constraints:
        return []
    base = _rank(constraints)
    found = []
    for cell, i in index.items():
        unit = [Fraction(0)] * len(unknowns)
        unit[i] = Fraction(1)
        if _rank([*constraints, unit]) == base:
            found.append(cell)
    return found


def test_the_rank_check_finds_the_4x4_bridge_before_repair() -> None:
    step3 = SuppressedTable(
        cells=(
            (20, None, None, 30),
            (30, None, None, 12),
            (None, 0, 0, None),
            (None, 20, None, None),
        ),
        row_totals=(),
        column_totals=(),
        grand_total=0,
        primary=frozenset({(0, 1), (3, 0), (3, 2), (3, 3)}),
        secondary=frozenset({(0, 2), (1, 1), (1, 2), (2, 0), (2, 3)}),
    )
    assert recoverable_cells(step3) == [(3, 2)]


TABLES = st.integers(1, 6).flatmap(
    lambda rows: st.integers(1, 6).flatmap(
        lambda columns: st.lists(
            st.lists(
                st.one_of(st.integers(0, 12), st.integers(10, 60)),
                min_size=columns,
                max_size=columns,
            ),
            min_size=rows,
            max_size=rows,
        )
    )
)


@settings(max_examples=200, deadline=None)
@given(TABLES)
def test_no_suppressed_cell_can_be_recovered_from_the_totals(table: list[list[int]]) -> None:
    try:
        result = suppress(table)
    except SuppressionRefused:
        return
    assert recoverable_cells(result) == []
    for r, row in enumerate(result.cells):
        for c, value in enumerate(row):
            if value is not None:
                assert value == 0 or value >= 10
            else:
                assert table[r][c] > 0
    for r in range(len(table)):
        hidden = [table[r][c] for c in range(len(table[0])) if result.cells[r][c] is None]
        assert not hidden or (len(hidden) >= 2 and sum(hidden) >= 10)
    for c in range(len(table[0])):
        hidden = [table[r][c] for r in range(len(table)) if result.cells[r][c] is None]
        assert not hidden or (len(hidden) >= 2 and sum(hidden) >= 10)
