"""Thin: beat rebuilds every region's monthly counts (`services.figures_refresh`)."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(
    name="matching.monitor.tasks.refresh_figures",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=240,
    time_limit=300,
)
def refresh_figures() -> int:
    """Idempotent: each region's counts are replaced as a whole."""
    from matching.board.models import Board

    regions = list(Board.objects.filter(is_active=True).values_list("region_id", flat=True))
    for region_id in regions:
        services.figures_refresh(region_id=region_id)
    return len(regions)
