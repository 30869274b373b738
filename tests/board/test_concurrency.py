"""Real concurrent transactions on PostgreSQL: exactly one of two simultaneous decisions wins."""

from __future__ import annotations

import pytest

from matching.board import services
from matching.board.models import GenerationRun, Proposal, ProposalStatus
from tests.accounts.factories import member
from tests.races import race, split

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(*calls):
    """Run the calls at the same moment in threads; (successes, domain errors)."""
    return split(race(*calls))


def test_two_consultants_deciding_on_one_dwelling_at_once(proposed):
    p = Proposal.objects.get(meeting=proposed.meeting, corporation=proposed.corp_a)
    colleague = member("housing_consultant", proposed.corp_a)
    ok, errors = _race(
        lambda: services.proposal_decide(
            actor=proposed.consultant_a, proposal=p, decision="approved"
        ),
        lambda: services.proposal_decide(
            actor=colleague, proposal=p, decision="declined", reason="other", text="dubbel"
        ),
    )
    assert len(ok) == 1 and len(errors) == 1
    assert getattr(errors[0], "code", None) == "already_decided"
    assert p.events.filter(kind__in=["approved", "declined"]).count() == 1


def test_one_client_accepted_twice_at_once(proposed):
    p = Proposal.objects.get(meeting=proposed.meeting, corporation=proposed.corp_a)
    colleague = member("care_coordinator", proposed.provider)
    ok, errors = _race(
        lambda: services.proposal_respond(
            actor=proposed.coordinator, proposal=p, decision="accepted"
        ),
        lambda: services.proposal_respond(actor=colleague, proposal=p, decision="accepted"),
    )
    assert len(ok) == 1 and len(errors) == 1
    assert p.events.filter(kind="accepted").count() == 1


def test_one_client_placed_in_two_dwellings_at_once_by_two_overrides(world):
    from housing.models import NeighbourhoodIndicator

    n = world.neighbourhoods[2]
    NeighbourhoodIndicator.objects.filter(neighbourhood=n).update(liveability_class=1, lvb_share=45)
    client = world.add_client()
    a = world.add_dwelling(neighbourhood=n)
    b = world.add_dwelling(neighbourhood=n, corporation=world.corp_b)
    services.proposals_generate(meeting=world.meeting, actor=world.chair)

    def request(dwelling, actor):
        return lambda: services.proposal_override_request(
            actor=actor, meeting=world.meeting, client_id=client.pk, dwelling_id=dwelling.pk,
            reason="Dringend: dakloos na ontslag uit de kliniek.",
        )  # fmt: skip

    ok, errors = _race(request(a, world.chair), request(b, world.second_chair))
    assert len(ok) == 1 and len(errors) == 1
    assert Proposal.objects.filter(client=client, status__in=["awaiting", "open"]).count() == 1


def test_the_generation_task_delivered_twice_at_once_runs_once(world):
    from matching.board.tasks import generate_proposals

    world.add_client()
    world.add_dwelling()
    ok, errors = _race(
        lambda: generate_proposals(world.meeting.pk), lambda: generate_proposals(world.meeting.pk)
    )
    assert len(ok) == 2 and not errors
    assert GenerationRun.objects.filter(meeting=world.meeting).count() == 1
    assert Proposal.objects.filter(meeting=world.meeting, status=ProposalStatus.OPEN).count() == 1


def test_a_decision_committed_while_the_deadline_check_runs_is_not_reminded(proposed, monkeypatch):
    """Two real transactions: the deadline check has listed the overdue proposals and pauses
    before it locks the first one; the consultant decides and commits meanwhile. The reminder
    must follow the locked row, not the list read before (the old code reminded them anyway)."""
    import datetime as dt

    from accounts.models import Notification
    from matching.board.services import deadlines
    from tests.races import Pause, interleave

    p = Proposal.objects.get(meeting=proposed.meeting, corporation=proposed.corp_a)
    pause = Pause()
    locked = deadlines._locked

    def lock_after_a_pause(proposal):
        pause.hold()
        return locked(proposal)

    monkeypatch.setattr(deadlines, "_locked", lock_after_a_pause)
    with interleave(
        lambda: services.deadlines_check(today=p.deadline + dt.timedelta(days=1)),
        lambda: services.proposal_decide(
            actor=proposed.consultant_a, proposal=p, decision="approved"
        ),
        pause,
    ) as (checked, decided):
        pass
    assert not isinstance(checked, Exception), checked
    assert not isinstance(decided, Exception), decided
    assert Proposal.objects.get(pk=p.pk).consultant_decision == "approved"
    assert not Notification.objects.filter(
        user=proposed.consultant_a, kind="board.reminder"
    ).exists()
