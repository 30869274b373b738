"""The best-solver yardstick: HiGHS on the whole integer program, little around it.

    uv run python -m benchmarks.highs_mip INSTANCE.json [--time-limit SECONDS] [--plain]

Reads the JSON (same reader as the CLI, orjson), maps ids to integers and builds the full
model as one column-wise sparse matrix: a binary variable per candidate pair, at most one per
client, one per dwelling and ``cap`` per group (every group as given). Scores are scaled to
integers (two decimals), so an absolute gap below one unit is a proof of optimality. Then the
textbook pipeline, all of it HiGHS (scipy's build, the one the engine uses; one thread):

1. the LP relaxation of the whole model (all candidate columns);
2. reduced-cost fixing: the LP's integral part, with pairs in over-full groups dropped, is an
   incumbent; a pair whose reduced cost exceeds ``LP bound - incumbent`` is fixed to 0;
3. the MIP on the pairs left, started from the incumbent, to a proven optimum.

``--plain`` hands the whole MIP to HiGHS instead (its own presolve, LP, reduced-cost fixing and
branch-and-bound): 315 s on the L instance with crossing groups on a loaded machine, so not the
reference the table uses. Written without the engine's code.

Prints one line: ``objective placements status bound``.
"""

from __future__ import annotations

import argparse
import importlib.machinery
import importlib.util
import time
from pathlib import Path

import numpy as np
import orjson


def _load_highs():  # type: ignore[no-untyped-def]
    """scipy's HiGHS extension on its own: importing scipy.optimize first would time scipy."""
    spec = importlib.util.find_spec("scipy")
    assert spec is not None and spec.origin is not None
    (path,) = (Path(spec.origin).parent / "optimize" / "_highspy").glob("_core.*.so")
    name = "scipy.optimize._highspy._core"
    loader = importlib.machinery.ExtensionFileLoader(name, str(path))
    module = importlib.util.module_from_spec(
        importlib.util.spec_from_file_location(name, path, loader=loader)  # type: ignore[arg-type]
    )
    loader.exec_module(module)
    return module


highspy = _load_highs()


