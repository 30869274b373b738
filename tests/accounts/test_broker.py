"""With REDIS_URL set, tasks travel through the real broker to a real worker (CI runs this)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import LoginSession, Role
from accounts.tasks import purge_login_sessions
from config.celery import app
from tests.accounts.factories import member

pytestmark = [pytest.mark.broker, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_task_sent_to_the_broker_is_run_by_a_worker():
    from celery.contrib.testing.worker import start_worker

    user = member(Role.ANALYST)
    stale = LoginSession.objects.create(user=user, session_key="stale-key")
    LoginSession.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(days=1))

    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            purge_login_sessions.delay()
            deadline = time.monotonic() + 20
            while LoginSession.objects.filter(pk=stale.pk).exists() and time.monotonic() < deadline:
                time.sleep(0.2)
    finally:
        app.conf.task_always_eager = True
    assert not LoginSession.objects.filter(pk=stale.pk).exists()
