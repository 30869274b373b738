"""Recalculation racing a decision or a withdrawal, as real concurrent transactions on
PostgreSQL. The recalculation is paused between its solve and its write (a wrapper around
the engine's solve), the other person acts in another thread, then the write goes on."""

from __future__ import annotations

import pytest
from django.db import OperationalError

from cases import services as case_services
from cases.models import Client
from matching.board import pool as board_pool
from matching.board import services
from matching.board.models import Proposal, ProposalStatus
from tests.races import Pause, interleave

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _pause_after_solve(monkeypatch, pause: Pause) -> None:
    real = board_pool.solve

    def solve(*args, **kwargs):
        outcome = real(*args, **kwargs)
        pause.hold()
        return outcome

    monkeypatch.setattr(board_pool, "solve", solve)


def test_a_decision_during_a_recalculation_is_never_lost(proposed, monkeypatch):
    p = Proposal.objects.get(meeting=proposed.meeting, corporation=proposed.corp_a)
    pause = Pause()
    _pause_after_solve(monkeypatch, pause)
    with interleave(
        lambda: services.proposals_generate(meeting=proposed.meeting, actor=proposed.chair),
        lambda: services.proposal_decide(
            actor=proposed.consultant_a, proposal=Proposal.objects.get(pk=p.pk),
            decision="approved",
        ),
        pause,
    ) as results:  # fmt: skip
        pass
    assert not [r for r in results if isinstance(r, Exception)], results
    p.refresh_from_db()
    assert p.consultant_decision == "approved" and p.status == ProposalStatus.OPEN
    assert not p.events.filter(kind="superseded").exists()


def test_a_withdrawal_during_a_recalculation_leaves_no_proposal_without_consent(world, monkeypatch):
    client = world.add_client()
    world.add_dwelling()
    pause = Pause()
    _pause_after_solve(monkeypatch, pause)
    with interleave(
        lambda: services.proposals_generate(meeting=world.meeting, actor=world.chair),
        lambda: case_services.consent_withdraw(
            actor=world.coordinator, client=Client.objects.get(pk=client.pk)
        ),
        pause,
    ) as results:
        pass
    assert not [r for r in results if isinstance(r, OperationalError)], results  # no deadlock
    assert not [r for r in results if isinstance(r, Exception)], results
    assert not Proposal.objects.filter(
        client=client, status__in=[ProposalStatus.OPEN, ProposalStatus.AWAITING_CONFIRMATION]
    ).exists()


def test_a_withdrawal_waiting_for_the_write_phase_withdraws_what_it_wrote(world, monkeypatch):
    """The other order: the write phase holds the client's lock; the withdrawal waits for it
    and then ends the proposal just written."""
    client = world.add_client()
    world.add_dwelling()
    pause = Pause()
    real = services.generation._store_proposals

    def store(*args, **kwargs):
        real(*args, **kwargs)
        pause.hold()  # inside the write transaction, locks held

    monkeypatch.setattr(services.generation, "_store_proposals", store)
    with interleave(
        lambda: services.proposals_generate(meeting=world.meeting, actor=world.chair),
        lambda: case_services.consent_withdraw(
            actor=world.coordinator, client=Client.objects.get(pk=client.pk)
        ),
        pause,
    ) as results:
        pass
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Proposal.objects.filter(client=client, status=ProposalStatus.WITHDRAWN).exists()
    assert not Proposal.objects.filter(client=client, status=ProposalStatus.OPEN).exists()


def test_a_withdrawal_committing_while_the_write_phase_holds_the_meeting_never_deadlocks(
    world, monkeypatch
):
    """The withdrawal updates the client's open proposal twice (withdrawn, then its profile
    dropped); PostgreSQL then checks the proposal's foreign keys at commit, which takes a key
    share on the meeting. The write phase held the meeting FOR UPDATE and waited for the
    client: a deadlock (1 in 20 rounds of benchmarks/races.py). The meeting is now locked FOR
    NO KEY UPDATE, which a key share does not wait for."""
    client = world.add_client()
    world.add_dwelling()
    services.proposals_generate(meeting=world.meeting, actor=world.chair)
    assert Proposal.objects.filter(client=client, status=ProposalStatus.OPEN).exists()
    pause = Pause()
    real = case_services.clients_lock

    def clients_lock(ids):
        pause.hold()  # the meeting is locked, the clients not yet
        return real(ids)

    monkeypatch.setattr(case_services, "clients_lock", clients_lock)
    with interleave(
        lambda: services.proposals_generate(meeting=world.meeting, actor=world.chair),
        lambda: case_services.consent_withdraw(
            actor=world.coordinator, client=Client.objects.get(pk=client.pk)
        ),
        pause,
        settle=1.5,
    ) as results:
        pass
    assert not [r for r in results if isinstance(r, Exception)], results  # no deadlock
    assert not Proposal.objects.filter(
        client=client, status__in=[ProposalStatus.OPEN, ProposalStatus.AWAITING_CONFIRMATION]
    ).exists()
