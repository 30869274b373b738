"""Reads of signals, filtered through the permission layer.

Counts per neighbourhood are the only thing the municipality reads without an escalation:
per month and category, with every count under the small-number threshold suppressed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth

from accounts import access, smallnumbers
from accounts.models import User
from matching.board.models import Meeting, MeetingStatus
from matching.board.permissions import municipality_region_ids

from .models import Outcome, Signal, SignalCategory, SignalState


def signal_list(*, user: User, state: str = "", category: str = "") -> QuerySet[Signal]:
    qs = access.scope(user, Signal).select_related(
        "placement", "placement__neighbourhood", "agreement"
    )
    if state == "open":
        qs = qs.exclude(state=SignalState.CLOSED)
    elif state in SignalState.values:
        qs = qs.filter(state=state)
    if category in SignalCategory.values:
        qs = qs.filter(category=category)
    return qs.order_by("state", "answer_due", "-id")


def signals_of_agreement(*, user: User, agreement: Any) -> list[Signal]:
    return list(access.scope(user, Signal).filter(agreement=agreement).order_by("raised_at", "id"))


def signals_since(
    *, user: User, agreement: Any, since: dt.date | None, until: dt.date | None = None
) -> list[Signal]:
    """The signals of an agreement raised from `since` up to and including `until` (both
    dates inclusive, either open): an evaluation shows those of the period it looks back on."""
    qs = access.scope(user, Signal).filter(agreement=agreement)
    if since is not None:
        qs = qs.filter(raised_at__date__gte=since)
    if until is not None:
        qs = qs.filter(raised_at__date__lte=until)
    return list(qs.order_by("raised_at", "id"))


def meeting_agenda(*, user: User, meeting: Meeting) -> list[Signal]:
    """The board's "zorg- en woonoverleg": escalated signals of the region not yet discussed
    at an earlier meeting (an open meeting shows every one pending; a closed one those
    escalated by its day). Only the chair of the region sees them;
    the agenda shows pseudonyms, category and the reason it was escalated, never the text."""
    if meeting.board.region_id not in municipality_region_ids(user, "board_chair"):
        return []
    signals = (
        access.scope(user, Signal)
        .filter(placement__board=meeting.board, escalated_at__isnull=False)
        .exclude(discussed_at_meeting__date__lt=meeting.date)
    )
    if meeting.status == MeetingStatus.CLOSED:
        # A closed meeting's agenda is what stood on it: escalated by its day.
        signals = signals.filter(escalated_at__date__lte=meeting.date)
    return list(
        signals.exclude(state=SignalState.CLOSED, outcome__in=[Outcome.RESOLVED, Outcome.ENDED])
        .select_related("placement", "placement__neighbourhood")
        .order_by("escalated_at", "id")
    )


def small_number_threshold() -> int:
    return smallnumbers.threshold()


@dataclass
class CountRow:
    neighbourhood: str
    code: str
    cells: dict[str, int | None] = field(default_factory=dict)  # category -> count or None
    total: int | None = 0

    @property
    def columns(self) -> list[dict[str, Any]]:
        """One cell per category in the categories' order: 0, a count, or suppressed."""
        return [
            {"value": self.cells.get(c, 0), "suppressed": c in self.cells and self.cells[c] is None}
            for c in SignalCategory.values
        ]


@dataclass
class MonthCounts:
    month: dt.date
    rows: list[CountRow]


def _monthly_grids(
    *, regions: Any, start: dt.date, end: dt.date, threshold: int
) -> list[MonthCounts]:
    """The published table: per month the rows of (neighbourhood, category) counts of the
    regions, suppressed with the one small-number rule. Both the counts page and the
    carrying-capacity input read this, so the model never uses a figure the page hides."""
    raw = (
        Signal.objects.filter(
            placement__board__region_id__in=regions,
            raised_at__date__gte=start,
            raised_at__date__lte=end,
        )
        .annotate(month=TruncMonth("raised_at"))
        .values(
            "month", "placement__neighbourhood__name", "placement__neighbourhood__code", "category"
        )
        .annotate(n=Count("id"))
    )
    grouped: dict[dt.date, dict[str, CountRow]] = defaultdict(dict)
    for r in raw:
        month = r["month"].date() if isinstance(r["month"], dt.datetime) else r["month"]
        code = r["placement__neighbourhood__code"]
        row = grouped[month].setdefault(
            code, CountRow(neighbourhood=r["placement__neighbourhood__name"], code=code)
        )
        row.cells[r["category"]] = int(row.cells.get(r["category"]) or 0) + r["n"]
    months = []
    categories = list(SignalCategory.values)
    for month in sorted(grouped):
        rows = sorted(grouped[month].values(), key=lambda r: r.neighbourhood)
        # The one suppression (accounts.smallnumbers): the row totals are published, the
        # column totals are not (the page shows none).
        grid = smallnumbers.suppress_grid(
            [[int(r.cells.get(c) or 0) for c in categories] for r in rows],
            limit=threshold,
            column_totals_shown=False,
        )
        months.append(
            MonthCounts(
                month,
                [
                    CountRow(
                        r.neighbourhood,
                        r.code,
                        {c: grid.cells[i][j] for j, c in enumerate(categories)},
                        grid.row_totals[i],
                    )
                    for i, r in enumerate(rows)
                ],
            )
        )
    return months


def counts_per_neighbourhood(*, user: User, start: dt.date, end: dt.date) -> list[MonthCounts]:
    """Signals raised per month, neighbourhood and category in the user's region(s).

    Every count under the threshold is shown as suppressed (None); so is a row total under it,
    and where exactly one cell of a row is suppressed but the total is shown, a second cell is
    suppressed too (secondary suppression), so no hidden count follows from the others."""
    return _monthly_grids(
        regions=municipality_region_ids(user),
        start=start,
        end=end,
        threshold=small_number_threshold(),
    )


# The categories that stand for nuisance in the carrying-capacity model's nuisance indicator
# (docs/aftercare.md, "Signals as nuisance input"): what neighbours experience, not rent
# arrears or care matters.
NUISANCE_CATEGORIES = (SignalCategory.NUISANCE, SignalCategory.NEIGHBOUR_COMPLAINTS)


def published_nuisance_counts(
    *, neighbourhood_codes_by_region: dict[int, set[str]], start: dt.date, end: dt.date
) -> dict[str, int]:
    """Per neighbourhood code: the nuisance signals of `start`..`end` as the counts page
    publishes them, summed over the months. A suppressed cell (under the threshold, or hidden
    so it cannot be derived) counts as 0: the model never rests on a figure the page hides,
    so its score cannot give one away. Aggregates only; nothing of a person or a signal."""
    threshold = small_number_threshold()
    totals: dict[str, int] = {}
    for region_id, codes in neighbourhood_codes_by_region.items():
        for month in _monthly_grids(regions=[region_id], start=start, end=end, threshold=threshold):
            for row in month.rows:
                if row.code not in codes:
                    continue
                shown = sum(int(row.cells.get(c) or 0) for c in NUISANCE_CATEGORIES)
                totals[row.code] = totals.get(row.code, 0) + shown
    return totals
