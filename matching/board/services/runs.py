"""Keeping stored runs small: superseded and closed meetings' runs are archived (compressed)."""

from __future__ import annotations

import datetime as dt
import json
import zlib

from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from ..models import GenerationRun, MeetingStatus


def run_archive_stored(*, older_than: dt.timedelta = dt.timedelta(days=1)) -> int:
    """Compress the stored instance and solution of runs nobody reads any more.

    A run is archived when a newer run of its meeting replaced it, or its meeting is closed,
    and it is older than `older_than`. Its instance and solution move, zlib-compressed, into
    `archive` (about a tenth of the size; `GenerationRun.stored()` reads them back), and the
    JSON columns are emptied. `no_match` and `stats`, which the screens and the minutes use,
    stay. One run per transaction, re-read under its row lock and skipped if already archived,
    so the task can be retried or run twice. Returns the number archived.
    """
    newest = (
        GenerationRun.objects.filter(meeting_id=OuterRef("meeting_id"))
        .order_by("-started_at", "-id")
        .values("pk")[:1]
    )
    due = (
        GenerationRun.objects.filter(
            archived_at__isnull=True, started_at__lt=timezone.now() - older_than
        )
        .filter(~Q(pk=Subquery(newest)) | Q(meeting__status=MeetingStatus.CLOSED))
        .values_list("pk", flat=True)
    )
    archived = 0
    for run_id in list(due):
        with transaction.atomic():
            run = (
                GenerationRun.objects.with_stored()
                .select_for_update()
                .filter(pk=run_id, archived_at__isnull=True)
                .first()
            )
            if run is None:
                continue
            payload = json.dumps({"instance": run.instance, "solution": run.solution})
            GenerationRun.objects.filter(pk=run.pk).update(
                archive=zlib.compress(payload.encode(), 6),
                instance={},
                solution={},
                archived_at=timezone.now(),
            )
            archived += 1
    return archived
