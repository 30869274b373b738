"""Periodic work for the placement board (scheduled in settings.CELERY_BEAT_SCHEDULE).

Thin: take ids, call a service. Every task is idempotent, so a retried or duplicated
delivery changes nothing more.
"""

from __future__ import annotations

from celery import shared_task

from accounts import access

from . import services
from .models import Board, Meeting


@shared_task(name="matching.board.tasks.plan_meetings")
def plan_meetings() -> int:
    """Make sure every active board has its next meeting."""
    for board in Board.objects.filter(is_active=True):
        services.meeting_create_next(board=board)
    return Board.objects.filter(is_active=True).count()


@shared_task(name="matching.board.tasks.generate_due")
def generate_due() -> list[int]:
    """Queue the proposal run of every meeting within its lead time."""
    due = services.meetings_due_for_generation()
    for meeting_id in due:
        generate_proposals.delay(meeting_id)
    return due


@shared_task(name="matching.board.tasks.generate_proposals", acks_late=True)
def generate_proposals(meeting_id: int) -> int:
    """The automatic run for one meeting; keyed, so it runs once per meeting."""
    meeting = Meeting.objects.get(pk=meeting_id)
    run = services.proposals_generate(
        meeting=meeting, actor=access.SystemActor("board.generation"), key=f"auto:{meeting_id}"
    )
    return run.pk


@shared_task(name="matching.board.tasks.check_deadlines")
def check_deadlines() -> dict[str, int]:
    return services.deadlines_check()


@shared_task(name="matching.board.tasks.send_digests")
def send_digests() -> int:
    return services.digest_send()


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
