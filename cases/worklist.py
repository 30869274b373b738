"""The coordinator's Werkvoorraad items for clients: consents about to lapse, drafts to finish."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import ngettext

from accounts import access, worklist
from accounts.models import Role

from .models import Client, ClientStatus, Consent

CONSENT_WARNING_DAYS = 30


def work_items(user: Any, today: dt.date) -> list[worklist.WorkItem]:
    if Role.CARE_COORDINATOR not in access.roles_of(user):
        return []
    clients = access.scope(user, Client)
    items: list[worklist.WorkItem] = []
    expiring = list(
        Consent.objects.filter(
            client__in=clients,
            ended_at__isnull=True,
            valid_until__gte=today,
            valid_until__lte=today + dt.timedelta(days=CONSENT_WARNING_DAYS),
        )
        .select_related("client")
        .order_by("valid_until", "pk")
    )
    if expiring:
        n = len(expiring)
        items.append(
            worklist.WorkItem(
                key="cases.consent_expiring",
                label=ngettext(
                    "%(n)s toestemming verloopt binnen 30 dagen",
                    "%(n)s toestemmingen verlopen binnen 30 dagen",
                    n,
                )
                % {"n": n},
                count=n,
                url=reverse("cases:consent-record", args=[expiring[0].client.reference]),
                action=ngettext("Toestemming vernieuwen", "Toestemmingen vernieuwen", n),
                deadline=expiring[0].valid_until,
                status=worklist.status_of(expiring[0].valid_until, today),
                entries=tuple(
                    worklist.Entry(
                        c.client.reference,
                        reverse("cases:consent-record", args=[c.client.reference]),
                        c.valid_until,
                    )
                    for c in expiring[: worklist.MAX_ENTRIES]
                ),
            )
        )
    drafts = list(
        clients.filter(status=ClientStatus.DRAFT, coordinator=user)
        .order_by("registered_at", "pk")
        .values_list("reference", flat=True)[: worklist.MAX_ENTRIES + 1]
    )
    if drafts:
        total = clients.filter(status=ClientStatus.DRAFT, coordinator=user).count()
        items.append(
            worklist.WorkItem(
                key="cases.drafts",
                label=ngettext(
                    "%(n)s intake nog niet uitstroomklaar gemeld",
                    "%(n)s intakes nog niet uitstroomklaar gemeld",
                    total,
                )
                % {"n": total},
                count=total,
                url=reverse("cases:client-list") + "?status=draft&mine=on",
                action=ngettext("Intake afmaken", "Intakes afmaken", total),
                entries=tuple(
                    worklist.Entry(ref, reverse("cases:client-detail", args=[ref]))
                    for ref in drafts[: worklist.MAX_ENTRIES]
                ),
            )
        )
    return items
