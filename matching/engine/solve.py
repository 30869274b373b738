"""The optimiser's entry point: pick the exact method, solve, and explain the result."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .flow import FlowNetworkSpec, solve_flow
from .groups import GroupStructure, analyse_groups
from .instance import FORMAT, Instance

DEFAULT_TIME_LIMIT = 30.0
_CORE_KEYS = frozenset({"client", "dwelling", "score"})


@dataclass(frozen=True, slots=True)
class Assignment:
    """One proposed placement. ``extra`` holds any extra keys the instance gave the pair."""

    client: str
    dwelling: str
    score: float
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Alternative:
    """A dwelling the client could get instead, with every other placement left as it is."""

    dwelling: str
    score: float


@dataclass(frozen=True, slots=True)
class Solution:
    """The optimiser's answer.

    ``optimal`` is True when the objective is proven maximal (always for laminar groups).
    ``bound`` is a proven upper bound on the best objective and ``gap`` the relative distance
    to it, ``(bound - objective) / bound``. ``alternatives`` gives, per client, up to three
    best-scoring dwellings that stay feasible if this client's proposal is declined (the
    client's own proposed dwelling freed, all other proposals kept).
    """

    assignments: list[Assignment]
    objective: float
    optimal: bool
    bound: float
    gap: float
    method: str  # "min-cost-flow" or "lp+mip"
    laminar: bool
    alternatives: dict[str, list[Alternative]]
    unassigned: list[str]
    seconds: float
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The ``woonbrug-matching/1`` solution document (with extra, ignorable keys)."""
        return {
            "format": FORMAT,
            "assignments": [
                {"client": a.client, "dwelling": a.dwelling, "score": a.score, **a.extra}
                for a in self.assignments
            ],
            "objective": self.objective,
            "optimal": self.optimal,
            "bound": self.bound,
            "gap": self.gap,
            "method": self.method,
            "laminar": self.laminar,
            "unassigned": self.unassigned,
            "alternatives": {
                client: [{"dwelling": a.dwelling, "score": a.score} for a in alts]
                for client, alts in self.alternatives.items()
            },
            "seconds": round(self.seconds, 3),
            **self.details,
        }


def solve(
    instance: Instance,
    *,
    time_limit: float = DEFAULT_TIME_LIMIT,
    n_alternatives: int = 3,
) -> Solution:
    """Maximise the total score of the placements.

    Laminar groups are solved exactly as a min-cost flow (``time_limit`` is not needed there).
    Crossing groups: the LP relaxation by column generation (HiGHS), a proven bound from its
    duals, reduced-cost fixing, then HiGHS's MIP on the pairs left, all within ``time_limit``
    seconds (see ``mip.py``). ``optimal`` says whether optimality was proven; ``bound`` and
    ``gap`` how far from proven the answer is, and ``details["status"]`` says it in words.
    The same instance always gives the same assignment when the optimum is proven (laminar or
    crossing): every step is deterministic and no phase is cut by the clock unless the budget
    runs out, and then the answer is not called optimal.
    """
    started = time.perf_counter()
    structure = analyse_groups(instance)
    if structure.laminar:
        spec = FlowNetworkSpec(
            n_clients=instance.n_clients,
            n_dwellings=instance.n_dwellings,
            cand_client=instance.cand_client,
            cand_dwelling=instance.cand_dwelling,
            group_caps=structure.caps,
            group_parent=structure.parent,  # type: ignore[arg-type]
            innermost=structure.innermost,  # type: ignore[arg-type]
        )
        usable = structure.usable(instance.cand_dwelling, instance.n_dwellings)
        chosen, scaled = solve_flow(spec, instance.cand_score, usable)
        method, optimal = "min-cost-flow", True
        bound_scaled = None
        details: dict[str, Any] = {
            "score_decimals": scaled.decimals,
            "scores_exact": scaled.exact,
            "status": "optimal",
        }
    else:
        from .mip import solve_overlapping  # loaded only when groups cross

        # What is left of the budget after the group analysis.
        left = time_limit - (time.perf_counter() - started)
        result = solve_overlapping(instance, structure, time_limit=max(0.05, left))
        chosen = result.chosen
        method, optimal = "lp+mip", result.optimal
        bound_scaled = result.bound / 10.0**result.decimals
        details = {
            "score_decimals": result.decimals,
            "scores_exact": result.exact,
            # Said in words too: a board reads "optimal", or why not and how far from it.
            "status": "optimal" if optimal else "time limit: best found, gap proven",
            "mip_status": result.mip_status,
            "lp_rounds": result.rounds,
            **result.details,
            "overlapping_groups": list(structure.overlap or ()),
        }

    picked = np.flatnonzero(chosen)
    objective = float(instance.cand_score[picked].sum())
    bound = objective if bound_scaled is None else max(objective, bound_scaled)
    gap = 0.0 if bound <= 0 else max(0.0, (bound - objective) / bound)
    if optimal:
        bound, gap = objective, 0.0
    alternatives = _alternatives(instance, structure, chosen, n_alternatives)
    placed = np.zeros(instance.n_clients, dtype=bool)
    placed[instance.cand_client[picked]] = True
    return Solution(
        assignments=_assignments(instance, picked),
        objective=objective,
        optimal=optimal,
        bound=bound,
        gap=gap,
        method=method,
        laminar=structure.laminar,
        alternatives=alternatives,
        unassigned=[instance.client_ids[i] for i in np.flatnonzero(~placed).tolist()],
        seconds=time.perf_counter() - started,
        details=details,
    )