def main(path: str, time_limit: float, plain: bool) -> None:
    started = time.perf_counter()
    with open(path, "rb") as fh:
        doc = orjson.loads(fh.read())
    client_index = {c["id"]: i for i, c in enumerate(doc["clients"])}
    dwelling_index = {d["id"]: i for i, d in enumerate(doc["dwellings"])}
    cands = doc["candidates"]
    ci = np.array([client_index[c["client"]] for c in cands], dtype=np.int64)
    di = np.array([dwelling_index[c["dwelling"]] for c in cands], dtype=np.int64)
    score = np.array([c["score"] for c in cands], dtype=np.float64)
    nc, nd, n = len(client_index), len(dwelling_index), ci.size
    groups = doc["groups"]
    g_dw = [np.array([dwelling_index[d] for d in g["dwellings"]], dtype=np.int64) for g in groups]
    g_cap = np.array([g["cap"] for g in groups], dtype=np.float64)
    # Per dwelling, the rows of its groups (CSR), to give every column its group entries.
    sizes = np.array([m.size for m in g_dw], dtype=np.int64)
    inc_dw = np.concatenate(g_dw) if g_dw else np.zeros(0, np.int64)
    inc_g = np.repeat(np.arange(len(groups), dtype=np.int64), sizes)
    order = np.argsort(inc_dw, kind="stable")
    per_dw = np.bincount(inc_dw, minlength=nd)
    dw_ptr = np.r_[0, np.cumsum(per_dw)]
    dw_rows = nc + nd + inc_g[order]

    lengths = 2 + per_dw[di]
    starts = np.r_[0, np.cumsum(lengths)]
    index = np.empty(int(starts[-1]), dtype=np.int32)
    index[starts[:-1]] = ci
    index[starts[:-1] + 1] = nc + di
    extra = per_dw[di]
    owner = np.repeat(np.arange(n), extra)
    offset = np.arange(extra.sum()) - np.repeat(np.cumsum(extra) - extra, extra)
    index[np.repeat(starts[:-1] + 2, extra) + offset] = dw_rows[dw_ptr[di[owner]] + offset]

    profit = np.rint(score * 100)
    row_upper = np.r_[np.ones(nc + nd), g_cap]
    options = {"output_flag": False, "threads": 1, "mip_rel_gap": 0.0, "mip_abs_gap": 0.999}
    if plain:
        status, chosen, bound = _solve(
            n, row_upper, starts, index, profit, options, time_limit, integer=True
        )
    else:
        h = _model(n, row_upper, starts, index, profit, options, time_limit, integer=False)
        h.run()
        sol = h.getSolution()
        x = np.asarray(sol.col_value)
        lp_bound = -h.getInfo().objective_function_value
        reduced = np.asarray(sol.col_dual)  # >= 0 for a column at 0 (minimising -profit)
        incumbent = x > 0.5
        for g, members in enumerate(g_dw):  # drop pairs in over-full groups, lowest first
            inside = np.flatnonzero(incumbent & np.isin(di, members))
            if inside.size > g_cap[g]:
                drop = inside[np.argsort(profit[inside], kind="stable")][
                    : inside.size - int(g_cap[g])
                ]
                incumbent[drop] = False
        lower = profit[incumbent].sum()
        keep = np.flatnonzero((reduced < lp_bound - lower + 1e-6) | incumbent)
        sub_starts = np.r_[0, np.cumsum(lengths[keep])]
        take = np.concatenate([np.arange(starts[k], starts[k + 1]) for k in keep.tolist()])
        left = max(1.0, time_limit - (time.perf_counter() - started))
        h = _model(
            keep.size, row_upper, sub_starts, index[take], profit[keep], options, left, integer=True
        )
        start = np.flatnonzero(incumbent[keep]).astype(np.int32)
        h.setSolution(int(start.size), start, np.ones(start.size))
        h.run()
        status = h.modelStatusToString(h.getModelStatus())
        chosen = np.zeros(n, dtype=bool)
        chosen[keep[np.asarray(h.getSolution().col_value) > 0.5]] = True
        bound = -h.getInfo().mip_dual_bound
    print(
        f"{score[chosen].sum():.6f} {int(chosen.sum())} {status.replace(' ', '_')} {bound / 100:.6f}"
    )


def _model(n, row_upper, starts, index, cost, options, time_limit, *, integer):  # type: ignore[no-untyped-def]
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = int(n), int(row_upper.size)
    lp.col_cost_ = -cost
    lp.col_lower_ = np.zeros(n)
    lp.col_upper_ = np.ones(n)
    lp.row_lower_ = np.full(row_upper.size, -highspy.kHighsInf)
    lp.row_upper_ = row_upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.asarray(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.asarray(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.ones(len(index))
    if integer:
        lp.integrality_ = [highspy.HighsVarType.kInteger] * int(n)
    h = highspy._Highs()
    for key, value in {**options, "time_limit": float(time_limit)}.items():
        h.setOptionValue(key, value)
    h.passModel(lp)
    return h


def _solve(n, row_upper, starts, index, cost, options, time_limit, *, integer):  # type: ignore[no-untyped-def]
    h = _model(n, row_upper, starts, index, cost, options, time_limit, integer=integer)
    h.run()
    status = h.modelStatusToString(h.getModelStatus())
    chosen = np.asarray(h.getSolution().col_value) > 0.5
    return status, chosen, -h.getInfo().mip_dual_bound


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("instance")
    parser.add_argument("--time-limit", type=float, default=600.0)
    parser.add_argument("--plain", action="store_true", help="the whole MIP to HiGHS at once")
    args = parser.parse_args()
    main(args.instance, args.time_limit, args.plain)
