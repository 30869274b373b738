"""Werkvoorraad items for the municipality's chair and analyst: corporations without a quota
for this year, and corporations behind on their agreed share (aggregates only)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import ngettext

from accounts import access, worklist

from . import selectors
from .models import Quota


def work_items(user: Any, today: dt.date) -> list[worklist.WorkItem]:
    if not access.decide(user, "create", Quota):
        return []
    v = selectors.viewer(user)
    if v is None or not v.municipality:
        return []
    figures = selectors.quotas(v=v, year=today.year, today=today)
    url = reverse("monitor:quotas")
    items: list[worklist.WorkItem] = []
    missing = [r for r in figures.rows if r.quota is None]
    if missing:
        n = len(missing)
        items.append(
            worklist.WorkItem(
                key="monitor.quota_missing",
                label=ngettext(
                    "%(n)s corporatie heeft nog geen contingent voor %(year)s",
                    "%(n)s corporaties hebben nog geen contingent voor %(year)s",
                    n,
                )
                % {"n": n, "year": today.year},
                count=n,
                url=url,
                action=ngettext("Contingent vaststellen", "Contingenten vaststellen", n),
                entries=tuple(worklist.Entry(label=r.name, url=url) for r in missing[:5]),
            )
        )
    behind = [r for r in figures.rows if r.behind]
    if behind:
        n = len(behind)
        items.append(
            worklist.WorkItem(
                key="monitor.quota_behind",
                label=ngettext(
                    "%(n)s corporatie loopt achter op het contingent",
                    "%(n)s corporaties lopen achter op het contingent",
                    n,
                )
                % {"n": n},
                count=n,
                url=url,
                action=ngettext("Contingent bekijken", "Contingenten bekijken", n),
                entries=tuple(worklist.Entry(label=r.name, url=url) for r in behind[:5]),
            )
        )
    return items
