"""Seeded generator of realistic matching instances.

    uv run python -m benchmarks.generate L [--seed 1] [--overlap] -o benchmarks/data/L.json

The instance is built the way the board builds it: plain clients and dwellings go through the
engine's hard rules and scoring (``build_instance``). What makes it realistic:

- municipalities of ~250 offered dwellings, districts and neighbourhoods of skewed (lognormal)
  size; cheap stock concentrates in neighbourhoods with low carrying capacity;
- complexes with a few offered homes each, one to three per stairwell; many stairwells already house a vulnerable
  household, so their stairwell group has cap 0 (limit: one per stairwell);
- neighbourhood caps around a third of the neighbourhood's offered dwellings, ~10% closed (0);
  some complexes capped, ~3% stopped;
- clients search in their own municipality and sometimes a neighbouring one; ~5% have strict
  needs (wheelchair, large household, low rent) and fit only a handful of dwellings;
- ``--overlap`` adds per-corporation contingents per municipality. Corporations own whole
  complexes across neighbourhoods, so these groups cross the neighbourhood groups.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from matching.engine import Client, Dwelling, Group, Need, build_instance, standard_groups

SIZES: dict[str, tuple[int, int]] = {
    "S": (60, 40),
    "M": (600, 400),
    "L": (5_000, 3_000),
    "XL": (20_000, 10_000),
}
TODAY = dt.date(2025, 1, 6)
DWELLINGS_PER_MUNICIPALITY = 250
TARGET_GROUPS = ("ggz", "mo", "bw", "lvb", "housing_first")


def _split(rng: np.random.Generator, total: int, mean_size: float, sigma: float) -> list[int]:
    """Split ``total`` into parts of lognormal (skewed) sizes, each >= 1."""
    sizes: list[int] = []
    left = total
    while left > 0:
        size = max(1, min(left, round(rng.lognormal(np.log(mean_size), sigma))))
        sizes.append(size)
        left -= size
    return sizes


def generate_parts(
    size: str, seed: int = 1, *, overlap: bool = False
) -> tuple[list[Client], list[Dwelling], list[Group]]:
    n_clients, n_dwellings = SIZES[size]
    rng = np.random.default_rng(seed)
    n_gm = max(1, n_dwellings // DWELLINGS_PER_MUNICIPALITY)
    gm_sizes = (
        np.diff(
            np.r_[
                0,
                np.sort(rng.choice(np.arange(1, n_dwellings), n_gm - 1, replace=False)),
                n_dwellings,
            ]
        )
        if n_gm > 1
        else np.array([n_dwellings])
    )

    dwellings: list[Dwelling] = []
    neighbourhood_room: dict[str, int] = {}
    complex_room: dict[str, int] = {}
    districts_of: dict[str, list[str]] = {}
    corporations: dict[str, str] = {}  # complex id -> corporation
    n_nb = 0
    for m, gm_total in enumerate(gm_sizes.tolist()):
        gm = f"GM{m + 1:04d}"
        districts_of[gm] = []
        for w, wk_total in enumerate(_split(rng, gm_total, 60, 0.7)):
            wk = f"WK{m + 1:04d}{w:02d}"
            districts_of[gm].append(wk)
            for nb_total in _split(rng, wk_total, 15, 1.0):
                nb = f"BU{m + 1:04d}{w:02d}{n_nb % 100:02d}"
                n_nb += 1
                # Weak neighbourhoods (low carrying capacity) hold the cheapest stock.
                capacity = float(np.clip(rng.normal(55, 22), 0, 100).round())
                cheap = (100 - capacity) / 100
                neighbourhood_room[nb] = 0 if rng.random() < 0.1 else max(1, round(nb_total / 3))
                for c, cx_total in enumerate(_split(rng, nb_total, 6, 0.9)):
                    cx = f"{nb}-C{c}"
                    corporations[cx] = f"corp{rng.integers(1, 5)}"
                    stopped = bool(rng.random() < 0.03)
                    if cx_total >= 6 and rng.random() < 0.25:
                        complex_room[cx] = max(1, cx_total // 3)
                    single_family = cx_total <= 2
                    for s, sw_total in enumerate(_split(rng, cx_total, 1.6, 0.6)):
                        sw = None if single_family else f"{cx}-S{s}"
                        vulnerable = int(rng.poisson(0.35))
                        for _ in range(sw_total):
                            i = len(dwellings)
                            bedrooms = int(rng.choice([1, 2, 3, 4], p=[0.35, 0.4, 0.2, 0.05]))
                            rent = float(
                                round(
                                    rng.lognormal(np.log(560 + 90 * bedrooms - 120 * cheap), 0.12),
                                    2,
                                )
                            )
                            dwellings.append(
                                Dwelling(
                                    id=f"d{i}",
                                    rent=rent,
                                    bedrooms=bedrooms,
                                    available_from=TODAY
                                    + dt.timedelta(days=int(rng.integers(0, 60))),
                                    neighbourhood=nb,
                                    district=wk,
                                    municipality=gm,
                                    complex_id=cx,
                                    stairwell_id=sw,
                                    complex_stopped=stopped,
                                    step_free=bool(rng.random() < 0.25),
                                    ground_floor=bool(rng.random() < 0.2),
                                    lift=bool(rng.random() < 0.3),
                                    wheelchair=bool(rng.random() < 0.04),
                                    stairwell_vulnerable=vulnerable if sw else 0,
                                    neighbourhood_capacity=capacity,
                                    target_groups=frozenset({"housing_first"})
                                    if rng.random() < 0.08
                                    else frozenset(),
                                )
                            )
    groups = standard_groups(
        dwellings,
        neighbourhood_room=neighbourhood_room,
        complex_room=complex_room,
        stairwell_limit=1,
    )
    if overlap:
        groups += _corporation_groups(rng, dwellings, corporations)

    municipalities = sorted(districts_of)
    neighbourhoods_of: dict[str, list[str]] = {}
    for d in dwellings:
        nbs = neighbourhoods_of.setdefault(d.municipality, [])
        if not nbs or nbs[-1] != d.neighbourhood:
            nbs.append(d.neighbourhood)
    clients = [
        _client(rng, i, municipalities, districts_of, neighbourhoods_of) for i in range(n_clients)
    ]
    return clients, dwellings, groups


def _corporation_groups(
    rng: np.random.Generator, dwellings: list[Dwelling], corporations: dict[str, str]
) -> list[Group]:
    """Per corporation and municipality, a contingent of ~40% of its offered dwellings."""
    members: dict[str, list[str]] = {}
    for d in dwellings:
        key = f"contingent:{corporations[d.complex_id or '']}:{d.municipality}"
        members.setdefault(key, []).append(d.id)
    return [
        Group(key, max(1, round(len(ids) * rng.uniform(0.3, 0.5))), tuple(ids))
        for key, ids in members.items()
    ]


def _client(
    rng: np.random.Generator,
    i: int,
    municipalities: list[str],
    districts_of: dict[str, list[str]],
    neighbourhoods_of: dict[str, list[str]],
) -> Client:
    m = int(rng.integers(0, len(municipalities)))
    home = municipalities[m]
    search = {home}
    if len(municipalities) > 1 and rng.random() < 0.4:
        search.add(municipalities[(m + 1) % len(municipalities)])
    household = int(rng.choice([1, 2, 3, 4, 5], p=[0.7, 0.15, 0.08, 0.05, 0.02]))
    bedrooms = {1: 1, 2: int(rng.choice([1, 2])), 3: 2, 4: 3, 5: 3}[household]
    needs: set[Need] = set()
    if rng.random() < 0.08:
        needs.add(Need.STEP_FREE)
    if rng.random() < 0.08:
        needs.add(Need.GROUND_FLOOR_OR_LIFT)
    max_rent = float(round(rng.choice([650.43, 697.07, 879.66], p=[0.6, 0.3, 0.1]), 2))
    if rng.random() < 0.05:  # the hard cases: few dwellings fit at all
        needs.add(Need.WHEELCHAIR)
        bedrooms = max(bedrooms, 3)
        max_rent = 650.43
    nbs = neighbourhoods_of[home]
    excluded = (
        frozenset(
            rng.choice(nbs, size=min(len(nbs), int(rng.integers(1, 4))), replace=False).tolist()
        )
        if rng.random() < 0.3
        else frozenset()
    )
    districts = districts_of[home]
    preferred_wk = (
        frozenset([districts[int(rng.integers(0, len(districts)))]])
        if rng.random() < 0.3
        else frozenset()
    )
    return Client(
        id=f"c{i}",
        max_rent=max_rent,
        move_until=TODAY + dt.timedelta(days=int(rng.integers(14, 120))),
        waiting_since=TODAY - dt.timedelta(days=int(rng.integers(0, 700))),
        household_size=household,
        bedrooms_needed=bedrooms,
        needs=frozenset(needs),
        excluded_neighbourhoods=excluded,
        search_municipalities=frozenset(search),
        preferred_municipalities=frozenset({home}) if rng.random() < 0.5 else frozenset(),
        preferred_districts=preferred_wk,
        support_municipality=home,
        support_districts=frozenset([districts[int(rng.integers(0, len(districts)))]]),
        target_group=str(rng.choice(TARGET_GROUPS, p=[0.4, 0.25, 0.15, 0.12, 0.08])),
        urgent=bool(rng.random() < 0.05),
    )


def generate(size: str, seed: int = 1, *, overlap: bool = False) -> dict[str, Any]:
    """A ``woonbrug-matching/1`` instance of the given size (S, M, L, XL)."""
    clients, dwellings, groups = generate_parts(size, seed, overlap=overlap)
    instance, _ = build_instance(clients, dwellings, groups, today=TODAY)
    instance["generator"] = {"size": size, "seed": seed, "overlap": overlap}
    return instance


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("size", choices=sorted(SIZES))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--overlap", action="store_true", help="add crossing contingent groups")
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args()
    doc = generate(args.size, args.seed, overlap=args.overlap)
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_bytes(orjson.dumps(doc))


if __name__ == "__main__":
    main()
