"""Lifecycle, stops and limits, weights with history, placements and capacity from the models."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.access import SYSTEM
from accounts.errors import DomainError, Forbidden
from accounts.models import AccessLogEntry
from housing import selectors, services
from housing.models import CapacityWeightsChange, DwellingStatus
from tests.housing.factories import DwellingFactory


def test_a_dwelling_goes_from_draft_to_let_with_history(world):
    d, a = world.draft, world.consultant_a
    services.dwelling_offer(actor=a, dwelling=d)
    services.dwelling_reserve(actor=world.chair, dwelling=d, note="voor cliënt X-12")
    services.dwelling_let(actor=a, dwelling=d)
    d.refresh_from_db()
    assert d.status == DwellingStatus.LET
    assert d.let_to_outflow_at is not None
    steps = list(d.events.order_by("at", "pk").values_list("from_status", "to_status"))
    assert steps == [("draft", "offered"), ("offered", "reserved"), ("reserved", "let")]


def test_a_draft_cannot_be_let_directly(world):
    with pytest.raises(DomainError) as error:
        services.dwelling_let(actor=world.consultant_a, dwelling=world.draft)
    assert error.value.code == "invalid_transition"


def test_a_withdrawn_dwelling_can_be_reopened_as_draft(world):
    services.dwelling_withdraw(actor=world.consultant_a, dwelling=world.offered)
    services.dwelling_reopen(actor=world.consultant_a, dwelling=world.offered)
    assert world.offered.status == DwellingStatus.DRAFT


def test_services_refuse_an_actor_the_layer_refuses(world):
    with pytest.raises(Forbidden) as error:
        services.dwelling_withdraw(actor=world.consultant_b, dwelling=world.offered)
    assert (error.value.code, error.value.hidden) == ("forbidden", False)
    world.offered.refresh_from_db()
    assert world.offered.status == DwellingStatus.OFFERED


def test_services_hide_what_lies_outside_the_actors_scope(world):
    # Was: housing's check skipped visibility, so only the rule was asked.
    with pytest.raises(Forbidden) as error:
        services.dwelling_withdraw(actor=world.consultant_b, dwelling=world.draft)
    assert (error.value.code, error.value.hidden) == ("not_found", True)
    with pytest.raises(Forbidden) as error:
        services.stairwell_record_count(
            actor=world.outsider, stairwell=world.stairwell, current_vulnerable=3
        )
    assert error.value.hidden


def test_services_refuse_a_missing_actor(world):
    # Was: actor=None passed every check ("the system"); the system now says so explicitly.
    with pytest.raises(Forbidden):
        services.dwelling_offer(actor=None, dwelling=world.draft)  # type: ignore[arg-type]
    world.draft.refresh_from_db()
    assert world.draft.status == DwellingStatus.DRAFT


def test_the_system_actor_passes_and_is_logged_as_the_system(world):
    services.dwelling_offer(actor=SYSTEM, dwelling=world.draft)
    entry = AccessLogEntry.objects.get(event="housing.dwelling.offered")
    assert (entry.user_id, entry.channel, entry.rule) == (None, "system", "system:system")


def test_a_state_change_writes_an_access_log_row(world):
    before = AccessLogEntry.objects.filter(action="change", result="success").count()
    services.dwelling_offer(actor=world.consultant_a, dwelling=world.draft)
    assert AccessLogEntry.objects.filter(action="change", result="success").count() == before + 1


def test_a_negative_rent_is_refused(world):
    with pytest.raises(DomainError) as error:
        services.dwelling_create(
            actor=world.consultant_a, corporation=world.corp_a, reference="N", street="Kade", number=1,
            postcode="1234AB", city="T", neighbourhood=world.neighbourhood, dwelling_type="studio",
            rooms=1, bedrooms=0, living_area=30, net_rent=Decimal("-1"),
        )  # fmt: skip
    assert error.value.field == "net_rent"


def test_a_stopped_complex_cannot_offer_dwellings(world):
    d = DwellingFactory(
        corporation=world.corp_a, neighbourhood=world.neighbourhood, complex=world.complex
    )
    with pytest.raises(DomainError) as error:
        services.dwelling_offer(actor=world.consultant_a, dwelling=d)
    assert error.value.code == "complex_stopped"


def test_the_board_chair_stops_and_lifts_a_complex_with_reason_and_who(world):
    services.complex_stop_lift(actor=world.chair, stop=world.stop)
    stop = services.complex_stop(
        actor=world.chair,
        complex=world.complex,
        reason="overlast",
        until=timezone.localdate() + timedelta(days=30),
    )
    assert (stop.decided_by, stop.reason) == (world.chair, "overlast")
    assert world.complex.pk in selectors.stopped_complex_ids()
    with pytest.raises(Forbidden):
        services.complex_stop(
            actor=world.consultant_a, complex=world.complex, reason="x", until=timezone.localdate()
        )


def test_stairwells_default_to_one_vulnerable_household(world):
    s = services.stairwell_create(actor=world.consultant_a, complex=world.complex, name="Portiek 3")
    assert s.max_vulnerable == 1
    services.stairwell_record_count(actor=world.consultant_a, stairwell=s, current_vulnerable=1)
    assert not s.has_room
    services.stairwell_set_limit(actor=world.chair, stairwell=s, max_vulnerable=2)
    assert s.has_room and s.limit_set_by == world.chair


def test_placements_count_dwellings_let_to_outflow_in_the_last_12_months(world):
    now = timezone.now()
    for days in (10, 200, 400):
        DwellingFactory(
            corporation=world.corp_a,
            neighbourhood=world.neighbourhood,
            status="let",
            let_to_outflow_at=now - timedelta(days=days),
        )
    DwellingFactory(
        corporation=world.corp_a, neighbourhood=world.neighbourhood, status="let"
    )  # let, not to outflow
    assert selectors.placements_last_12_months(world.neighbourhood) == 2


def test_capacity_from_the_models_uses_the_latest_year_and_placements(world):
    # factory indicators: 1000 homes, class 5, 30% corp, 10% LVB, 5% welfare, 3% psych → 70
    assert selectors.neighbourhood_capacity(world.neighbourhood).score == 70
    DwellingFactory(
        corporation=world.corp_a,
        neighbourhood=world.neighbourhood,
        status="let",
        let_to_outflow_at=timezone.now(),
    )
    result = selectors.neighbourhood_capacity(world.neighbourhood)
    assert (result.score, result.headroom, result.year) == (66, 6, 2025)


def test_the_capacity_of_a_past_moment_uses_that_years_indicators(world):
    world.neighbourhood.indicators.filter(year=2024).update(liveability_class=3)
    at = timezone.now().replace(year=2024)
    assert selectors.neighbourhood_capacity(world.neighbourhood, at=at).score == 60


def test_weights_changes_are_kept_with_who_and_what(world):
    services.capacity_weights_update(
        actor=world.analyst,
        municipality=world.municipality,
        values={"green_from": 75},
        reason="strenger",
    )
    services.capacity_weights_update(
        actor=world.chair,
        municipality=world.municipality,
        values={"green_from": 75, "placements_weight": 6},
    )
    changes = list(CapacityWeightsChange.objects.order_by("pk"))
    assert [(c.changed_by, c.diff) for c in changes] == [
        (world.analyst, {"green_from": [60.0, 75.0]}),
        (world.chair, {"placements_weight": [4.0, 6.0]}),
    ]
    assert selectors.neighbourhood_capacity(world.neighbourhood).klass == "amber"  # 70 < 75


def test_other_parties_cannot_change_the_weights(world):
    with pytest.raises(Forbidden):
        services.capacity_weights_update(
            actor=world.consultant_a, municipality=world.municipality, values={}
        )
    with pytest.raises(DomainError):
        services.capacity_weights_update(
            actor=world.analyst, municipality=world.municipality, values={"amber_from": 90}
        )


def test_offered_dwellings_are_those_on_the_board_in_the_users_region(world):
    assert set(selectors.offered_dwellings(user=world.consultant_b)) == {
        world.offered,
        world.offered_b,
    }
    assert list(selectors.offered_dwellings(user=world.coordinator)) == []
    assert list(selectors.offered_dwellings(user=world.outsider)) == []


def test_neighbourhoods_by_code(world):
    found = selectors.neighbourhoods_by_code(["bu00010101", "BU99999999"])
    assert list(found) == ["BU00010101"]
