"""One counting rule (issue 22 item 3): households against a tipping point, on integers,
shared by the live board's headroom and the what-if simulation."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from housing import capacity


def test_a_tipping_point_allows_whole_households_without_rounded_shares():
    # 30% of 437 homes is 131.1: 131 households are at or below it, 132 are past it.
    assert capacity.tipping_allowance(homes=437, tipping_point=30) == 131
    assert not capacity.is_past_tipping(homes=437, households=131, tipping_point=30)
    assert capacity.is_past_tipping(homes=437, households=132, tipping_point=30)
    assert capacity.tipping_room(homes=437, households=129, tipping_point="30.00") == 2
    assert capacity.tipping_room(homes=437, households=140, tipping_point=30) == 0


def test_a_placement_past_the_tipping_point_is_one_the_limit_refuses():
    room = capacity.tipping_room(homes=200, households=58, tipping_point=30)  # allows 60
    assert room == 2
    assert not capacity.placement_past_tipping(homes=200, households_before=59, tipping_point=30)
    assert capacity.placement_past_tipping(homes=200, households_before=60, tipping_point=30)


def test_into_an_occupied_stairwell_means_a_vulnerable_household_already_lives_there():
    assert not capacity.placement_into_occupied_stairwell(vulnerable_before=0)
    assert capacity.placement_into_occupied_stairwell(vulnerable_before=1)


def test_a_published_share_becomes_households_once_half_up():
    assert capacity.households_from_share(20.25, 200) == 41  # 40.5 -> 41
    assert capacity.households_from_share("12.3", 1000) == 123


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    homes=st.integers(min_value=1, max_value=5000),
    households=st.integers(min_value=0, max_value=5000),
    hundredths=st.integers(min_value=0, max_value=10_000),
)
def test_room_is_exactly_the_number_of_placements_that_stay_at_or_below(
    homes, households, hundredths
):
    tp = f"{hundredths // 100}.{hundredths % 100:02d}"
    room = capacity.tipping_room(homes=homes, households=households, tipping_point=tp)
    if room:  # the last placement the room allows stays at or below the tipping point
        assert not capacity.placement_past_tipping(
            homes=homes, households_before=households + room - 1, tipping_point=tp
        )
    assert capacity.placement_past_tipping(
        homes=homes, households_before=households + room, tipping_point=tp
    )


def test_the_live_headroom_never_passes_the_lvb_tipping_point():
    """A neighbourhood the score would still let take placements stops at the LVB tipping
    point (35% by default), counted in households."""
    inputs = capacity.Inputs(
        homes=1000,
        liveability_class=9,
        corporation_share=20,
        lvb_share=34.8,  # 348 households; 35% allows 350
        welfare_share=2,
        psychiatric_share=2,
        nuisance_dimension=0.2,
    )
    result = capacity.score(inputs)
    assert result.headroom == 2
    assert capacity.score(replace(inputs, placements_12m=2)).headroom == 0


@pytest.mark.parametrize("homes", [150, 437, 1200])
def test_headroom_and_tipping_room_use_the_same_households(homes):
    inputs = capacity.Inputs(
        homes=homes,
        liveability_class=9,
        corporation_share=10,
        lvb_share=30,
        welfare_share=1,
        psychiatric_share=1,
    )
    households = capacity.households_from_share(30, homes)
    room = capacity.tipping_room(homes=homes, households=households, tipping_point=35)
    assert capacity.score(inputs).headroom <= room
