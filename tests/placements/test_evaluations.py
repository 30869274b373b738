"""Evaluations and the welcome talk: structured, recorded by one party, confirmed by the other."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts.errors import DomainError, Forbidden
from matching.placements import services
from matching.placements.models import Evaluation, WelcomeTalk

from .conftest import backdate
from .test_transitions import GOOD

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def evaluation(world):
    agreement = backdate(world.signed(), days=366)
    return agreement.evaluations.get()


def test_one_party_records_and_the_other_confirms(world, evaluation):
    recorded = services.evaluation_record(
        actor=world.consultant, evaluation=evaluation, data={**GOOD, "held_on": TODAY()}
    )
    assert recorded.recorded_party == "corporation"
    assert not recorded.is_positive
    confirmed = services.evaluation_confirm(actor=world.coordinator, evaluation=recorded)
    assert confirmed.is_positive
    assert confirmed.agreement.transitions.filter(action="evaluation_confirmed").exists()


def test_the_same_party_cannot_confirm_its_own_evaluation(world, evaluation):
    services.evaluation_record(
        actor=world.coordinator, evaluation=evaluation, data={**GOOD, "held_on": TODAY()}
    )
    with pytest.raises(DomainError) as info:
        services.evaluation_confirm(actor=world.colleague, evaluation=evaluation)
    assert info.value.code == "four_eyes"
    assert not Evaluation.objects.get(pk=evaluation.pk).is_confirmed


def test_the_other_party_cannot_overwrite_a_recorded_evaluation(world, evaluation):
    services.evaluation_record(
        actor=world.coordinator, evaluation=evaluation, data={**GOOD, "held_on": TODAY()}
    )
    with pytest.raises(DomainError) as info:
        services.evaluation_record(
            actor=world.consultant,
            evaluation=evaluation,
            data={**GOOD, "judgement": "negative", "held_on": TODAY()},
        )
    assert info.value.code == "recorded_by_other"
    assert Evaluation.objects.get(pk=evaluation.pk).judgement == "positive"


def test_an_evaluation_held_before_the_start_is_refused(world, evaluation):
    start = evaluation.agreement.lease_start
    with pytest.raises(services.FieldErrors) as info:
        services.evaluation_record(
            actor=world.coordinator,
            evaluation=evaluation,
            data={**GOOD, "held_on": start - dt.timedelta(days=1)},
        )
    assert info.value.codes == {"held_on": "before_start"}
    assert Evaluation.objects.get(pk=evaluation.pk).held_on is None


def test_an_evaluation_in_the_future_or_incomplete_is_refused_per_field(world, evaluation):
    with pytest.raises(services.FieldErrors) as info:
        services.evaluation_record(
            actor=world.coordinator,
            evaluation=evaluation,
            data={
                "held_on": TODAY() + dt.timedelta(days=1),
                "judgement": "great",
                "care_continuing": None,
            },
        )
    assert {
        "held_on": "in_future",
        "judgement": "invalid_choice",
        "care_continuing": "required",
        "living_independently": "invalid_choice",
    }.items() <= info.value.codes.items()


def test_the_municipality_cannot_record_an_evaluation(world, evaluation):
    with pytest.raises(Forbidden) as info:
        services.evaluation_record(
            actor=world.chair, evaluation=evaluation, data={**GOOD, "held_on": TODAY()}
        )
    assert info.value.code in ("forbidden", "not_found")


def test_a_welcome_talk_needs_a_date_and_who(world):
    agreement = world.signed()
    with pytest.raises(services.FieldErrors) as info:
        services.welcome_talk_record(
            actor=world.coordinator,
            placement=agreement.placement,
            held_on=TODAY() + dt.timedelta(days=2),
            participants="",
        )
    assert set(info.value.errors) == {"held_on", "participants"}
    assert not WelcomeTalk.objects.exists()
