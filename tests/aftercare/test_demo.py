"""The demo: signals in every state, one escalated onto the chair's next agenda, one waiting
in the coordinator's work queue; idempotent."""

from __future__ import annotations

import io

import pytest

from accounts import demo as accounts_demo
from accounts.models import User
from cases import demo as cases_demo
from housing import demo as housing_demo
from matching.aftercare import demo, selectors, services
from matching.aftercare.models import Signal, SignalCategory, SignalState
from matching.board import demo as matching_demo
from matching.board.models import Meeting, MeetingStatus
from matching.placements import demo as placements_demo

pytestmark = pytest.mark.django_db


def test_the_demo_has_signals_in_every_state_and_runs_once():
    out = io.StringIO()
    for module in (accounts_demo, housing_demo, cases_demo, matching_demo, placements_demo):
        module.seed(stdout=out)
    demo.seed(stdout=out)
    count = Signal.objects.count()
    demo.seed(stdout=out)
    assert Signal.objects.count() == count
    assert set(Signal.objects.values_list("state", flat=True)) == set(SignalState.values)
    arrears = Signal.objects.get(category=SignalCategory.RENT_ARREARS)
    assert arrears.agreement.kind == "flip_lease" and arrears.actions.count() == 2

    chair = User.objects.get(email="voorzitter@gemeente.demo")
    meeting = Meeting.objects.exclude(status=MeetingStatus.CLOSED).order_by("-date").first()
    assert meeting is not None
    agenda = selectors.meeting_agenda(user=chair, meeting=meeting)
    assert any(s.category == SignalCategory.NEIGHBOUR_COMPLAINTS for s in agenda)
    coordinator = User.objects.get(email="coordinator@debrug.demo")
    assert any(s.category == SignalCategory.NO_CONTACT for s in services.open_for(coordinator))
