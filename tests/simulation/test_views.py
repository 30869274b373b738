"""The pages: create, run (with progress), results, compare side by side, export, share."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from matching.simulation.models import RunStatus, Scenario

pytestmark = pytest.mark.django_db


def form(**values):
    data = {
        "name": "Kantelpunt 30%",
        "policy": "optimiser",
        "limit_mode": "tipping_point",
        "tipping_point": "30",
        "neighbourhood_limits": "",
        "stairwell_max": "1",
        "complexes_stopped": "on",
        "horizon_weeks": "8",
        "seed": "1",
        "clients_per_week": "2",
        "dwellings_per_week": "3",
        "offer_weeks": "4",
        "seeds": "5",
        "departure_rate": "10",
        "urgent_share": "0",
    }
    data.update(values)
    return {k: v for k, v in data.items() if v is not None}


def test_the_chair_makes_two_scenarios_runs_both_and_compares_them(
    sim_world, login, django_capture_on_commit_callbacks
):
    """The issue's 'done when', through the pages."""
    browser = login(sim_world.chair)
    create = reverse("simulation:scenario-create", args=[sim_world.board.pk])
    ids = []
    for values in ({}, {"name": "Kantelpunt 30% + portiekregel", "stairwell_rule": "on"}):
        response = browser.post(create, form(**values))
        assert response.status_code == 302, response.content[:500]
        scenario = Scenario.objects.latest("pk")
        ids.append(scenario.pk)
        with django_capture_on_commit_callbacks(execute=True):
            response = browser.post(reverse("simulation:run-start", args=[scenario.pk]))
        assert response.status_code == 302
        assert scenario.runs.get().status == RunStatus.DONE
    detail = browser.get(reverse("simulation:scenario-detail", args=[ids[1]]))
    page = detail.content.decode()
    assert "Gehuisvest" in page and 'id="simulation-chart-data"' in page
    assert "portiekregel" in page
    compare = browser.get(
        reverse("simulation:compare", args=[sim_world.board.pk]) + f"?s={ids[1]}&s={ids[0]}"
    )
    assert compare.status_code == 200
    page = compare.content.decode()
    assert "Plaatsingen in buurten voorbij het kantelpunt" in page
    assert "verschil" in page
    # Every figure with its range over the seeds, and what of a difference is beyond it.
    housed = next(r for r in compare.context["rows"] if r["key"] == "housed")
    first, second = housed["cells"]
    assert first["low"] <= first["value"] <= first["high"]
    assert second["beyond"] is not None and second["diff"] is not None
    assert (second["beyond"] == 0) == (
        second["low"] <= first["high"] and first["low"] <= second["high"]
    )
    # The first made is the baseline, whatever order the boxes were ticked in.
    assert compare.context["runs"][0].scenario_id == ids[0]
    data = json.loads(json.dumps(compare.context["chart"]))  # what json_script will carry
    assert [r["name"] for r in data["runs"]] == ["Kantelpunt 30%", "Kantelpunt 30% + portiekregel"]
    assert len(data["runs"][0]["housed_total"]) == 8
    export = browser.get(
        reverse("simulation:compare-export", args=[sim_world.board.pk]) + f"?s={ids[0]}&s={ids[1]}"
    )
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_create_form_is_prefilled_with_the_regions_flows(sim_world, login):
    response = login(sim_world.analyst).get(
        reverse("simulation:scenario-create", args=[sim_world.board.pk])
    )
    assert response.status_code == 200
    initial = response.context["form"].initial
    assert initial["clients_per_week"] == round(len(sim_world.clients) / 52, 2)
    assert "uitstroomklaar" in response.content.decode()
    # No ended placements yet: the documented default departure rate; nobody urgent.
    assert initial["departure_rate"] == 10.0
    assert initial["urgent_share"] == 0.0
    assert "departure_rate" in response.context["form"].fields


