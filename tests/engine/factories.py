"""Small builders for engine tests: a client and a dwelling that fit each other by default."""

from __future__ import annotations

import datetime as dt
from typing import Any

from matching.engine import Client, Dwelling

TODAY = dt.date(2025, 3, 3)


def make_client(**overrides: Any) -> Client:
    values: dict[str, Any] = {
        "id": "c1",
        "max_rent": 700.0,
        "move_until": TODAY + dt.timedelta(days=60),
        "waiting_since": TODAY - dt.timedelta(days=100),
        "household_size": 1,
        "bedrooms_needed": 1,
        "support_municipality": "GM0363",
        "support_districts": frozenset({"WK036301"}),
    }
    values.update(overrides)
    return Client(**values)


def make_dwelling(**overrides: Any) -> Dwelling:
    values: dict[str, Any] = {
        "id": "d1",
        "rent": 600.0,
        "bedrooms": 1,
        "available_from": TODAY + dt.timedelta(days=14),
        "neighbourhood": "BU03630101",
        "district": "WK036301",
        "municipality": "GM0363",
        "complex_id": "cx1",
        "stairwell_id": "cx1-A",
        "neighbourhood_capacity": 60.0,
    }
    values.update(overrides)
    return Dwelling(**values)


def instance_doc(
    candidates: list[tuple[str, str, float]],
    groups: list[tuple[str, int, list[str]]] = (),  # type: ignore[assignment]
    clients: list[str] | None = None,
    dwellings: list[str] | None = None,
) -> dict[str, Any]:
    """A woonbrug-matching/1 document from compact tuples."""
    clients = clients or sorted({c for c, _, _ in candidates})
    dwellings = dwellings or sorted(
        {d for _, d, _ in candidates} | {d for g in groups for d in g[2]}
    )
    return {
        "format": "woonbrug-matching/1",
        "clients": [{"id": c} for c in clients],
        "dwellings": [{"id": d} for d in dwellings],
        "candidates": [{"client": c, "dwelling": d, "score": s} for c, d, s in candidates],
        "groups": [{"id": g, "cap": cap, "dwellings": ds} for g, cap, ds in groups],
    }


def crossing_grid_doc(
    n_clients: int, n_dwellings: int, *, seed: int, per_client: int = 12, side: int = 10
) -> dict[str, Any]:
    """A hard crossing instance, made in milliseconds: dwellings on a grid, each in a row, a
    column and a diagonal group with tight caps (the three families cross), random scores. Its LP relaxation is fractional, so the MIP really has to work."""
    import numpy as np

    rng = np.random.default_rng(seed)
    dwellings = [f"d{i}" for i in range(n_dwellings)]
    cands = []
    for c in range(n_clients):
        for d in sorted(rng.choice(n_dwellings, size=min(per_client, n_dwellings), replace=False)):
            cands.append(
                {
                    "client": f"c{c}",
                    "dwelling": dwellings[d],
                    "score": float(rng.integers(100, 10_000)) / 100,
                }
            )
    row_of = np.arange(n_dwellings) % side
    col_of = (np.arange(n_dwellings) // side) % side
    diag_of = (row_of + col_of) % side
    groups = []
    for kind, of in (("row", row_of), ("col", col_of), ("diag", diag_of)):
        for k in range(side):
            members = np.flatnonzero(of == k)
            cap = int(members.size * rng.uniform(0.2, 0.4))
            groups.append(
                {"id": f"{kind}:{k}", "cap": cap, "dwellings": [dwellings[d] for d in members]}
            )
    return {
        "format": "woonbrug-matching/1",
        "clients": [{"id": f"c{c}"} for c in range(n_clients)],
        "dwellings": [{"id": d} for d in dwellings],
        "candidates": cands,
        "groups": groups,
    }
