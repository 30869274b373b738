"""The read-only scenario API."""

from __future__ import annotations

import pytest

from matching.simulation.models import Scenario

pytestmark = pytest.mark.django_db


def test_a_scenario_comes_with_its_latest_results_and_weeks(sim_world, make_scenario, login):
    scenario = make_scenario(stairwell_rule=True)
    body = login(sim_world.analyst).get(f"/api/v1/simulation/scenarios/{scenario.pk}/").json()
    assert body["name"] == "Kantelpunt 30%"
    assert body["results"]["summary"]["housed"] == scenario.runs.get().summary["housed"]
    assert len(body["results"]["weeks"]) == 12
    assert "placements" in body["results"]["neighbourhoods"][0]


def test_the_list_is_filtered_by_board_and_leaves_out_the_weeks(sim_world, make_scenario, login):
    make_scenario()
    browser = login(sim_world.chair)
    body = browser.get(f"/api/v1/simulation/scenarios/?board={sim_world.board.pk}").json()
    rows = body.get("results", body) if isinstance(body, dict) else body
    assert len(rows) == 1 and "weeks" not in rows[0]["results"]
    other = browser.get("/api/v1/simulation/scenarios/?board=999").json()
    assert (other.get("results", other) if isinstance(other, dict) else other) == []


def test_the_api_cannot_write(sim_world, make_scenario, login):
    scenario = make_scenario()
    browser = login(sim_world.chair)
    # Refused by the layer (no rule for the method) or by the router (no such method).
    assert browser.post("/api/v1/simulation/scenarios/", {"name": "x"}).status_code in (403, 405)
    assert browser.delete(f"/api/v1/simulation/scenarios/{scenario.pk}/").status_code in (403, 405)
    assert list(Scenario.objects.values_list("pk", flat=True)) == [scenario.pk]
