"""Fixtures for cases: two care providers in one region, their coordinators, geography."""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import pytest

from accounts.models import OrganisationKind, Role
from tests.accounts.factories import member

from .factories import DistrictFactory, MunicipalityFactory, NeighbourhoodFactory


@pytest.fixture
def geo(region):
    municipality = MunicipalityFactory(code="GM9901", name="Veerhaven", region=region)
    district = DistrictFactory(code="WK990101", name="Centrum", municipality=municipality)
    neighbourhoods = [
        NeighbourhoodFactory(code=f"BU990101{i:02d}", name=f"Buurt {i}", district=district)
        for i in range(3)
    ]
    return SimpleNamespace(
        municipality=municipality, district=district, neighbourhoods=neighbourhoods
    )


@pytest.fixture
def make_org(make_org):
    """The shared make_org, with unique names: Faker's company names repeat now and then,
    and organisation names are unique per region."""
    counter = itertools.count(1)

    def make(kind: str = OrganisationKind.CARE_PROVIDER, **fields):
        fields.setdefault("name", f"Organisatie {kind} {next(counter)}")
        return make_org(kind, **fields)

    return make


@pytest.fixture
def provider(make_org):
    return make_org(OrganisationKind.CARE_PROVIDER, name="Zorggroep A")


@pytest.fixture
def other_provider(make_org):
    return make_org(OrganisationKind.CARE_PROVIDER, name="Zorggroep B")


@pytest.fixture
def coordinator(provider):
    return member(Role.CARE_COORDINATOR, provider)


@pytest.fixture
def colleague(provider):
    """Another coordinator of the same provider (no grant on the first one's clients)."""
    return member(Role.CARE_COORDINATOR, provider)


@pytest.fixture
def outsider(other_provider):
    """A coordinator of another care provider in the same region."""
    return member(Role.CARE_COORDINATOR, other_provider)
