"""Formula injection: names typed by one party reach the others as text in every export."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from accounts import exports
from housing.models import Neighbourhood
from matching.simulation import services

pytestmark = pytest.mark.django_db

EVIL = ['=HYPERLINK("http://x","klik")', "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)"]


def _cells(data: bytes):
    wb = load_workbook(io.BytesIO(data))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            yield from row


def test_simulation_exports_hold_no_formula_cells(sim_world, make_scenario):
    Neighbourhood.objects.filter(pk=sim_world.neighbourhoods[0].pk).update(name=EVIL[1])
    first = make_scenario(name=EVIL[0])
    second = make_scenario(name="\tTab" + EVIL[2])
    data = services.results_export(actor=sim_world.chair, scenarios=[first, second])
    cells = list(_cells(data))
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert EVIL[0] in texts and EVIL[1] in texts  # kept exactly, as text
    assert not [c.coordinate for c in cells if c.data_type == "f"]


@pytest.mark.parametrize("value", [*EVIL, "\tx", "\rx"])
def test_the_xlsx_helper_stores_formula_like_text_as_text(value):
    wb = Workbook()
    exports.xlsx_append(wb.active, [value, 3, -4, "gewoon"])
    buffer = io.BytesIO()
    wb.save(buffer)
    cells = list(_cells(buffer.getvalue()))
    assert cells[0].data_type == "s" and cells[0].value.strip() == value.strip()
    assert cells[1].value == 3 and cells[2].value == -4  # numbers stay numbers


def test_the_csv_helper_prefixes_formula_like_text():
    out = io.StringIO()
    writer = exports.csv_writer(out, delimiter=";")
    writer.writerow([*EVIL, "\tx", "\rx", "gewoon", -4])
    row = next(csv.reader(io.StringIO(out.getvalue()), delimiter=";"))
    assert all(cell.startswith("'") for cell in row[:7])
    assert row[7:] == ["gewoon", "-4"]


def test_the_access_log_exports_hold_no_formula_cells():
    """An organisation name or e-mail address typed as a formula stays text in the access log's
    XLSX and CSV (an admin opens them in Excel)."""
    from django.utils import timezone

    from accounts import access_log_export
    from accounts.models import AccessLogEntry

    entry = AccessLogEntry(
        at=timezone.now(), user_email="=cmd|' /C calc'!A0", organisation_name=EVIL[0],
        object_type="cases.client", object_id="@SUM(A1)", channel="web",
    )  # fmt: skip
    cells = list(_cells(access_log_export.as_xlsx([entry], {})))
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert EVIL[0] in texts and "=cmd|' /C calc'!A0" in texts
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    rows = list(csv.reader(io.StringIO(access_log_export.as_csv([entry], {})), delimiter=";"))
    assert rows[1][3] == "'" + EVIL[0] and rows[1][2].startswith("'")
