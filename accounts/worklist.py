"""The Werkvoorraad on the home page: what waits for this person, with counts and deadlines.

Apps register a provider in `AppConfig.ready()` (like `navigation.register`): a function
`(user, today) -> list[WorkItem]` that reads through the permission layer (its selectors),
so a person only ever counts what they may see. The home page shows the items sorted by
urgency and deadline; each links straight to where the work is done.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise

logger = logging.getLogger(__name__)

OVERDUE, SOON, LATER = "overdue", "soon", "later"


@dataclass(frozen=True)
class Entry:
    label: str
    url: str
    deadline: dt.date | None = None


MAX_ENTRIES = 5


@dataclass(frozen=True)
class WorkItem:
    key: str  # stable code ("board.client_answers"); tests assert on it
    label: str | Promise  # already pluralised for `count`
    count: int
    url: str
    action: str | Promise  # the link text: what to do
    deadline: dt.date | None = None  # the earliest deadline among them
    status: str = LATER  # overdue | soon | later
    entries: tuple[Entry, ...] = ()  # up to a few individual links, earliest first

    @property
    def is_overdue(self) -> bool:
        return self.status == OVERDUE

    @property
    def is_soon(self) -> bool:
        return self.status == SOON

    @property
    def sort_key(self) -> tuple[int, dt.date, str]:
        rank = {OVERDUE: 0, SOON: 1}.get(self.status, 2)
        return rank, self.deadline or dt.date.max, str(self.label)


Provider = Callable[[Any, dt.date], list[WorkItem]]
_providers: list[Provider] = []


def register(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def status_of(deadline: dt.date | None, today: dt.date, *, soon_days: int = 7) -> str:
    if deadline is None:
        return LATER
    if deadline < today:
        return OVERDUE
    return SOON if deadline <= today + dt.timedelta(days=soon_days) else LATER


def items_for(user: Any, *, today: dt.date | None = None) -> list[WorkItem]:
    """Every provider's items with a count above zero, most urgent first. A failing provider
    costs its own items (logged), never the home page."""
    today = today or timezone.localdate()
    items: list[WorkItem] = []
    for provider in _providers:
        try:
            items.extend(i for i in provider(user, today) if i.count > 0)
        except Exception:  # the start page must open even when one app's read fails
            logger.exception("worklist provider %s failed", getattr(provider, "__name__", "?"))
    return sorted(items, key=lambda i: i.sort_key)
