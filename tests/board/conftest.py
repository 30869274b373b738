"""A small board world: one region with a municipality (chair + second), a care provider
(coordinator), two corporations (consultants), geography with indicators, offered dwellings
and ready, consented clients; plus an outsider region."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import OrganisationKind, Role
from matching.board import services
from tests.cases.factories import make_client
from tests.housing.factories import DwellingFactory
from tests.world import WorldBuilder


@dataclass
class BoardWorld:
    region: Any
    board: Any
    meeting: Any
    municipality_org: Any
    provider: Any
    other_provider: Any
    corp_a: Any
    corp_b: Any
    chair: Any
    second_chair: Any
    analyst: Any
    coordinator: Any
    other_coordinator: Any
    consultant_a: Any
    consultant_b: Any
    org_admin: Any
    outsider: Any
    neighbourhoods: list[Any]
    clients: list[Any] = field(default_factory=list)
    dwellings: list[Any] = field(default_factory=list)

    def user(self, role: str) -> Any:
        return getattr(self, role)

    def add_client(self, **data: Any) -> Any:
        client = make_client(
            self.coordinator, status="ready", municipality=self.municipality, **data
        )
        self.clients.append(client)
        return client

    def add_dwelling(
        self, neighbourhood: Any = None, corporation: Any = None, **fields: Any
    ) -> Any:
        fields.setdefault("available_from", timezone.localdate())
        fields.setdefault("net_rent", Decimal("600.00"))
        dwelling = DwellingFactory(
            corporation=corporation or self.corp_a,
            neighbourhood=neighbourhood or self.neighbourhoods[0],
            status="offered",
            **fields,
        )
        self.dwellings.append(dwelling)
        return dwelling


@pytest.fixture
def world(db, region) -> BoardWorld:
    build = WorldBuilder(region)
    municipality_org = build.municipality_org("Gemeente Test")
    provider = build.provider("Zorg A")
    other_provider = build.provider("Zorg B")
    corp_a = build.corporation("Wonen A")
    corp_b = build.corporation("Wonen B")
    outsider = build.outsider(
        Role.HOUSING_CONSULTANT, OrganisationKind.HOUSING_CORPORATION, "Elders"
    )
    geo = build.geography(
        municipality_org,
        code="GM0001",
        name="Teststad",
        district="WK000101",
        neighbourhoods=[(f"BU000101{i:02d}", f"Buurt {i}") for i in range(3)],
    )
    chair = build.person(Role.BOARD_CHAIR, municipality_org)
    board = build.board(chair=chair, name="Tafel Test")
    meeting = services.meeting_for_week(board=board, day=timezone.localdate())
    w = BoardWorld(
        region=region,
        board=board,
        meeting=meeting,
        municipality_org=municipality_org,
        provider=provider,
        other_provider=other_provider,
        corp_a=corp_a,
        corp_b=corp_b,
        chair=chair,
        second_chair=build.person(Role.BOARD_CHAIR, municipality_org),
        analyst=build.person(Role.ANALYST, municipality_org),
        coordinator=build.person(Role.CARE_COORDINATOR, provider),
        other_coordinator=build.person(Role.CARE_COORDINATOR, other_provider),
        consultant_a=build.person(Role.HOUSING_CONSULTANT, corp_a),
        consultant_b=build.person(Role.HOUSING_CONSULTANT, corp_b),
        org_admin=build.person(Role.ORG_ADMIN, provider),
        outsider=outsider,
        neighbourhoods=geo.neighbourhoods,
    )
    w.municipality = geo.municipality  # type: ignore[attr-defined]
    return w


@pytest.fixture
def proposed(world) -> BoardWorld:
    """Two clients, two dwellings (one per corporation), proposals generated."""
    world.add_client()
    world.add_client()
    world.add_dwelling(corporation=world.corp_a)
    world.add_dwelling(corporation=world.corp_b, neighbourhood=world.neighbourhoods[1])
    services.proposals_generate(meeting=world.meeting, actor=world.chair)
    return world


def today() -> dt.date:
    return timezone.localdate()
