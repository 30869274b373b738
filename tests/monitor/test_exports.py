"""Exports: XLSX with number and date cells, units in the headers, suppressed cells marked,
formula-safe text; CSV likewise; the council PDF always suppressed, whoever asks."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from accounts.models import Organisation
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def _sheet(content: bytes, index: int = 0):
    return load_workbook(io.BytesIO(content)).worksheets[index]


def test_the_flow_workbook_holds_numbers_and_dates_with_units_in_the_header(world, history):
    history(6, months_ago=1)
    c = sign_in(Client(), world.analyst)
    r = c.get("/monitor/flow/export.xlsx")
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = _sheet(r.content)
    header = [cell.value for cell in ws[4]]
    assert header[0] == "Periode"
    assert all("(personen of voorstellen)" in h for h in header[1:])
    first = ws.cell(row=5, column=1)
    assert isinstance(first.value, dt.datetime | dt.date)
    assert first.number_format == "mmm yyyy"
    numbers = [ws.cell(row=i, column=9).value for i in range(5, 17)]
    assert 6 in numbers
    assert all(isinstance(n, int) for n in numbers)


def test_suppressed_cells_are_marked_in_the_workbook_and_explained(world, history):
    history(3, months_ago=1)
    c = sign_in(Client(), world.chair)
    ws = _sheet(c.get("/monitor/flow/export.xlsx").content)
    values = [cell.value for row in ws.iter_rows() for cell in row]
    assert "< 5" in values
    assert 3 not in [ws.cell(row=i, column=9).value for i in range(5, 18)]
    assert any(isinstance(v, str) and "minder dan 5" in v for v in values)


def test_a_name_that_looks_like_a_formula_stays_text(world):
    Organisation.objects.filter(pk=world.provider.pk).update(name='=HYPERLINK("http://x","y")')
    c = sign_in(Client(), world.analyst)
    wb = load_workbook(io.BytesIO(c.get("/monitor/flow/export.xlsx").content))
    cells = [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row]
    hits = [cell for cell in cells if isinstance(cell.value, str) and "HYPERLINK" in cell.value]
    assert hits and all(cell.data_type == "s" for cell in hits)
    csv = c.get("/monitor/flow/export.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in csv


def test_the_csv_has_every_table_with_its_title(world, history):
    history(5, months_ago=1)
    c = sign_in(Client(), world.chair)
    r = c.get("/monitor/board/export.csv")
    assert r["Content-Type"].startswith("text/csv")
    text = r.content.decode("utf-8-sig")
    assert "Voorstellen van de tafel en wat ervan werd" in text
    assert "Afwijzingen per corporatie en reden" in text


def test_the_council_report_is_a_pdf_with_the_same_suppressed_figures_even_for_the_analyst(
    world, history
):
    history(3, months_ago=1)
    c = sign_in(Client(), world.analyst)
    r = c.get("/monitor/kwartaalrapport.pdf")
    assert r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    from matching.monitor import reports, selectors

    context = reports.report_quarter(selectors.viewer(world.analyst), {})
    assert context["viewer"].exact is False
    assert context["flow"].table.grid.column_totals[7] in (0, None)
