"""Where people go: placements per 1,000 homes, the class at the time of placement, red
neighbourhoods that kept receiving, occupied stairwells; missing indicators said plainly."""

from __future__ import annotations

import io

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from matching.board.models import Proposal
from matching.monitor import selectors
from matching.monitor.models import HEADROOM_CAP, MonthlyCount
from matching.monitor.periods import Period, add_months, month_start
from matching.placements.models import Placement
from tests.conftest import sign_in
from tests.housing.factories import NeighbourhoodFactory

pytestmark = pytest.mark.django_db


def _period() -> Period:
    last = month_start(timezone.localdate())
    return Period(add_months(last, -11), last)


def test_placements_per_thousand_homes_of_the_indicator_year(world, history):
    history(6, months_ago=1)
    where = selectors.where(v=selectors.viewer(world.analyst), period=_period())
    row = next(h for h in where.hoods if h.code == world.neighbourhood.code)
    assert row.placements == 6
    assert row.homes == 1000
    assert row.per_1000 == pytest.approx(6.0)


def test_the_class_is_the_one_the_board_saw_when_it_proposed(world, history):
    placements = history(5, months_ago=2)
    Proposal.objects.filter(pk__in=[p.proposal_id for p in placements[:2]]).update(
        capacity_before={"class": "red", "headroom": 0}
    )
    where = selectors.where(v=selectors.viewer(world.analyst), period=_period())
    totals = dict(zip(where.by_class.columns, where.by_class.grid.column_totals, strict=True))
    assert totals["rood"] == 2
    assert totals["onbekend"] == 3
    assert [c["code"] for c in where.crossed] == [world.neighbourhood.code]
    assert where.crossed[0]["in_red"] == 2


def test_a_placement_into_a_stairwell_that_already_held_one_counts_as_occupied(world, history):
    history(5, months_ago=1)  # all in the world's one stairwell: the first found it empty
    where = selectors.where(v=selectors.viewer(world.analyst), period=_period())
    assert where.stairwells.grid.cells == [[4, 0]]


def test_a_neighbourhood_without_indicators_is_named_not_divided_by_zero(world, history):
    bare = NeighbourhoodFactory(
        code="BU07710199", name="Nieuwbouwwijk", district=world.neighbourhood.district
    )
    placements = history(5, months_ago=1)
    Placement.objects.filter(pk__in=[p.pk for p in placements]).update(neighbourhood=bare)
    where = selectors.where(v=selectors.viewer(world.analyst), period=_period())
    assert "Nieuwbouwwijk" in where.missing_indicators
    row = next(h for h in where.hoods if h.code == bare.code)
    assert row.per_1000 is None
    c = sign_in(Client(), world.chair)
    assert "geen indicatoren" in c.get("/monitor/buurten/").content.decode()


def test_small_neighbourhood_counts_are_hidden_from_the_chair_and_on_the_map(world, history):
    history(3, months_ago=1)
    where = selectors.where(v=selectors.viewer(world.chair), period=_period())
    row = next(h for h in where.hoods if h.code == world.neighbourhood.code)
    assert row.placements is None
    assert row.per_1000 is None
    for feature in where.map_data["features"]:
        assert feature["properties"]["placements"] in (0, None)


def _with_headroom(placements, headrooms) -> None:
    for placement, headroom in zip(placements, headrooms, strict=True):
        Proposal.objects.filter(pk=placement.proposal_id).update(
            capacity_before={"class": "amber", "headroom": headroom}
        )


def test_the_headroom_is_the_one_the_board_saw_when_it_proposed(world, history):
    placements = history(8, months_ago=2)
    # 0 twice (placed through an override), 2, 4 twice, 12 and a sentinel "no cost" value,
    # and one proposal that recorded nothing.
    _with_headroom(placements[:7], [0, 0, 2, 4, 4, 12, 10**6])
    v = selectors.viewer(world.analyst)
    where = selectors.where(v=v, period=_period())
    totals = dict(zip(where.by_headroom.columns, where.by_headroom.grid.column_totals, strict=True))
    assert totals == {
        "geen ruimte (0)": 2,
        "1 of 2": 1,
        "3 tot en met 5": 2,
        "6 of meer": 2,
        "onbekend": 1,
    }
    assert where.by_headroom.grid.total == 8
    row = next(h for h in where.hoods if h.code == world.neighbourhood.code)
    assert (row.headroom_lowest, row.without_room, row.headroom_state) == (0, 2, "shown")
    assert row.per_1000 == pytest.approx(8.0)
    # The stored dimension: the monthly table holds the headroom, capped, not the sentinel.
    stored: dict[int | None, int] = {}
    for m in MonthlyCount.objects.filter(region_id=v.region_id, measure="placed"):
        stored[m.headroom] = stored.get(m.headroom, 0) + m.n
    assert stored == {0: 2, 2: 1, 4: 2, 12: 1, HEADROOM_CAP: 1, None: 1}
    # Over time: the placements sit in the quarter they were made in.
    period_rows = [r for r, cells, _t in where.by_headroom.body if any(cells)]
    assert len(period_rows) == 1
    # And the chart draws the same table.
    assert [s["key"] for s in where.headroom_chart["series"]] == selectors.HEADROOM_ORDER


