"""Signals as an opt-in input of the carrying-capacity model's nuisance indicator (issue 20,
item 6): off by default (score unchanged), on → minus weight per published nuisance signal
per 1,000 homes (capped); counts under the small-number threshold never show or weigh."""

from __future__ import annotations

import pytest

from accounts.models import AccessLogEntry
from housing import capacity, selectors
from housing import services as housing_services
from housing.models import CapacityWeightsChange
from matching.aftercare.models import SignalCategory

pytestmark = pytest.mark.django_db


def _signals(raise_signal, n: int, category=SignalCategory.NUISANCE) -> None:
    for _ in range(n):
        raise_signal(category=category)


def _switch_on(world, weight: float = 1.0) -> None:
    values = selectors.weights_for(world.municipality)
    housing_services.capacity_weights_update(
        actor=world.analyst,
        municipality=world.municipality,
        values={**values, "signals_nuisance_weight": weight},
        reason="Overlastsignalen meewegen",
    )


def _line(result):
    return [c for c in result.breakdown if c.key == capacity.SIGNALS_KEY]


def test_off_by_default_the_score_is_unchanged(world, raise_signal):
    before = selectors.neighbourhood_capacity(world.neighbourhood)
    _signals(raise_signal, 6)
    after = selectors.neighbourhood_capacity(world.neighbourhood)
    assert capacity.DEFAULT_WEIGHTS["signals_nuisance_weight"] == 0
    assert after == before and _line(after) == []


def test_switched_on_each_published_signal_per_1000_homes_costs_its_weight(world, raise_signal):
    _signals(raise_signal, 6)
    _signals(raise_signal, 5, SignalCategory.RENT_ARREARS)  # not nuisance: never counts
    before = selectors.neighbourhood_capacity(world.neighbourhood)
    _switch_on(world, weight=1.5)
    after = selectors.neighbourhood_capacity(world.neighbourhood)
    (line,) = _line(after)
    # 6 nuisance signals in 1,000 homes = 6.0 per 1,000; × 1.5 = −9 points (under the cap of 10).
    assert line.points == -9.0 and not line.missing
    assert after.score == pytest.approx(before.score - 9.0)
    assert after.inputs_known == before.inputs_known  # not one of the inputs a score rests on
    # The switch has its history and its access-log row.
    change = CapacityWeightsChange.objects.get()
    assert change.diff["signals_nuisance_weight"] == [0.0, 1.5]
    assert change.changed_by == world.analyst
    assert AccessLogEntry.objects.filter(event="housing.municipality.weights_changed").exists()


def test_the_cap_limits_the_points(world, raise_signal):
    _signals(raise_signal, 6)
    _switch_on(world, weight=5.0)  # 6 × 5 = 30, capped at 10
    (line,) = _line(selectors.neighbourhood_capacity(world.neighbourhood))
    assert line.points == -capacity.DEFAULT_WEIGHTS["signals_nuisance_cap"]


def test_a_count_under_the_threshold_never_shows_nor_weighs(world, raise_signal):
    _signals(raise_signal, 4)
    _switch_on(world, weight=1.0)
    before_on = selectors.neighbourhood_capacity(world.neighbourhood)
    (line,) = _line(before_on)
    assert line.points == 0.0
    assert line.value.startswith("0 ")  # the same as no signal at all: 4 never appears
    assert "4" not in line.value
    for user in (world.consultant, world.coordinator, world.chair, world.analyst):
        data = selectors.capacity_for_reader(user, before_on).as_dict()
        (shown,) = [b for b in data["breakdown"] if b["key"] == capacity.SIGNALS_KEY]
        assert shown["value"] == line.value and shown["points"] == 0.0
    # One more makes it 5: published, and it weighs.
    _signals(raise_signal, 1)
    (line,) = _line(selectors.neighbourhood_capacity(world.neighbourhood))
    assert line.points == -5.0


def test_the_score_function_without_the_count_names_it_missing():
    inputs = capacity.Inputs(
        homes=1000,
        liveability_class=5,
        corporation_share=None,
        lvb_share=None,
        welfare_share=None,
        psychiatric_share=None,
    )
    off = capacity.score(inputs)
    on = capacity.score(inputs, {"signals_nuisance_weight": 2})
    assert on.score == off.score and _line(on)[0].missing
    counted = capacity.score(
        capacity.Inputs(**{**inputs.__dict__, "nuisance_signals_12m": 3}),
        {"signals_nuisance_weight": 2},
    )
    assert counted.score == pytest.approx(off.score - 6.0)


def test_a_negative_weight_is_refused(world):
    from accounts.errors import DomainError

    values = selectors.weights_for(world.municipality)
    with pytest.raises(DomainError) as error:
        housing_services.capacity_weights_update(
            actor=world.analyst,
            municipality=world.municipality,
            values={**values, "signals_nuisance_weight": -1},
        )
    assert error.value.code == "invalid_weights"


def test_the_chair_or_analyst_switches_it_on_on_the_weights_page(world):
    from django.test import Client
    from django.urls import reverse

    from tests.conftest import sign_in

    url = reverse("housing:weights", kwargs={"code": world.municipality.code})
    page = sign_in(Client(), world.chair).get(url)
    assert page.status_code == 200
    assert page.context["form"]["signals_nuisance_weight"].initial == 0
    form = dict(selectors.weights_for(world.municipality)) | {
        "signals_nuisance_weight": "2",
        "reason": "Besluit college: overlastsignalen mee",
    }
    refused = sign_in(Client(), world.consultant).post(url, form)
    assert refused.status_code in (403, 404)
    assert not CapacityWeightsChange.objects.exists()
    done = sign_in(Client(), world.chair).post(url, form)
    assert done.status_code == 302
    assert selectors.weights_for(world.municipality)["signals_nuisance_weight"] == 2.0
    history = sign_in(Client(), world.analyst).get(url).content.decode()
    assert "signals_nuisance_weight" in history and "Besluit college" in history
    bad = sign_in(Client(), world.chair).post(url, form | {"signals_nuisance_weight": "-1"})
    assert bad.status_code == 400
    assert selectors.weights_for(world.municipality)["signals_nuisance_weight"] == 2.0
