"""The API: filters, corporation writes through services, and the layer's 404/403."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from housing.models import Dwelling


@pytest.fixture
def api(login):
    return lambda user: login(user)


def test_dwellings_filter_by_status_and_owner(world, api):
    client = api(world.consultant_a)
    data = client.get("/api/v1/dwellings/", {"status": "offered"}).json()
    assert {d["reference"] for d in data["results"]} == {"A-2", "B-1"}
    own = client.get("/api/v1/dwellings/", {"owner": "own"}).json()
    assert {d["reference"] for d in own["results"]} == {"A-1", "A-2"}


def test_a_corporation_creates_a_dwelling_by_neighbourhood_code(world, api):
    body = {
        "reference": "API-1", "street": "Kade", "number": 5, "postcode": "1234AB", "city": "Teststad",
        "neighbourhood": "BU00010101", "dwelling_type": "studio", "rooms": 1, "bedrooms": 0,
        "living_area": 30, "net_rent": "480.00",
    }  # fmt: skip
    response = api(world.consultant_a).post(
        "/api/v1/dwellings/", body, content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    dwelling = Dwelling.objects.get(reference="API-1")
    assert dwelling.corporation == world.corp_a and dwelling.status == "draft"


@pytest.mark.parametrize(
    ("change", "attr"),
    [
        ({"net_rent": "-1"}, "net_rent"),
        ({"neighbourhood": "BU12345678"}, "neighbourhood"),
        ({"postcode": "12AB"}, "postcode"),
        ({"floor": 32767}, "floor"),
        ({"floor": -40000}, "floor"),
        ({"rooms": 4000, "bedrooms": 1}, "rooms"),
        ({"living_area": 70000}, "living_area"),
        ({"number": 2_000_000_000}, "number"),
        ({"net_rent": "99999.00"}, "net_rent"),
        ({"available_from": "9999-12-31"}, "available_from"),
        ({"available_from": "0001-01-01"}, "available_from"),
    ],
)
def test_bad_dwelling_input_is_a_400_naming_the_field(world, api, change, attr):
    body = {
        "reference": "API-2", "street": "Kade", "number": 5, "postcode": "1234AB", "city": "Teststad",
        "neighbourhood": "BU00010101", "dwelling_type": "studio", "rooms": 1, "bedrooms": 0,
        "living_area": 30, "net_rent": "480.00", **change,
    }  # fmt: skip
    response = api(world.consultant_a).post(
        "/api/v1/dwellings/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert attr in {e["attr"] for e in response.json()["errors"]}
    assert not Dwelling.objects.filter(reference="API-2").exists()


def test_offer_and_conflicting_transition(world, api):
    client = api(world.consultant_a)
    assert client.post(f"/api/v1/dwellings/{world.draft.pk}/offer/").status_code == 200
    assert client.post(f"/api/v1/dwellings/{world.draft.pk}/let/").status_code == 400


def test_another_corporation_gets_403_on_an_offered_dwelling_and_404_on_a_draft(world, api):
    client = api(world.consultant_b)
    assert client.post(f"/api/v1/dwellings/{world.offered.pk}/withdraw/").status_code == 403
    assert client.get(f"/api/v1/dwellings/{world.draft.pk}/").status_code == 404
    assert (
        client.patch(
            f"/api/v1/dwellings/{world.draft.pk}/", {"notes": "x"}, content_type="application/json"
        ).status_code
        == 404
    )


def test_care_providers_get_no_dwellings(world, api):
    client = api(world.coordinator)
    assert client.get("/api/v1/dwellings/").status_code == 403
    assert client.get(f"/api/v1/dwellings/{world.offered.pk}/").status_code == 404


def test_neighbourhoods_read_with_capacity_for_the_municipality_only(world, api):
    detail = api(world.analyst).get("/api/v1/neighbourhoods/BU00010101/").json()
    assert detail["capacity"]["score"] == 70 and len(detail["indicators"]) == 2
    coordinator = api(world.coordinator).get("/api/v1/neighbourhoods/BU00010101/").json()
    assert coordinator["capacity"] is None and coordinator["indicators"] is None
    assert api(world.outsider).get("/api/v1/neighbourhoods/BU00010101/").status_code == 404


def test_neighbourhoods_filter_by_municipality(world, api):
    data = api(world.analyst).get("/api/v1/neighbourhoods/", {"municipality": "GM0001"}).json()
    assert [n["code"] for n in data["results"]] == ["BU00010101"]
    assert (
        api(world.analyst)
        .get("/api/v1/neighbourhoods/", {"municipality": "GM0002"})
        .json()["results"]
        == []
    )


def test_complexes_stop_only_by_the_board_chair(world, api):
    until = timezone.localdate() + dt.timedelta(days=365)
    body = {"reason": "overlast", "until": until.isoformat()}
    assert (
        api(world.consultant_a)
        .post(f"/api/v1/complexes/{world.complex.pk}/stop/", body)
        .status_code
        == 403
    )
    response = api(world.chair).post(f"/api/v1/complexes/{world.complex.pk}/stop/", body)
    assert response.status_code == 200 and response.json()["stopped_until"] is not None
    stopped = api(world.chair).get("/api/v1/complexes/", {"stopped": "true"}).json()
    assert [c["code"] for c in stopped["results"]] == ["C1"]


def test_stairwells_count_by_corporation_and_limit_by_chair(world, api):
    url = f"/api/v1/stairwells/{world.stairwell.pk}/"
    assert (
        api(world.consultant_a).post(url + "count/", {"current_vulnerable": 1}).json()["has_room"]
        is False
    )
    assert api(world.consultant_a).post(url + "limit/", {"max_vulnerable": 2}).status_code == 403
    assert (
        api(world.chair).post(url + "limit/", {"max_vulnerable": 2}).json()["max_vulnerable"] == 2
    )
    assert api(world.consultant_b).get(url).status_code == 404
