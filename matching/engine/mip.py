"""Crossing (non-laminar) groups: an integer program solved with OR-Tools CP-SAT.

Before calling CP-SAT we do the cheap, exact-flow work that makes it converge fast:

1. Keep the largest laminar subfamily of the groups and solve that relaxation as a min-cost
   flow. Dropping constraints can only raise the optimum, so this is an *upper bound*.
2. Repair that flow solution into a feasible one (unplace the lowest scores in overfull
   groups, then greedily fill what is still free): a *lower bound* and a solution hint.
3. If both bounds meet, the repaired solution is proven optimal and CP-SAT is not needed.
   Otherwise CP-SAT gets the hint and the remaining time; the final bound is the better of
   CP-SAT's bound and the flow bound.

The CP-SAT model is written in protobuf text format in one go: building half a million
Boolean variables through the Python API costs seconds, the text parse a fraction of that.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from .flow import FlowNetworkSpec, solve_flow
from .groups import GroupStructure, laminar_subfamily
from .instance import Instance


@dataclass(frozen=True, slots=True)
class MipResult:
    chosen: np.ndarray  # bool per candidate
    value: int  # scaled objective of ``chosen``
    bound: int  # scaled upper bound on the optimum
    decimals: int
    exact: bool
    cp_sat_status: str  # "not needed" when the flow bounds already met


def solve_overlapping(
    instance: Instance,
    structure: GroupStructure,
    *,
    time_limit: float,
    num_workers: int = 2,
) -> MipResult:
    """Maximise the total score under crossing groups; see the module docstring."""
    started = time.perf_counter()
    parent, innermost, _skipped = laminar_subfamily(structure.members, instance.n_dwellings)
    spec = FlowNetworkSpec(
        n_clients=instance.n_clients,
        n_dwellings=instance.n_dwellings,
        cand_client=instance.cand_client,
        cand_dwelling=instance.cand_dwelling,
        group_caps=structure.caps,
        group_parent=parent,
        innermost=innermost,
    )
    relaxed, scaled = solve_flow(spec, instance.cand_score)
    profit = scaled.values
    upper = int(profit[relaxed].sum())

    dw_groups = _dwelling_groups(structure, instance.n_dwellings)
    hint = _repair(instance, structure, dw_groups, relaxed, profit)
    lower = int(profit[hint].sum())
    if lower >= upper:
        return MipResult(hint, lower, upper, scaled.decimals, scaled.exact, "not needed")

    remaining = max(0.5, time_limit - (time.perf_counter() - started))
    model = cp_model.CpModel()
    model.proto.parse_text_format(_model_text(instance, structure, profit, hint))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = remaining
    solver.parameters.num_workers = max(1, num_workers)
    solver.parameters.random_seed = 0
    status = solver.solve(model)
    best, value = hint, lower
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        values = np.asarray(solver.response_proto.solution, dtype=np.int64)
        found = values[: instance.n_candidates] > 0
        found_value = int(profit[found].sum())
        if found_value > value:
            best, value = found, found_value
    bound = upper
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.UNKNOWN):
        # The objective is written as a minimisation of -profit, scaled back by -1.
        cp_bound = solver.best_objective_bound
        if np.isfinite(cp_bound):
            bound = min(bound, int(np.floor(cp_bound + 1e-6)))
    if status == cp_model.OPTIMAL:
        bound = min(bound, value)
    return MipResult(
        best, value, max(bound, value), scaled.decimals, scaled.exact, solver.status_name(status)
    )


def _dwelling_groups(structure: GroupStructure, n_dwellings: int) -> list[list[int]]:
    out: list[list[int]] = [[] for _ in range(n_dwellings)]
    dwell, grp = structure.incidence()
    for d, g in zip(dwell.tolist(), grp.tolist(), strict=True):
        out[d].append(g)
    return out


def _repair(
    instance: Instance,
    structure: GroupStructure,
    dw_groups: list[list[int]],
    chosen: np.ndarray,
    profit: np.ndarray,
) -> np.ndarray:
    """Make a relaxed solution feasible, then fill greedily by score. Deterministic."""
    chosen = chosen.copy()
    caps = structure.caps
    ng = int(caps.shape[0])
    dwell, grp = structure.incidence()
    cand_of_dwelling = np.full(instance.n_dwellings, -1, dtype=np.int64)
    picked = np.flatnonzero(chosen)
    cand_of_dwelling[instance.cand_dwelling[picked]] = picked
    load = np.bincount(grp, weights=(cand_of_dwelling[dwell] >= 0), minlength=ng).astype(np.int64)

    for g in np.flatnonzero(load > caps).tolist():
        over = int(load[g] - caps[g])
        if over <= 0:  # an earlier repair already relieved it
            continue
        cands = cand_of_dwelling[structure.members[g]]
        cands = cands[cands >= 0]
        # Unplace the lowest-profit placements; ties by candidate position for determinism.
        drop = cands[np.lexsort((cands, profit[cands]))][:over]
        for k in drop.tolist():
            chosen[k] = False
            d = int(instance.cand_dwelling[k])
            cand_of_dwelling[d] = -1
            for h in dw_groups[d]:
                load[h] -= 1

    client_used = np.zeros(instance.n_clients, dtype=bool)
    client_used[instance.cand_client[chosen]] = True
    dwelling_used = cand_of_dwelling >= 0
    open_k = np.flatnonzero(
        ~client_used[instance.cand_client] & ~dwelling_used[instance.cand_dwelling]
    )
    open_k = open_k[np.lexsort((open_k, -profit[open_k]))]
    for k in open_k.tolist():
        c, d = int(instance.cand_client[k]), int(instance.cand_dwelling[k])
        if client_used[c] or dwelling_used[d]:
            continue
        groups = dw_groups[d]
        if any(load[h] >= caps[h] for h in groups):
            continue
        chosen[k] = True
        client_used[c] = dwelling_used[d] = True
        for h in groups:
            load[h] += 1
    return chosen


def _ints(values: np.ndarray) -> str:
    return ",".join(map(str, values.tolist()))


def _model_text(
    instance: Instance, structure: GroupStructure, profit: np.ndarray, hint: np.ndarray
) -> str:
    """CpModelProto text: x_k per candidate, y_d per dwelling that has candidates.

    Constraints: at most one x per client; y_d = sum of x over d's candidates (so at most one
    client per dwelling); per group, sum of y over its dwellings <= cap.
    """
    ncand = instance.n_candidates
    parts = ["variables { domain: [0, 1] }\n" * ncand]
    dwellings = np.unique(instance.cand_dwelling)
    y_of = np.full(instance.n_dwellings, -1, dtype=np.int64)
    y_of[dwellings] = ncand + np.arange(dwellings.size)
    parts.append("variables { domain: [0, 1] }\n" * int(dwellings.size))

    # Candidates are in canonical order, i.e. grouped by client already.
    cc = instance.cand_client
    starts = np.flatnonzero(np.r_[True, cc[1:] != cc[:-1]])
    ends = np.r_[starts[1:], ncand]
    for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
        if e - s > 1:
            parts.append(
                f"constraints {{ at_most_one {{ literals: [{_ints(np.arange(s, e))}] }} }}\n"
            )

    by_dw = np.argsort(instance.cand_dwelling, kind="stable")
    cd = instance.cand_dwelling[by_dw]
    starts = np.flatnonzero(np.r_[True, cd[1:] != cd[:-1]])
    ends = np.r_[starts[1:], ncand]
    for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
        xs = by_dw[s:e]
        y = int(y_of[cd[s]])
        coeffs = ",".join(["1"] + ["-1"] * int(xs.size))
        parts.append(
            f"constraints {{ linear {{ vars: [{y},{_ints(xs)}] coeffs: [{coeffs}] domain: [0, 0] }} }}\n"
        )

    for g, mem in enumerate(structure.members):
        ys = y_of[mem]
        ys = ys[ys >= 0]
        parts.append(
            f"constraints {{ linear {{ vars: [{_ints(ys)}] coeffs: [{','.join(['1'] * ys.size)}] "
            f"domain: [0, {int(structure.caps[g])}] }} }}\n"
        )

    # Maximise profit == minimise -profit; scaling_factor -1 reports it as a maximum.
    parts.append(
        f"objective {{ vars: [{_ints(np.arange(ncand))}] coeffs: [{_ints(-profit)}] "
        "scaling_factor: -1 }\n"
    )
    hint_y = np.zeros(dwellings.size, dtype=np.int64)
    hint_y[np.searchsorted(dwellings, instance.cand_dwelling[hint])] = 1
    parts.append(
        f"solution_hint {{ vars: [{_ints(np.arange(ncand + dwellings.size))}] "
        f"values: [{_ints(np.r_[hint.astype(np.int64), hint_y])}] }}\n"
    )
    return "".join(parts)
