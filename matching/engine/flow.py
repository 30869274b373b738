"""Exact solve of the laminar case as a min-cost flow (OR-Tools ``SimpleMinCostFlow``).

Network, all arcs built as numpy arrays in one call::

    source -> client (cap 1) -> dwelling (cap 1, cost -score) -> innermost group
           -> parent group ... -> sink          (group arcs carry the group's cap)
    source -> sink bypass (cost 0)              (so leaving a client unplaced is allowed)

Every unit of flow is one placement. With the bypass, the min-cost flow is the maximum-score
matching of any size, not a forced perfect one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

# OR-Tools multiplies costs by (nodes + 1) internally and sums them over the flow; keeping
# the largest scaled cost below this bound over both keeps every int64 safe.
_INT64_HEADROOM = 2**62
_MAX_DECIMALS = 6


@dataclass(frozen=True, slots=True)
class ScaledScores:
    """Scores as integers: ``values == round(score * 10**decimals)``; ``exact`` if lossless."""

    values: np.ndarray
    decimals: int
    exact: bool


def scale_scores(scores: np.ndarray, *, max_magnitude: float) -> ScaledScores:
    """Turn float scores into positive integers, deterministically.

    Uses the fewest decimals (0..6) that represent every score exactly, so typical scores with
    two decimals are solved exactly and with small costs (fewer cost-scaling phases). If no
    such power of ten exists, six decimals are used (ties closer than 1e-6 may be broken
    arbitrarily but deterministically). The scale is also capped so no cost can overflow.
    """
    if scores.size == 0:
        return ScaledScores(np.zeros(0, dtype=np.int64), 0, True)
    top = float(scores.max())
    # Negative when scores are absurdly large: then they are scaled down (inexactly).
    allowed = min(_MAX_DECIMALS, math.floor(math.log10(max_magnitude / top)))
    # Find the fewest decimals on a fixed sample first, then confirm on all scores: one
    # full pass in the usual case instead of one per candidate number of decimals.
    sample = scores[:: max(1, scores.size // 4096)]
    for decimals in range(max(0, allowed + 1)):
        if not _exact(sample, decimals):
            continue
        if _exact(scores, decimals):
            scaled = np.rint(scores * 10.0**decimals)
            return ScaledScores(np.maximum(scaled, 1).astype(np.int64), decimals, True)
    scaled = np.rint(scores * 10.0**allowed)
    # A positive score never becomes worthless: 1 is the smallest integer profit.
    return ScaledScores(np.maximum(scaled, 1).astype(np.int64), allowed, False)


def _exact(scores: np.ndarray, decimals: int) -> bool:
    scaled = scores * 10.0**decimals
    return bool(np.all(np.abs(scaled - np.rint(scaled)) <= 1e-9 * np.maximum(1.0, scaled)))


@dataclass(frozen=True, slots=True)
class FlowNetworkSpec:
    """Inputs of the laminar flow, all as arrays (positions into the instance's lists)."""

    n_clients: int
    n_dwellings: int
    cand_client: np.ndarray
    cand_dwelling: np.ndarray
    group_caps: np.ndarray  # per kept group
    group_parent: np.ndarray  # per kept group, -1 root; -2 means "not part of the network"
    innermost: np.ndarray  # per dwelling, kept group position or -1


def cost_limit(spec: FlowNetworkSpec) -> float:
    """Largest safe integer profit for this network (see ``_INT64_HEADROOM``)."""
    n_nodes = spec.n_clients + spec.n_dwellings + int(spec.group_caps.shape[0]) + 2
    supply = max(1, min(spec.n_clients, int(spec.cand_client.shape[0])))
    return _INT64_HEADROOM / (4.0 * (n_nodes + 1) * supply)


def solve_flow(
    spec: FlowNetworkSpec, scores: np.ndarray, usable: np.ndarray | None = None
) -> tuple[np.ndarray, ScaledScores]:
    """Maximum-score placement under the laminar caps; returns (chosen mask, scaling used).

    ``usable`` (optional mask) leaves out pairs that can never be chosen.
    """
    scaled = scale_scores(scores, max_magnitude=cost_limit(spec))
    return solve_flow_int(spec, scaled.values, usable), scaled


def solve_flow_int(
    spec: FlowNetworkSpec, profit: np.ndarray, usable: np.ndarray | None = None
) -> np.ndarray:
    """Maximum-profit placement with integer profits; candidates with profit <= 0 (or not
    ``usable``) are skipped."""
    nc, nd = spec.n_clients, spec.n_dwellings
    ng = int(spec.group_caps.shape[0])
    n_nodes = nc + nd + ng + 2
    source, sink = 0, n_nodes - 1
    chosen = np.zeros(int(spec.cand_client.shape[0]), dtype=bool)
    useful = np.flatnonzero(profit > 0 if usable is None else (profit > 0) & usable)
    if useful.size == 0:
        return chosen
    cand_client = spec.cand_client[useful]
    cand_dwelling = spec.cand_dwelling[useful]
    ncand = int(useful.size)

    # Present ids in increasing order, by counting (linear) rather than sorting millions.
    active_clients = np.flatnonzero(np.bincount(cand_client, minlength=nc)).astype(np.int32)
    active_dwellings = np.flatnonzero(np.bincount(cand_dwelling, minlength=nd)).astype(np.int32)
    supply = int(active_clients.size)

    client_node = 1 + cand_client.astype(np.int32)
    dwelling_node = 1 + nc + cand_dwelling.astype(np.int32)
    group_base = 1 + nc + nd

    # Dwelling -> its innermost group (or straight to the sink).
    inner = spec.innermost[active_dwellings]
    dw_head = np.where(inner >= 0, group_base + inner, sink).astype(np.int32)
    # Group -> parent group (or sink); skipped groups (-2) get no arc and no member.
    live = np.flatnonzero(spec.group_parent >= -1)
    par = spec.group_parent[live]
    grp_head = np.where(par >= 0, group_base + par, sink).astype(np.int32)

    tails = np.concatenate(
        [
            client_node,
            np.zeros(supply, dtype=np.int32),
            (1 + nc + active_dwellings).astype(np.int32),
            (group_base + live).astype(np.int32),
            np.array([source], dtype=np.int32),
        ]
    )
    heads = np.concatenate(
        [
            dwelling_node,
            (1 + active_clients).astype(np.int32),
            dw_head,
            grp_head,
            np.array([sink], dtype=np.int32),
        ]
    )
    caps = np.concatenate(
        [
            np.ones(ncand + supply + active_dwellings.size, dtype=np.int64),
            spec.group_caps[live].astype(np.int64),
            np.array([supply], dtype=np.int64),
        ]
    )
    costs = np.zeros(tails.shape[0], dtype=np.int64)
    costs[:ncand] = -profit[useful]

    # Imported here: crossing groups (HiGHS) and score scaling never need OR-Tools' start-up.
    from ortools.graph.python import min_cost_flow

    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    smcf.set_nodes_supplies(
        np.array([source, sink], dtype=np.int32), np.array([supply, -supply], dtype=np.int64)
    )
    status = smcf.solve()
    if status != smcf.OPTIMAL:  # pragma: no cover - the bypass arc makes this unreachable
        raise RuntimeError(f"min-cost flow failed with status {status}")
    chosen[useful] = smcf.flows(np.arange(ncand, dtype=np.int32)) > 0
    return chosen
