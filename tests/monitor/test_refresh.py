"""The materialised monthly counts: rebuilt from the event history as a whole (beat, or a
page whose counts are stale), the same figures as counting live."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from matching.monitor import selectors, services, tasks
from matching.monitor.models import FiguresRefresh, MonthlyCount
from matching.monitor.periods import Period, add_months, month_start

pytestmark = pytest.mark.django_db


def _period() -> Period:
    last = month_start(timezone.localdate())
    return Period(add_months(last, -11), last)


def _housed_total(world) -> int | None:
    flow = selectors.flow(v=selectors.viewer(world.analyst), period=_period())
    return flow.table.grid.column_totals[7]


def test_the_counts_are_the_event_history_counted_per_month(world, history):
    history(5, months_ago=1)
    refresh = services.figures_refresh(region_id=world.region.pk)
    assert refresh.rows == MonthlyCount.objects.filter(region=world.region).count()
    housed = MonthlyCount.objects.filter(region=world.region, measure="housed")
    assert sum(housed.values_list("n", flat=True)) == 5


def test_a_stale_snapshot_is_rebuilt_before_it_is_read(world, history):
    history(5, months_ago=1)
    assert _housed_total(world) == 5
    history(5, months_ago=2)
    assert _housed_total(world) == 5  # fresh: read as counted five minutes ago at most
    FiguresRefresh.objects.update(refreshed_at=timezone.now() - dt.timedelta(hours=1))
    assert _housed_total(world) == 10


def test_a_rebuild_replaces_the_counts_and_is_idempotent(world, history):
    history(5, months_ago=1)
    services.figures_refresh(region_id=world.region.pk)
    first = sorted(MonthlyCount.objects.values_list("month", "measure", "n"))
    services.figures_refresh(region_id=world.region.pk)
    assert sorted(MonthlyCount.objects.values_list("month", "measure", "n")) == first


def test_beat_rebuilds_every_board_region(world, history):
    history(5, months_ago=1)
    assert tasks.refresh_figures() == 1
    assert FiguresRefresh.objects.get(region=world.region).rows > 0
