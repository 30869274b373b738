"""Notifications: in the app and by e-mail, once per key, only to their own person."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Notification, Role
from accounts.services import notify
from tests.accounts.factories import member

pytestmark = pytest.mark.django_db


def test_a_notification_is_shown_and_mailed_once_per_key(django_capture_on_commit_callbacks):
    user = member(Role.BOARD_CHAIR)
    with django_capture_on_commit_callbacks(execute=True):
        first = notify(
            user=user,
            kind="reminder",
            title="Besluit nodig",
            dedupe_key="proposal:1:reminder",
            url="/x/",
        )
        again = notify(
            user=user, kind="reminder", title="Besluit nodig", dedupe_key="proposal:1:reminder"
        )
    assert first is not None and again is None
    assert Notification.objects.filter(user=user).count() == 1
    assert len(mail.outbox) == 1
    assert "Besluit nodig" in mail.outbox[0].subject and "/x/" in mail.outbox[0].body
    first.refresh_from_db()
    assert first.emailed_at is not None


def test_inactive_people_are_not_notified():
    user = member(Role.ANALYST)
    user.is_active = False
    user.save()
    assert (
        notify(user=user, kind="digest", title="Weekoverzicht", dedupe_key="digest:2026-W48")
        is None
    )


def test_the_page_shows_only_ones_own_notifications_and_marks_them_read(login):
    user = member(Role.CARE_COORDINATOR)
    other = member(Role.CARE_COORDINATOR)
    notify(user=user, kind="k", title="Voor mij", dedupe_key="a", email=False)
    notify(user=other, kind="k", title="Voor een ander", dedupe_key="a", email=False)
    client = login(user)
    page = client.get(reverse("accounts:notifications")).content.decode()
    assert "Voor mij" in page and "Voor een ander" not in page
    client.post(reverse("accounts:notifications"))
    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=other, read_at__isnull=True).exists()
