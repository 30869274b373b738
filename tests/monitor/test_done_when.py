"""Issue 19's "Done when", walked on the seeded demo region: the chair signs in (with the
second factor), opens the monitor for the last 12 months and reads how many were housed, how
long they waited (median and 90th percentile), where they went against each neighbourhood's
capacity and which corporation is behind on its agreed share, each as a chart with its
table; then downloads the same as XLSX (real numbers and dates, suppressed cells marked, no
formula) and the quarterly PDF, whose figures are the page's figures."""

from __future__ import annotations

import datetime as dt
import io
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts import formatting
from accounts.models import Organisation, User
from matching.monitor import selectors
from matching.monitor.periods import Period
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

CHAIR = "voorzitter@gemeente.demo"


class Tables(HTMLParser):
    """Every <table> of a page as its caption and its rows of cell texts; every chart canvas."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict[str, Any]] = []
        self.canvases: list[str] = []
        self._table: dict[str, Any] | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._caption: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "canvas":
            self.canvases.append(dict(attrs).get("data-monitor-chart") or "")
        elif tag == "table":
            self._table = {"caption": "", "rows": []}
        elif tag == "caption" and self._table is not None:
            self._caption = []
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self._table is not None:
            self.tables.append(self._table)
            self._table = None
        elif tag == "caption" and self._caption is not None and self._table is not None:
            self._table["caption"] = " ".join("".join(self._caption).split())
            self._caption = None
        elif tag == "tr" and self._row is not None and self._table is not None:
            self._table["rows"].append(self._row)
            self._row = None
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        elif self._caption is not None:
            self._caption.append(data)

    def table(self, caption: str) -> list[list[str]]:
        found = [t for t in self.tables if t["caption"].startswith(caption)]
        assert found, (caption, [t["caption"] for t in self.tables])
        return found[0]["rows"]


def read(client: HttpClient, path: str) -> tuple[Any, Tables]:
    response = client.get(path)
    assert response.status_code == 200, path
    page = Tables()
    page.feed(response.content.decode())
    return response.context, page


def row(rows: list[list[str]], label: str) -> list[str]:
    found = [r for r in rows if r and r[0].lower().startswith(label.lower())]
    assert found, (label, [r[0] for r in rows if r])
    return found[0]


def shown(value: Any, decimals: int = 0) -> str:
    """A figure as the page prints it (Dutch separators); a hidden count as "< 5"."""
    return "< 5" if value is None else formatting.number(value, decimals)


def sheet(content: bytes, title: str) -> list[list[Any]]:
    book = load_workbook(io.BytesIO(content))
    matches = [ws for ws in book.worksheets if ws["A1"].value == title]
    assert matches, (title, [ws["A1"].value for ws in book.worksheets])
    ws = matches[0]
    for line in ws.iter_rows():
        for cell in line:
            assert cell.data_type != "f", (title, cell.coordinate, cell.value)  # no formulas
    return [[c.value for c in line] for line in ws.iter_rows(min_row=4)]


def xlsx_row(rows: list[list[Any]], label: str) -> list[Any]:
    found = [r for r in rows if isinstance(r[0], str) and r[0].lower().startswith(label.lower())]
    assert found, (label, [r[0] for r in rows])
    return found[0]


def excel(value: Any) -> Any:
    """What the workbook holds for a page figure: the number, or "< 5" when hidden."""
    return "< 5" if value is None else value


def test_the_chair_reads_the_last_12_months_and_downloads_the_same(seeded_demo):
    chair = User.objects.get(email=CHAIR)
    client = sign_in(HttpClient(), chair)  # password and TOTP: the real middleware lets it in
    assert client.get("/monitor/").status_code == 200
    period = Period.last_12_months()

    # --- How many were housed, and how long they waited -----------------------------------
    context, page = read(client, "/monitor/")
    flow = context["result"]
    assert flow.period == period and not context["v"].exact
    assert "line" in page.canvases and "bands" in page.canvases  # charts, each with a table
    keys = [key for key, _label in selectors.FLOW_MEASURES]
    housed_at = keys.index("housed")
    housed = flow.table.grid.column_totals[housed_at]
    assert housed and housed >= 20
    main = page.table("Instroom, voorstellen en uitstroom")
    assert row(main, "Totaal")[1 + housed_at] == shown(housed)
    assert [r[0] for r in main[1:13]] == [period.label(b) for b in period.buckets()]
    waits = page.table("Gehuisvest in deze periode")
    from_registration = flow.waits[0]
    assert from_registration.n == housed
    assert row(waits, "Van aanmelding tot gehuisvest")[1:] == [
        shown(housed),
        shown(from_registration.median_months, 1),
        shown(from_registration.p90_months, 1),
    ]
    assert from_registration.median_months < from_registration.p90_months

    xlsx = client.get("/monitor/flow/export.xlsx")
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = sheet(xlsx.content, "Instroom, voorstellen en uitstroom")
    header, body = rows[0], rows[1:]
    assert header[1 + housed_at] == "gehuisvest (personen of voorstellen)"  # unit in header
    months = [r for r in body if isinstance(r[0], dt.datetime)]
    assert [m[0].date() for m in months] == period.buckets()  # dates, not text
    for i, m in enumerate(months):
        for j, value in enumerate(m[1 : 1 + len(keys)]):
            cell = flow.table.grid.cells[i][j]
            assert value == excel(cell), (m[0], keys[j], value, cell)
            assert isinstance(value, int) or value == "< 5"
    assert any("< 5" in r[1:] for r in months), "the demo's small months are marked"
    assert xlsx_row(body, "totaal")[1 + housed_at] == housed
    wait_rows = sheet(xlsx.content, "Wachttijd tot een woning")
    assert wait_rows[0][2:] == ["mediaan (maanden)", "90e percentiel (maanden)"]
    line = xlsx_row(wait_rows, "Van aanmelding tot gehuisvest")
    assert line[1:4] == [
        housed,
        round(from_registration.median_months, 1),
        round(from_registration.p90_months, 1),
    ]
    assert isinstance(line[2], float)

    # --- Where they went, against each neighbourhood's capacity ---------------------------
    context, page = read(client, "/monitor/buurten/")
    where = context["result"]
    assert where.period.first == period.first
    assert {"classes", "headroom"} <= set(page.canvases)
    hoods = page.table("Plaatsingen per buurt")
    placed = [h for h in where.hoods if h.placements]
    assert placed
    xlsx = client.get("/monitor/where/export.xlsx")
    hood_rows = sheet(xlsx.content, "Plaatsingen per buurt")
    assert hood_rows[0][1:4] == [
        "plaatsingen (aantal)",
        "woningen (indicatorjaar) (aantal)",
        "plaatsingen per 1.000 woningen (aantal)",
    ]
    for h in where.hoods:
        on_page = row(hoods, h.name)
        assert on_page[1] == shown(h.placements)
        assert on_page[3] == ("—" if h.per_1000 is None else shown(h.per_1000, 1))
        assert on_page[8] == ("—" if h.headroom_now is None else shown(h.headroom_now))
        in_xlsx = xlsx_row(hood_rows, f"{h.name} ({h.code})")
        assert in_xlsx[1] == excel(h.placements)
        if h.per_1000 is not None:
            assert in_xlsx[3] == round(h.per_1000, 1)
        assert in_xlsx[10] == (h.headroom_now if h.headroom_now is not None else "onbekend")
    by_class = page.table("Plaatsingen naar draagkrachtklasse")
    assert row(by_class, "Totaal")[-1] == shown(where.by_class.grid.total)

    # --- Which corporation is behind on its agreed share ----------------------------------
    context, page = read(client, "/monitor/contingenten/")
    quotas = context["result"]
    assert quotas.year == timezone.localdate().year
    assert "shares" in page.canvases and "let" in page.canvases
    standing = page.table("Stand van het jaar")
    behind = [r for r in quotas.rows if r.behind]
    assert behind, "the demo has a corporation behind on its share"
    xlsx = client.get(f"/monitor/quotas/export.xlsx?jaar={quotas.year}")
    share_rows = sheet(xlsx.content, "Stand van het jaar per corporatie")
    for r in quotas.rows:
        on_page = row(standing, r.name)
        in_xlsx = xlsx_row(share_rows, r.name)
        if r.quota is None:
            assert on_page[1] == "geen contingent" and on_page[6] == "niet te bepalen"
            assert in_xlsx[1] == "geen contingent" and in_xlsx[6] == "niet te bepalen"
            continue
        assert on_page[1] == shown(r.quota) and in_xlsx[1] == r.quota
        assert on_page[4] == shown(r.let) and in_xlsx[4] == excel(r.let)
        if r.behind:
            assert on_page[6] == f"{formatting.signed(r.difference, 1)} achter"
            assert in_xlsx[6] == round(r.difference, 1) < 0
    # A formula-like corporation name stays text in the workbook.
    name = behind[0].name
    Organisation.objects.filter(pk=behind[0].corporation_id).update(name="=HYPERLINK(1)")
    tricky = client.get(f"/monitor/quotas/export.xlsx?jaar={quotas.year}")
    assert xlsx_row(sheet(tricky.content, "Stand van het jaar per corporatie"), "=HYPERLINK")
    Organisation.objects.filter(pk=behind[0].corporation_id).update(name=name)

    # --- The quarterly report for the council: the same figures as the page ---------------
    pdf = client.get("/monitor/kwartaalrapport.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = " ".join(
        " ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf.content)).pages
    )
    from matching.monitor import reports

    report = reports.report_quarter(selectors.viewer(chair), {})
    quarter = report["period"]
    assert quarter.first.month in (1, 4, 7, 10)
    # The page for that quarter, read by the chair, holds the figures the PDF prints.
    q = f"?van={quarter.first:%Y-%m}&tot={quarter.last:%Y-%m}"
    context, page = read(client, f"/monitor/{q}")
    quarter_flow = context["result"]
    q_housed = quarter_flow.table.grid.column_totals[housed_at]
    q_wait = quarter_flow.waits[0]
    assert q_housed == report["flow"].table.grid.column_totals[housed_at]
    expected = (
        f"Van aanmelding tot gehuisvest {shown(q_wait.n)} "
        f"{'—' if q_wait.median is None else shown(q_wait.median_months, 1)} "
        f"{'—' if q_wait.p90 is None else shown(q_wait.p90_months, 1)}"
    )
    assert expected in text, (expected, text[:2000])
    context, page = read(client, f"/monitor/contingenten/?jaar={report['year']}")
    for r in context["result"].rows:
        if r.quota is not None:
            line = f"{r.name} {shown(r.quota)} {shown(r.let)}"
            assert line in text, (line, text[:3000])
    context, page = read(client, f"/monitor/buurten/{q}&per=quarter")
    for h in context["result"].hoods:
        if h.placements:
            assert f"{h.name} {shown(h.placements)}" in text
