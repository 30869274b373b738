"""Fidelity: the product's week loop against an independent reference model (issue 22 item 5).

`reference_model.py` implements the rules of `docs/simulation.md` in plain Python without any
product code. On a generated region and stream, with departures and urgent arrivals on, both
run the priority-order board for a year, without limits and with a tipping point of 30% with
and without the stairwell rule; people housed, still waiting and the p90 wait agree within
1% / 0.2 week on every seed. (The optimiser is checked against the rebuild and the engine's
own tests; an independent optimiser would be a second engine, not a reference model.)
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from matching.simulation import core
from matching.simulation.core import Params, Policy

from . import reference_model, synthetic


@pytest.fixture(scope="module")
def region() -> core.Snapshot:
    snap = synthetic.region(neighbourhoods=12, stock=240, offered=30, waiting=40, seed=21)
    # Without carrying-capacity indicators every dwelling scores the same capacity points,
    # so the reference needs only the parts that tell one dwelling from another.
    return replace(snap, neighbourhoods=tuple(replace(n, inputs=None) for n in snap.neighbourhoods))


SCENARIOS = {
    "no limits": {"policy": Policy.PRIORITY},
    "tipping point 30%": {"policy": Policy.PRIORITY_WITHIN_LIMITS, "tipping_point": 30.0},
    "tipping point 30% + stairwell": {
        "policy": Policy.PRIORITY_WITHIN_LIMITS,
        "tipping_point": 30.0,
        "stairwell_rule": True,
    },
}


def close(a: float | None, b: float | None, *, rel: float = 0.01, abs_: float = 0.0) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= max(rel * max(abs(a), abs(b)), abs_)


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_the_week_loop_agrees_with_the_independent_reference_model(region, name, seed):
    params = Params(
        clients_per_week=3.0,
        dwellings_per_week=3.5,
        departure_rate=25.0,
        urgent_share=15.0,
        seed=seed,
        **SCENARIOS[name],
    )
    product = core.simulate(region, params).summary
    reference = reference_model.run(
        region,
        {
            "tipping_point": params.tipping_point,
            "stairwell_rule": params.stairwell_rule,
            "stairwell_max": params.stairwell_max,
            "limited": params.limited,
            "horizon_weeks": params.horizon_weeks,
            "seed": seed,
            "clients_per_week": params.clients_per_week,
            "dwellings_per_week": params.dwellings_per_week,
            "offer_weeks": params.offer_weeks,
            "departure_rate": params.departure_rate,
            "urgent_share": params.urgent_share,
        },
    )
    assert product["housed"] > 20
    assert close(product["housed"], reference["housed"]), (product, reference)
    assert close(product["still_waiting"], reference["still_waiting"]), (product, reference)
    assert close(product["wait_p90"], reference["wait_p90"], rel=0, abs_=0.2)
    assert close(product["still_waiting_p90"], reference["still_waiting_p90"], rel=0, abs_=0.2)


def test_the_limits_bind_in_the_fidelity_region(region):
    """The comparison means something only if the limits change the outcome."""
    base = {"clients_per_week": 3.0, "dwellings_per_week": 3.5, "seed": 1}
    free = core.simulate(region, Params(**base, policy=Policy.PRIORITY)).summary
    limited = core.simulate(
        region,
        Params(
            **base,
            policy=Policy.PRIORITY_WITHIN_LIMITS,
            tipping_point=30.0,
            stairwell_rule=True,
        ),
    ).summary
    assert limited["housed"] < free["housed"]
