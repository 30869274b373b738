"""The board and placements factories: each trait gives the state its name says, made the way
the app makes it (so a test that starts from `signed=True` starts from a real signed lease)."""

from __future__ import annotations

import datetime as dt

import pytest

from matching.board.models import ClientDecision, ConsultantDecision, ProposalStatus
from matching.placements.models import AgreementKind, AgreementState, Placement
from tests.board.factories import MeetingFactory, ProposalFactory
from tests.cases.factories import make_client
from tests.housing.factories import DwellingFactory
from tests.placements.factories import AgreementFactory, PlacementFactory


def _open_proposal(world, **traits):
    client = make_client(world.coordinator, status="on_board", municipality=world.municipality)
    dwelling = DwellingFactory(corporation=world.corporation, neighbourhood=world.neighbourhood)
    return ProposalFactory(meeting=world.meeting, client=client, dwelling=dwelling, **traits)


def test_a_proposal_follows_its_client_and_dwelling_and_starts_open(world):
    proposal = _open_proposal(world)
    assert proposal.status == ProposalStatus.OPEN
    assert (proposal.care_provider, proposal.corporation) == (world.provider, world.corporation)
    assert proposal.neighbourhood == world.neighbourhood
    assert proposal.profile["reference"] == proposal.client.reference
    assert (proposal.consultant_decision, proposal.client_decision) == ("", "")


def test_the_proposal_traits_record_the_decisions(world):
    approved = _open_proposal(world, approved=True, consultant_by=world.consultant)
    assert approved.consultant_decision == ConsultantDecision.APPROVED
    assert approved.status == ProposalStatus.OPEN and approved.client_decision == ""
    agreed = _open_proposal(world, agreed=True)
    assert agreed.status == ProposalStatus.AGREED and agreed.closed_at is not None
    assert agreed.client_decision == ClientDecision.ACCEPTED


def test_a_meeting_is_labelled_with_its_week(world):
    day = world.meeting.date + dt.timedelta(days=7)
    meeting = MeetingFactory(board=world.board, date=day)
    year, week, _ = day.isocalendar()
    assert meeting.week_label == f"{year}-W{week:02d}"


@pytest.mark.parametrize(
    ("traits", "state"),
    [
        ({}, AgreementState.DRAFT),
        ({"drafted": True}, AgreementState.DRAFT),
        ({"issued": True}, AgreementState.SIGNING),
        ({"signed": True}, AgreementState.ACTIVE),
    ],
)
def test_the_agreement_stage_traits(world, traits, state):
    agreement = AgreementFactory(world=world, **traits)
    assert agreement.state == state
    if traits:
        assert agreement.contact_person == "Joost van Dijk"  # the complete terms


@pytest.mark.parametrize("kind", list(AgreementKind))
def test_the_agreement_form_traits(world, kind):
    agreement = AgreementFactory(world=world, signed=True, **{kind: True})
    assert (agreement.kind, agreement.state) == (kind, AgreementState.ACTIVE)


def test_a_placement_factory_gives_the_placement_of_such_an_agreement(world):
    placement = PlacementFactory(world=world, issued=True, triangle=True)
    assert isinstance(placement, Placement)
    agreement = placement.agreements.get()
    assert (agreement.kind, agreement.state) == (AgreementKind.TRIANGLE, AgreementState.SIGNING)
    with pytest.raises(TypeError):
        AgreementFactory.build(world=world)
