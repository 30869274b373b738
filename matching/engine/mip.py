"""Crossing (non-laminar) groups: a proven optimum from HiGHS, on as little as the proof needs.

Crossing groups make the problem an integer program. Handing HiGHS the whole model works but
is slow at scale (millions of candidate pairs, most of which can never be in an optimum). So:

1. **LP by column generation.** Solve the LP relaxation on a few candidates per client (their
   best by score) and price all the others with the LP's duals in one vectorised pass; add
   those whose reduced profit is positive and re-solve (HiGHS keeps its basis), until none is
   left. That is the LP of the *whole* problem, on a fraction of its columns.
2. **A bound that needs no trust in floating point.** From the duals ``u`` (client), ``v``
   (dwelling), ``w >= 0`` (group) we raise each ``u_c`` to cover every one of the client's
   candidates, so the duals are feasible by construction, and
   ``D = sum(u) + sum(v) + sum(cap * w)`` is a proven upper bound on the optimum.
3. **An incumbent** from the LP: its (nearly always integral) solution is rounded and repaired
   in a few vectorised passes, then filled greedily over the LP's columns.
4. **Reduced-cost fixing.** A pair with reduced profit ``rc = u_c + v_d + sum(w) - p >= 0``
   can only sit in solutions worth at most ``D - rc``. Scores are integers after scaling, so
   when ``D - rc < incumbent + 1`` the pair cannot be in any better solution: it is left out.
5. **The MIP** (HiGHS, single thread, gap 0) on the pairs that are left, with every client,
   dwelling and group row, started from the incumbent. Its optimum on those pairs is the
   optimum of the whole problem (step 4), so ``optimal`` is claimed only on HiGHS's proof.
   If the time budget runs out first, the best solution found is returned with a proven
   bound: ``max(MIP bound on the kept pairs, incumbent at fixing time)``, never above ``D``.

Every step is deterministic: candidates in canonical order, ties by position, HiGHS
single-threaded (its search does not depend on the clock). Only a time limit that actually
cuts a phase short can change the answer, and then the answer is not called optimal.
"""

from __future__ import annotations

import math
import sys
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from .flow import scale_scores
from .groups import GroupStructure
from .instance import Instance

# Start the LP with each client's best few pairs and each dwelling's best few clients (the
# dwellings are what clients compete for); column generation adds the rest it needs. Measured
# on L with crossing groups: 6 pricing rounds instead of 8, 30% less LP time.
INITIAL_PER_CLIENT = 4
INITIAL_PER_DWELLING = 8
# Per pricing round, each client's most profitable violated pairs that enter the LP.
ADD_PER_CLIENT = 4
PRICING_ROUNDS = 60
# Reduced profits below this (scaled units; profits are integers) count as non-positive.
_PRICING_TOL = 1e-6
# Integer profits: totals stay exact in a double far below 2**53.
_PROFIT_LIMIT = 2.0**40
# Seconds kept back from the budget for turning HiGHS's answer into a solution.
_FINISH_RESERVE = 0.2
# Above this many pairs left after fixing, the MIP is not attempted (see step 5).
MIP_MAX_COLUMNS = 200_000


@dataclass(frozen=True, slots=True)
class MipResult:
    chosen: np.ndarray  # bool per candidate
    value: int  # scaled objective of ``chosen``
    bound: int  # scaled upper bound on the optimum
    decimals: int
    exact: bool
    mip_status: str  # "not needed" when the LP already proved the incumbent optimal
    rounds: int  # pricing rounds of the LP
    optimal: bool  # proven (HiGHS's own proof, or incumbent == bound)
    details: dict[str, Any]


