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
from cases import selectors as case_selectors
from housing.models import DwellingStatus
from matching.board import services as board_services
from matching.board.models import Meeting, Proposal, ProposalStatus
from matching.placements import services
from matching.placements.models import AgreementKind, Party
from tests.accounts.factories import OrganisationFactory, RegionFactory, member
from tests.cases.factories import make_client
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
        now = timezone.now()
        return Proposal.objects.create(
            meeting=self.meeting,
            client=client,
            dwelling=dwelling,
            care_provider=self.provider,
            corporation=self.corporation,
            neighbourhood=self.neighbourhood,
            status=ProposalStatus.AGREED,
            profile=case_selectors.shared_profile_data(client),
            deadline=self.meeting.date + dt.timedelta(days=7),
            consultant_decision="approved",
            consultant_by=self.consultant,
            consultant_at=now,
            client_decision="accepted",
            client_by=self.coordinator,
            client_at=now,
            closed_at=now,
        )

    def placement(self, *, kind: str = AgreementKind.FLIP_LEASE, **kw: Any) -> Any:
        return services.placement_create(
            actor=self.coordinator, proposal=self.proposal(kind=kind, **kw), kind=kind
        )

    def draft(self, *, kind: str = AgreementKind.FLIP_LEASE, **kw: Any) -> Any:
        """A draft agreement whose terms are complete enough to issue."""
        placement = self.placement(kind=kind, **kw)
        agreement = placement.agreements.get()
        data: dict[str, Any] = {}
        if kind != AgreementKind.ORDINARY:
            data.update(contact_person="Joost van Dijk", contact_phone="06-12345678")
            data.update(conditions=["budget_management", "keep_appointments"])
            data.update(support_hours_per_week=Decimal("4.0"))
        if kind == AgreementKind.TRIANGLE:
            data["care_contract_reference"] = "ZC-2026-118"
        return services.agreement_update_terms(
            actor=self.coordinator, agreement=agreement, data=data
        )

    def issued(self, **kw: Any) -> Any:
        agreement = self.draft(**kw)
        return services.agreement_issue(actor=self.coordinator, agreement=agreement)

    def signed(self, **kw: Any) -> Any:
        agreement = self.issued(**kw)
        return sign_all(self, agreement)


def sign_all(world: World, agreement: Any, on: dt.date | None = None) -> Any:
    from matching.placements import machine

    for party in machine.SIGNING_ORDER[agreement.kind]:
        actor = world.consultant if party == Party.CORPORATION else world.coordinator
        agreement = services.agreement_sign(
            actor=actor, agreement=agreement, party=party, signed_on=on
        )
    return agreement


@pytest.fixture
def world(db, region) -> World:
    municipality_org = OrganisationFactory(
        kind=OrganisationKind.MUNICIPALITY, region=region, name="Gemeente Veerhaven"
    )
    provider = OrganisationFactory(
        kind=OrganisationKind.CARE_PROVIDER, region=region, name="Zorggroep De Brug"
    )
    other_provider = OrganisationFactory(
        kind=OrganisationKind.CARE_PROVIDER, region=region, name="Stichting Onderdak"
    )
    corporation = OrganisationFactory(
        kind=OrganisationKind.HOUSING_CORPORATION, region=region, name="Woonstichting De Kade"
    )
    other_corporation = OrganisationFactory(
        kind=OrganisationKind.HOUSING_CORPORATION, region=region, name="Rivierland Wonen"
    )
    elsewhere = RegionFactory(name="Regio Elders", slug="regio-elders")
    elsewhere_municipality = OrganisationFactory(
        kind=OrganisationKind.MUNICIPALITY, region=elsewhere, name="Gemeente Elders"
    )
    municipality = MunicipalityFactory(
        code="GM0771", name="Veerhaven", region=region, organisation=municipality_org
    )
    district = DistrictFactory(code="WK077101", municipality=municipality)
    neighbourhood = NeighbourhoodFactory(code="BU07710101", name="Kadekwartier", district=district)
    IndicatorFactory(neighbourhood=neighbourhood, year=timezone.localdate().year - 1, homes=1000)
    complex_obj = ComplexFactory(corporation=corporation, neighbourhood=neighbourhood, code="K1")
    stairwell = StairwellFactory(complex=complex_obj, name="Portiek A", max_vulnerable=3)
    chair = member(Role.BOARD_CHAIR, municipality_org)
    board = board_services.board_create(region=region, name="Plaatsingstafel Test", chair=chair)
    today = timezone.localdate()
    meeting = Meeting.objects.create(
        board=board, date=today, week_label=board_services.week_label(today)
    )
    return World(
        region=region,
        municipality_org=municipality_org,
        provider=provider,
        corporation=corporation,
        municipality=municipality,
        neighbourhood=neighbourhood,
        stairwell=stairwell,
        board=board,
        meeting=meeting,
        coordinator=member(Role.CARE_COORDINATOR, provider),
        colleague=member(Role.CARE_COORDINATOR, provider),
        consultant=member(Role.HOUSING_CONSULTANT, corporation),
        chair=chair,
        analyst=member(Role.ANALYST, municipality_org),
        other_coordinator=member(Role.CARE_COORDINATOR, other_provider),
        other_consultant=member(Role.HOUSING_CONSULTANT, other_corporation),
        elsewhere_chair=member(Role.BOARD_CHAIR, elsewhere_municipality),
        org_admin=member(Role.ORG_ADMIN, provider),
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
