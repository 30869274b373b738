"""A small board region for the simulation: the board world of the matching tests, plus a
stairwell that already holds a vulnerable household, a neighbourhood past a 30% tipping
point, a recent placement, offered dwellings, a dwelling stock and waiting clients; and a
chair of another region's municipality."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import OrganisationKind, Role
from housing.models import Dwelling
from matching.simulation import services
from matching.simulation.models import Scenario
from tests.accounts.factories import OrganisationFactory, RegionFactory, member
from tests.board.conftest import BoardWorld, world  # noqa: F401 - fixtures used here
from tests.housing.factories import ComplexFactory, StairwellFactory


@pytest.fixture
def sim_world(world: BoardWorld) -> BoardWorld:  # noqa: F811 - the imported fixture
    busy, quiet, spare = world.neighbourhoods
    indicator = busy.indicators.get()
    indicator.lvb_share = Decimal("40")  # past a 30% tipping point from the start
    indicator.homes = 200
    indicator.save()
    block = ComplexFactory(corporation=world.corp_a, neighbourhood=quiet)
    occupied = StairwellFactory(complex=block, current_vulnerable=1, max_vulnerable=1)
    free = StairwellFactory(complex=block, current_vulnerable=0, max_vulnerable=1)
    for i in range(3):
        world.add_dwelling(neighbourhood=busy, bedrooms=1, rooms=2)
        world.add_dwelling(neighbourhood=quiet, complex=block, stairwell=occupied if i else free)
        world.add_dwelling(neighbourhood=spare, corporation=world.corp_b)
    # Stock the simulation draws vacancies from (drafts are dwellings too).
    for i in range(6):
        draft = world.add_dwelling(neighbourhood=(busy, quiet, spare)[i % 3])
        Dwelling.objects.filter(pk=draft.pk).update(status="draft")
    recent = world.add_dwelling(neighbourhood=spare)
    Dwelling.objects.filter(pk=recent.pk).update(
        status="let", let_to_outflow_at=timezone.now() - dt.timedelta(days=30)
    )
    for _ in range(5):
        world.add_client()
    other = RegionFactory(name="Regio Anders", slug="regio-anders")
    other_municipality = OrganisationFactory(
        kind=OrganisationKind.MUNICIPALITY, region=other, name="Gemeente Anders"
    )
    world.other_chair = member(Role.BOARD_CHAIR, other_municipality)  # type: ignore[attr-defined]
    return world


SCENARIO = {
    "name": "Kantelpunt 30%",
    "tipping_point": 30,
    "clients_per_week": 2,
    "dwellings_per_week": 3,
    "horizon_weeks": 12,
}


@pytest.fixture
def make_scenario(
    sim_world: BoardWorld, django_capture_on_commit_callbacks: Any
) -> Callable[..., Scenario]:
    """make_scenario(run=True, shared=False, **values): a scenario by the chair, run to the end."""

    def make(*, run: bool = True, shared: bool = False, **values: Any) -> Scenario:
        scenario = services.scenario_create(
            actor=sim_world.chair, board=sim_world.board, data={**SCENARIO, **values}
        )
        if run:
            with django_capture_on_commit_callbacks(execute=True):
                services.simulation_start(actor=sim_world.chair, scenario=scenario)
        if shared:
            services.scenario_share(actor=sim_world.chair, scenario=scenario, shared=True)
        scenario.refresh_from_db()
        return scenario

    return make
