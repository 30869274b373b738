"""Issue 20's "Done when", walked in the seeded demo through the pages (test client):
a consultant raises a rent-arrears signal on a flip lease; the care coordinator sees it in
the work queue (and the digest), acknowledges and answers with a plan; a second, unanswered
signal passes its deadline and appears on the chair's next board agenda; the chair's counts
per buurt show no one's name."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import worklist
from accounts.models import Membership, Notification, Role
from cases.models import CareRecord
from matching.aftercare import services
from matching.aftercare.models import Signal, SignalState
from matching.board import services as board_services
from matching.board.models import Meeting, MeetingStatus
from matching.placements.models import RUNNING_STATES, Agreement, AgreementKind
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

ARREARS = "Drie maanden huur niet betaald; aanmaning verstuurd op de 1e."
COMPLAINT = "Buren klagen over harde muziek na middernacht."


def test_the_issue_walk_in_the_demo():
    call_command("seed_demo", stdout=StringIO())
    agreement = (
        Agreement.objects.filter(kind=AgreementKind.FLIP_LEASE, state__in=RUNNING_STATES)
        .select_related("placement__client__coordinator", "placement__board")
        .order_by("pk")
        .first()
    )
    assert agreement is not None, "the demo holds a running flip lease"
    placement = agreement.placement
    consultant = (
        Membership.objects.filter(
            organisation_id=placement.corporation_id,
            role=Role.HOUSING_CONSULTANT,
            is_active=True,
        )
        .select_related("user")
        .first()
        .user
    )
    coordinator = placement.client.coordinator
    today = timezone.localdate()

    # 1. The consultant raises a rent-arrears signal on the flip lease (the page).
    as_consultant = sign_in(Client(), consultant)
    create = reverse("aftercare:signal-create", args=[agreement.pk])
    assert as_consultant.get(create).status_code == 200
    response = as_consultant.post(
        create,
        {
            "category": "rent_arrears",
            "observed_on": today.isoformat(),
            "severity": "medium",
            "description": ARREARS,
            "already_done": "Aanmaning verstuurd.",
        },
    )
    assert response.status_code == 302
    signal = Signal.objects.get(description=ARREARS)

    # 2. The coordinator sees it in the work queue (and the weekly digest, by pseudonym).
    items = {i.key: i for i in worklist.items_for(coordinator, today=today)}
    waiting = items["aftercare.signals_waiting"]
    assert any(signal.reference in e.label for e in waiting.entries)
    as_coordinator = sign_in(Client(), coordinator)
    assert signal.reference in as_coordinator.get(reverse("home")).content.decode()
    board_services.digest_send()
    digest = Notification.objects.get(user=coordinator, kind="board.digest")
    assert signal.reference in digest.body and ARREARS not in digest.body

    # 3. ...acknowledges and answers with a plan.
    step = lambda name: reverse("aftercare:signal-step", args=[signal.pk, name])  # noqa: E731
    assert as_coordinator.post(step("ontvangst")).status_code == 302
    assert (
        as_coordinator.post(
            step("antwoord"),
            {
                "assessment": "Inkomen viel weg",
                "proposed_action": "Budgetcoach en betalingsregeling",
            },
        ).status_code
        == 302
    )
    due = (today + dt.timedelta(days=7)).isoformat()
    assert (
        as_coordinator.post(
            step("actie"),
            {"description": "Aanmelden budgetcoach", "owner_party": "care_provider", "due_on": due},
        ).status_code
        == 302
    )
    signal.refresh_from_db()
    assert signal.state == SignalState.ANSWERED and signal.actions.count() == 1

    # 4. A second, unanswered signal passes its deadline and is on the chair's next agenda.
    as_consultant.post(
        create,
        {
            "category": "neighbour_complaints",
            "observed_on": today.isoformat(),
            "severity": "medium",
            "description": COMPLAINT,
        },
    )
    second = Signal.objects.get(description=COMPLAINT)
    services.deadlines_check(today=second.acknowledge_due + dt.timedelta(days=1))
    second.refresh_from_db()
    assert second.escalated_at is not None
    meeting = (
        Meeting.objects.filter(board=placement.board)
        .exclude(status=MeetingStatus.CLOSED)
        .order_by("date")
        .first()
    )
    chair = (
        Membership.objects.filter(
            role=Role.BOARD_CHAIR,
            is_active=True,
            organisation__region_id=placement.board.region_id,
        )
        .select_related("user")
        .first()
        .user
    )
    as_chair = sign_in(Client(), chair)
    agenda = as_chair.get(reverse("matching:meeting-detail", args=[meeting.pk])).content.decode()
    assert "Zorg- en woonoverleg" in agenda and placement.client_reference in agenda
    assert COMPLAINT not in agenda and ARREARS not in agenda
    # The answered signal is not the chair's: 404 like a missing id.
    hidden = as_chair.get(reverse("aftercare:signal-detail", args=[signal.pk]))
    assert hidden.status_code == 404

    # 5. The chair's counts per buurt: no one's name, no signal reference, no text.
    counts = as_chair.get(reverse("aftercare:counts")).content.decode()
    assert placement.neighbourhood.name in counts
    names = [n for n in CareRecord.objects.values_list("full_name", flat=True) if n]
    assert names and not any(name in counts for name in names)
    assert "SG-" not in counts and ARREARS not in counts and COMPLAINT not in counts
    assert placement.client_reference not in counts
