"""Where people go: placements per 1,000 homes, the class at the time of placement, red
neighbourhoods that kept receiving, occupied stairwells; missing indicators said plainly."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from matching.board.models import Proposal
from matching.monitor import selectors
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
