"""An evaluation's page shows the signals of the period it looks back on: from the day after
the evaluation held before it (the first one: from the lease start) up to its own day, so a
signal raised after an evaluation was held does not appear on it as if it had been discussed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from matching.aftercare.models import Signal
from matching.aftercare.templatetags.aftercare import evaluation_period
from matching.placements.models import Evaluation, EvaluationKind, Judgement
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def _on(signal: Signal, day: dt.date) -> Signal:
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
    Signal.objects.filter(pk=signal.pk).update(raised_at=moment)
    signal.refresh_from_db()
    return signal


def _hold(evaluation: Any, day: dt.date) -> None:
    type(evaluation).objects.filter(pk=evaluation.pk).update(
        held_on=day, judgement=Judgement.POSITIVE
    )
    evaluation.refresh_from_db()


def _two_evaluations(agreement: Any) -> tuple[Any, Any]:
    """The scheduled evaluation and a final one after it (an extension schedules one)."""
    first = agreement.evaluations.order_by("due_on", "id").first()
    second = Evaluation.objects.create(
        agreement=agreement,
        kind=EvaluationKind.FINAL,
        due_on=first.due_on + dt.timedelta(days=180),
    )
    return first, second


def test_each_evaluation_shows_the_signals_of_its_own_period(world, agreement, raise_signal):
    first, second = _two_evaluations(agreement)
    start = agreement.lease_start
    _hold(first, start + dt.timedelta(days=90))
    on_start = _on(raise_signal(), start)
    on_first_day = _on(raise_signal(), start + dt.timedelta(days=90))
    after_first = _on(raise_signal(), start + dt.timedelta(days=91))
    after_second = _on(raise_signal(), start + dt.timedelta(days=200))
    _hold(second, start + dt.timedelta(days=180))

    assert evaluation_period(agreement, first) == (start, start + dt.timedelta(days=90))
    assert evaluation_period(agreement, second) == (
        start + dt.timedelta(days=91),
        start + dt.timedelta(days=180),
    )

    client = sign_in(Client(), world.coordinator)
    page = client.get(reverse("placements:evaluation", args=[first.pk])).content.decode()
    assert on_start.reference in page and on_first_day.reference in page
    assert after_first.reference not in page and after_second.reference not in page
    assert "tot en met" in page

    page = client.get(reverse("placements:evaluation", args=[second.pk])).content.decode()
    assert after_first.reference in page
    assert on_start.reference not in page and on_first_day.reference not in page
    assert after_second.reference not in page  # raised after this evaluation was held


def test_an_evaluation_still_to_be_held_shows_everything_since_the_previous(
    world, agreement, raise_signal
):
    first, second = _two_evaluations(agreement)
    start = agreement.lease_start
    _hold(first, start + dt.timedelta(days=30))
    before = _on(raise_signal(), start + dt.timedelta(days=10))
    since = _on(raise_signal(), start + dt.timedelta(days=31))
    assert evaluation_period(agreement, second) == (start + dt.timedelta(days=31), None)

    page = (
        sign_in(Client(), world.coordinator)
        .get(reverse("placements:evaluation", args=[second.pk]))
        .content.decode()
    )
    assert since.reference in page and before.reference not in page
    assert "Signalen sinds" in page
