"""Isolation per role: who sees which scenario, what a refused attempt leaves behind."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import AccessLogEntry
from matching.simulation.models import Scenario, SimulationRun

pytestmark = pytest.mark.django_db

PARTNERS = ["coordinator", "other_coordinator", "consultant_a", "consultant_b"]
OUTSIDERS = ["outsider", "other_chair", "org_admin"]


def rows(body):
    return body.get("results", body) if isinstance(body, dict) else body


@pytest.mark.parametrize("role", PARTNERS + OUTSIDERS)
def test_a_scenario_that_is_not_shared_is_invisible_outside_the_municipality(
    sim_world, make_scenario, login, role
):
    scenario = make_scenario()
    user = sim_world.user(role)
    browser = login(user)
    assert browser.get(reverse("simulation:scenario-detail", args=[scenario.pk])).status_code == 404
    assert browser.get(reverse("simulation:scenario-export", args=[scenario.pk])).status_code == 404
    refused = AccessLogEntry.objects.filter(user_id=user.pk, result="refused")
    assert refused.count() == 2
    api = browser.get(f"/api/v1/simulation/scenarios/{scenario.pk}/")
    assert api.status_code == 404


@pytest.mark.parametrize("role", PARTNERS)
def test_partners_of_the_board_see_shared_scenarios_only(sim_world, make_scenario, login, role):
    private = make_scenario(name="Intern")
    shared = make_scenario(name="Gedeeld", shared=True)
    browser = login(sim_world.user(role))
    page = browser.get(reverse("simulation:scenario-list", args=[sim_world.board.pk]))
    assert shared.name in page.content.decode() and private.name not in page.content.decode()
    listed = rows(browser.get("/api/v1/simulation/scenarios/").json())
    assert [r["id"] for r in listed] == [shared.pk]


def test_the_chair_and_analysts_see_every_scenario_of_their_board(sim_world, make_scenario, login):
    a, b = make_scenario(name="Een"), make_scenario(name="Twee", shared=True)
    for role in ("chair", "analyst", "second_chair"):
        listed = rows(login(sim_world.user(role)).get("/api/v1/simulation/scenarios/").json())
        assert {r["id"] for r in listed} == {a.pk, b.pk}


@pytest.mark.parametrize("role", OUTSIDERS)
def test_outsiders_list_no_scenarios(sim_world, make_scenario, login, role):
    make_scenario(shared=True)
    response = login(sim_world.user(role)).get("/api/v1/simulation/scenarios/")
    assert response.status_code in (200, 403)
    if response.status_code == 200:
        assert rows(response.json()) == []


@pytest.mark.parametrize("role", OUTSIDERS)
def test_an_outsider_cannot_run_a_scenario_and_leaves_one_refused_row(
    sim_world, make_scenario, login, role
):
    scenario = make_scenario(run=False, shared=True)
    user = sim_world.user(role)
    response = login(user).post(reverse("simulation:run-start", args=[scenario.pk]))
    assert response.status_code == 404
    assert not SimulationRun.objects.filter(scenario=scenario).exists()
    assert AccessLogEntry.objects.filter(user_id=user.pk, result="refused").count() == 1


@pytest.mark.parametrize("role", PARTNERS)
def test_a_partner_cannot_change_or_share_a_shared_scenario(sim_world, make_scenario, login, role):
    scenario = make_scenario(shared=True)
    browser = login(sim_world.user(role))
    assert (
        browser.post(
            reverse("simulation:scenario-share", args=[scenario.pk]), {"shared": "0"}
        ).status_code
        == 403
    )
    assert (
        browser.post(
            reverse("simulation:scenario-update", args=[scenario.pk]), {"name": "Anders"}
        ).status_code
        == 403
    )
    scenario.refresh_from_db()
    assert scenario.shared_with_board and scenario.name == "Kantelpunt 30%"


def test_the_chair_of_another_region_cannot_create_a_scenario_for_this_board(sim_world, login):
    response = login(sim_world.other_chair).post(
        reverse("simulation:scenario-create", args=[sim_world.board.pk]), {"name": "Nee"}
    )
    assert response.status_code == 404
    assert not Scenario.objects.exists()


def test_comparing_with_a_scenario_the_user_may_not_see_is_a_404(sim_world, make_scenario, login):
    shared = make_scenario(shared=True)
    private = make_scenario(name="Intern")
    url = (
        reverse("simulation:compare", args=[sim_world.board.pk]) + f"?s={shared.pk}&s={private.pk}"
    )
    assert login(sim_world.consultant_a).get(url).status_code == 404
    assert login(sim_world.chair).get(url).status_code == 200


@pytest.mark.parametrize("role", PARTNERS)
def test_a_refused_create_names_no_object_never_the_string_none(sim_world, login, role):
    """The partners see the board but may not create a scenario for it: the refused row names
    the scenario that does not exist yet by no id (it stored the string 'None')."""
    user = sim_world.user(role)
    url = reverse("simulation:scenario-create", args=[sim_world.board.pk])
    browser = login(user)
    assert browser.get(url).status_code == 403
    assert browser.post(url, {"name": "Nee"}).status_code == 403
    refused = AccessLogEntry.objects.filter(user_id=user.pk, result="refused")
    assert (
        list(refused.values_list("object_type", "object_id")) == [("simulation.scenario", "")] * 2
    )
    assert not AccessLogEntry.objects.filter(object_id="None").exists()