def test_a_placement_made_while_the_board_knew_no_headroom_is_named(world, history):
    placements = history(5, months_ago=1)
    Proposal.objects.filter(pk__in=[p.proposal_id for p in placements]).update(
        capacity_before={"class": "unknown", "headroom": None}
    )
    where = selectors.where(v=selectors.viewer(world.analyst), period=_period())
    assert where.headroom_unknown == [world.neighbourhood.name]
    row = next(h for h in where.hoods if h.code == world.neighbourhood.code)
    assert (row.headroom_lowest, row.headroom_state) == (None, "unknown")
    page = sign_in(Client(), world.chair).get("/monitor/buurten/").content.decode()
    assert 'id="headroom-unknown"' in page


def test_the_lowest_headroom_is_hidden_with_a_small_placement_count(world, history):
    placements = history(3, months_ago=1)
    _with_headroom(placements, [1, 1, 0])
    chair = selectors.where(v=selectors.viewer(world.chair), period=_period())
    row = next(h for h in chair.hoods if h.code == world.neighbourhood.code)
    assert (row.placements, row.headroom_lowest, row.headroom_state) == (None, None, "hidden")
    assert row.without_room is None
    assert all(v in (0, None) for line in chair.by_headroom.grid.cells for v in line)
    analyst = selectors.where(v=selectors.viewer(world.analyst), period=_period())
    row = next(h for h in analyst.hoods if h.code == world.neighbourhood.code)
    assert (row.placements, row.headroom_lowest, row.without_room) == (3, 0, 1)


def test_headroom_at_placement_in_the_exports_the_api_and_the_council_report(world, history):
    placements = history(6, months_ago=1)
    _with_headroom(placements, [0, 3, 3, 3, 3, 3])
    c = sign_in(Client(), world.analyst)
    wb = load_workbook(io.BytesIO(c.get("/monitor/where/export.xlsx").content))
    sheets = {ws.title: ws for ws in wb.worksheets}
    band = next(ws for title, ws in sheets.items() if title.startswith("Plaatsingen naar ruimte"))
    header = [cell.value for cell in band[4]]
    assert header[1] == "geen ruimte (0) (plaatsingen)"
    totals = next(
        [cell.value for cell in r] for r in band.iter_rows(min_row=5) if r[0].value == "totaal"
    )
    assert totals[1:] == [1, 0, 5, 0, 0, 6]
    hoods = sheets["Plaatsingen per buurt"]
    header = [cell.value for cell in hoods[4]]
    row = next(
        [cell.value for cell in r]
        for r in hoods.iter_rows(min_row=5)
        if r[0].value and world.neighbourhood.code in str(r[0].value)
    )
    line = dict(zip(header, row, strict=False))
    assert line["laagste ruimte bij plaatsing (aantal)"] == 0
    assert line["geplaatst zonder ruimte (aantal)"] == 1
    assert line["plaatsingen per 1.000 woningen (aantal)"] == pytest.approx(6.0)
    csv = c.get("/monitor/where/export.csv").content.decode("utf-8-sig")
    assert "Plaatsingen naar ruimte van de buurt op het moment van plaatsing" in csv
    data = c.get("/api/v1/monitor/neighbourhoods/").json()
    by_title = {t["title"]: t for t in data["tables"]}
    band_api = by_title["Plaatsingen naar ruimte van de buurt op het moment van plaatsing"]
    assert band_api["column_totals"][:3] == [1, 0, 5]
    hood_api = by_title["Plaatsingen per buurt"]
    mine = next(r for r in hood_api["rows"] if world.neighbourhood.code in r["row"])
    assert mine["cells"][6:8] == [0, 1]
    assert mine["cells"][2] == pytest.approx(6.0)
    assert mine["unknown"] == []
    from matching.monitor import reports

    context = reports.report_quarter(selectors.viewer(world.analyst), {})
    html = render_to_string("monitor/report_pdf.html", context)
    assert "Plaatsingen naar ruimte van de buurt op het moment van plaatsing" in html


def test_an_unknown_figure_is_unknown_in_the_export_not_suppressed(world, history):
    bare = NeighbourhoodFactory(
        code="BU07710198", name="Zonder cijfers", district=world.neighbourhood.district
    )
    placements = history(5, months_ago=1)
    Placement.objects.filter(pk__in=[p.pk for p in placements]).update(neighbourhood=bare)
    Proposal.objects.filter(pk__in=[p.proposal_id for p in placements]).update(
        capacity_before={"class": "unknown", "headroom": None}
    )
    c = sign_in(Client(), world.chair)
    csv = c.get("/monitor/where/export.csv").content.decode("utf-8-sig")
    line = next(x for x in csv.splitlines() if x.startswith("Zonder cijfers"))
    cells = line.split(";")
    assert cells[1] == "5"
    assert cells[2] == cells[3] == cells[7] == cells[9] == "onbekend"
    data = c.get("/api/v1/monitor/neighbourhoods/").json()
    hood_api = next(t for t in data["tables"] if t["title"] == "Plaatsingen per buurt")
    mine = next(r for r in hood_api["rows"] if "BU07710198" in r["row"])
    assert mine["unknown"] == [1, 2, 6, 8]
