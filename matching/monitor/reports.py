"""One place that turns a request's filters into a monitor report: the page, its export and
the API read the same figures through these functions."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.http import QueryDict
from django.utils import timezone
from django.utils.text import capfirst
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
            waits_table(_("Wachttijd tot een woning"), [*flow.waits, flow.waiting_now]),
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
        return Report(page, form, quotas, [quota_table(quotas), quotas.monthly], str(year))
    form = PeriodForm(data)
    period = form.period()
    work = selectors.board_work(v=v, period=period)
    times = waits_table(_("Tijd tot een besluit"), work.decision_times, days=True)
    return Report(page, form, work, [work.meetings, times, work.declines], period.description)


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
            h.past_tipping,
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
            unknown.add((i, 7))
        if h.headroom_now is None:
            unknown.add((i, 9))
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


def _one_decimal(value: float | None) -> float | None:
    return None if value is None else round(float(value), 1)


def waits_table(title: Any, waits: list[selectors.Wait], *, days: bool = False) -> Table:
    """A page's waiting times (in months) or deciding times (`days`) as a table: how many,
    median and 90th percentile, as the page rounds them. A median the page does not show
    (fewer than five, or none) is "—" here too."""
    from accounts.smallnumbers import Grid

    unit = _("dagen") if days else _("maanden")
    cells: list[list[Any]] = []
    texts: dict[tuple[int, int], Any] = {}
    for i, w in enumerate(waits):
        if days:
            cells.append([w.n, _one_decimal(w.median), _one_decimal(w.p90)])
        else:
            cells.append([w.n, _one_decimal(w.median_months), _one_decimal(w.p90_months)])
        for j in (1, 2):
            if cells[i][j] is None:
                texts[(i, j)] = "—"
    return Table(
        title,
        _("Partij") if days else _("Wachttijd"),
        [capfirst(str(w.label)) for w in waits],
        [_("besluiten") if days else _("personen"), _("mediaan"), _("90e percentiel")],
        Grid(cells, [None] * len(waits), [None] * 3, None),
        unit,
        row_totals=False,
        column_totals=False,
        note=_("Een mediaan of percentiel over minder dan vijf wordt niet getoond.")
        if days
        else _(
            "Wachttijd in maanden (30,44 dagen). Een mediaan of percentiel over minder dan "
            "vijf personen wordt niet getoond."
        ),
        column_units=[_("aantal"), unit, unit],
        texts=texts,
    )


def quota_table(quotas: selectors.Quotas) -> Table:
    """The page's standing of the year per corporation: quota, offered, agreed, let, the
    pro-rata target and the shortfall (negative) or excess, as the page shows them."""
    from accounts.smallnumbers import Grid

    cells: list[list[Any]] = []
    texts: dict[tuple[int, int], Any] = {}
    for i, r in enumerate(quotas.rows):
        cells.append(
            [
                r.quota,
                r.offered,
                r.accepted,
                r.let,
                _one_decimal(r.target_to_date),
                _one_decimal(r.difference),
            ]
        )
        if r.quota is None:
            texts[(i, 0)] = _("geen contingent")
            texts[(i, 5)] = _("niet te bepalen")
        if r.target_to_date is None:
            texts[(i, 4)] = "—"
        if r.difference is None and r.quota is not None:
            texts[(i, 5)] = "—"  # the let count is hidden: so is the difference
    return Table(
        _("Stand van het jaar per corporatie"),
        _("Corporatie"),
        [r.name for r in quotas.rows],
        [
            _("contingent"),
            _("aangeboden"),
            _("akkoord"),
            _("verhuurd"),
            _("naar rato tot nu"),
            _("tekort (−) of overschot"),
        ],
        Grid(cells, [None] * len(cells), [None] * 6, None),
        _("woningen"),
        row_totals=False,
        column_totals=False,
        note=_("Naar rato: het contingent maal het deel van het jaar dat verstreken is."),
        texts=texts,
    )


HOOD_COLUMNS = (
    _("plaatsingen"),
    _("woningen (indicatorjaar)"),
    _("plaatsingen per 1.000 woningen"),
    _("geplaatst terwijl rood"),
    _("met overschrijding"),
    _("in portiek met kwetsbaar huishouden"),
    _("voorbij het kantelpunt"),
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
