"""A synthetic region as a plain snapshot, for testing the pure week loop without a database.

Neighbourhoods are small (a few hundred homes), so one placement moves the share visibly and
the tipping-point and stairwell limits really bind.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace
from typing import Any

from housing import capacity
from matching.engine_input import DwellingFacts
from matching.simulation.core import NeighbourhoodFacts, Snapshot, StairwellFacts

START = dt.date(2026, 1, 5)


def profile(rng: random.Random, reference: str, ready_days_ago: int | None) -> dict[str, Any]:
    children = rng.choice([0, 0, 0, 1, 2])
    return {
        "reference": reference,
        "ready_since": (START - dt.timedelta(days=ready_days_ago)).isoformat()
        if ready_days_ago is not None
        else None,
        "target_group": rng.choice(["ggz", "mo", "bw", "lvb"]),
        "household": {"adults": rng.choice([1, 1, 2]), "children": children},
        "max_rent": rng.choice(["650.00", "700.00", "900.00"]),
        "accessibility": {
            "step_free": rng.random() < 0.1,
            "ground_floor_or_lift": rng.random() < 0.15,
            "wheelchair": False,
            "max_floor": None,
        },
        "preferred_municipalities": ["GM0001"] if rng.random() < 0.5 else [],
        "preferred_districts": [],
        "excluded_neighbourhoods": [f"BU00010{rng.randrange(10):03d}"]
        if rng.random() < 0.2
        else [],
        "support_team_district": "WK000101" if rng.random() < 0.5 else None,
        "earliest_move_date": None,
    }


def region(
    *,
    neighbourhoods: int = 10,
    stock: int = 160,
    offered: int = 30,
    waiting: int = 25,
    seed: int = 7,
) -> Snapshot:
    rng = random.Random(seed)
    hoods = []
    for i in range(neighbourhoods):
        homes = rng.randint(150, 600)
        lvb = rng.uniform(12, 40)
        hoods.append(
            NeighbourhoodFacts(
                id=i + 1,
                code=f"BU00010{i:03d}",
                name=f"Buurt {i}",
                homes=homes,
                lvb_share=round(lvb, 1),
                inputs=capacity.Inputs(
                    homes=homes,
                    liveability_class=rng.randint(3, 7),
                    corporation_share=rng.uniform(20, 80),
                    lvb_share=lvb,
                    welfare_share=rng.uniform(3, 12),
                    psychiatric_share=rng.uniform(2, 9),
                ),
                weights=dict(capacity.DEFAULT_WEIGHTS),
                placements=tuple(
                    START - dt.timedelta(days=rng.randint(1, 360)) for _ in range(rng.randint(0, 3))
                ),
            )
        )
    # One neighbourhood without indicators: no share, no limit, never past its tipping point.
    hoods.append(NeighbourhoodFacts(id=neighbourhoods + 1, code="BU00019999", name="Onbekend"))
    stairwells = [
        StairwellFacts(id=s + 1, vulnerable=rng.choice([0, 0, 1]), max_vulnerable=1)
        for s in range(stock // 4)
    ]
    dwellings = []
    for pk in range(1, stock + 1):
        hood = hoods[rng.randrange(len(hoods))]
        in_stairwell = rng.random() < 0.7
        stairwell = (pk % len(stairwells)) + 1 if in_stairwell else None
        dwellings.append(
            DwellingFacts(
                pk=pk,
                rent=float(rng.choice([520, 580, 640, 690, 760, 880])),
                bedrooms=rng.choice([1, 1, 2, 2, 3]),
                available_from=START,
                neighbourhood_id=hood.id,
                neighbourhood=hood.code,
                district="WK000101",
                municipality="GM0001" if rng.random() < 0.7 else "GM0002",
                complex_id=(stairwell or 0) // 3 + 1 if stairwell else None,
                stairwell_id=stairwell,
                step_free=rng.random() < 0.3,
                ground_floor=rng.random() < 0.3,
                lift=rng.random() < 0.3,
            )
        )
    # A stairwell's dwellings must share a neighbourhood (a building stands in one place),
    # or the groups would cross: move each stairwell's dwellings to its first one's.
    first: dict[int, DwellingFacts] = {}
    for i, d in enumerate(dwellings):
        if d.stairwell_id:
            f = first.setdefault(d.stairwell_id, d)
            dwellings[i] = replace(
                d, neighbourhood_id=f.neighbourhood_id, neighbourhood=f.neighbourhood
            )
    return Snapshot(
        start=START,
        neighbourhoods=tuple(hoods),
        stairwells=tuple(stairwells),
        stops={2: START + dt.timedelta(weeks=8)},
        waiting=tuple(
            {"profile": profile(rng, f"K{i:04d}", rng.randint(0, 400))}
            for i in range(1, waiting + 1)
        ),
        offered=tuple(dwellings[:offered]),
        stock=tuple(dwellings),
        profiles=tuple(profile(rng, "", None) for _ in range(30)),
    )