def _assignments(instance: Instance, picked: np.ndarray) -> list[Assignment]:
    cids, dids = instance.client_ids, instance.dwelling_ids
    raw, source = instance.raw_candidates, instance.cand_source
    out = []
    for k, c, d, s in zip(
        picked.tolist(),
        instance.cand_client[picked].tolist(),
        instance.cand_dwelling[picked].tolist(),
        instance.cand_score[picked].tolist(),
        strict=True,
    ):
        extra: Mapping[str, Any] = {}
        if raw is not None and source is not None:
            item = raw[int(source[k])]
            if len(item) > len(_CORE_KEYS):
                extra = {key: v for key, v in item.items() if key not in _CORE_KEYS}
        out.append(Assignment(cids[c], dids[d], s, extra))
    return out


def feasible_alternatives(
    instance: Instance, structure: GroupStructure, chosen: np.ndarray
) -> np.ndarray:
    """Mask of candidates a client could switch to, all other placements unchanged.

    A candidate qualifies when its dwelling is free and every group holding that dwelling has
    room once the client's current dwelling (if any) is freed. Groups at their cap block,
    unless they also hold the client's current dwelling. Fully vectorised: for the few
    candidates behind a full group we test the (current dwelling, group) memberships by
    binary search in the sorted list of all memberships.
    """
    cc, cd = instance.cand_client, instance.cand_dwelling
    picked = np.flatnonzero(chosen)
    dwelling_used = np.zeros(instance.n_dwellings, dtype=bool)
    dwelling_used[cd[picked]] = True
    current = np.full(instance.n_clients, -1, dtype=np.int64)
    current[cc[picked]] = cd[picked]

    ng = int(structure.caps.shape[0])
    dwell, grp = structure.incidence()
    load = np.bincount(grp, weights=dwelling_used[dwell], minlength=ng)
    tight = load >= structure.caps
    t_dwell, t_grp = dwell[tight[grp]], grp[tight[grp]]
    order = np.lexsort((t_grp, t_dwell))
    t_dwell, t_grp = t_dwell[order], t_grp[order]
    t_count = np.bincount(t_dwell, minlength=instance.n_dwellings)
    t_ptr = np.r_[0, np.cumsum(t_count)]

    ok = ~dwelling_used[cd] & (t_count[cd] == 0)
    check = np.flatnonzero(~dwelling_used[cd] & (t_count[cd] > 0) & (current[cc] >= 0))
    if check.size:
        lengths = t_count[cd[check]]
        owner = np.repeat(check, lengths)
        # Positions t_ptr[d] .. t_ptr[d]+len-1 for each checked candidate, without a loop.
        offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        groups = t_grp[np.repeat(t_ptr[cd[check]], lengths) + offsets]
        all_keys = np.sort(dwell.astype(np.int64) * max(ng, 1) + grp)
        want = current[cc[owner]] * max(ng, 1) + groups
        pos = np.minimum(np.searchsorted(all_keys, want), max(all_keys.size - 1, 0))
        member = all_keys[pos] == want if all_keys.size else np.zeros(want.size, dtype=bool)
        failed = np.bincount(owner[~member], minlength=instance.n_candidates)
        ok[check] = failed[check] == 0
    return ok


def _alternatives(
    instance: Instance, structure: GroupStructure, chosen: np.ndarray, n: int
) -> dict[str, list[Alternative]]:
    if n <= 0 or instance.n_candidates == 0:
        return {}
    feasible = np.flatnonzero(feasible_alternatives(instance, structure, chosen))
    cc = instance.cand_client[feasible]
    order = np.lexsort((instance.cand_dwelling[feasible], -instance.cand_score[feasible], cc))
    feasible, cc = feasible[order], cc[order]
    run_start = np.flatnonzero(np.r_[True, cc[1:] != cc[:-1]]) if cc.size else cc
    rank = np.arange(cc.size) - np.repeat(run_start, np.diff(np.r_[run_start, cc.size]))
    keep = feasible[rank < n]
    out: dict[str, list[Alternative]] = {}
    cids, dids = instance.client_ids, instance.dwelling_ids
    for c, d, s in zip(
        instance.cand_client[keep].tolist(),
        instance.cand_dwelling[keep].tolist(),
        instance.cand_score[keep].tolist(),
        strict=True,
    ):
        out.setdefault(cids[c], []).append(Alternative(dids[d], s))
    return out
