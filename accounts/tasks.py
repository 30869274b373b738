"""Periodic housekeeping for sign-in bookkeeping. Tasks are thin: they call a service."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="accounts.purge_login_sessions")
def purge_login_sessions() -> int:
    """Forget session keys older than the longest possible session. Idempotent."""
    return services.login_sessions_purge()


@shared_task(
    name="accounts.tasks.anchor_access_log",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=1500,
    time_limit=1800,
)
def anchor_access_log() -> dict[str, object]:
    """Daily: verify this month's and last month's chains and every earlier anchor, then write
    each chain's head to the anchor file; the run and any broken link are logged."""
    from .access import chain

    return chain.anchor()


@shared_task(
    name="accounts.tasks.create_access_log_partitions",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=120,
    time_limit=180,
)
def create_access_log_partitions() -> dict[str, object]:
    """Daily (PostgreSQL): the access log's partition for this month and
    ACCESS_LOG_PARTITIONS_AHEAD months ahead; idempotent, nothing on SQLite."""
    from django.conf import settings
    from django.utils import timezone

    from .access import partitions

    ahead = settings.ACCESS_LOG_PARTITIONS_AHEAD
    created = partitions.create_ahead(now=timezone.now(), ahead=ahead)
    return {"created": created, "ahead": ahead}


# Mail goes through the broker so a slow or unreachable mail server never fails the request
# that saved the data. Retries back off (30 s, 60 s, … up to an hour) with jitter; the SMTP
# connection itself times out after EMAIL_TIMEOUT seconds, inside the soft time limit.
_MAIL = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (OSError,),
    "retry_backoff": 30,
    "retry_backoff_max": 3600,
    "retry_jitter": True,
    "max_retries": 8,
    "soft_time_limit": 60,
    "time_limit": 90,
}


@shared_task(name="accounts.tasks.email_notification", **_MAIL)
def email_notification(notification_id: int) -> bool:
    """Mail one notification; idempotent through `emailed_at`."""
    return services.notification_email(notification_id=notification_id)


@shared_task(name="accounts.tasks.send_invitation", **_MAIL)
def send_invitation(enrolment_id: int, organisation_id: int, invited_by_id: int) -> None:
    """Mail an enrolment link (invitation or second-factor reset); see invitation_send."""
    services.invitation_send(
        enrolment_id=enrolment_id, organisation_id=organisation_id, invited_by_id=invited_by_id
    )
