"""The simulation runs in a Celery worker on its own queue (`simulation`), so a long run
never delays the board. Thin: take the run id, call the service.

Idempotent: `simulation_execute` only starts a run that is queued or whose worker died (a
stale heartbeat), and only the attempt that owns the run writes the result, so a redelivered
or duplicated message writes nothing twice. Progress and cancel go through the run row.
"""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from config.queueing import enqueue, enqueue_on_commit

from . import services


# A database that is briefly busy (a locked SQLite file, a dropped connection) before the run
# started is retried: the service only takes a run nobody else is working on, so it is safe.
# acks_late + reject_on_worker_lost: a killed worker's message goes back to the queue.
@shared_task(
    name="simulation.tasks.run_simulation",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=20 * 60,
    time_limit=21 * 60,
)
def run_simulation(run_id: int) -> str:
    return str(services.simulation_execute(run_id=run_id).status)


@shared_task(
    name="simulation.tasks.sweep_stuck_runs",
    acks_late=True,
    soft_time_limit=30,
    time_limit=45,
)
def sweep_stuck_runs() -> dict[str, int]:
    """Every few seconds (beat): take over or fail runs whose worker died."""
    return services.simulation_sweep()


def send_run(run_id: int) -> bool:
    """Send the run's task now; False when the broker is down (the next sweep tries again)."""
    return enqueue(run_simulation, run_id)


def queue_run(run_id: int) -> None:
    """Queue the run after the current transaction commits (the row must exist first). A
    broker that is down fails the run with a message instead of leaving it queued for good."""
    enqueue_on_commit(
        run_simulation,
        run_id,
        on_error=lambda _error: services.simulation_queue_failed(run_id=run_id),
    )
