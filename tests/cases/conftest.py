"""Fixtures for cases, built with the one world builder (`tests/world.py`): two care providers
in one region, their coordinators, and the geography the clients' profiles name.

The parts are separate fixtures rather than one `world`: most cases tests need a coordinator
and nothing else, and only what a test names is built."""

from __future__ import annotations

import pytest

from accounts.models import Organisation, Region, Role, User
from tests.world import Geography, WorldBuilder


@pytest.fixture
def build(region: Region) -> WorldBuilder:
    return WorldBuilder(region)


@pytest.fixture
def geo(build: WorldBuilder) -> Geography:
    """Veerhaven (governed by no organisation here), one district, three neighbourhoods."""
    return build.geography(
        None,
        code="GM9901",
        name="Veerhaven",
        district="WK990101",
        neighbourhoods=[(f"BU990101{i:02d}", f"Buurt {i}") for i in range(3)],
    )


@pytest.fixture
def provider(build: WorldBuilder) -> Organisation:
    return build.provider("Zorggroep A")


@pytest.fixture
def other_provider(build: WorldBuilder) -> Organisation:
    return build.provider("Zorggroep B")


@pytest.fixture
def coordinator(build: WorldBuilder, provider: Organisation) -> User:
    return build.person(Role.CARE_COORDINATOR, provider)


@pytest.fixture
def colleague(build: WorldBuilder, provider: Organisation) -> User:
    """Another coordinator of the same provider (no grant on the first one's clients)."""
    return build.person(Role.CARE_COORDINATOR, provider)


@pytest.fixture
def outsider(build: WorldBuilder, other_provider: Organisation) -> User:
    """A coordinator of another care provider in the same region."""
    return build.person(Role.CARE_COORDINATOR, other_provider)
