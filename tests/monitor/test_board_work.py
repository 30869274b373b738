"""The board's own work: proposals per period and per meeting, what became of them, time to
a decision per party, declines per corporation and reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from matching.board.models import Proposal, ProposalStatus
from matching.monitor import selectors
from matching.monitor.periods import Period, add_months, month_start

pytestmark = pytest.mark.django_db


def _period() -> Period:
    last = month_start(timezone.localdate())
    return Period(add_months(last, -11), last)


def test_declines_are_counted_per_corporation_and_reason(world):
    for _ in range(5):
        p = world.proposal()
        Proposal.objects.filter(pk=p.pk).update(
            status=ProposalStatus.DECLINED,
            consultant_decision="declined",
            consultant_reason="stairwell_situation",
            client_decision="",
        )
    work = selectors.board_work(v=selectors.viewer(world.analyst), period=_period())
    row = work.declines.rows.index(world.corporation.name)
    column = list(selectors.CONSULTANT_DECLINE_REASONS).index("stairwell_situation")
    assert work.declines.grid.cells[row][column] == 5
    assert sum(v or 0 for v in work.meetings.grid.column_totals) >= 5


def test_time_to_a_decision_per_party_in_days(world):
    for days in (1, 2, 3, 4, 10):
        p = world.proposal()
        created = p.created_at
        Proposal.objects.filter(pk=p.pk).update(
            created_at=created - dt.timedelta(days=days),
            consultant_at=created,
            client_at=created,
        )
    work = selectors.board_work(v=selectors.viewer(world.analyst), period=_period())
    corporation = work.decision_times[0]
    assert corporation.n == 5
    assert corporation.median == 3


def test_proposals_per_meeting_is_the_average_over_the_meetings(world):
    for _ in range(6):
        world.proposal()
    work = selectors.board_work(v=selectors.viewer(world.analyst), period=_period())
    this = next(r for r in work.per_meeting if r["meetings"])
    assert this["per_meeting"] == pytest.approx(6.0)


def test_an_empty_period_is_said_to_be_empty(world):
    work = selectors.board_work(
        v=selectors.viewer(world.chair), period=Period(dt.date(2019, 1, 1), dt.date(2019, 12, 1))
    )
    assert work.is_empty
