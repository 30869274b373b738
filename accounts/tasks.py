"""Periodic housekeeping for sign-in bookkeeping. Tasks are thin: they call a service."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="accounts.purge_login_sessions")
def purge_login_sessions() -> int:
    """Forget session keys older than the longest possible session. Idempotent."""
    return services.login_sessions_purge()
