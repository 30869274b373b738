"""The demo region's board: last week decided, this week proposed, and built only once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from matching.board.models import Meeting, MeetingStatus, Proposal, ProposalStatus

pytestmark = pytest.mark.django_db


def test_the_demo_board_has_a_decided_last_week_and_a_proposed_this_week():
    call_command("seed_demo", stdout=StringIO())
    # The latest two (the placements demo adds earlier meetings to the board's history).
    this, last = Meeting.objects.order_by("-date")[:2]
    assert last.status == MeetingStatus.CLOSED
    assert last.proposals.filter(status=ProposalStatus.AGREED).exists()
    assert last.proposals.exclude(status=ProposalStatus.AGREED).exists()  # a decline or refusal too
    assert this.status == MeetingStatus.PROPOSED
    assert this.proposals.filter(status=ProposalStatus.OPEN).count() >= 5

    counts = (Meeting.objects.count(), Proposal.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (Meeting.objects.count(), Proposal.objects.count()) == counts
