"""The live board's priority reads the urgency statement (issue 22 item 2): an urgent client
goes first, and the proposal's score parts say so."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import Client
from matching.board import services
from matching.board.models import Proposal

pytestmark = pytest.mark.django_db


def test_an_urgent_client_gets_the_one_dwelling_and_full_waiting_points(world):
    today = timezone.localdate()
    waited = world.add_client()
    Client.objects.filter(pk=waited.pk).update(ready_since=timezone.now() - dt.timedelta(days=200))
    urgent = world.add_client(
        urgency_reason="discharge",
        urgency_decided_by="board",
        urgency_decided_on=today,
        urgency_valid_until=today + dt.timedelta(days=90),
    )
    world.add_dwelling()
    services.proposals_generate(meeting=world.meeting, actor=world.chair)
    (proposal,) = Proposal.objects.filter(meeting=world.meeting)
    assert proposal.client_id == urgent.pk
    waiting = next(p for p in proposal.breakdown if p["code"] == "waiting")
    assert waiting["points"] == pytest.approx(waiting["max"], abs=0.05)


def test_an_expired_statement_gives_no_priority(world):
    # Valid or not on the meeting's day (this week's meeting may lie before today).
    today = world.meeting.date
    waited = world.add_client()
    Client.objects.filter(pk=waited.pk).update(ready_since=timezone.now() - dt.timedelta(days=200))
    world.add_client(
        urgency_reason="discharge",
        urgency_decided_by="board",
        urgency_decided_on=today - dt.timedelta(days=30),
        urgency_valid_until=today - dt.timedelta(days=1),
    )
    world.add_dwelling()
    services.proposals_generate(meeting=world.meeting, actor=world.chair)
    (proposal,) = Proposal.objects.filter(meeting=world.meeting)
    assert proposal.client_id == waited.pk
