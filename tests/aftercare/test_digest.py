"""Signals in the weekly digest: per role through the permission layer, pseudonym only, never
the description; each signal put in a digest is logged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessLogEntry, Notification
from matching.aftercare import services
from matching.aftercare.digest import digest_lines, digest_signals
from matching.board import services as board_services

pytestmark = pytest.mark.django_db

SECRET = "Buurman hoorde geschreeuw op dinsdagavond"


def _digest(user) -> Notification | None:
    return Notification.objects.filter(user=user, kind="board.digest").first()


def test_the_parties_get_the_signal_by_pseudonym_and_deadline_never_its_text(world, raise_signal):
    signal = raise_signal(description=SECRET)
    assert board_services.digest_send() >= 2
    for user in (world.coordinator, world.consultant):
        body = _digest(user).body
        assert signal.reference in body
        assert signal.placement.client_reference in body
        assert signal.get_category_display() in body
        assert settings.SITE_URL + reverse("aftercare:signal-detail", args=[signal.pk]) in body
        assert SECRET not in body and world.consultant.full_name not in body
    assert signal.acknowledge_due.strftime("%d-%m-%Y") in _digest(world.coordinator).body
    rows = AccessLogEntry.objects.filter(event="aftercare.signal.digested")
    readers = {r.user_id for r in rows}
    assert {world.coordinator.pk, world.consultant.pk} <= readers
    outsiders = (world.other_coordinator, world.other_consultant, world.chair, world.analyst)
    assert not readers & {u.pk for u in outsiders}
    # Once a week: a second run sends nothing and reads (and logs) nothing again.
    logged = rows.count()
    assert board_services.digest_send() == 0
    assert AccessLogEntry.objects.filter(event="aftercare.signal.digested").count() == logged


def test_the_chair_gets_only_escalated_signals_and_outsiders_nothing(world, raise_signal):
    quiet = raise_signal()
    escalated = raise_signal()
    services.signal_escalate(
        actor=world.consultant, signal=escalated, reason="Dreigende ontruiming"
    )
    assert [s.pk for s in digest_signals(world.chair)] == [escalated.pk]
    for outsider in (world.other_coordinator, world.other_consultant, world.elsewhere_chair):
        assert digest_signals(outsider) == []
    board_services.digest_send()
    chair_body = _digest(world.chair).body
    assert escalated.reference in chair_body and quiet.reference not in chair_body
    assert "Dreigende ontruiming" not in chair_body  # the reason is free text: not in e-mail
    for outsider in (world.other_coordinator, world.other_consultant):
        digest = _digest(outsider)
        assert digest is None or escalated.reference not in digest.body


def test_a_passed_deadline_says_so_and_a_closed_signal_leaves_the_digest(world, raise_signal):
    late = raise_signal()
    done = raise_signal()
    services.signal_close(actor=world.consultant, signal=done, outcome="resolved")
    later = late.acknowledge_due + dt.timedelta(days=1)
    lines = digest_lines(world.coordinator, later, timezone.now())
    (line,) = [x for x in lines if late.reference in x]
    assert late.acknowledge_due.strftime("%d-%m-%Y") in line
    assert line != digest_lines(world.coordinator, timezone.localdate(), timezone.now())[1]
    assert not any(done.reference in x for x in lines)


def test_no_signals_no_lines_and_no_digest_for_nothing(world):
    assert digest_signals(world.coordinator) == []
    board_services.digest_send()
    assert _digest(world.coordinator) is None
