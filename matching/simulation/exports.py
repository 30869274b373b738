"""XLSX export of one or more scenarios' results: summary with differences, per week, per
neighbourhood (small numbers suppressed, as on the page) and the parameters."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from accounts.exports import xlsx_append

from . import selectors
from .models import SimulationRun


def _sheet(wb: Workbook, title: str, header: Sequence[Any], rows: Sequence[Sequence[Any]]) -> None:
    ws = wb.create_sheet(title[:31])
    # Names typed by users (scenarios, neighbourhoods) reach other organisations: as text.
    xlsx_append(ws, [str(h) for h in header])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        xlsx_append(ws, row)
    for i, _col in enumerate(header, 1):
        ws.column_dimensions[get_column_letter(i)].width = 18 if i > 1 else 48
    ws.freeze_panes = "B2"


def _parameter_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return str(value)


def workbook(runs: Sequence[SimulationRun], *, threshold: int) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    names = [r.scenario.name for r in runs]
    summary = []
    for row in selectors.summary_rows(runs):
        line: list[Any] = [str(row["label"])]
        line += row["values"]
        line += [c["low"] for c in row["cells"]] + [c["high"] for c in row["cells"]]
        line += [c["diff"] for c in row["cells"][1:]]
        line += [c["beyond"] for c in row["cells"][1:]]
        summary.append(line)
    low_header = [_("laagste %(name)s") % {"name": n} for n in names]
    high_header = [_("hoogste %(name)s") % {"name": n} for n in names]
    diff_header = [_("verschil %(name)s") % {"name": n} for n in names[1:]]
    beyond_header = [_("buiten de spreiding %(name)s") % {"name": n} for n in names[1:]]
    _sheet(
        wb,
        _("Samenvatting"),
        [_("Uitkomst"), *names, *low_header, *high_header, *diff_header, *beyond_header],
        summary,
    )

    weekly = []
    for run in runs:
        for w in selectors.run_weeks(run):
            weekly.append(
                [
                    run.scenario.name,
                    w.week,
                    w.date,
                    w.arrivals,
                    w.vacancies,
                    w.placed,
                    w.placed_past_tipping,
                    w.placed_in_occupied_stairwell,
                    w.let_regular,
                    w.waiting,
                    w.housed_total,
                    w.neighbourhoods_past_tipping,
                    w.wait_median,
                ]
            )
    _sheet(
        wb,
        _("Per week"),
        [
            _("Scenario"),
            _("Week"),
            _("Datum"),
            _("Nieuwe cliënten"),
            _("Vrijgekomen woningen"),
            _("Geplaatst"),
            _("Voorbij kantelpunt"),
            _("In portiek met kwetsbaar huishouden"),
            _("Regulier verhuurd"),
            _("Wachtend"),
            _("Gehuisvest totaal"),
            _("Buurten voorbij kantelpunt"),
            _("Mediane wachttijd wachtenden (weken)"),
        ],
        weekly,
    )

    small = _("minder dan %(n)s") % {"n": threshold}
    hoods = []
    for run in runs:
        for n in run.neighbourhoods:
            hoods.append(
                [
                    run.scenario.name,
                    n["code"],
                    n["name"],
                    n["tipping_point"],
                    n["share_start"],
                    n["share_end"] if not n["suppressed"] else "",
                    _("ja") if n["past_start"] else _("nee"),
                    _("ja") if n["past_end"] else _("nee"),
                    small if n["suppressed"] else n["placements"],
                ]
            )
    _sheet(
        wb,
        _("Per buurt"),
        [
            _("Scenario"),
            _("Buurtcode"),
            _("Buurt"),
            _("Kantelpunt (%)"),
            _("Aandeel kwetsbaar bij start (%)"),
            _("Aandeel kwetsbaar aan het eind (%)"),
            _("Voorbij kantelpunt bij start"),
            _("Voorbij kantelpunt aan het eind"),
            _("Plaatsingen"),
        ],
        hoods,
    )
    # Numbers stay numbers (a Dutch Excel shows them with its own comma); they were written
    # as text with a decimal point ("30.0").
    params = [
        [str(row["label"]), *[_parameter_cell(v) for v in row["values"]]]
        for row in selectors.parameter_rows(runs)
    ]
    params.append([_("Momentopname"), *[r.snapshot_date for r in runs]])
    _sheet(wb, _("Parameters"), [_("Parameter"), *names], params)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
