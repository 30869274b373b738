"""Small numbers never identify a person: the one suppression every published count goes through.

A count from 1 to `threshold() - 1` is hidden (primary suppression). A total is a count too.
Where a row or a column has a shown total and exactly one hidden cell, that cell would follow
from the others by subtraction, so the smallest shown non-zero cell beside it is hidden as
well (secondary suppression); when no such cell is left the total itself is hidden. A hidden
total whose cells are all shown would be their sum, so one of them is hidden too. This runs
until nothing changes, over rows, columns and the totals' own lines together, so no hidden
value can be worked out from the shown ones one line at a time (tested by exactly that
inference in `tests/monitor/test_smallnumbers.py`). Zero is shown: "nobody" identifies nobody.

The threshold is the simulation's (`SIMULATION_SMALL_NUMBERS`, default 5), so the monitor,
the simulation and the aftercare counts hide the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings


def threshold() -> int:
    return int(getattr(settings, "SIMULATION_SMALL_NUMBERS", 5))


def is_small(n: int | None, *, limit: int | None = None) -> bool:
    limit = threshold() if limit is None else limit
    return n is not None and 0 < n < limit


def sees_exact_counts(user: object) -> bool:
    """Only the municipality's own analysts read exact small counts (the live capacity's
    `placements_12m` on the API, the map and the pages; issue 13)."""
    from .access import core
    from .models import OrganisationKind, Role

    return any(
        m.role == Role.ANALYST and m.organisation.kind == OrganisationKind.MUNICIPALITY
        for m in core.memberships_of(user)
    )


def upper_bound(n: int | None, *, limit: int | None = None) -> int | None:
    """The value a hidden count is computed with where figures derive from it (a capacity
    score's class and headroom): the largest it could be, `limit - 1`, so every derived figure
    is the same whichever hidden value it is, and on the safe side. Shown counts stay."""
    limit = threshold() if limit is None else limit
    return limit - 1 if is_small(n, limit=limit) else n


def suppress_value(n: int | None, *, limit: int | None = None) -> int | None:
    """One published count on its own (no total beside it): None when it is small."""
    return None if is_small(n, limit=limit) else n


@dataclass(frozen=True)
class Grid:
    """A table of counts after suppression: None marks a hidden cell."""

    cells: list[list[int | None]]
    row_totals: list[int | None]
    column_totals: list[int | None]
    total: int | None

    @property
    def hidden(self) -> int:
        return (
            sum(v is None for row in self.cells for v in row)
            + sum(v is None for v in self.row_totals)
            + sum(v is None for v in self.column_totals)
            + (self.total is None)
        )


def suppress_grid(
    counts: Sequence[Sequence[int]],
    *,
    limit: int | None = None,
    exact: bool = False,
    row_totals_shown: bool = True,
    column_totals_shown: bool = True,
) -> Grid:
    """Suppress a rows x columns table of counts with its row, column and grand totals.

    `exact=True` is for readers inside the municipality that owns the figures (its own
    analysts): nothing is hidden. Everything published goes through with `exact=False`.
    A table whose rows are different measures (registered, housed, ...) publishes no row
    total (`row_totals_shown=False`): those rows add up to nothing, so they bind nothing.
    """
    limit = threshold() if limit is None else limit
    rows = [list(r) for r in counts]
    width = max((len(r) for r in rows), default=0)
    rows = [r + [0] * (width - len(r)) for r in rows]
    row_totals = [sum(r) for r in rows]
    column_totals = [sum(r[j] for r in rows) for j in range(width)]
    total = sum(row_totals)
    if exact:
        return Grid([list(r) for r in rows], list(row_totals), list(column_totals), total)

    hidden = [[is_small(v, limit=limit) for v in r] for r in rows]
    row_hidden = [is_small(v, limit=limit) for v in row_totals]
    column_hidden = [is_small(v, limit=limit) for v in column_totals]
    total_hidden = is_small(total, limit=limit)

    # Lines: each row with its total, each column with its total, and the totals' own lines
    # (row totals add up to the grand total, column totals too).
    def lines() -> list[tuple[list[tuple[str, int, int]], tuple[str, int, int]]]:
        out = []
        if row_totals_shown:
            for i in range(len(rows)):
                out.append(([("c", i, j) for j in range(width)], ("r", i, 0)))
        if column_totals_shown:
            for j in range(width):
                out.append(([("c", i, j) for i in range(len(rows))], ("k", j, 0)))
        if row_totals_shown and column_totals_shown:
            out.append(([("r", i, 0) for i in range(len(rows))], ("t", 0, 0)))
            out.append(([("k", j, 0) for j in range(width)], ("t", 0, 0)))
        return out

    def value(key: tuple[str, int, int]) -> int:
        kind, i, j = key
        if kind == "c":
            return rows[i][j]
        if kind == "r":
            return row_totals[i]
        if kind == "k":
            return column_totals[i]
        return total

    def is_hidden(key: tuple[str, int, int]) -> bool:
        kind, i, j = key
        if kind == "c":
            return hidden[i][j]
        if kind == "r":
            return row_hidden[i]
        if kind == "k":
            return column_hidden[i]
        return total_hidden

    def hide(key: tuple[str, int, int]) -> None:
        nonlocal total_hidden
        kind, i, j = key
        if kind == "c":
            hidden[i][j] = True
        elif kind == "r":
            row_hidden[i] = True
        elif kind == "k":
            column_hidden[i] = True
        else:
            total_hidden = True

    all_lines = lines()
    changed = True
    while changed:
        changed = False
        for members, line_total in all_lines:
            hidden_members = [m for m in members if is_hidden(m)]
            if is_hidden(line_total):
                # A hidden total whose members are all shown is just their sum: hide one.
                positive = sorted((value(m), m) for m in members if value(m) > 0)
                if not hidden_members and positive:
                    hide(positive[0][1])
                    changed = True
                continue
            # Hidden zeros give nothing away only if the reader knows they are zero; they
            # are never hidden to begin with, so any hidden member holds a positive count.
            if len(hidden_members) != 1:
                continue
            candidates = sorted((value(m), m) for m in members if not is_hidden(m) and value(m) > 0)
            hide(candidates[0][1] if candidates else line_total)
            changed = True
    if not row_totals_shown:
        row_hidden = [True] * len(rows)
    if not column_totals_shown:
        column_hidden = [True] * width
    if not (row_totals_shown and column_totals_shown):
        total_hidden = True
    return Grid(
        [[None if hidden[i][j] else rows[i][j] for j in range(width)] for i in range(len(rows))],
        [None if row_hidden[i] else v for i, v in enumerate(row_totals)],
        [None if column_hidden[j] else v for j, v in enumerate(column_totals)],
        None if total_hidden else total,
    )


def suppress_column(
    counts: Sequence[int], *, limit: int | None = None, exact: bool = False
) -> Grid:
    """One column of counts with its total (a series per month, a list per neighbourhood)."""
    return suppress_grid([[n] for n in counts], limit=limit, exact=exact)
