"""Periodic work for cases (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="cases.tasks.expire_consents")
def expire_consents() -> int:
    """End consents past their end date and take those clients off the board (idempotent).

    Read paths already treat such consent as absent; this makes the status and history
    catch up.
    """
    return services.consent_expire_due()
