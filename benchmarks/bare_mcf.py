"""The yardstick: a bare min-cost-flow solve of an instance, as little as possible around it.

    uv run python -m benchmarks.bare_mcf INSTANCE.json

Reads the JSON (same reader as the CLI, orjson), maps ids to integers, nests the groups
(assumed laminar), builds the same network and solves it. No validation, no canonical order,
no alternatives, no output but one line: ``objective placements``. Written without the
engine's code, so its objective is also an independent cross-check of the CLI's.
"""

from __future__ import annotations

import sys

import numpy as np
import orjson
from ortools.graph.python import min_cost_flow


def main(path: str) -> None:
    with open(path, "rb") as fh:
        doc = orjson.loads(fh.read())
    client_index = {c["id"]: i for i, c in enumerate(doc["clients"])}
    dwelling_index = {d["id"]: i for i, d in enumerate(doc["dwellings"])}
    cands = doc["candidates"]
    ci = np.array([client_index[c["client"]] for c in cands], dtype=np.int32)
    di = np.array([dwelling_index[c["dwelling"]] for c in cands], dtype=np.int32)
    score = np.array([c["score"] for c in cands], dtype=np.float64)
    nc, nd = len(client_index), len(dwelling_index)

    groups = [
        (g["cap"], np.array([dwelling_index[d] for d in g["dwellings"]], dtype=np.int32))
        for g in doc["groups"]
    ]
    groups.sort(key=lambda g: -g[1].size)
    ng = len(groups)
    owner = np.full(nd, -1, dtype=np.int32)
    parent = np.full(ng, -1, dtype=np.int32)
    for g, (_, members) in enumerate(groups):
        parent[g] = owner[members[0]] if members.size else -1
        owner[members] = g

    source, sink = 0, nc + nd + ng + 1
    gbase = 1 + nc + nd
    tails = np.concatenate(
        [
            1 + ci,
            np.zeros(nc, np.int32),
            1 + nc + np.arange(nd, dtype=np.int32),
            gbase + np.arange(ng, dtype=np.int32),
            [source],
        ]
    ).astype(np.int32)
    heads = np.concatenate(
        [
            1 + nc + di,
            1 + np.arange(nc, dtype=np.int32),
            np.where(owner >= 0, gbase + owner, sink),
            np.where(parent >= 0, gbase + parent, sink),
            [sink],
        ]
    ).astype(np.int32)
    caps = np.concatenate(
        [np.ones(ci.size + nc + nd, np.int64), [g[0] for g in groups], [nc]]
    ).astype(np.int64)
    costs = np.zeros(tails.size, dtype=np.int64)
    costs[: ci.size] = -np.rint(score * 100).astype(np.int64)

    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    smcf.set_nodes_supplies(np.array([source, sink], np.int32), np.array([nc, -nc], np.int64))
    smcf.solve()
    chosen = smcf.flows(np.arange(ci.size, dtype=np.int32)) > 0
    print(f"{score[chosen].sum():.6f} {int(chosen.sum())}")


if __name__ == "__main__":
    main(sys.argv[1])
