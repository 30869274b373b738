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


@shared_task(
    name="cases.tasks.apply_retention",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=540,
    time_limit=600,
)
def apply_retention() -> dict[str, object]:
    """Daily: anonymise the cases past their retention period (idempotent, bounded in time by
    RETENTION_TIME_LIMIT_SECONDS well inside the task's own limits; the next run continues)."""
    from .rights import retention

    return retention.retention_apply().as_dict()
