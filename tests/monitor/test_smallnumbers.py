"""The one suppression (accounts.smallnumbers): small counts hidden, and no hidden count can
be worked out from a row or a column of what is shown, totals included."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.smallnumbers import is_small, suppress_column, suppress_grid, threshold


def test_counts_from_one_to_four_are_hidden_zero_and_five_are_shown():
    grid = suppress_column([0, 1, 4, 5, 12])
    assert [row[0] for row in grid.cells] == [0, None, None, 5, 12]
    assert threshold() == 5


def test_a_lone_hidden_cell_beside_a_shown_total_hides_the_next_smallest_cell():
    grid = suppress_grid([[3, 6, 9]])
    # 18 is shown; 3 alone hidden would be 18 - 6 - 9: the 6 is hidden with it.
    assert grid.cells == [[None, None, 9]]
    assert grid.row_totals == [18]


def test_a_small_total_is_hidden_too():
    grid = suppress_grid([[1, 2], [0, 0]])
    assert grid.row_totals[0] is None
    assert grid.column_totals == [None, None]
    assert grid.total is None


def test_a_column_total_that_would_reveal_a_cell_is_protected():
    # Column 0: 2 hidden, 7 shown, total 9 shown -> another cell of that column goes.
    grid = suppress_grid([[2, 10], [7, 10]])
    column = [row[0] for row in grid.cells]
    assert column.count(None) != 1 or grid.column_totals[0] is None


def test_the_municipalitys_own_analyst_reads_exact_numbers():
    grid = suppress_grid([[1, 2], [3, 4]], exact=True)
    assert grid.cells == [[1, 2], [3, 4]]
    assert grid.total == 10


def test_totals_that_are_not_published_bind_nothing():
    # Rows are different measures: no row total, so a lone hidden cell in a row is fine.
    grid = suppress_grid([[3, 20], [30, 40]], row_totals_shown=False)
    assert grid.row_totals == [None, None]
    assert grid.total is None
    # Column 0 has a shown total (33) and one hidden cell (3): the 30 goes too.
    assert [row[0] for row in grid.cells] == [None, None]


counts = st.lists(
    st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=5),
    min_size=1,
    max_size=6,
)


def _inferred(rows, grid, by_row, by_column):
    """Everything a reader can work out from the shown values, one line at a time (a line
    with exactly one unknown gives it away), repeated until nothing new follows."""
    n, width = len(rows), len(rows[0])
    known = {}
    for i in range(n):
        for j in range(width):
            if grid.cells[i][j] is not None:
                known[("c", i, j)] = grid.cells[i][j]
    lines = []
    if by_row:
        for i in range(n):
            known.update({("r", i): grid.row_totals[i]} if grid.row_totals[i] is not None else {})
            lines.append(([("c", i, j) for j in range(width)], ("r", i)))
    if by_column:
        for j in range(width):
            if grid.column_totals[j] is not None:
                known[("k", j)] = grid.column_totals[j]
            lines.append(([("c", i, j) for i in range(n)], ("k", j)))
    if by_row and by_column:
        if grid.total is not None:
            known[("t",)] = grid.total
        lines.append(([("r", i) for i in range(n)], ("t",)))
        lines.append(([("k", j) for j in range(width)], ("t",)))
    changed = True
    while changed:
        changed = False
        for members, total in lines:
            unknown = [m for m in members if m not in known]
            if total in known and len(unknown) == 1:
                known[unknown[0]] = known[total] - sum(known[m] for m in members if m in known)
                changed = True
            elif total not in known and not unknown:
                known[total] = sum(known[m] for m in members)
                changed = True
    return known


@settings(max_examples=300, deadline=None)
@given(counts, st.booleans(), st.booleans())
def test_no_hidden_count_follows_from_one_line_of_what_is_shown(rows, by_row, by_column):
    width = max(len(r) for r in rows)
    rows = [r + [0] * (width - len(r)) for r in rows]
    grid = suppress_grid(rows, row_totals_shown=by_row, column_totals_shown=by_column)
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            shown = grid.cells[i][j]
            assert shown is None or shown == value
            if is_small(value):
                assert shown is None
    known = _inferred(rows, grid, by_row, by_column)
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if is_small(value):
                assert ("c", i, j) not in known, (rows, grid)
        if by_row and is_small(sum(row)):
            assert ("r", i) not in known
    if by_column:
        for j in range(width):
            if is_small(sum(r[j] for r in rows)):
                assert ("k", j) not in known
