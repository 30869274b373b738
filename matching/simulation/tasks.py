"""The simulation runs in a Celery worker. Thin: take the run id, call the service.

Idempotent: `simulation_execute` only starts a run that is still queued, so a redelivered or
duplicated message changes nothing more. Progress and cancel go through the run row.
"""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError, transaction

from . import services


# A database that is briefly busy (a locked SQLite file, a dropped connection) before the run
# started is retried: the service only starts a run that is still queued, so a retry is safe.
@shared_task(
    name="simulation.tasks.run_simulation",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def run_simulation(run_id: int) -> str:
    return str(services.simulation_execute(run_id=run_id).status)


def queue_run(run_id: int) -> None:
    """Queue the run after the current transaction commits (the row must exist first)."""
    transaction.on_commit(lambda: run_simulation.delay(run_id))
