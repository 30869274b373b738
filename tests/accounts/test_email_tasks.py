"""E-mail goes through a task: a saved action never fails because the mail server does not
answer, a refused address does not stop the others, and a mail is sent once."""

from __future__ import annotations

import smtplib
from unittest import mock

import pytest
from django.core import mail

from accounts import services, tasks
from accounts.models import Notification, Role
from accounts.services import notify
from config import queueing
from tests.accounts.factories import member

pytestmark = pytest.mark.django_db


def _refuse(address: str):
    real = mail.EmailMessage.send

    def send(self, fail_silently=False):
        if address in self.to:
            raise smtplib.SMTPRecipientsRefused({address: (550, b"no such user")})
        return real(self, fail_silently=fail_silently)

    return mock.patch.object(mail.EmailMessage, "send", send)


def test_an_unreachable_mail_server_leaves_the_notification_saved_and_unmailed(
    django_capture_on_commit_callbacks,
):
    user = member(Role.BOARD_CHAIR)
    with (
        mock.patch.object(mail.EmailMessage, "send", side_effect=ConnectionRefusedError()),
        django_capture_on_commit_callbacks(execute=True),
    ):
        n = notify(user=user, kind="k", title="Besluit nodig", dedupe_key="a")
    n.refresh_from_db()
    assert n.emailed_at is None and n.email_error == ""
    # The retry after the server is back sends it, once.
    assert services.notification_email(notification_id=n.pk) is True
    assert services.notification_email(notification_id=n.pk) is False
    assert len(mail.outbox) == 1


def test_the_mail_task_retries_a_mail_server_that_does_not_answer():
    assert OSError in tasks.email_notification.autoretry_for
    assert tasks.email_notification.max_retries and tasks.email_notification.retry_backoff
    assert tasks.email_notification.soft_time_limit and tasks.email_notification.time_limit


def test_one_refused_address_does_not_stop_the_others(django_capture_on_commit_callbacks):
    users = [member(Role.CARE_COORDINATOR) for _ in range(3)]
    bad = users[1].email
    with _refuse(bad), django_capture_on_commit_callbacks(execute=True):
        for u in users:
            notify(user=u, kind="k", title="Herinnering", dedupe_key="r")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([users[0].email, users[2].email])
    refused = Notification.objects.get(user=users[1])
    assert refused.emailed_at is None and "550" in refused.email_error
    # A refused address is not tried again.
    assert services.notification_email(notification_id=refused.pk) is False
    assert len(mail.outbox) == 2


def test_a_broker_that_is_down_does_not_fail_the_saved_action(django_capture_on_commit_callbacks):
    user = member(Role.ANALYST)
    with (
        mock.patch.object(
            tasks.email_notification, "apply_async", side_effect=ConnectionError("redis down")
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        n = notify(user=user, kind="k", title="Weekoverzicht", dedupe_key="w")
    assert Notification.objects.filter(pk=n.pk, emailed_at__isnull=True).exists()
    assert len(mail.outbox) == 0


def test_enqueue_reports_failure_and_calls_the_fallback():
    seen = []
    task = mock.Mock(apply_async=mock.Mock(side_effect=ConnectionError("down")), name="t")
    assert queueing.enqueue(task, 1, on_error=seen.append) is False
    assert isinstance(seen[0], ConnectionError)
