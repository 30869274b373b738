"""The pages as the parties use them: raise, see what the other party sees, answer with a
plan, the chair's agenda section, the counts per neighbourhood (suppressed under 5)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from matching.aftercare import selectors, services
from matching.aftercare.models import Signal, SignalCategory, SignalState
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_a_consultant_raises_a_signal_on_the_page_and_sees_who_will_see_it(world, agreement):
    client = sign_in(Client(), world.consultant)
    url = reverse("aftercare:signal-create", args=[agreement.pk])
    page = client.get(url).content.decode()
    assert "Wie ziet dit signaal?" in page and "zorgaanbieder" in page
    assert "huurachterstand" in page and "crisis" not in page  # only the corporation's kinds
    bad = client.post(
        url,
        {
            "category": "rent_arrears",
            "observed_on": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
            "severity": "medium",
            "description": "Achterstand",
        },
    )
    assert bad.status_code == 200 and "De datum ligt in de toekomst." in bad.content.decode()
    assert not Signal.objects.exists()
    response = client.post(
        url,
        {
            "category": "rent_arrears",
            "observed_on": timezone.localdate().isoformat(),
            "severity": "medium",
            "description": "Twee maanden achterstand",
        },
    )
    signal = Signal.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/signalen/{signal.pk}/")


def test_the_coordinator_answers_with_a_plan_from_the_detail_page(world, raise_signal):
    signal = raise_signal()
    client = sign_in(Client(), world.coordinator)
    detail = reverse("aftercare:signal-detail", args=[signal.pk])
    page = client.get(detail).content.decode()
    assert "Ontvangst bevestigen" in page and "Antwoord versturen" in page
    step = lambda name: reverse("aftercare:signal-step", args=[signal.pk, name])  # noqa: E731
    assert client.post(step("ontvangst")).status_code == 302
    empty = client.post(step("antwoord"), {"assessment": "", "proposed_action": ""})
    assert empty.status_code == 200 and "field-error" in empty.content.decode()
    client.post(
        step("antwoord"), {"assessment": "Inkomen wisselt", "proposed_action": "Budgetcoach"}
    )
    due = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    client.post(
        step("actie"),
        {"description": "Afspraak budgetcoach", "owner_party": "care_provider", "due_on": due},
    )
    signal.refresh_from_db()
    assert signal.state == SignalState.ANSWERED and signal.actions.count() == 1
    assert "Afspraak budgetcoach" in client.get(detail).content.decode()


def test_the_agreement_page_lists_its_signals(world, agreement, raise_signal):
    signal = raise_signal()
    page = (
        sign_in(Client(), world.coordinator)
        .get(reverse("placements:agreement-detail", args=[agreement.pk]))
        .content.decode()
    )
    assert signal.reference in page and "Signaal melden" in page
    chair_page = (
        sign_in(Client(), world.chair)
        .get(reverse("placements:agreement-detail", args=[agreement.pk]))
        .content.decode()
    )
    assert signal.reference not in chair_page  # not escalated: the municipality sees nothing


def test_an_escalated_signal_is_on_the_chairs_meeting_agenda_by_pseudonym(world, raise_signal):
    signal = raise_signal()
    services.deadlines_check(today=signal.acknowledge_due + dt.timedelta(days=1))
    page = (
        sign_in(Client(), world.chair)
        .get(reverse("matching:meeting-detail", args=[world.meeting.pk]))
        .content.decode()
    )
    assert "Zorg- en woonoverleg" in page
    assert signal.placement.client_reference in page
    assert "Twee maanden" not in page  # the description stays with the parties
    consultant_page = (
        sign_in(Client(), world.consultant)
        .get(reverse("matching:meeting-detail", args=[world.meeting.pk]))
        .content.decode()
    )
    assert "Zorg- en woonoverleg" not in consultant_page


def test_counts_per_neighbourhood_suppress_small_numbers_and_what_follows_from_them(
    world, agreement, raise_signal
):
    for _ in range(6):
        raise_signal(category=SignalCategory.RENT_ARREARS)
    raise_signal(category=SignalCategory.NUISANCE)
    today = timezone.localdate()
    months = selectors.counts_per_neighbourhood(
        user=world.chair, start=today - dt.timedelta(days=40), end=today
    )
    (row,) = months[-1].rows
    assert row.total == 7
    # nuisance (1) is suppressed; rent arrears (6) would reveal it from the total: suppressed too
    assert row.cells[SignalCategory.NUISANCE] is None
    assert row.cells[SignalCategory.RENT_ARREARS] is None
    page = sign_in(Client(), world.analyst).get(reverse("aftercare:counts")).content.decode()
    assert "Kadekwartier" in page and signal_free(page)
    assert (
        selectors.counts_per_neighbourhood(user=world.elsewhere_chair, start=today, end=today) == []
    )


def signal_free(page: str) -> bool:
    return "Twee maanden" not in page and "SG-" not in page


def test_a_period_with_no_signals_says_so(world):
    page = (
        sign_in(Client(), world.chair)
        .get(reverse("aftercare:counts"), {"start": "2020-01-01", "end": "2020-02-01"})
        .content.decode()
    )
    assert "Geen signalen gemeld" in page
    bad = sign_in(Client(), world.chair).get(
        reverse("aftercare:counts"), {"start": "2021-01-01", "end": "2020-01-01"}
    )
    assert (
        bad.status_code == 200 and "De einddatum ligt vóór de begindatum." in bad.content.decode()
    )


def test_the_work_queue_shows_what_waits_and_the_chair_sees_what_was_escalated(world, raise_signal):
    from accounts import worklist

    signal = raise_signal()
    today = timezone.localdate()
    mine = {i.key: i for i in worklist.items_for(world.coordinator, today=today)}
    assert mine["aftercare.signals_waiting"].count == 1
    assert mine["aftercare.signals_waiting"].deadline == signal.acknowledge_due
    assert "aftercare.signals_waiting" not in {
        i.key for i in worklist.items_for(world.consultant, today=today)
    }
    assert "aftercare.escalated" not in {
        i.key for i in worklist.items_for(world.chair, today=today)
    }
    services.signal_escalate(actor=world.consultant, signal=signal, reason="Geen contact")
    chair = {i.key: i for i in worklist.items_for(world.chair, today=today)}
    assert chair["aftercare.escalated"].count == 1
    home = sign_in(Client(), world.coordinator).get(reverse("home")).content.decode()
    assert "signaal over een huurder wacht op uw reactie" in home
