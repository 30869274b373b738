"""What a placement does to the other apps: reserve, match, let, count, house, release."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.models import AccessLogEntry
from cases.models import Client, ClientTransition
from housing import selectors as housing_selectors
from housing.models import Dwelling, DwellingStatus, Stairwell
from matching.board.models import Proposal, ProposalStatus
from matching.placements import services
from matching.placements.models import AgreementKind, AgreementState, Placement, PlacementStatus

from .conftest import sign_all

pytestmark = pytest.mark.django_db


def test_making_a_placement_reserves_the_dwelling_and_matches_the_client(world):
    proposal = world.proposal()
    placement = services.placement_create(actor=world.consultant, proposal=proposal)
    dwelling = Dwelling.objects.get(pk=proposal.dwelling_id)
    client = Client.objects.get(pk=proposal.client_id)
    assert dwelling.status == DwellingStatus.RESERVED
    assert client.status == "matched"
    agreement = placement.agreements.get()
    assert agreement.state == AgreementState.DRAFT
    assert agreement.kind == AgreementKind.FLIP_LEASE  # the client's preference
    assert agreement.lease_holder == "care_provider"
    assert agreement.monthly_rent == dwelling.total_rent
    assert agreement.end_date == services.add_months(agreement.lease_start, 12)
    # The consultant, who holds no grant on the client, matched it through the placement.
    step = ClientTransition.objects.filter(client=client, action="match").get()
    assert step.actor == world.consultant
    assert AccessLogEntry.objects.filter(
        object_type="placements.placement", action="create", user_id=world.consultant.pk
    ).exists()


def test_the_agreement_type_defaults_to_the_preference_and_can_be_chosen(world):
    proposal = world.proposal(kind=AgreementKind.TRIANGLE)
    assert (
        services.placement_create(actor=world.coordinator, proposal=proposal).agreements.get().kind
        == AgreementKind.TRIANGLE
    )
    other = world.proposal(kind=AgreementKind.TRIANGLE)
    chosen = services.placement_create(
        actor=world.coordinator, proposal=other, kind=AgreementKind.TRIPARTITE
    ).agreements.get()
    assert chosen.kind == AgreementKind.TRIPARTITE
    assert chosen.end_date == services.add_months(chosen.lease_start, 24)
    assert chosen.evaluation_on == services.add_months(chosen.lease_start, 12)


def test_signing_by_everyone_lets_the_dwelling_houses_the_client_and_fills_the_stairwell(world):
    agreement = world.issued()
    placement = agreement.placement
    before = Stairwell.objects.get(pk=world.stairwell.pk).current_vulnerable
    signed = sign_all(world, agreement)
    assert signed.state == AgreementState.ACTIVE
    dwelling = Dwelling.objects.get(pk=placement.dwelling_id)
    assert dwelling.status == DwellingStatus.LET
    assert dwelling.let_to_outflow_at is not None
    assert Client.objects.get(pk=placement.client_id).status == "housed"
    assert Stairwell.objects.get(pk=world.stairwell.pk).current_vulnerable == before + 1
    assert Placement.objects.get(pk=placement.pk).housed_on == timezone.localdate()
    evaluation = signed.evaluations.get()
    assert evaluation.kind == "final" and evaluation.due_on == signed.end_date


def test_the_next_board_sees_less_headroom_after_a_signed_placement(world):
    before = housing_selectors.neighbourhood_capacity(world.neighbourhood)
    agreement = world.issued()
    mid = housing_selectors.neighbourhood_capacity(world.neighbourhood)
    assert mid.placements_12m == before.placements_12m  # reserved is not yet placed
    sign_all(world, agreement)
    after = housing_selectors.neighbourhood_capacity(world.neighbourhood)
    assert after.placements_12m == before.placements_12m + 1
    assert after.score < before.score
    assert before.headroom is not None and after.headroom == before.headroom - 1


def test_a_tripartite_agreement_gets_a_midway_and_a_final_evaluation(world):
    agreement = world.signed(kind=AgreementKind.TRIPARTITE)
    kinds = list(agreement.evaluations.order_by("due_on").values_list("kind", "due_on"))
    assert kinds == [
        ("midway", services.add_months(agreement.lease_start, 12)),
        ("final", services.add_months(agreement.lease_start, 24)),
    ]


def test_cancelling_before_moving_in_frees_dwelling_client_and_proposal(world):
    agreement = world.issued()
    placement = agreement.placement
    services.agreement_cancel(actor=world.consultant, agreement=agreement, reason="Cliënt ziet af")
    assert Dwelling.objects.get(pk=placement.dwelling_id).status == DwellingStatus.OFFERED
    assert Client.objects.get(pk=placement.client_id).status == "on_board"
    assert Proposal.objects.get(pk=placement.proposal_id).status == ProposalStatus.WITHDRAWN
    assert Placement.objects.get(pk=placement.pk).status == PlacementStatus.CANCELLED


def test_the_welcome_talk_starts_the_clients_follow_up(world):
    agreement = world.signed()
    services.welcome_talk_record(
        actor=world.consultant,
        placement=agreement.placement,
        held_on=timezone.localdate(),
        participants="Linda Mulder (De Kade), Joost van Dijk (De Brug)",
        notes="Huisregels en buren besproken.",
    )
    assert Client.objects.get(pk=agreement.placement.client_id).status == "follow_up"
