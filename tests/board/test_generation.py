"""Proposal generation: from the database through the engine and back, idempotent."""

from __future__ import annotations

import pytest

from accounts.errors import Forbidden
from matching.board import services
from matching.board.models import GenerationRun, Proposal, ProposalStatus
from matching.board.tasks import generate_proposals

pytestmark = pytest.mark.django_db


def test_it_proposes_ready_consented_clients_for_offered_dwellings(proposed):
    proposals = Proposal.objects.filter(meeting=proposed.meeting)
    assert proposals.count() == 2
    p = proposals.first()
    assert p.status == ProposalStatus.OPEN
    assert p.breakdown and p.explanation
    assert p.profile["reference"] == p.client.reference
    assert "full_name" not in str(p.profile)
    assert p.capacity_before["class"] in {"green", "amber", "red", "unknown"}
    assert p.capacity_after["score"] <= p.capacity_before["score"]


def test_it_stores_the_instance_and_solution_of_each_run_without_names(proposed):
    run = GenerationRun.objects.get(meeting=proposed.meeting)
    assert run.instance["format"] == "woonbrug-matching/1"
    assert run.solution["assignments"]
    names = [c.care.full_name for c in proposed.clients]
    assert not any(name in str(run.instance) + str(run.solution) for name in names)


def test_the_automatic_task_runs_once_however_often_it_is_delivered(world):
    world.add_client()
    world.add_dwelling()
    generate_proposals(world.meeting.pk)
    generate_proposals(world.meeting.pk)
    assert GenerationRun.objects.filter(meeting=world.meeting).count() == 1
    assert Proposal.objects.filter(meeting=world.meeting).count() == 1


def test_regenerating_by_hand_never_duplicates_proposals(proposed):
    services.proposals_generate(meeting=proposed.meeting, actor=proposed.chair)
    services.proposals_generate(meeting=proposed.meeting, actor=proposed.chair)
    active = Proposal.objects.filter(meeting=proposed.meeting, status=ProposalStatus.OPEN)
    assert active.count() == 2
    assert len({p.client_id for p in active}) == 2


def test_regenerating_keeps_decided_proposals_and_excludes_declined_pairs(proposed):
    declined = Proposal.objects.get(corporation=proposed.corp_a)
    services.proposal_decide(
        actor=proposed.consultant_a,
        proposal=declined,
        decision="declined",
        reason="dwelling_unsuitable",
    )
    approved = Proposal.objects.get(corporation=proposed.corp_b)
    services.proposal_decide(actor=proposed.consultant_b, proposal=approved, decision="approved")
    services.proposals_generate(meeting=proposed.meeting, actor=proposed.chair)
    approved.refresh_from_db()
    assert approved.status == ProposalStatus.OPEN and approved.consultant_decision == "approved"
    again = Proposal.objects.filter(
        client=declined.client, dwelling=declined.dwelling, status=ProposalStatus.OPEN
    )
    assert not again.exists()
    assert Proposal.objects.get(pk=declined.pk).status == ProposalStatus.DECLINED


def test_a_client_with_an_open_proposal_is_not_proposed_at_the_next_meeting(proposed):
    next_meeting = services.meeting_for_week(
        board=proposed.board, day=proposed.meeting.date + __import__("datetime").timedelta(days=7)
    )
    proposed.add_dwelling()
    services.proposals_generate(meeting=next_meeting, actor=proposed.chair)
    held = set(
        Proposal.objects.filter(meeting=proposed.meeting).values_list("client_id", flat=True)
    )
    new = set(Proposal.objects.filter(meeting=next_meeting).values_list("client_id", flat=True))
    assert not held & new


def test_clients_without_a_proposal_are_listed_with_the_rules_that_blocked_them(world):
    world.add_client()
    world.add_dwelling(net_rent="2000.00")
    run = services.proposals_generate(meeting=world.meeting, actor=world.chair)
    [entry] = run.no_match["clients"]
    assert "te duur" in entry["message"]
    [dwelling] = run.no_match["dwellings"]
    assert "te duur" in dwelling["message"]


def test_a_stopped_complex_and_a_full_stairwell_get_no_proposal(world):
    from tests.housing.factories import ComplexFactory, StairwellFactory

    complex_obj = ComplexFactory(corporation=world.corp_a, neighbourhood=world.neighbourhoods[0])
    complex_obj.stops.create(
        reason="rust", until=world.meeting.date.replace(year=world.meeting.date.year + 1)
    )
    stairwell = StairwellFactory(complex=complex_obj, max_vulnerable=1, current_vulnerable=1)
    world.add_client()
    world.add_dwelling(complex=complex_obj)
    world.add_dwelling(complex=complex_obj, stairwell=stairwell)
    run = services.proposals_generate(meeting=world.meeting, actor=world.chair)
    assert not Proposal.objects.filter(meeting=world.meeting).exists()
    messages = " ".join(d["message"] for d in run.no_match["dwellings"])
    assert "gesloten" in messages


def test_only_the_chair_may_generate(proposed):
    with pytest.raises(Forbidden) as refused:
        services.proposals_generate(meeting=proposed.meeting, actor=proposed.consultant_a)
    assert refused.value.code == "forbidden"


def test_a_dwelling_no_client_fits_is_explained_in_dutch_per_rule():
    from collections import Counter

    from matching.board.pool import _no_client_fits

    message = _no_client_fits(Counter({"rent_above_max": 12, "too_few_bedrooms": 1}))
    assert (
        message
        == "Geen cliënt past: voor 12 cliënten te duur, voor 1 cliënt te weinig slaapkamers."
    )
    assert "rent_above_max" not in message
