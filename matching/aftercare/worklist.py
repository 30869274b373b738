"""Werkvoorraad items for signals: what waits for my side (acknowledge, answer) with its
deadline, and for the chair the escalated signals of the region's next meeting."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import ngettext

from accounts import access, worklist
from accounts.models import Role
from matching.board.permissions import municipality_region_ids

from . import services
from .models import Signal, SignalState


def work_items(user: Any, today: dt.date) -> list[worklist.WorkItem]:
    items: list[worklist.WorkItem] = []
    waiting = services.open_for(user)
    if waiting:
        due = {s.pk: step[1] for s in waiting if (step := s.current_due())}
        first = min(due.values()) if due else None
        n = len(waiting)
        items.append(
            worklist.WorkItem(
                key="aftercare.signals_waiting",
                label=ngettext(
                    "%(n)s signaal over een huurder wacht op uw reactie",
                    "%(n)s signalen over huurders wachten op uw reactie",
                    n,
                )
                % {"n": n},
                count=n,
                url=reverse("aftercare:signal-list"),
                action=ngettext("Signaal beantwoorden", "Signalen beantwoorden", n),
                deadline=first,
                status=worklist.status_of(first, today, soon_days=2),
                entries=tuple(
                    worklist.Entry(
                        label=f"{s.reference} · {s.get_category_display()}",
                        url=reverse("aftercare:signal-detail", args=[s.pk]),
                        deadline=due.get(s.pk),
                    )
                    for s in waiting[: worklist.MAX_ENTRIES]
                ),
            )
        )
    if municipality_region_ids(user, Role.BOARD_CHAIR):
        escalated = list(
            access.scope(user, Signal)
            .filter(escalated_at__isnull=False, discussed_at_meeting__isnull=True)
            .filter(~Q(state=SignalState.CLOSED) | Q(outcome="tenancy_at_risk"))
            .order_by("escalated_at", "pk")
        )
        if escalated:
            n = len(escalated)
            items.append(
                worklist.WorkItem(
                    key="aftercare.escalated",
                    label=ngettext(
                        "%(n)s signaal voorgelegd aan de plaatsingstafel",
                        "%(n)s signalen voorgelegd aan de plaatsingstafel",
                        n,
                    )
                    % {"n": n},
                    count=n,
                    url=reverse("aftercare:signal-list"),
                    action=ngettext(
                        "Bespreken in het zorg- en woonoverleg",
                        "Bespreken in het zorg- en woonoverleg",
                        n,
                    ),
                    status=worklist.SOON,
                    entries=tuple(
                        worklist.Entry(
                            label=f"{s.reference} · {s.get_category_display()}",
                            url=reverse("aftercare:signal-detail", args=[s.pk]),
                        )
                        for s in escalated[: worklist.MAX_ENTRIES]
                    ),
                )
            )
    return items
