"""Periodic work for placements (scheduled in settings.CELERY_BEAT_SCHEDULE).

Thin: the daily task finds what is due and queues one small task per id; each calls a
service. Idempotent: a reminder is sent once per due date (the notification's dedupe key
holds the date), so a retried or repeated run notifies nobody twice.
"""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="matching.placements.tasks.send_reminders")
def send_reminders() -> dict[str, int]:
    """Daily: evaluations and agreement ends due within four weeks or overdue."""
    evaluations, ends = services.reminders_due()
    for evaluation_id in evaluations:
        remind_evaluation.delay(evaluation_id)
    for agreement_id in ends:
        remind_agreement_end.delay(agreement_id)
    return {"evaluations": len(evaluations), "ends": len(ends)}


@shared_task(name="matching.placements.tasks.remind_evaluation", acks_late=True)
def remind_evaluation(evaluation_id: int) -> int:
    return services.reminder_evaluation(evaluation_id=evaluation_id)


@shared_task(name="matching.placements.tasks.remind_agreement_end", acks_late=True)
def remind_agreement_end(agreement_id: int) -> int:
    return services.reminder_agreement_end(agreement_id=agreement_id)