def test_bad_input_is_shown_next_to_its_field(sim_world, login):
    response = login(sim_world.chair).post(
        reverse("simulation:scenario-create", args=[sim_world.board.pk]),
        form(tipping_point="130", neighbourhood_limits="BU00010100 = veel"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "neighbourhood_limits" in errors
    assert not Scenario.objects.exists()


def test_a_neighbourhood_tipping_point_is_read_from_the_text_box(sim_world, login):
    response = login(sim_world.chair).post(
        reverse("simulation:scenario-create", args=[sim_world.board.pk]),
        form(neighbourhood_limits="BU00010100 = 25\nbu00010101: 12,5%"),
    )
    assert response.status_code == 302
    assert Scenario.objects.get().neighbourhood_limits == {"BU00010100": 25.0, "BU00010101": 12.5}


def test_the_progress_fragment_polls_while_running_and_reloads_when_done(
    sim_world, make_scenario, login
):
    scenario = make_scenario(run=False)
    browser = login(sim_world.chair)
    browser.post(reverse("simulation:run-start", args=[scenario.pk]))  # queued (no commit hook)
    url = reverse("simulation:run-progress", args=[scenario.pk])
    running = browser.get(url, headers={"HX-Request": "true"})
    assert 'hx-trigger="every 1s"' in running.content.decode()
    assert "HX-Refresh" not in running
    from matching.simulation import services

    services.simulation_execute(run_id=scenario.runs.get().pk)
    done = browser.get(url, headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"
    assert "hx-trigger" not in done.content.decode()


def test_cancel_from_the_page(sim_world, make_scenario, login):
    scenario = make_scenario(run=False)
    browser = login(sim_world.analyst)
    browser.post(reverse("simulation:run-start", args=[scenario.pk]))
    response = browser.post(reverse("simulation:run-cancel", args=[scenario.pk]))
    assert response.status_code == 302
    assert scenario.runs.get().status == RunStatus.CANCELLED


def test_sharing_makes_a_scenario_visible_to_a_corporation(sim_world, make_scenario, login):
    scenario = make_scenario()
    url = reverse("simulation:scenario-detail", args=[scenario.pk])
    assert login(sim_world.consultant_b).get(url).status_code == 404
    login(sim_world.chair).post(
        reverse("simulation:scenario-share", args=[scenario.pk]), {"shared": "1"}
    )
    page = login(sim_world.consultant_b).get(url)
    assert page.status_code == 200
    assert "Doorrekenen" not in page.content.decode()  # results only, no buttons to change


def test_suppressed_neighbourhoods_say_less_than_the_threshold(
    sim_world, make_scenario, login, settings
):
    settings.SIMULATION_SMALL_NUMBERS = 1000
    scenario = make_scenario(policy="priority")
    page = login(sim_world.chair).get(reverse("simulation:scenario-detail", args=[scenario.pk]))
    assert "minder dan 1.000" in page.content.decode()  # grouped, Dutch style


def test_pages_carry_no_inline_script_or_style(sim_world, make_scenario, login):
    scenario = make_scenario()
    page = login(sim_world.chair).get(reverse("simulation:scenario-detail", args=[scenario.pk]))
    html = page.content.decode()
    assert "<script>" not in html and " style=" not in html
    assert '<script id="simulation-chart-data" type="application/json">' in html
    assert "vendor/chartjs/chart.umd.js" in html


def test_comparing_needs_two_scenarios_with_results(sim_world, make_scenario, login):
    one = make_scenario()
    response = login(sim_world.chair).get(
        reverse("simulation:compare", args=[sim_world.board.pk]) + f"?s={one.pk}"
    )
    assert response.status_code == 302


def test_deleting_a_scenario_keeps_the_rest(sim_world, make_scenario, login):
    keep, drop = make_scenario(name="Blijft"), make_scenario(name="Weg")
    login(sim_world.chair).post(reverse("simulation:scenario-delete", args=[drop.pk]))
    assert list(Scenario.objects.values_list("name", flat=True)) == ["Blijft"]
    assert keep.runs.exists()
