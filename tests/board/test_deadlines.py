"""Deadlines: stalled, reminders, chair alert, expiry, weekly digest — each exactly once."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.models import Notification
from matching.board import services
from matching.board.models import Proposal, ProposalStatus

pytestmark = pytest.mark.django_db


def _after_deadline(world, days):
    p = Proposal.objects.filter(meeting=world.meeting).first()
    return p, p.deadline + dt.timedelta(days=days)


def test_a_proposal_past_its_deadline_stalls_and_reminds_the_responsible_once(proposed):
    p, day = _after_deadline(proposed, 1)
    services.deadlines_check(today=day)
    services.deadlines_check(today=day)
    p.refresh_from_db()
    assert p.is_stalled
    consultant = (
        proposed.consultant_a if p.corporation == proposed.corp_a else proposed.consultant_b
    )
    assert Notification.objects.filter(user=consultant, kind="board.reminder").count() == 1
    assert (
        Notification.objects.filter(user=proposed.coordinator, kind="board.reminder").count() == 2
    )
    assert not Notification.objects.filter(kind="board.chair_alert").exists()
    assert p.events.filter(kind="stalled").count() == 1


def test_only_who_still_owes_a_decision_is_reminded(proposed):
    p = Proposal.objects.get(meeting=proposed.meeting, corporation=proposed.corp_a)
    services.proposal_decide(actor=proposed.consultant_a, proposal=p, decision="approved")
    services.deadlines_check(today=p.deadline + dt.timedelta(days=1))
    assert not Notification.objects.filter(
        user=proposed.consultant_a, kind="board.reminder"
    ).exists()


def test_the_chair_is_alerted_after_the_alert_days_once(proposed, settings):
    settings.BOARD_CHAIR_ALERT_DAYS = 2
    _p, day = _after_deadline(proposed, 3)
    services.deadlines_check(today=day)
    services.deadlines_check(today=day + dt.timedelta(days=1))
    assert Notification.objects.filter(user=proposed.chair, kind="board.chair_alert").count() == 2
    assert (
        Notification.objects.filter(kind="board.chair_alert")
        .values("dedupe_key")
        .distinct()
        .count()
        == 2
    )


def test_an_expired_proposal_returns_client_and_dwelling_to_the_pool(proposed, settings):
    settings.BOARD_EXPIRY_DAYS = 7
    p, day = _after_deadline(proposed, 8)
    services.deadlines_check(today=day)
    p.refresh_from_db()
    assert p.status == ProposalStatus.EXPIRED and "Verlopen" in p.close_reason
    # Back in the pool: the next run may propose the client again.
    nxt = services.meeting_for_week(
        board=proposed.board, day=proposed.meeting.date + dt.timedelta(days=7)
    )
    services.proposals_generate(meeting=nxt, actor=proposed.chair)
    assert Proposal.objects.filter(meeting=nxt, client=p.client).exists()


def test_the_weekly_digest_is_sent_once_per_person_per_week(
    proposed, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.digest_send()
        second = services.digest_send()
    assert first >= 4 and second == 0
    digests = Notification.objects.filter(kind="board.digest")
    assert digests.filter(user=proposed.chair).count() == 1
    assert not digests.filter(user=proposed.outsider).exists()
    assert len([m for m in mailoutbox if "Weekoverzicht" in m.subject]) == first


def test_a_decision_taken_while_the_check_runs_is_not_reminded(proposed, monkeypatch):
    """The check lists the overdue proposals, then locks each one: a consultant who decides in
    between (here: just before the lock is taken) gets no reminder. The reminders were once built
    from the unlocked list and reached people who had already decided."""
    from matching.board.services import deadlines

    p = Proposal.objects.get(meeting=proposed.meeting, corporation=proposed.corp_a)
    locked = deadlines._locked

    def decide_first(proposal):
        if proposal.pk == p.pk and not Proposal.objects.get(pk=p.pk).consultant_decision:
            services.proposal_decide(actor=proposed.consultant_a, proposal=p, decision="approved")
        return locked(proposal)

    monkeypatch.setattr(deadlines, "_locked", decide_first)
    services.deadlines_check(today=p.deadline + dt.timedelta(days=1))
    assert Proposal.objects.get(pk=p.pk).consultant_decision == "approved"
    assert not Notification.objects.filter(
        user=proposed.consultant_a, kind="board.reminder"
    ).exists()
    assert Notification.objects.filter(user=proposed.coordinator, kind="board.reminder").exists()
