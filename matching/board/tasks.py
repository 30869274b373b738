"""Periodic and background work for the placement board (the `board` queue; scheduled in
settings.CELERY_BEAT_SCHEDULE).

Thin: take ids, call a service. Every task is idempotent, so a retried or duplicated
delivery changes nothing more; `acks_late` + `reject_on_worker_lost` put a killed worker's
message back on the queue, and the soft/hard time limits bound every run.
"""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from accounts import access
from config.queueing import enqueue, enqueue_on_commit

from . import services
from .models import Board, Meeting

_RECOVERS = {"acks_late": True, "reject_on_worker_lost": True}


@shared_task(name="matching.board.tasks.plan_meetings", **_RECOVERS)
def plan_meetings() -> int:
    """Make sure every active board has its next meeting."""
    for board in Board.objects.filter(is_active=True):
        services.meeting_create_next(board=board)
    return Board.objects.filter(is_active=True).count()


@shared_task(name="matching.board.tasks.generate_due", **_RECOVERS)
def generate_due() -> list[int]:
    """Queue the proposal run of every meeting within its lead time (once per meeting: the
    run is keyed `auto:<meeting>`)."""
    due = services.meetings_due_for_generation()
    for meeting_id in due:
        services.generation_request(
            meeting=Meeting.objects.get(pk=meeting_id),
            actor=access.SystemActor("board.generation"),
            key=f"auto:{meeting_id}",
        )
    return due


@shared_task(
    name="matching.board.tasks.run_generation",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=90,
    time_limit=120,
    **_RECOVERS,
)
def run_generation(run_id: int) -> str:
    """One queued generation run (from "Berekenen" or `generate_due`)."""
    return str(services.generation_execute(run_id=run_id).status)


@shared_task(
    name="matching.board.tasks.generate_proposals", soft_time_limit=90, time_limit=120, **_RECOVERS
)
def generate_proposals(meeting_id: int) -> int:
    """The automatic run for one meeting, in this process; keyed, so it runs once."""
    meeting = Meeting.objects.get(pk=meeting_id)
    run = services.proposals_generate(
        meeting=meeting, actor=access.SystemActor("board.generation"), key=f"auto:{meeting_id}"
    )
    return run.pk


@shared_task(name="matching.board.tasks.sweep_stuck_runs", soft_time_limit=30, time_limit=45)
def sweep_stuck_runs() -> dict[str, int]:
    """Every 15 s (beat): take over or fail generation runs whose worker died."""
    return services.generation_sweep()


@shared_task(name="matching.board.tasks.check_deadlines", **_RECOVERS)
def check_deadlines() -> dict[str, int]:
    return services.deadlines_check()


@shared_task(name="matching.board.tasks.send_digests", **_RECOVERS)
def send_digests() -> int:
    return services.digest_send()


def send_run(run_id: int) -> bool:
    """Send a generation run's task now; False when the broker is down (the sweep retries)."""
    return enqueue(run_generation, run_id)


def queue_run(run_id: int) -> None:
    """Queue the run after commit; a broker that is down fails it with a message."""
    enqueue_on_commit(
        run_generation,
        run_id,
        on_error=lambda _error: services.generation_queue_failed(run_id=run_id),
    )


@shared_task(
    name="matching.board.tasks.render_minutes_pdf",
    acks_late=True,
    soft_time_limit=120,
    time_limit=150,
)
def render_minutes_pdf(meeting_id: int, user_id: int, version: str, language: str) -> str:
    """Render one viewer's minutes PDF of one meeting state (idempotent: kept files stay)."""
    from accounts.models import User

    meeting = Meeting.objects.get(pk=meeting_id)
    user = User.objects.get(pk=user_id)
    path = services.minutes_pdf_render(
        meeting=meeting, user=user, version=version, language=language
    )
    return str(path)


@shared_task(name="matching.board.tasks.archive_runs", soft_time_limit=600, time_limit=660)
def archive_runs() -> int:
    """Nightly: compress the stored instance and solution of superseded and closed runs."""
    return services.run_archive_stored()
