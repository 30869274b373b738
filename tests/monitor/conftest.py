"""The placements world (one board, a provider, two corporations, outsiders of every kind)
with a history the monitor counts: placements signed on chosen days, decisions, quotas."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from matching.board.models import Meeting, Proposal, ProposalStatus
from matching.placements.models import Placement
from tests.placements.conftest import World, world  # noqa: F401 - fixture used here


def at_day(day: dt.date, hour: int = 11) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def month_ago(months: int, day: int = 10) -> dt.date:
    """A day `months` whole months before this month (never today: the tests must not
    assume the meeting date is today)."""
    today = timezone.localdate()
    index = today.year * 12 + today.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, day)


def housed(
    world: World,  # noqa: F811
    *,
    on: dt.date,
    registered: dt.date,
    ready: dt.date | None = None,
) -> Placement:
    """A client registered on `registered`, ready on `ready`, placed and housed on `on`."""
    agreement = world.signed()
    placement = Placement.objects.get(pk=agreement.placement_id)
    client = placement.client
    type(client).objects.filter(pk=client.pk).update(
        registered_at=at_day(registered), ready_since=at_day(ready or registered)
    )
    Placement.objects.filter(pk=placement.pk).update(created_at=at_day(on), housed_on=on)
    Proposal.objects.filter(pk=placement.proposal_id).update(closed_at=at_day(on))
    return Placement.objects.get(pk=placement.pk)


@pytest.fixture
def history(world: World) -> Any:  # noqa: F811
    """history(n, months_ago=...) -> n placements housed that many months ago."""

    def make(n: int, *, months_ago: int, waited_days: int = 100) -> list[Placement]:
        on = month_ago(months_ago)
        return [
            housed(world, on=on, registered=on - dt.timedelta(days=waited_days + i))
            for i in range(n)
        ]

    return make


@pytest.fixture(scope="module")
def seeded_demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    """`manage.py seed_demo` once for the whole test module (it runs every demo module
    through the services and takes minutes), inside a transaction rolled back after the
    module; each test runs in its own savepoint within it. Yields the command's output."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        call_command("seed_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def meeting_on(world: World, day: dt.date) -> Meeting:  # noqa: F811
    from matching.board import services as board_services

    return Meeting.objects.get_or_create(
        board=world.board, date=day, defaults={"week_label": board_services.week_label(day)}
    )[0]


__all__ = ["ProposalStatus", "at_day", "housed", "meeting_on", "month_ago"]
