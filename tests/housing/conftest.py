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
from tests.accounts.factories import OrganisationFactory, RegionFactory, member
from tests.housing.factories import (
    ComplexFactory,
    DistrictFactory,
    DwellingFactory,
    IndicatorFactory,
    MunicipalityFactory,
    NeighbourhoodFactory,
    StairwellFactory,
)


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
    municipality_org = OrganisationFactory(
        kind=OrganisationKind.MUNICIPALITY, region=region, name="Gemeente Test"
    )
    corp_a = OrganisationFactory(
        kind=OrganisationKind.HOUSING_CORPORATION, region=region, name="Woonstichting A"
    )
    corp_b = OrganisationFactory(
        kind=OrganisationKind.HOUSING_CORPORATION, region=region, name="Woonstichting B"
    )
    provider = OrganisationFactory(
        kind=OrganisationKind.CARE_PROVIDER, region=region, name="Zorg C"
    )
    elsewhere = RegionFactory(name="Regio Elders", slug="regio-elders")
    corp_x = OrganisationFactory(
        kind=OrganisationKind.HOUSING_CORPORATION, region=elsewhere, name="Elders Wonen"
    )
    municipality = MunicipalityFactory(
        code="GM0001", name="Teststad", region=region, organisation=municipality_org
    )
    district = DistrictFactory(code="WK000101", municipality=municipality)
    neighbourhood = NeighbourhoodFactory(code="BU00010101", name="Kern", district=district)
    IndicatorFactory(neighbourhood=neighbourhood, year=2024)
    IndicatorFactory(neighbourhood=neighbourhood, year=2025)
    complex_obj = ComplexFactory(
        corporation=corp_a, neighbourhood=neighbourhood, code="C1", name="Kadeblok"
    )
    stairwell = StairwellFactory(complex=complex_obj, name="Portiek 1")
    stop = ComplexStop.objects.create(
        complex=complex_obj, reason="oud", until=timezone.localdate() + timedelta(days=10)
    )
    analyst = member(Role.ANALYST, municipality_org)
    return World(
        region=region,
        municipality_org=municipality_org,
        corp_a=corp_a,
        corp_b=corp_b,
        municipality=municipality,
        neighbourhood=neighbourhood,
        consultant_a=member(Role.HOUSING_CONSULTANT, corp_a),
        consultant_b=member(Role.HOUSING_CONSULTANT, corp_b),
        chair=member(Role.BOARD_CHAIR, municipality_org),
        analyst=analyst,
        coordinator=member(Role.CARE_COORDINATOR, provider),
        outsider=member(Role.HOUSING_CONSULTANT, corp_x),
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
