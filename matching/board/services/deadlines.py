"""Deadlines, reminders and the weekly digest."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import formatting
from accounts.access import SystemActor
from accounts.models import Notification, OrganisationKind, Role, User
from accounts.services import notify

from ..models import (
    Board,
    Proposal,
    ProposalStatus,
)
from .common import _cfg, _event, _locked
from .meetings import week_label

# The schedule (beat) acting on proposals nobody decided in time.
DEADLINES = SystemActor("board.deadlines")


def _chairs(board: Board) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__is_active=True,
            memberships__role=Role.BOARD_CHAIR,
            memberships__organisation__kind=OrganisationKind.MUNICIPALITY,
            memberships__organisation__region_id=board.region_id,
        ).distinct()
    )


def _responsible(p: Proposal) -> list[User]:
    """Who still owes a decision: the corporation's consultants and/or the client's coordinator."""
    users: list[User] = []
    if not p.consultant_decision:
        users += list(
            User.objects.filter(
                is_active=True,
                memberships__organisation_id=p.corporation_id,
                memberships__role=Role.HOUSING_CONSULTANT,
                memberships__is_active=True,
            ).distinct()
        )
    if not p.client_decision:
        coordinator = p.client.coordinator
        if coordinator.is_active:
            users.append(coordinator)
    return users


def deadlines_check(*, today: dt.date | None = None) -> dict[str, int]:
    """Stall, remind, alert and expire proposals past their deadline. Idempotent: each step
    happens once per proposal (timestamps, statuses and notification keys)."""
    today = today or timezone.localdate()
    alert_after = dt.timedelta(days=_cfg("BOARD_CHAIR_ALERT_DAYS", 2))
    expire_after = dt.timedelta(days=_cfg("BOARD_EXPIRY_DAYS", 7))
    counts = {"stalled": 0, "reminded": 0, "alerted": 0, "expired": 0}
    # Only the ids are read unlocked: what a reminder says and whom it reaches comes from the row
    # as it is once locked (a decision taken since the list was read is respected).
    overdue = Proposal.objects.filter(status=ProposalStatus.OPEN, deadline__lt=today).values_list(
        "pk", flat=True
    )
    for pk in list(overdue):
        url = reverse("matching:proposal-detail", args=[pk])
        with transaction.atomic():
            locked = _locked(Proposal(pk=pk))
            if locked.status != ProposalStatus.OPEN or locked.deadline >= today:
                continue
            ref = locked.profile.get("reference", "")
            if today > locked.deadline + expire_after:
                locked.status = ProposalStatus.EXPIRED
                locked.closed_at = timezone.now()
                locked.close_reason = _(
                    "Verlopen: geen besluit binnen %(days)s dagen na de termijn; cliënt en woning gaan terug naar de tafel."
                ) % {"days": expire_after.days}
                locked.save(update_fields=["status", "closed_at", "close_reason", "updated_at"])
                _event(locked, actor=DEADLINES, kind="expired", message=locked.close_reason)
                counts["expired"] += 1
                continue
            if locked.stalled_at is None:
                locked.stalled_at = timezone.now()
                locked.save(update_fields=["stalled_at", "updated_at"])
                _event(
                    locked,
                    actor=DEADLINES,
                    kind="stalled",
                    message=_("Termijn verstreken zonder besluit: vastgelopen."),
                )
                counts["stalled"] += 1
            for user in _responsible(locked):
                if notify(
                    user=user,
                    kind="board.reminder",
                    title=_("Herinnering: besluit over voorstel %(ref)s") % {"ref": ref},
                    body=_("De termijn was %(date)s.") % {"date": formatting.date(locked.deadline)},
                    url=url,
                    dedupe_key=f"board-reminder:{pk}",
                ):
                    counts["reminded"] += 1
            if today > locked.deadline + alert_after:
                for user in _chairs(locked.meeting.board):
                    if notify(
                        user=user,
                        kind="board.chair_alert",
                        title=_("Voorstel %(ref)s loopt vast") % {"ref": ref},
                        body=_("Geen besluit sinds %(date)s.")
                        % {"date": formatting.date(locked.deadline)},
                        url=url,
                        dedupe_key=f"board-chair-alert:{pk}",
                    ):
                        counts["alerted"] += 1
    return counts


def digest_send(*, today: dt.date | None = None) -> int:
    """Each board participant's weekly digest (stalled, expiring, decided, new), in the app
    and by e-mail. Keyed by ISO week, so it is sent once per person per week."""
    from .. import digest, selectors

    today = today or timezone.localdate()
    week = week_label(today)
    since = timezone.now() - dt.timedelta(days=7)
    sent = 0
    board_orgs = Board.objects.filter(is_active=True).values_list("members", flat=True)
    users = User.objects.filter(
        is_active=True,
        memberships__is_active=True,
        memberships__organisation_id__in=board_orgs,
        memberships__role__in=[
            Role.BOARD_CHAIR,
            Role.ANALYST,
            Role.CARE_COORDINATOR,
            Role.HOUSING_CONSULTANT,
        ],
    ).distinct()
    already = set(
        Notification.objects.filter(dedupe_key=f"board-digest:{week}").values_list(
            "user_id", flat=True
        )
    )
    for user in users:
        if user.pk in already:
            # Sent this week: read nothing again (the siblings log what they put in a digest).
            continue
        summary = selectors.digest_for(user=user, today=today, since=since)
        # The siblings' lines (signals after the move, ...), each read through the layer.
        extra = digest.lines_for(user, today=today, since=since)
        if not any(summary.values()) and not extra:
            continue
        body = "\n".join(
            [
                _("Vastgelopen: %(n)s") % {"n": summary["stalled"]},
                _("Termijn verloopt binnen 2 dagen: %(n)s") % {"n": summary["expiring"]},
                _("Besloten afgelopen week: %(n)s") % {"n": summary["decided"]},
                _("Nieuwe voorstellen: %(n)s") % {"n": summary["new"]},
                *(["", *extra] if extra else []),
            ]
        )
        if notify(
            user=user,
            kind="board.digest",
            title=_("Weekoverzicht plaatsingstafel %(week)s") % {"week": week},
            body=body,
            url=reverse("matching:board-list"),
            dedupe_key=f"board-digest:{week}",
        ):
            sent += 1
    return sent
