"""Small numbers (issue 13, hole 9): the live capacity shows a placement count from 1 to 4
only to the municipality's analysts; everyone else reads "fewer than 5", through the one
function the simulation uses too."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts import smallnumbers
from housing.models import DwellingStatus
from tests.housing.factories import DwellingFactory

pytestmark = pytest.mark.django_db
CODE = "BU00010101"


@pytest.fixture
def one_placement(world):
    DwellingFactory(
        corporation=world.corp_a,
        neighbourhood=world.neighbourhood,
        status=DwellingStatus.LET,
        let_to_outflow_at=timezone.now(),
    )


@pytest.mark.parametrize("reader", ["consultant_a", "consultant_b", "chair"])
def test_a_single_placement_is_not_shown_exactly_outside_the_analysts(
    world, login, one_placement, reader
):
    browser = login(getattr(world, reader))
    capacity = browser.get(f"/api/v1/neighbourhoods/{CODE}/").json()["capacity"]
    assert capacity["placements_12m"] is None and capacity["placements_per_1000"] is None
    line = next(c for c in capacity["breakdown"] if c["key"] == "placements")
    assert line["value"] == "minder dan 5"
    features = browser.get("/kaart/buurten.geojson").json()["features"]
    props = next(f["properties"] for f in features if f["properties"].get("code") == CODE)
    assert props["placements_12m"] is None


def test_the_analyst_reads_the_exact_count(world, login, one_placement):
    capacity = login(world.analyst).get(f"/api/v1/neighbourhoods/{CODE}/").json()["capacity"]
    assert capacity["placements_12m"] == 1


def test_the_simulation_and_the_live_capacity_share_one_rule(settings):
    settings.SIMULATION_SMALL_NUMBERS = 5
    assert [smallnumbers.suppress_value(n) for n in (0, 1, 4, 5, 12)] == [0, None, None, 5, 12]
    from matching.simulation import services

    assert services.small_number_threshold() == smallnumbers.threshold()


def test_a_dwellings_notes_stay_inside_the_owning_corporation(world, login):
    from housing.models import Dwelling

    offered = Dwelling.objects.filter(
        corporation=world.corp_a, status=DwellingStatus.OFFERED
    ).first()
    Dwelling.objects.filter(pk=offered.pk).update(notes="Sleutel bij de buren, intern")
    other = login(world.consultant_b)
    response = other.get(f"/api/v1/dwellings/{offered.pk}/")
    if response.status_code == 200:
        assert "notes" not in response.json()
    page = other.get(f"/woningen/{offered.pk}/")
    assert "Sleutel bij de buren" not in page.content.decode()
    own = login(world.consultant_a).get(f"/api/v1/dwellings/{offered.pk}/").json()
    assert own["notes"] == "Sleutel bij de buren, intern"
