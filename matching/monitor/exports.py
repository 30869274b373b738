"""Every monitor table as XLSX and CSV, and the quarterly report for the council as PDF.

The same `selectors.Table` objects the pages render, already suppressed: an export never holds
a number the page hides. XLSX cells are numbers and dates (months as real dates, shown as
"mrt 2026"), units sit in the headers, a suppressed cell holds the text "< 5" and every sheet
says what that means; text goes through `accounts.exports` so a name never runs as a formula.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from accounts.exports import csv_writer, xlsx_append

from .selectors import Table


def suppressed_text(threshold: int) -> str:
    return f"< {threshold}"


def _header(t: Table) -> list[str]:
    head = [str(t.row_header)] + [f"{c} ({t.unit_of(j)})" for j, c in enumerate(t.columns)]
    if t.row_totals:
        head.append(_("totaal (%(unit)s)") % {"unit": str(t.unit)})
    return head


def _rows(t: Table, *, threshold: int, dates: bool) -> list[list[Any]]:
    small = suppressed_text(threshold)
    out: list[list[Any]] = []
    unknown = _("onbekend")
    for i, (label, cells, total) in enumerate(t.body):
        first: Any = t.row_dates[i] if (dates and t.row_dates) else label
        line = [first] + [
            _missing(t, i, j, unknown=unknown, small=small) if v is None else v
            for j, v in enumerate(cells)
        ]
        if t.row_totals:
            line.append(small if total is None else total)
        out.append(line)
    if t.column_totals and t.rows:
        line = [_("totaal")] + [small if v is None else v for v in t.grid.column_totals]
        if t.row_totals:
            line.append(small if t.grid.total is None else t.grid.total)
        out.append(line)
    return out


def _missing(t: Table, i: int, j: int, *, unknown: str, small: str) -> str:
    """What an empty cell says: its own words, "onbekend", or the suppression mark."""
    if (i, j) in t.texts:
        return str(t.texts[(i, j)])
    return unknown if t.is_unknown(i, j) else small


def _sheet_name(title: str, used: set[str]) -> str:
    base = "".join(ch for ch in title if ch not in "[]:*?/\\")[:28] or "tabel"
    name, n = base, 2
    while name in used:
        name = f"{base[:26]} {n}"
        n += 1
    used.add(name)
    return name


def workbook(tables: Sequence[Table], *, threshold: int, title: str) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for t in tables:
        ws = wb.create_sheet(_sheet_name(str(t.title), used))
        xlsx_append(ws, [str(t.title)])
        ws["A1"].font = Font(bold=True, size=12)
        xlsx_append(ws, [title])
        xlsx_append(ws, [])
        xlsx_append(ws, _header(t))
        for cell in ws[4]:
            cell.font = Font(bold=True)
        for line in _rows(t, threshold=threshold, dates=True):
            xlsx_append(ws, line)
            first = ws.cell(row=ws.max_row, column=1)
            if isinstance(line[0], dt.date):
                first.number_format = "mmm yyyy"
            for cell in ws[ws.max_row][1:]:
                if isinstance(cell.value, float):
                    cell.number_format = "0.0"  # a rate, a median: one decimal, as on the page
        xlsx_append(ws, [])
        xlsx_append(
            ws,
            [
                _(
                    "%(mark)s: minder dan %(n)s, niet getoond; ook een getal waaruit het af te "
                    "leiden zou zijn is weggelaten (privacy)."
                )
                % {"mark": suppressed_text(threshold), "n": threshold}
            ],
        )
        if t.note:
            xlsx_append(ws, [str(t.note)])
        ws.column_dimensions["A"].width = 44
        for i in range(2, len(t.columns) + 3):
            ws.column_dimensions[get_column_letter(i)].width = 20
        ws.freeze_panes = "B5"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def csv_text(tables: Sequence[Table], *, threshold: int) -> str:
    """All tables one after another, each under its title; `;` as Dutch spreadsheets expect."""
    out = io.StringIO()
    writer = csv_writer(out, delimiter=";")
    for t in tables:
        writer.writerow([str(t.title)])
        writer.writerow(_header(t))
        for line in _rows(t, threshold=threshold, dates=False):
            # A decimal comma, as a Dutch spreadsheet reads a `;`-separated file.
            writer.writerow(
                [f"{v:.1f}".replace(".", ",") if isinstance(v, float) else v for v in line]
            )
        writer.writerow([])
    writer.writerow(
        [
            _("%(mark)s: minder dan %(n)s, niet getoond (privacy).")
            % {"mark": suppressed_text(threshold), "n": threshold}
        ]
    )
    return out.getvalue()


def report_pdf(context: dict[str, Any]) -> bytes:
    """The quarterly report for the council (same figures as the pages, always suppressed)."""
    from weasyprint import HTML  # imported here: loading pango is slow

    html = render_to_string("monitor/report_pdf.html", context)
    return bytes(HTML(string=html, base_url=settings.SITE_URL).write_pdf())
