"""A small world: two corporations and a municipality in one region, a care provider, and a
corporation in another region (the outsider)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import OrganisationKind, Role
from housing.models import ComplexStop, DwellingStatus, ImportBatch
from tests.housing.factories import ComplexFactory, DwellingFactory, StairwellFactory
from tests.world import WorldBuilder


@dataclass
class World:
    region: Any
    municipality_org: Any
    corp_a: Any
    corp_b: Any
    municipality: Any
    neighbourhood: Any
    consultant_a: Any
    consultant_b: Any
    chair: Any
    analyst: Any
    coordinator: Any
    outsider: Any
    complex: Any
    stairwell: Any
    stop: Any
    draft: Any
    offered: Any
    offered_b: Any
    draft_b: Any
    batch: Any

    def user(self, role: str) -> Any:
        return getattr(self, role)


@pytest.fixture
def world(db, region) -> World:
    build = WorldBuilder(region)
    municipality_org = build.municipality_org("Gemeente Test")
    corp_a = build.corporation("Woonstichting A")
    corp_b = build.corporation("Woonstichting B")
    provider = build.provider("Zorg C")
    outsider = build.outsider(
        Role.HOUSING_CONSULTANT, OrganisationKind.HOUSING_CORPORATION, "Elders Wonen"
    )
    geo = build.geography(
        municipality_org,
        code="GM0001",
        name="Teststad",
        district="WK000101",
        neighbourhoods=[("BU00010101", "Kern")],
        indicator_years=[2024, 2025],
    )
    municipality, neighbourhood = geo.municipality, geo.neighbourhood
    complex_obj = ComplexFactory(
        corporation=corp_a, neighbourhood=neighbourhood, code="C1", name="Kadeblok"
    )
    stairwell = StairwellFactory(complex=complex_obj, name="Portiek 1")
    stop = ComplexStop.objects.create(
        complex=complex_obj, reason="oud", until=timezone.localdate() + timedelta(days=10)
    )
    analyst = build.person(Role.ANALYST, municipality_org)
    return World(
        region=region,
        municipality_org=municipality_org,
        corp_a=corp_a,
        corp_b=corp_b,
        municipality=municipality,
        neighbourhood=neighbourhood,
        consultant_a=build.person(Role.HOUSING_CONSULTANT, corp_a),
        consultant_b=build.person(Role.HOUSING_CONSULTANT, corp_b),
        chair=build.person(Role.BOARD_CHAIR, municipality_org),
        analyst=analyst,
        coordinator=build.person(Role.CARE_COORDINATOR, provider),
        outsider=outsider,
        complex=complex_obj,
        stairwell=stairwell,
        stop=stop,
        draft=DwellingFactory(corporation=corp_a, neighbourhood=neighbourhood, reference="A-1"),
        offered=DwellingFactory(
            corporation=corp_a,
            neighbourhood=neighbourhood,
            reference="A-2",
            status=DwellingStatus.OFFERED,
        ),
        offered_b=DwellingFactory(
            corporation=corp_b,
            neighbourhood=neighbourhood,
            reference="B-1",
            status=DwellingStatus.OFFERED,
        ),
        draft_b=DwellingFactory(corporation=corp_b, neighbourhood=neighbourhood, reference="B-2"),
        batch=ImportBatch.objects.create(
            kind="indicators",
            organisation=municipality_org,
            uploaded_by=analyst,
            filename="x.csv",
            content=b"buurtcode\n",
        ),
    )
