"""Boards and meetings: creating the region's board, the weekly meeting, closing it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.errors import DomainError
from accounts.models import Region, User

from ..models import (
    Board,
    Meeting,
    MeetingStatus,
)
from .common import _cfg


def week_label(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def board_create(
    *, region: Region, name: str, chair: User | None = None, members: list[Any] | None = None
) -> Board:
    """Create (or return) the region's board with its member organisations. Demo and admin."""
    with transaction.atomic():
        board, _created = Board.objects.get_or_create(
            region=region, defaults={"name": name, "chair": chair}
        )
        if members is None:
            members = list(region.organisations.filter(is_active=True))
        board.members.add(*members)
    return board


def _next_meeting_date(board: Board, after: dt.date) -> dt.date:
    days = (board.meeting_weekday - after.weekday()) % 7
    return after + dt.timedelta(days=days)


def meeting_for_week(*, board: Board, day: dt.date) -> Meeting:
    """The board's meeting in the ISO week of `day` (created once; safe to repeat)."""
    monday = day - dt.timedelta(days=day.weekday())
    date = monday + dt.timedelta(days=board.meeting_weekday)
    try:
        with transaction.atomic():
            meeting, _created = Meeting.objects.get_or_create(
                board=board, week_label=week_label(date), defaults={"date": date}
            )
    except IntegrityError:  # a concurrent run created it first
        meeting = Meeting.objects.get(board=board, week_label=week_label(date))
    return meeting


def meeting_create_next(*, board: Board, today: dt.date | None = None) -> Meeting:
    """The next meeting on or after today (beat runs this daily; idempotent)."""
    today = today or timezone.localdate()
    return meeting_for_week(board=board, day=_next_meeting_date(board, today))


def meetings_due_for_generation(*, now: dt.datetime | None = None) -> list[int]:
    """Meetings whose proposals should be made now: not yet generated, within the lead time."""
    now = now or timezone.now()
    lead = dt.timedelta(hours=_cfg("BOARD_GENERATE_HOURS_BEFORE", 24))
    due = []
    for meeting in Meeting.objects.filter(
        status=MeetingStatus.PLANNED, board__is_active=True, date__gte=timezone.localdate(now)
    ).select_related("board"):
        starts = timezone.make_aware(dt.datetime.combine(meeting.date, meeting.board.meeting_time))
        if starts - lead <= now:
            due.append(meeting.pk)
    return due


def meeting_close(*, actor: User, meeting: Meeting, request: HttpRequest | None = None) -> Meeting:
    """The chair closes the meeting: its minutes are final and it is not recalculated.

    Open proposals keep running on their own deadlines; closing decides nothing for them.
    """
    rule = access.authorize(actor, "generate", meeting)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update(of=("self",), no_key=True).get(pk=meeting.pk)
        if meeting.status == MeetingStatus.CLOSED:
            raise DomainError(
                _("Dit overleg is al afgerond."), code="meeting_closed", conflict=True
            )
        meeting.status = MeetingStatus.CLOSED
        meeting.closed_at = timezone.now()
        meeting.save(update_fields=["status", "closed_at"])
        access.audit(
            "matching.meeting.closed",
            actor=actor,
            target=meeting,
            rule=rule,
            purpose=meeting.purpose,
            request=request,
        )
    return meeting