@dataclass(frozen=True, slots=True)
class _Rows:
    """Row layout shared by the LP and the MIP: clients, then dwellings, then groups."""

    n_clients: int
    n_dwellings: int
    caps: np.ndarray  # per group (float)
    dw_ptr: np.ndarray  # CSR over dwellings into ``dw_groups``
    dw_groups: np.ndarray  # group positions, sorted per dwelling

    @property
    def n_rows(self) -> int:
        return self.n_clients + self.n_dwellings + int(self.caps.size)

    def upper(self) -> np.ndarray:
        return np.r_[np.ones(self.n_clients + self.n_dwellings), self.caps]

    def columns(self, cc: np.ndarray, cd: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """CSC ``(start, index)`` of the columns of pairs ``(cc, cd)``: all coefficients 1."""
        per = self.dw_ptr[1:] - self.dw_ptr[:-1]
        extra = per[cd]
        lengths = 2 + extra
        start = np.zeros(cc.size + 1, dtype=np.int64)
        np.cumsum(lengths, out=start[1:])
        index = np.empty(int(start[-1]), dtype=np.int32)
        index[start[:-1]] = cc
        index[start[:-1] + 1] = self.n_clients + cd
        if extra.sum():
            owner = np.repeat(np.arange(cc.size), extra)
            offset = np.arange(int(extra.sum())) - np.repeat(np.cumsum(extra) - extra, extra)
            index[np.repeat(start[:-1] + 2, extra) + offset] = (
                self.n_clients + self.n_dwellings + self.dw_groups[self.dw_ptr[cd[owner]] + offset]
            )
        return start.astype(np.int32), index


def solve_overlapping(
    instance: Instance,
    structure: GroupStructure,
    *,
    time_limit: float,
) -> MipResult:
    """Maximise the total score under crossing groups; see the module docstring."""
    highspy = load_highs()

    deadline = time.perf_counter() + time_limit
    n_cand = instance.n_candidates
    scale_cap = _PROFIT_LIMIT / max(1, min(instance.n_clients, instance.n_dwellings))
    scaled = scale_scores(instance.cand_score, max_magnitude=scale_cap)
    profit = scaled.values
    # Pairs in a cap-0 group can never be chosen: profit 0 keeps them out of every phase.
    usable = structure.usable(instance.cand_dwelling, instance.n_dwellings)
    pf = np.where(usable, profit, 0).astype(np.float64)
    cc = instance.cand_client.astype(np.int64)
    cd = instance.cand_dwelling.astype(np.int64)

    dwell, grp = structure.incidence()
    order = np.lexsort((grp, dwell))
    dw_groups = grp[order].astype(np.int64)
    dw_ptr = np.zeros(instance.n_dwellings + 1, dtype=np.int64)
    np.cumsum(np.bincount(dwell, minlength=instance.n_dwellings), out=dw_ptr[1:])
    rows = _Rows(
        instance.n_clients,
        instance.n_dwellings,
        structure.caps.astype(np.float64),
        dw_ptr,
        dw_groups,
    )
    # Candidates grouped by client (canonical order), to take per-client maxima in one pass.
    client_start = np.searchsorted(cc, np.arange(instance.n_clients + 1))
    has_cands = client_start[1:] > client_start[:-1]

    # 1. LP by column generation.
    in_lp = _top_per_client(cc, -pf, INITIAL_PER_CLIENT) & usable
    by_dwelling = np.argsort(cd, kind="stable")
    best_clients = _top_per_client(cd[by_dwelling], -pf[by_dwelling], INITIAL_PER_DWELLING)
    in_lp[by_dwelling[best_clients]] = True
    in_lp &= usable
    cols = np.flatnonzero(in_lp)
    h = _highs(highspy, time_left=deadline - time.perf_counter())
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = int(cols.size), rows.n_rows
    lp.col_cost_ = -pf[cols]
    lp.col_lower_ = np.zeros(cols.size)
    lp.col_upper_ = np.ones(cols.size)
    lp.row_lower_ = np.full(rows.n_rows, -highspy.kHighsInf)
    lp.row_upper_ = rows.upper()
    start, index = rows.columns(cc[cols], cd[cols])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = start
    lp.a_matrix_.index_ = index
    lp.a_matrix_.value_ = np.ones(index.size)
    h.passModel(lp)

    rounds, lp_status = 0, "not run"
    u = np.zeros(instance.n_clients)
    w_dwelling = np.zeros(instance.n_dwellings)  # v_d + sum of its groups' w
    v = np.zeros(instance.n_dwellings)
    w = np.zeros(int(structure.caps.size))
    x_lp = np.zeros(n_cand)
    while rounds < PRICING_ROUNDS:
        rounds += 1
        # HiGHS's time limit counts its run time over all runs of this object, so the time
        # left is added to what it has used so far.
        left = max(0.05, deadline - time.perf_counter() - _FINISH_RESERVE)
        h.setOptionValue("time_limit", h.getRunTime() + left)
        h.run()
        lp_status = h.modelStatusToString(h.getModelStatus())
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            break
        sol = h.getSolution()
        dual = np.maximum(0.0, -np.asarray(sol.row_dual))
        u = dual[: instance.n_clients]
        v = dual[instance.n_clients : instance.n_clients + instance.n_dwellings]
        w = dual[instance.n_clients + instance.n_dwellings :]
        w_dwelling = v + np.bincount(dwell, weights=w[grp], minlength=instance.n_dwellings)
        x_lp[:] = 0.0
        x_lp[cols] = np.asarray(sol.col_value)
        reduced = pf - u[cc] - w_dwelling[cd]
        enter = (reduced > _PRICING_TOL) & ~in_lp & usable
        if not enter.any():
            break
        # Per client its most profitable violated pairs (ties by position).
        violated = np.flatnonzero(enter)
        add = violated[_top_per_client(cc[violated], -reduced[violated], ADD_PER_CLIENT)]
        start, index = rows.columns(cc[add], cd[add])
        # New columns leave the basis primal feasible: primal simplex picks up from there.
        h.setOptionValue("simplex_strategy", 4)
        h.addCols(
            int(add.size),
            -pf[add],
            np.zeros(add.size),
            np.ones(add.size),
            int(index.size),
            start[:-1],
            index,
            np.ones(index.size),
        )
        in_lp[add] = True
        cols = np.r_[cols, add]

    # 2. A proven bound: raise u_c to cover every pair of client c (dual feasible by
    # construction), whatever state the LP ended in.
    cover = pf - w_dwelling[cd]
    best_cover = np.zeros(instance.n_clients)
    best_cover[has_cands] = np.maximum.reduceat(cover, client_start[:-1][has_cands])
    u = np.maximum(u, np.maximum(best_cover, 0.0))
    dual_bound = float(u.sum() + v.sum() + (rows.caps * w).sum())
    # Only summation error separates D from the exact dual objective (terms are integers or
    # HiGHS's doubles, ~1e4 rows): far below 1e-6, so this floor is a proof.
    upper = math.floor(dual_bound + 1e-6)

    # 3. Incumbent from the LP solution.
    best = _round_and_fill(instance, structure, rows, x_lp, cols, pf)
    lower = int(profit[best].sum())
    details: dict[str, Any] = {
        "lp_status": lp_status,
        "lp_columns": int(cols.size),
        "lp_bound": dual_bound / 10.0**scaled.decimals,
    }
    if lower >= upper:
        return MipResult(
            best, lower, lower, scaled.decimals, scaled.exact, "not needed", rounds, True, details
        )

    # 4. Reduced-cost fixing against the incumbent.
    rc = u[cc] + w_dwelling[cd] - pf
    keep = np.flatnonzero(((dual_bound - rc >= lower + 1 - 1e-6) & usable) | best)
    details["mip_columns"] = int(keep.size)
    fixing_lower = lower

    # 5. The MIP on the pairs that can still improve. Not when the LP ran out of time: its
    # bound is then too weak to fix much, and building a MIP over nearly every pair would
    # itself overrun the budget (measured: 45 s for a 30 s budget at XL).
    left = deadline - time.perf_counter() - _FINISH_RESERVE
    if lp_status != "Optimal":
        status, found, mip_bound = "skipped: LP not finished in time", None, None
    elif keep.size > MIP_MAX_COLUMNS:
        status, found, mip_bound = "skipped: too many pairs left after fixing", None, None
    elif left <= 0.05:
        status, found, mip_bound = "time limit", None, None
    else:
        status, found, mip_bound = _solve_mip(highspy, rows, cc, cd, pf, keep, best, left)
    optimal = False
    if found is not None and _feasible(instance, structure, found):
        found_value = int(profit[found].sum())
        if found_value >= lower:
            best, lower = found, found_value
    if status == "Optimal" and found is not None:
        optimal, bound = True, lower
    else:
        proven = (
            upper if mip_bound is None else math.floor(mip_bound + 1e-6 * max(1.0, abs(mip_bound)))
        )
        bound = max(lower, min(upper, max(proven, fixing_lower)))
        optimal = lower >= bound
    return MipResult(
        best, lower, bound, scaled.decimals, scaled.exact, status, rounds, optimal, details
    )


def load_highs() -> Any:
    """HiGHS's Python bindings as scipy ships them (``scipy.optimize._highspy._core``).

    Not the ``highspy`` wheel: it loads its own ``libhighs.so.1``, the same soname as the
    HiGHS inside OR-Tools, so the two cannot live in one process (whichever comes second
    fails on missing symbols). scipy links HiGHS statically, next to OR-Tools without a
    clash. The extension is loaded on its own: importing ``scipy.optimize`` first would pull
    in most of scipy (0.5 s quiet, 9 s on a loaded machine) for one module. The module is
    private, so scipy is pinned to the versions tested.
    """
    import importlib.machinery
    import importlib.util
    from pathlib import Path

    name = "scipy.optimize._highspy._core"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec("scipy")
    if spec is None or spec.origin is None:  # pragma: no cover - scipy is a dependency
        raise ImportError("scipy is required for crossing groups")
    folder = Path(spec.origin).parent / "optimize" / "_highspy"
    files = sorted(folder.glob("_core.*.so")) + sorted(folder.glob("_core.*.pyd"))
    if not files:  # pragma: no cover - a scipy without its HiGHS bindings
        from scipy.optimize._highspy import _core

        return _core
    loader = importlib.machinery.ExtensionFileLoader(name, str(files[0]))
    module_spec = importlib.util.spec_from_file_location(name, files[0], loader=loader)
    assert module_spec is not None
    module = importlib.util.module_from_spec(module_spec)
    loader.exec_module(module)
    sys.modules[name] = module
    return module


def _highs(highspy: Any, *, time_left: float) -> Any:
    h = highspy._Highs()
    # Output off (stdout carries the CLI's solution); one thread keeps HiGHS deterministic.
    for key, value in {
        "output_flag": False,
        "log_to_console": False,
        "threads": 1,
        "time_limit": max(0.05, time_left),
    }.items():
        h.setOptionValue(key, value)
    return h


def _top_per_client(cc: np.ndarray, key: np.ndarray, k: int) -> np.ndarray:
    """Mask of each client's ``k`` candidates with the smallest ``key`` (ties by position).

    ``cc`` is sorted (canonical order), so a stable sort on ``key`` within clients suffices.
    """
    order = np.lexsort((key, cc))
    sorted_cc = cc[order]
    run_start = np.flatnonzero(np.r_[True, sorted_cc[1:] != sorted_cc[:-1]])
    rank = np.arange(cc.size) - np.repeat(run_start, np.diff(np.r_[run_start, cc.size]))
    mask = np.zeros(cc.size, dtype=bool)
    mask[order[rank < k]] = True
    return mask


def _round_and_fill(
    instance: Instance,
    structure: GroupStructure,
    rows: _Rows,
    x_lp: np.ndarray,
    cols: np.ndarray,
    pf: np.ndarray,
) -> np.ndarray:
    """A feasible solution near the LP's: round, repair over-full groups, fill greedily.

    Pairs above 0.5 never share a client or a dwelling (their rows are <= 1). Groups they
    overfill lose their lowest-profit pairs (ties by position). The fill then walks the LP's
    columns by LP value and profit and takes each pair that still fits; that loop touches only
    the LP's few columns, never the millions of candidates.
    """
    cc, cd = instance.cand_client, instance.cand_dwelling
    chosen = x_lp > 0.5
    load = _loads(structure, rows, cd[chosen])
    over = load > rows.caps
    while over.any():
        g = int(np.flatnonzero(over)[0])
        members = structure.members[g]
        picked = np.flatnonzero(chosen)
        inside = picked[np.isin(cd[picked], members)]
        n_drop = int(load[g] - rows.caps[g])
        drop = inside[np.lexsort((inside, pf[inside]))][:n_drop]
        chosen[drop] = False
        load = _loads(structure, rows, cd[chosen])
        over = load > rows.caps

    client_used = np.zeros(instance.n_clients, dtype=bool)
    dwelling_used = np.zeros(instance.n_dwellings, dtype=bool)
    client_used[cc[chosen]] = True
    dwelling_used[cd[chosen]] = True
    room = (rows.caps - load).astype(np.int64)
    pool = cols[~client_used[cc[cols]] & ~dwelling_used[cd[cols]]]
    pool = pool[np.lexsort((pool, -pf[pool], -x_lp[pool]))]
    ptr, groups = rows.dw_ptr, rows.dw_groups
    for k, c, d in zip(pool.tolist(), cc[pool].tolist(), cd[pool].tolist(), strict=True):
        if client_used[c] or dwelling_used[d]:
            continue
        mine = groups[ptr[d] : ptr[d + 1]]
        if mine.size and (room[mine] <= 0).any():
            continue
        chosen[k] = True
        client_used[c] = dwelling_used[d] = True
        room[mine] -= 1
    return chosen


def _loads(structure: GroupStructure, rows: _Rows, dwellings: np.ndarray) -> np.ndarray:
    used = np.zeros(rows.n_dwellings, dtype=np.float64)
    used[dwellings] = 1.0
    per = rows.dw_ptr[1:] - rows.dw_ptr[:-1]
    return np.bincount(rows.dw_groups, weights=np.repeat(used, per), minlength=int(rows.caps.size))


def _feasible(instance: Instance, structure: GroupStructure, chosen: np.ndarray) -> bool:
    """Re-check a solver's answer exactly (integers), so no tolerance leaks into a result."""
    picked = np.flatnonzero(chosen)
    cc, cd = instance.cand_client[picked], instance.cand_dwelling[picked]
    if np.unique(cc).size != cc.size or np.unique(cd).size != cd.size:
        return False
    used = np.zeros(instance.n_dwellings, dtype=np.int64)
    used[cd] = 1
    dwell, grp = structure.incidence()
    load = np.bincount(grp, weights=used[dwell], minlength=int(structure.caps.size))
    return bool(np.all(load <= structure.caps))


def _solve_mip(
    highspy: Any,
    rows: _Rows,
    cc: np.ndarray,
    cd: np.ndarray,
    pf: np.ndarray,
    keep: np.ndarray,
    start_from: np.ndarray,
    seconds: float,
) -> tuple[str, np.ndarray | None, float | None]:
    """HiGHS's MIP on the pairs ``keep``: (status, chosen mask, proven bound on those pairs)."""
    h = _highs(highspy, time_left=seconds)
    # Scores are integers: a gap below one unit is a proof of optimality.
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 0.999)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = int(keep.size), rows.n_rows
    lp.col_cost_ = -pf[keep]
    lp.col_lower_ = np.zeros(keep.size)
    lp.col_upper_ = np.ones(keep.size)
    lp.row_lower_ = np.full(rows.n_rows, -highspy.kHighsInf)
    lp.row_upper_ = rows.upper()
    start, index = rows.columns(cc[keep], cd[keep])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = start
    lp.a_matrix_.index_ = index
    lp.a_matrix_.value_ = np.ones(index.size)
    lp.integrality_ = [highspy.HighsVarType.kInteger] * int(keep.size)
    h.passModel(lp)
    initial = np.flatnonzero(start_from[keep]).astype(np.int32)
    h.setSolution(int(initial.size), initial, np.ones(initial.size))
    h.run()
    status = h.modelStatusToString(h.getModelStatus())
    info = h.getInfo()
    if info.primal_solution_status != 2:  # kSolutionStatusFeasible
        return status, None, None
    values = np.asarray(h.getSolution().col_value)
    chosen = np.zeros(cc.size, dtype=bool)
    chosen[keep[values > 0.5]] = True
    bound = -float(info.mip_dual_bound)
    return status, chosen, bound if math.isfinite(bound) else None
