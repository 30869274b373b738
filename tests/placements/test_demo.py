"""The demo: agreements in every state, a flip lease due for evaluation this month (its
reminder sent), a triangle contract whose care stopped; agreed proposals left to place;
idempotent."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone

from accounts import demo as accounts_demo
from accounts.models import Notification
from cases import demo as cases_demo
from housing import demo as housing_demo
from matching.board import demo as matching_demo
from matching.board.models import Proposal
from matching.placements import demo
from matching.placements.models import Agreement, AgreementState, Evaluation

pytestmark = pytest.mark.django_db


def test_the_demo_has_every_state_and_runs_once(django_capture_on_commit_callbacks):
    out = io.StringIO()
    for module in (accounts_demo, housing_demo, cases_demo, matching_demo):
        module.seed(stdout=out)
    demo.seed(stdout=out)
    count = Agreement.objects.count()
    demo.seed(stdout=out)
    assert Agreement.objects.count() == count
    assert set(Agreement.objects.values_list("state", flat=True)) == set(AgreementState.values)

    today = timezone.localdate()
    due = Evaluation.objects.get(
        agreement__kind="flip_lease",
        agreement__state="active",
        held_on__isnull=True,
        due_on__year=today.year,
        due_on__month=today.month,
    )
    assert due.due_on >= today
    assert Notification.objects.filter(
        kind="placements.evaluation_due", user__email="consulent@dekade.demo"
    ).exists()
    stopped = Agreement.objects.get(kind="triangle", state="care_stopped")
    assert Notification.objects.filter(
        kind="placements.care_stopped", url__endswith=f"/afspraken/{stopped.pk}/"
    ).exists()
    assert Proposal.objects.filter(status="agreed", placement__isnull=True).count() >= 2
    assert "placements:" in out.getvalue()
