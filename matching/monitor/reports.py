"""One place that turns a request's filters into a monitor report: the page, its export and
the API read the same figures through these functions."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import selectors
from .forms import FlowFilterForm, PeriodForm, YearForm
from .periods import QUARTER, Period, add_months, quarter_start
from .selectors import Table, Viewer

PAGES = ("flow", "where", "quotas", "board")
TITLES = {
    "flow": _("Instroom en uitstroom"),
    "where": _("Waar mensen gaan wonen"),
    "quotas": _("Contingenten"),
    "board": _("Het werk van de tafel"),
}


@dataclass
class Report:
    page: str
    form: Any
    result: Any
    tables: list[Table]
    subtitle: str

    @property
    def title(self) -> str:
        return str(TITLES[self.page])


def build(page: str, v: Viewer, params: QueryDict | dict[str, Any]) -> Report:
    data = params if params else None
    form: Any
    if page == "flow":
        form = FlowFilterForm(data, providers=selectors.care_provider_choices(v))
        period = form.period()
        f = selectors.FlowFilter()
        if form.is_bound and form.is_valid():
            f = selectors.FlowFilter(
                care_provider_id=form.cleaned_data.get("zorgaanbieder"),
                target_group=form.cleaned_data.get("doelgroep") or "",
            )
        flow = selectors.flow(v=v, period=period, f=f)
        tables = [
            flow.table,
            flow.waiting_bands,
            flow.decline_reasons,
            flow.refusal_reasons,
            flow.by_provider,
            flow.by_group,
        ]
        return Report(page, form, flow, tables, period.description)
    if page == "where":
        # Per neighbourhood and class a month holds few placements: a quarter hides fewer.
        form = PeriodForm(data, unit=QUARTER)
        period = form.period()
        where = selectors.where(v=v, period=period)
        hoods = hood_table(where, v)
        return Report(
            page,
            form,
            where,
            [hoods, where.by_class, where.by_headroom, where.stairwells],
            period.description,
        )
    if page == "quotas":
        form = YearForm(data)
        year = form.year()
        quotas = selectors.quotas(v=v, year=year)
        return Report(page, form, quotas, [quotas.monthly], str(year))
    form = PeriodForm(data)
    period = form.period()
    work = selectors.board_work(v=v, period=period)
    return Report(page, form, work, [work.meetings, work.declines], period.description)


def _series_of(t: Table, columns: list[int] | None = None) -> dict[str, Any]:
    picked = range(len(t.columns)) if columns is None else columns
    return {
        "labels": t.rows,
        "series": [
            {"label": str(t.columns[j]), "data": [row[j] for row in t.grid.cells]} for j in picked
        ],
    }


def charts(report: Report) -> dict[str, Any]:
    """The data of the page's charts, from the same (suppressed) tables: a hidden cell is a
    gap in the line or bar, never its real value."""
    r = report.result
    if report.page == "flow":
        return {"line": r.chart, "bands": _series_of(r.waiting_bands)}
    if report.page == "where":
        return {"classes": r.chart, "headroom": r.headroom_chart}
    if report.page == "quotas":
        return {"let": _series_of(r.monthly), "shares": r.chart}
    return {"meetings": r.chart}


def hood_table(where: selectors.Where, v: Viewer) -> Table:
    """The per-neighbourhood figures as a table (already suppressed per cell). A figure that
    is not known (homes, the rate, a headroom without indicators) is marked unknown, so an
    export says "onbekend" there and "< 5" only where a count is hidden."""
    from accounts.smallnumbers import Grid

    rows = [f"{h.name} ({h.code})" for h in where.hoods]
    cells: list[list[Any]] = []
    unknown: set[tuple[int, int]] = set()
    for i, h in enumerate(where.hoods):
        per_1000 = None if h.per_1000 is None else round(h.per_1000, 1)
        line = [
            h.placements,
            h.homes,
            per_1000,
            h.in_red,
            h.overrides,
            h.occupied_stairwell,
            h.headroom_lowest,
            h.without_room,
            h.headroom_now,
        ]
        cells.append(line)
        if h.homes is None:
            unknown.add((i, 1))
        if per_1000 is None and h.placements is not None:
            unknown.add((i, 2))  # no homes known (or no placements to divide)
        if h.headroom_state in ("none", "unknown"):
            unknown.add((i, 6))
        if h.headroom_now is None:
            unknown.add((i, 8))
    grid = Grid(cells, [None] * len(rows), [None] * len(HOOD_COLUMNS), None)
    return Table(
        _("Plaatsingen per buurt"),
        _("Buurt"),
        rows,
        list(HOOD_COLUMNS),
        grid,
        _("aantal"),
        row_totals=False,
        column_totals=False,
        unknown=frozenset(unknown),
    )


HOOD_COLUMNS = (
    _("plaatsingen"),
    _("woningen (indicatorjaar)"),
    _("plaatsingen per 1.000 woningen"),
    _("geplaatst terwijl rood"),
    _("met overschrijding"),
    _("in portiek met kwetsbaar huishouden"),
    _("laagste ruimte bij plaatsing"),
    _("geplaatst zonder ruimte"),
    _("ruimte nu"),
)


def report_quarter(v: Viewer, params: QueryDict | dict[str, Any]) -> dict[str, Any]:
    """The quarterly council report: the last complete quarter unless one is chosen, every
    figure suppressed (it is published) whoever asks."""
    published = dataclasses.replace(v, exact=False)
    today = timezone.localdate()
    default = add_months(quarter_start(today), -3)
    year = _int(params.get("jaar"), default.year)
    quarter = _int(params.get("kwartaal"), (default.month - 1) // 3 + 1)
    if not 1 <= quarter <= 4 or not 2000 <= year <= 2100:
        year, quarter = default.year, (default.month - 1) // 3 + 1
    first = dt.date(year, 3 * (quarter - 1) + 1, 1)
    if first > quarter_start(today):
        first = default
        year, quarter = first.year, (first.month - 1) // 3 + 1
    period = Period(first, add_months(first, 2))
    year_period = Period(add_months(first, -9), add_months(first, 2), QUARTER)
    return {
        "viewer": published,
        "year": year,
        "quarter": quarter,
        "period": period,
        "flow": selectors.flow(v=published, period=period),
        "trend": selectors.flow(v=published, period=year_period),
        "where": selectors.where(v=published, period=period),
        "quotas": selectors.quotas(v=published, year=year),
        "board": selectors.board_work(v=published, period=period),
        "threshold": published.threshold,
        "generated": timezone.localtime(),
    }


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default
