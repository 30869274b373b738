"""Hard rules: each rejects for its own reason, with a stable code and a Dutch sentence."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.engine import Need, is_allowed, rejections_for
from matching.engine.rules import RULE_CODES, describe_mask, rejection_mask
from matching.engine.table import DwellingTable

from .factories import TODAY, make_client, make_dwelling


def codes(client, dwelling) -> list[str]:
    return [r.code for r in rejections_for(client, dwelling)]


def test_it_allows_a_dwelling_that_meets_every_rule():
    assert rejections_for(make_client(), make_dwelling()) == []
    assert is_allowed(make_client(), make_dwelling())


def test_it_rejects_a_dwelling_above_the_max_rent():
    [rejection] = rejections_for(make_client(max_rent=650), make_dwelling(rent=712.5))
    assert rejection.code == "rent_above_max"
    assert "€ 712,50" in rejection.message and "€ 650,00" in rejection.message


def test_it_allows_a_rent_exactly_at_the_max():
    assert codes(make_client(max_rent=650), make_dwelling(rent=650)) == []


def test_it_rejects_a_dwelling_with_too_few_bedrooms():
    [rejection] = rejections_for(
        make_client(household_size=3, bedrooms_needed=2), make_dwelling(bedrooms=1)
    )
    assert rejection.code == "too_few_bedrooms"
    assert "slaapkamer" in rejection.message


def test_it_rejects_stairs_for_a_client_who_needs_step_free():
    client = make_client(needs=frozenset({Need.STEP_FREE}))
    assert codes(client, make_dwelling(step_free=False)) == ["not_step_free"]
    assert codes(client, make_dwelling(step_free=True)) == []


def test_it_accepts_a_ground_floor_or_a_lift_for_that_need():
    client = make_client(needs=frozenset({Need.GROUND_FLOOR_OR_LIFT}))
    assert codes(client, make_dwelling()) == ["no_ground_floor_or_lift"]
    assert codes(client, make_dwelling(ground_floor=True)) == []
    assert codes(client, make_dwelling(lift=True)) == []


def test_it_rejects_a_dwelling_that_is_not_wheelchair_accessible():
    client = make_client(needs=frozenset({Need.WHEELCHAIR}))
    assert codes(client, make_dwelling()) == ["not_wheelchair_accessible"]
    assert codes(client, make_dwelling(wheelchair=True)) == []


def test_it_rejects_a_neighbourhood_the_client_excluded():
    client = make_client(excluded_neighbourhoods=frozenset({"BU03630101"}))
    [rejection] = rejections_for(client, make_dwelling())
    assert rejection.code == "neighbourhood_excluded"
    assert "BU03630101" in rejection.message


def test_it_rejects_a_dwelling_in_a_stopped_complex():
    [rejection] = rejections_for(make_client(), make_dwelling(complex_stopped=True))
    assert rejection.code == "complex_stopped"
    assert "cx1" in rejection.message


def test_it_rejects_a_dwelling_that_comes_free_after_the_move_window():
    client = make_client(move_until=TODAY + dt.timedelta(days=10))
    [rejection] = rejections_for(
        client, make_dwelling(available_from=TODAY + dt.timedelta(days=11))
    )
    assert rejection.code == "available_too_late"
    assert "13-03-2025" in rejection.message


def test_it_rejects_a_dwelling_outside_the_search_area():
    client = make_client(search_municipalities=frozenset({"GM0599"}))
    assert codes(client, make_dwelling()) == ["outside_search_area"]


def test_it_keeps_a_contingent_dwelling_for_its_target_group():
    dwelling = make_dwelling(target_groups=frozenset({"housing_first"}))
    assert codes(make_client(target_group="ggz"), dwelling) == ["other_target_group"]
    assert codes(make_client(target_group="housing_first"), dwelling) == []


def test_it_names_every_rule_a_pair_breaks():
    client = make_client(max_rent=500, bedrooms_needed=2, needs=frozenset({Need.WHEELCHAIR}))
    assert codes(client, make_dwelling(complex_stopped=True)) == [
        "rent_above_max",
        "too_few_bedrooms",
        "not_wheelchair_accessible",
        "complex_stopped",
    ]


def test_stairwell_and_neighbourhood_limits_are_not_hard_rules():
    dwelling = make_dwelling(stairwell_vulnerable=3, neighbourhood_capacity=0)
    assert codes(make_client(), dwelling) == []


# The vectorised rules must give exactly the scalar verdicts.
clients = st.builds(
    make_client,
    max_rent=st.sampled_from([500.0, 650.0, 700.0]),
    bedrooms_needed=st.integers(1, 3),
    needs=st.frozensets(st.sampled_from(list(Need))),
    excluded_neighbourhoods=st.frozensets(st.sampled_from(["BU1", "BU2", "BU9"])),
    search_municipalities=st.frozensets(st.sampled_from(["GM1", "GM2", "GM9"])),
    move_until=st.dates(TODAY, TODAY + dt.timedelta(days=30)),
    target_group=st.sampled_from(["ggz", "mo", "housing_first"]),
)
dwellings = st.lists(
    st.builds(
        make_dwelling,
        rent=st.sampled_from([450.0, 650.0, 699.99, 800.0]),
        bedrooms=st.integers(1, 4),
        step_free=st.booleans(),
        ground_floor=st.booleans(),
        lift=st.booleans(),
        wheelchair=st.booleans(),
        complex_stopped=st.booleans(),
        neighbourhood=st.sampled_from(["BU1", "BU2", "BU3"]),
        municipality=st.sampled_from(["GM1", "GM2"]),
        available_from=st.dates(TODAY, TODAY + dt.timedelta(days=30)),
        target_groups=st.frozensets(st.sampled_from(["housing_first", "mo"])),
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=150, deadline=None)
@given(client=clients, dwellings=dwellings)
def test_the_vectorised_rules_agree_with_the_explained_rules(client, dwellings):
    table = DwellingTable.build(dwellings)
    mask = rejection_mask(client, table)
    for bits, dwelling in zip(mask.tolist(), dwellings, strict=True):
        assert describe_mask(bits) == codes(client, dwelling)


def test_every_rule_has_a_distinct_code():
    assert len(set(RULE_CODES)) == len(RULE_CODES)
    assert np.iinfo(np.uint16).bits >= len(RULE_CODES)
