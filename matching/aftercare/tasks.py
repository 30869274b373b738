"""Beat: remind on the day a signal's deadline falls, escalate what is overdue."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(
    name="matching.aftercare.tasks.check_signal_deadlines",
    acks_late=True,
    soft_time_limit=240,
    time_limit=300,
)
def check_signal_deadlines() -> dict[str, int]:
    return services.deadlines_check()
