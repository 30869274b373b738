"""Agreed shares: the municipality sets a quota per corporation and year (history kept); the
page compares it with dwellings offered, agreed and let; a missing quota is a sentence."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from accounts.errors import FieldErrors, Forbidden
from accounts.models import AccessLogEntry
from matching.monitor import selectors, services
from matching.monitor.models import Quota
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_setting_a_quota_again_keeps_the_history_and_the_latest_holds(world):
    year = timezone.localdate().year
    services.quota_set(actor=world.chair, corporation=world.corporation, year=year, dwellings=8)
    services.quota_set(actor=world.analyst, corporation=world.corporation, year=year, dwellings=12)
    assert Quota.objects.filter(corporation=world.corporation, year=year).count() == 2
    assert services.quota_in_force(corporation_id=world.corporation.pk, year=year).dwellings == 12
    figures = selectors.quotas(v=selectors.viewer(world.chair), year=year)
    row = next(r for r in figures.rows if r.corporation_id == world.corporation.pk)
    assert row.quota == 12
    assert [q.dwellings for q in row.history] == [12, 8]
    assert AccessLogEntry.objects.filter(event="monitor.quota.set").count() == 2


@pytest.mark.parametrize("persona", ["consultant", "coordinator", "elsewhere_chair", "org_admin"])
def test_only_the_regions_municipality_sets_a_quota(world, persona):
    with pytest.raises(Forbidden):
        services.quota_set(
            actor=getattr(world, persona),
            corporation=world.corporation,
            year=timezone.localdate().year,
            dwellings=5,
        )
    assert not Quota.objects.exists()


@pytest.mark.parametrize(
    "year, dwellings, field",
    [(1999, 5, "year"), (2026, -1, "dwellings"), (2026, 10**6, "dwellings")],
)
def test_a_bad_quota_is_refused_per_field(world, year, dwellings, field):
    with pytest.raises(FieldErrors) as error:
        services.quota_set(
            actor=world.chair, corporation=world.corporation, year=year, dwellings=dwellings
        )
    assert field in error.value.field_errors


def test_the_quota_form_shows_a_field_message_for_bad_input(world):
    c = sign_in(Client(), world.chair)
    r = c.post(
        "/monitor/contingenten/",
        {"corporation": world.corporation.pk, "year": 2026, "dwellings": "-3"},
    )
    assert r.status_code == 200
    assert "dwellings" in r.context["quota_form"].errors
    assert not Quota.objects.exists()


def test_the_quota_form_sets_the_quota(world):
    c = sign_in(Client(), world.chair)
    year = timezone.localdate().year
    r = c.post(
        "/monitor/contingenten/",
        {
            "corporation": world.corporation.pk,
            "year": year,
            "dwellings": 14,
            "note": "Prestatieafspraken",
        },
    )
    assert r.status_code == 302
    assert Quota.objects.get().dwellings == 14


def test_behind_against_the_pro_rata_share(world):
    year = timezone.localdate().year
    services.quota_set(actor=world.chair, corporation=world.corporation, year=year, dwellings=24)
    v = selectors.viewer(world.analyst)
    mid_year = dt.date(year, 7, 1)
    figures = selectors.quotas(v=v, year=year, today=mid_year)
    row = next(r for r in figures.rows if r.corporation_id == world.corporation.pk)
    assert row.target_to_date == pytest.approx(24 * 182 / (366 if year % 4 == 0 else 365))
    assert row.let == 0
    assert row.difference == pytest.approx(-row.target_to_date)
    assert row.behind


def test_a_corporation_without_a_quota_gets_a_sentence_not_a_division(world):
    c = sign_in(Client(), world.chair)
    r = c.get("/monitor/contingenten/")
    assert r.status_code == 200
    rows = r.context["result"].rows
    assert all(row.quota is None and row.difference is None for row in rows)
    assert "geen contingent" in r.content.decode()


def test_a_consultant_sees_only_their_own_corporation(world):
    figures = selectors.quotas(v=selectors.viewer(world.consultant), year=timezone.localdate().year)
    assert [r.corporation_id for r in figures.rows] == [world.corporation.pk]
    c = sign_in(Client(), world.consultant)
    assert c.get("/monitor/contingenten/").context["quota_form"] is None


def test_the_municipality_is_told_which_corporations_lack_a_quota(world):
    from accounts import worklist

    items = {i.key: i for i in worklist.items_for(world.chair)}
    assert items["monitor.quota_missing"].count == 2
    assert "monitor.quota_missing" not in {i.key for i in worklist.items_for(world.consultant)}
