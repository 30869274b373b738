"""Scores: 0–100, a sum of named parts, each with a Dutch sentence."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.engine import Weights, explain_score, score_pair
from matching.engine.scoring import PART_NAMES, score_rows
from matching.engine.table import DwellingTable

from .factories import TODAY, make_client, make_dwelling


def part(client, dwelling, name, weights=None):
    breakdown = explain_score(client, dwelling, weights, today=TODAY)
    return next(p for p in breakdown.parts if p.code == name)


def test_the_parts_add_up_to_the_score():
    breakdown = explain_score(make_client(), make_dwelling(), today=TODAY)
    assert [p.code for p in breakdown.parts] == list(PART_NAMES)
    assert breakdown.score == pytest.approx(sum(p.points for p in breakdown.parts))
    assert 0 < breakdown.score <= 100


def test_every_part_explains_itself_in_a_sentence():
    for p in explain_score(make_client(), make_dwelling(), today=TODAY).parts:
        assert p.message.endswith("punten)") and len(p.message) > 20


def test_a_perfect_pair_scores_100():
    client = make_client(urgent=True, preferred_districts=frozenset({"WK036301"}))
    dwelling = make_dwelling(neighbourhood_capacity=100)
    assert score_pair(client, dwelling, today=TODAY) == 100.0


def test_the_worst_allowed_pair_still_scores_more_than_zero():
    client = make_client(
        waiting_since=TODAY,
        preferred_districts=frozenset({"WK9"}),
        support_municipality="GM9",
        support_districts=frozenset(),
    )
    dwelling = make_dwelling(neighbourhood_capacity=0, stairwell_vulnerable=2, bedrooms=4)
    assert score_pair(client, dwelling, today=TODAY) == 5.0


def test_longer_waiting_scores_higher_until_the_horizon():
    short = make_client(waiting_since=TODAY - dt.timedelta(days=30))
    long = make_client(waiting_since=TODAY - dt.timedelta(days=300))
    capped = make_client(waiting_since=TODAY - dt.timedelta(days=3000))
    points = [part(c, make_dwelling(), "waiting").points for c in (short, long, capped)]
    assert points[0] < points[1] < points[2] == 25.0


def test_an_urgent_client_gets_the_full_waiting_part():
    assert (
        part(make_client(urgent=True, waiting_since=TODAY), make_dwelling(), "waiting").points
        == 25.0
    )


def test_a_preferred_district_beats_a_preferred_municipality():
    client = make_client(
        preferred_districts=frozenset({"WK036301"}), preferred_municipalities=frozenset({"GM0363"})
    )
    in_district = part(client, make_dwelling(), "preference").points
    in_municipality = part(client, make_dwelling(district="WK036302"), "preference").points
    elsewhere = part(client, make_dwelling(district="WK1", municipality="GM1"), "preference").points
    assert in_district == 15.0 and in_municipality == 9.0 and elsewhere == 0.0


def test_carrying_capacity_follows_the_neighbourhood_score():
    assert (
        part(make_client(), make_dwelling(neighbourhood_capacity=50), "carrying_capacity").points
        == 10.0
    )


def test_a_stairwell_without_vulnerable_households_scores_the_stairwell_part():
    assert part(make_client(), make_dwelling(stairwell_vulnerable=0), "stairwell").points == 15.0
    scored = part(make_client(), make_dwelling(stairwell_vulnerable=1), "stairwell")
    assert scored.points == 0.0 and "1 kwetsbare" in scored.message


def test_closeness_to_the_support_team_scores_the_support_part():
    client = make_client()
    assert part(client, make_dwelling(), "support").points == 10.0
    assert part(client, make_dwelling(district="WK036309"), "support").points == 5.0
    assert part(client, make_dwelling(district="WK1", municipality="GM1"), "support").points == 0.0


def test_a_family_home_for_a_single_person_loses_the_size_part():
    client = make_client(bedrooms_needed=1)
    assert part(client, make_dwelling(bedrooms=1), "size").points == 10.0
    assert part(client, make_dwelling(bedrooms=2), "size").points == 5.0
    assert part(client, make_dwelling(bedrooms=4), "size").points == 0.0


def test_weights_are_normalised_to_100_points():
    weights = Weights(
        base=1, waiting=1, carrying_capacity=0, preference=0, stairwell=0, support=0, size=0
    )
    client = make_client(urgent=True)
    assert score_pair(client, make_dwelling(), weights, today=TODAY) == 100.0


def test_it_refuses_weights_that_could_give_a_zero_score():
    with pytest.raises(ValueError, match="base"):
        Weights(base=0)
    with pytest.raises(ValueError, match="waiting"):
        Weights(waiting=-1)


@settings(max_examples=100, deadline=None)
@given(
    days=st.integers(0, 800),
    urgent=st.booleans(),
    capacity=st.floats(0, 100, allow_nan=False),
    vulnerable=st.integers(0, 2),
    bedrooms=st.integers(1, 4),
    district=st.sampled_from(["WK036301", "WK036302", "WK1"]),
    municipality=st.sampled_from(["GM0363", "GM1"]),
    preferred=st.frozensets(st.sampled_from(["WK036301", "WK1"])),
    support_gm=st.sampled_from([None, "GM0363"]),
)
def test_the_vectorised_score_equals_the_explained_score(
    days, urgent, capacity, vulnerable, bedrooms, district, municipality, preferred, support_gm
):
    client = make_client(
        waiting_since=TODAY - dt.timedelta(days=days),
        urgent=urgent,
        preferred_districts=preferred,
        support_municipality=support_gm,
        support_districts=frozenset() if support_gm is None else frozenset({"WK036301"}),
    )
    dwellings = [
        make_dwelling(
            id="d1",
            neighbourhood_capacity=capacity,
            stairwell_vulnerable=vulnerable,
            bedrooms=bedrooms,
            district=district,
            municipality=municipality,
        ),
        make_dwelling(id="d2"),
    ]
    table = DwellingTable.build(dwellings)
    fast = score_rows(client, table, np.arange(2), Weights(), today=TODAY)
    slow = [score_pair(client, d, today=TODAY) for d in dwellings]
    assert fast.tolist() == slow
