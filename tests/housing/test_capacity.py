"""The carrying-capacity model, pinned on cases computed by hand (see housing/capacity.py)."""

from __future__ import annotations

import pytest

from housing import capacity
from housing.capacity import Inputs


def points(result: capacity.CapacityResult) -> dict[str, float]:
    return {c.key: c.points for c in result.breakdown}


def test_an_average_neighbourhood_scores_the_start_value_and_is_green():
    # 70 + 0 (class 5) − 0 (30% corporation) − 0 (LVB 10% under 16%) − 0 − 0 − 0 placements
    result = capacity.score(
        Inputs(
            homes=1000,
            liveability_class=5,
            corporation_share=30,
            lvb_share=10,
            welfare_share=5,
            psychiatric_share=3,
        )
    )
    assert result.score == 70
    assert result.klass == capacity.GREEN
    # each placement costs 4 × 1000 / 1000 = 4 points; (70 − 40) / 4 = 7.5 → 7
    assert result.headroom == 7


def test_a_neighbourhood_past_every_tipping_point_is_red_with_no_headroom():
    # 70 − 10 (class 3) − 5 (nuisance −0.1 × 50) − 20 (corp: 20 × 0.5 + 10 × 1) − 14.75 (LVB: 19 × 0.25 + 5 × 2)
    # − 4 (welfare 10 vs 6) − 2 (psychiatric 6 vs 4) − 8 (4 placements / 2000 homes = 2 per 1000, × 4) = 6.25
    result = capacity.score(
        Inputs(homes=2000, liveability_class=3, corporation_share=70, lvb_share=40, welfare_share=10,
               psychiatric_share=6, placements_12m=4, nuisance_dimension=-0.1)
    )  # fmt: skip
    assert result.score == pytest.approx(6.2, abs=0.06)
    assert points(result) == {
        "base": 70, "liveability": -10, "nuisance_dimension": -5, "corporation_share": -20,
        "lvb_share": -14.75, "welfare_share": -4, "psychiatric_share": -2, "placements": -8,
    }  # fmt: skip
    assert result.klass == capacity.RED
    assert result.headroom == 0


def test_an_amber_neighbourhood_has_headroom_until_the_red_line():
    # 70 − 10 (class 3) + 10 (nuisance +0.3 × 50 = 15, capped at 10) − 5 (corp 50%) − 1 (LVB 20%: 4 × 0.25)
    # − 8 (1 placement / 500 homes = 2 per 1000, × 4) = 56; each placement costs 8 → (56 − 40) / 8 = 2
    result = capacity.score(
        Inputs(homes=500, liveability_class=3, corporation_share=50, lvb_share=20, welfare_share=6,
               psychiatric_share=4, placements_12m=1, nuisance_dimension=0.3)
    )  # fmt: skip
    assert result.score == 56
    assert points(result)["nuisance_dimension"] == 10
    assert result.klass == capacity.AMBER
    assert result.headroom == 2


def test_the_score_never_drops_below_zero():
    result = capacity.score(
        Inputs(homes=800, liveability_class=1, corporation_share=90, lvb_share=50, welfare_share=20,
               psychiatric_share=12, nuisance_dimension=-0.5)
    )  # fmt: skip
    assert result.score == 0
    assert result.klass == capacity.RED


def test_the_safety_tipping_point_costs_more_per_point_than_the_liveability_one():
    def corp(share: float) -> float:
        r = capacity.score(
            Inputs(
                homes=1000,
                liveability_class=5,
                corporation_share=share,
                lvb_share=0,
                welfare_share=0,
                psychiatric_share=0,
            )
        )
        return points(r)["corporation_share"]

    assert corp(40) == 0
    assert corp(50) == -5
    assert corp(60) == -10
    assert corp(70) == -20


def test_a_municipality_can_move_the_traffic_light():
    inputs = Inputs(
        homes=1000,
        liveability_class=5,
        corporation_share=30,
        lvb_share=10,
        welfare_share=5,
        psychiatric_share=3,
    )
    result = capacity.score(inputs, {"green_from": 80, "amber_from": 50})
    assert result.klass == capacity.AMBER
    assert result.headroom == 5  # (70 − 50) / 4


def test_weights_that_make_no_sense_are_refused():
    weights = capacity.weights_with_defaults(
        {"amber_from": 70, "green_from": 60, "lvb_weight_high": -1}
    )
    errors = capacity.validate_weights(weights)
    assert set(errors) == {"green_from", "lvb_weight_high"}


def test_a_neighbourhood_without_homes_has_unknown_headroom():
    result = capacity.score(
        Inputs(
            homes=0,
            liveability_class=5,
            corporation_share=0,
            lvb_share=0,
            welfare_share=0,
            psychiatric_share=0,
        )
    )
    assert result.headroom is None
