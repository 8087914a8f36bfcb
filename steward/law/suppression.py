"""Small-cell suppression for aggregate tables published with row and column totals.

RULES.md R10.5: refuse small margins, suppress small cells (primary), add partners so no line
gives a suppressed cell away (line rule), then repair every bridge of the suppressed-cell graph,
because with all margins published a suppressed cell is recoverable exactly when it is a bridge.
The algorithm is Steward's own [I]; the sources give thresholds, not a method.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from steward.errors import InvalidInput, StewardError

DEFAULT_THRESHOLD = 10
"""ONS-style threshold of 10 observations (RULES.md R10.5, Steward default)."""
MINIMUM_THRESHOLD = 5
"""Never suppress below 1-4 only (RULES.md R10.5)."""

Cell = tuple[int, int]


class SuppressionRefused(StewardError):
    """The table cannot be published safely at this granularity (RULES.md R10.5)."""


@dataclass(frozen=True)
class SuppressedTable:
    """A table ready to publish: None marks a suppressed cell; totals are the true totals."""

    cells: tuple[tuple[int | None, ...], ...]
    row_totals: tuple[int, ...]
    column_totals: tuple[int, ...]
    grand_total: int
    primary: frozenset[Cell]
    secondary: frozenset[Cell]

    def published(self, mark: str = "*") -> list[list[str]]:
        """The cells as text, suppressed ones shown as `mark`."""
        return [[mark if v is None else str(v) for v in row] for row in self.cells]


def suppress(
    table: Sequence[Sequence[int]], *, threshold: int = DEFAULT_THRESHOLD
) -> SuppressedTable:
    """Suppress a table of counts so no small cell is shown or recoverable (RULES.md R10.5)."""
    counts = _validated(table, threshold)
    rows, columns = len(counts), len(counts[0])
    row_totals = [sum(row) for row in counts]
    column_totals = [sum(counts[r][c] for r in range(rows)) for c in range(columns)]
    _check_margins(row_totals, column_totals, threshold)
    state = _State(counts, threshold)
    primary = {(r, c) for r in range(rows) for c in range(columns) if 1 <= counts[r][c] < threshold}
    for cell in sorted(primary):
        state.add(cell)
    state.apply_line_rule()
    while (bridge := state.first_bridge()) is not None:
        state.repair(bridge)
        state.apply_line_rule()
    suppressed = state.suppressed
    return SuppressedTable(
        cells=tuple(
            tuple(None if (r, c) in suppressed else counts[r][c] for c in range(columns))
            for r in range(rows)
        ),
        row_totals=tuple(row_totals),
        column_totals=tuple(column_totals),
        grand_total=sum(row_totals),
        primary=frozenset(primary),
        secondary=frozenset(suppressed - primary),
    )


def _validated(table: Sequence[Sequence[int]], threshold: int) -> list[list[int]]:
    if threshold < MINIMUM_THRESHOLD:
        raise InvalidInput(
            f"threshold {threshold} is below the minimum of {MINIMUM_THRESHOLD}",
            where="threshold",
            hint=f"use {MINIMUM_THRESHOLD} or more; Steward's default is {DEFAULT_THRESHOLD}",
        )
    counts = [list(row) for row in table]
    if not counts or not counts[0]:
        raise InvalidInput("the table is empty", where="table", hint="give at least one cell")
    width = len(counts[0])
    for r, row in enumerate(counts):
        if len(row) != width:
            raise InvalidInput(
                f"row {r} has {len(row)} cells, row 0 has {width}",
                where=f"table[{r}]",
                hint="every row needs the same number of columns",
            )
        for c, value in enumerate(row):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise InvalidInput(
                    f"cell ({r}, {c}) is {value!r}, not a count",
                    where=f"table[{r}][{c}]",
                    hint="cells are whole numbers of people, 0 or more",
                )
    return counts


def _check_margins(row_totals: list[int], column_totals: list[int], threshold: int) -> None:
    """A small published total cannot be hidden; merge categories instead (R10.5 step 1)."""
    lines = [("row", i, t) for i, t in enumerate(row_totals)]
    lines += [("column", i, t) for i, t in enumerate(column_totals)]
    lines.append(("grand", 0, sum(row_totals)))
    for kind, index, total in lines:
        if 1 <= total < threshold:
            where = "grand total" if kind == "grand" else f"{kind} {index} total"
            raise SuppressionRefused(
                f"published {where} {total} is a small cell (threshold {threshold})",
                where=where,
                hint="merge categories so every total is 0 or at least the threshold",
            )


class _State:
    """Suppressed cells with running per-line counts and sums, and the cell graph."""

    def __init__(self, counts: list[list[int]], threshold: int) -> None:
        self.counts = counts
        self.threshold = threshold
        self.rows = len(counts)
        self.columns = len(counts[0])
        self.suppressed: set[Cell] = set()
        self.row_count = [0] * self.rows
        self.row_sum = [0] * self.rows
        self.column_count = [0] * self.columns
        self.column_sum = [0] * self.columns

    def add(self, cell: Cell) -> None:
        r, c = cell
        self.suppressed.add(cell)
        value = self.counts[r][c]
        self.row_count[r] += 1
        self.row_sum[r] += value
        self.column_count[c] += 1
        self.column_sum[c] += value

    def _needs_partner(self, count: int, total: int) -> bool:
        return count >= 1 and (count == 1 or total < self.threshold)

    def _smallest(self, cells: list[Cell]) -> Cell | None:
        """Smallest non-zero unsuppressed cell; ties by row then column (R10.5 step 3)."""
        candidates = [
            (self.counts[r][c], r, c)
            for r, c in cells
            if (r, c) not in self.suppressed and self.counts[r][c] > 0
        ]
        if not candidates:
            return None
        _, r, c = min(candidates)
        return r, c

    def apply_line_rule(self) -> None:
        """Rows top to bottom, then columns left to right, until a pass changes nothing."""
        changed = True
        while changed:
            changed = False
            for r in range(self.rows):
                if self._needs_partner(self.row_count[r], self.row_sum[r]):
                    self._partner([(r, c) for c in range(self.columns)], f"row {r}")
                    changed = True
            for c in range(self.columns):
                if self._needs_partner(self.column_count[c], self.column_sum[c]):
                    self._partner([(r, c) for r in range(self.rows)], f"column {c}")
                    changed = True

    def _partner(self, line: list[Cell], name: str) -> None:
        cell = self._smallest(line)
        if cell is None:
            raise SuppressionRefused(
                f"{name} needs another suppressed cell to hide its small cells, but has none",
                where=name,
                hint="merge categories so the small cells can be combined",
            )
        self.add(cell)

    def _adjacency(self, without: Cell | None = None) -> dict[int, list[tuple[int, Cell]]]:
        """Rows are nodes 0..R-1, columns R..R+C-1; each suppressed cell is an edge."""
        graph: dict[int, list[tuple[int, Cell]]] = {}
        for cell in self.suppressed:
            if cell == without:
                continue
            r, c = cell
            graph.setdefault(r, []).append((self.rows + c, cell))
            graph.setdefault(self.rows + c, []).append((r, cell))
        return graph

    def first_bridge(self) -> Cell | None:
        """The lowest bridge cell of the suppressed-cell graph, or None (Tarjan, iterative)."""
        graph = self._adjacency()
        order: dict[int, int] = {}
        low: dict[int, int] = {}
        bridges: list[Cell] = []
        for root in sorted(graph):
            if root in order:
                continue
            order[root] = low[root] = len(order)
            stack: list[tuple[int, Cell | None, int]] = [(root, None, 0)]
            while stack:
                node, via, index = stack[-1]
                if index < len(graph[node]):
                    stack[-1] = (node, via, index + 1)
                    neighbour, edge = graph[node][index]
                    if edge == via:
                        continue
                    if neighbour in order:
                        low[node] = min(low[node], order[neighbour])
                    else:
                        order[neighbour] = low[neighbour] = len(order)
                        stack.append((neighbour, edge, 0))
                    continue
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > order[parent] and via is not None:
                        bridges.append(via)
        return min(bridges) if bridges else None

    def repair(self, bridge: Cell) -> None:
        """Suppress the smallest cell joining the two sides the other way (R10.5 step 4)."""
        r, c = bridge
        graph = self._adjacency(without=bridge)
        side_a = _component(graph, r)
        side_b = _component(graph, self.rows + c)
        rows_b = [node for node in side_b if node < self.rows]
        columns_a = [node - self.rows for node in side_a if node >= self.rows]
        cell = self._smallest([(rb, ca) for rb in rows_b for ca in columns_a])
        if cell is None:
            raise SuppressionRefused(
                f"suppressed cell ({r}, {c}) could be recovered from the totals and no other "
                "cell can protect it",
                where=f"cell ({r}, {c})",
                hint="merge categories so the small cells can be combined",
            )
        self.add(cell)


def _component(graph: dict[int, list[tuple[int, Cell]]], start: int) -> set[int]:
    seen = {start}
    queue = deque([start])
    while queue:
        for neighbour, _ in graph.get(queue.popleft(), []):
            if neighbour not in seen:
                seen.add(neighbour)
                queue.append(neighbour)
    return seen
