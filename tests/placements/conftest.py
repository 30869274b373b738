"""A small board world: a municipality, a care provider and a corporation at one board, an
agreed proposal ready to place, and outsiders (another provider, another corporation, the
municipality of another region, an org admin without a party role)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import OrganisationKind, Role
from housing.models import DwellingStatus
from matching.board.models import Proposal
from matching.placements.models import AgreementKind
from tests.board.factories import ProposalFactory
from tests.cases.factories import make_client
from tests.housing.factories import ComplexFactory, DwellingFactory, StairwellFactory
from tests.placements.factories import AgreementFactory, PlacementFactory, sign_all
from tests.world import WorldBuilder

__all__ = ["World", "backdate", "sign_all", "world"]


@dataclass
class World:
    region: Any
    municipality_org: Any
    provider: Any
    corporation: Any
    municipality: Any
    neighbourhood: Any
    stairwell: Any
    board: Any
    meeting: Any
    coordinator: Any
    colleague: Any
    consultant: Any
    chair: Any
    analyst: Any
    other_coordinator: Any
    other_consultant: Any
    elsewhere_chair: Any
    org_admin: Any

    def proposal(self, *, kind: str = AgreementKind.FLIP_LEASE, stairwell: bool = True) -> Proposal:
        """An agreed proposal: a consented client on the board, an offered dwelling."""
        client = make_client(
            self.coordinator,
            status="on_board",
            municipality=self.municipality,
            agreement_type=kind,
            earliest_move_date=timezone.localdate(),
        )
        dwelling = DwellingFactory(
            corporation=self.corporation,
            neighbourhood=self.neighbourhood,
            complex=self.stairwell.complex if stairwell else None,
            stairwell=self.stairwell if stairwell else None,
            status=DwellingStatus.OFFERED,
            net_rent=Decimal("612.40"),
            service_costs=Decimal("35.00"),
        )
        return ProposalFactory(
            meeting=self.meeting,
            client=client,
            dwelling=dwelling,
            agreed=True,
            consultant_by=self.consultant,
            client_by=self.coordinator,
        )

    def placement(self, *, kind: str = AgreementKind.FLIP_LEASE, **kw: Any) -> Any:
        return PlacementFactory(world=self, kind=kind, **kw)

    def draft(self, *, kind: str = AgreementKind.FLIP_LEASE, **kw: Any) -> Any:
        """A draft agreement whose terms are complete enough to issue."""
        return AgreementFactory(world=self, kind=kind, drafted=True, **kw)

    def issued(self, **kw: Any) -> Any:
        return AgreementFactory(world=self, issued=True, **kw)

    def signed(self, **kw: Any) -> Any:
        return AgreementFactory(world=self, signed=True, **kw)


@pytest.fixture
def world(db, region) -> World:
    build = WorldBuilder(region)
    municipality_org = build.municipality_org("Gemeente Veerhaven")
    provider = build.provider("Zorggroep De Brug")
    other_provider = build.provider("Stichting Onderdak")
    corporation = build.corporation("Woonstichting De Kade")
    other_corporation = build.corporation("Rivierland Wonen")
    elsewhere_chair = build.outsider(
        Role.BOARD_CHAIR, OrganisationKind.MUNICIPALITY, "Gemeente Elders"
    )
    geo = build.geography(
        municipality_org,
        code="GM0771",
        name="Veerhaven",
        district="WK077101",
        neighbourhoods=[("BU07710101", "Kadekwartier")],
        homes=1000,
    )
    complex_obj = ComplexFactory(
        corporation=corporation, neighbourhood=geo.neighbourhood, code="K1"
    )
    stairwell = StairwellFactory(complex=complex_obj, name="Portiek A", max_vulnerable=3)
    chair = build.person(Role.BOARD_CHAIR, municipality_org)
    board = build.board(chair=chair, name="Plaatsingstafel Test")
    return World(
        region=region,
        municipality_org=municipality_org,
        provider=provider,
        corporation=corporation,
        municipality=geo.municipality,
        neighbourhood=geo.neighbourhood,
        stairwell=stairwell,
        board=board,
        meeting=build.meeting(board),
        coordinator=build.person(Role.CARE_COORDINATOR, provider),
        colleague=build.person(Role.CARE_COORDINATOR, provider),
        consultant=build.person(Role.HOUSING_CONSULTANT, corporation),
        chair=chair,
        analyst=build.person(Role.ANALYST, municipality_org),
        other_coordinator=build.person(Role.CARE_COORDINATOR, other_provider),
        other_consultant=build.person(Role.HOUSING_CONSULTANT, other_corporation),
        elsewhere_chair=elsewhere_chair,
        org_admin=build.person(Role.ORG_ADMIN, provider),
    )


def backdate(agreement: Any, *, days: int) -> Any:
    """Move a signed agreement's dates `days` into the past (as if signed back then)."""
    from matching.placements.models import Agreement

    delta = dt.timedelta(days=days)
    a = Agreement.objects.get(pk=agreement.pk)
    Agreement.objects.filter(pk=a.pk).update(
        lease_start=a.lease_start - delta,
        end_date=a.end_date - delta if a.end_date else None,
        evaluation_on=a.evaluation_on - delta if a.evaluation_on else None,
        activated_on=a.activated_on - delta if a.activated_on else None,
        issued_at=a.issued_at - delta if a.issued_at else None,
    )
    for e in a.evaluations.all():
        e.due_on -= delta
        e.save(update_fields=["due_on"])
    for s in a.signatures.all():
        s.signed_on -= delta
        s.save(update_fields=["signed_on"])
    a.refresh_from_db()
    return a
