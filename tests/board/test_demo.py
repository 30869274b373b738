"""The demo region's board: last week decided, this week proposed, and built only once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from matching.board.models import Meeting, MeetingStatus, Proposal, ProposalStatus
from matching.simulation.models import RunStatus, Scenario, SimulationRun

pytestmark = pytest.mark.django_db


def test_the_demo_board_has_a_decided_last_week_and_a_proposed_this_week(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):  # the scenario runs are queued on commit
        call_command("seed_demo", stdout=StringIO())
    # The latest two (the placements demo adds earlier meetings to the board's history).
    this, last = Meeting.objects.order_by("-date")[:2]
    assert last.status == MeetingStatus.CLOSED
    assert last.proposals.filter(status=ProposalStatus.AGREED).exists()
    assert last.proposals.exclude(status=ProposalStatus.AGREED).exists()  # a decline or refusal too
    assert this.status == MeetingStatus.PROPOSED
    assert this.proposals.filter(status=ProposalStatus.OPEN).count() >= 5

    # The what-if a board asks first is ready to read: 30% with and without the stairwell rule.
    scenarios = {s.name: s for s in Scenario.objects.filter(board=this.board)}
    assert set(scenarios) == {
        "Kantelpunt 30% met portiekregel",
        "Kantelpunt 30% zonder portiekregel",
    }
    for scenario in scenarios.values():
        run = scenario.runs.get()
        assert run.status == RunStatus.DONE, run.error
        assert len(run.summary["seeds"]) >= 5 and run.summary["spread"]["housed"]["values"]

    counts = (Meeting.objects.count(), Proposal.objects.count(), SimulationRun.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (Meeting.objects.count(), Proposal.objects.count(), SimulationRun.objects.count()) == (
        counts
    )
