"""Werkvoorraad items of the foundation: refused access attempts for the organisation admin."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import ngettext

from . import access, worklist
from .models import AccessLogEntry, AccessResult, Role

REFUSED_DAYS = 7


def work_items(user: Any, today: dt.date) -> list[worklist.WorkItem]:
    if Role.ORG_ADMIN not in access.roles_of(user):
        return []
    since = today - dt.timedelta(days=REFUSED_DAYS)
    start = dt.datetime.combine(since, dt.time.min, tzinfo=dt.UTC)
    refused = (
        access.scope(user, AccessLogEntry)
        .filter(result=AccessResult.REFUSED, at__gte=start)
        .count()
    )
    if not refused:
        return []
    return [
        worklist.WorkItem(
            key="accounts.refused_access",
            label=ngettext(
                "%(n)s geweigerde toegangspoging in de afgelopen 7 dagen",
                "%(n)s geweigerde toegangspogingen in de afgelopen 7 dagen",
                refused,
            )
            % {"n": refused},
            count=refused,
            url=reverse("accounts:access-log") + f"?result=refused&date_from={since.isoformat()}",
            action=ngettext("Bekijk de poging", "Bekijk de pogingen", refused),
        )
    ]
