"""A scenario over several seeds: mean and range per figure, and what of a difference
between two scenarios lies beyond the seed-to-seed spread. Pure (no Django), on top of the
week loop in `core`."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from . import core
from .core import Params, Result, Snapshot

# The summary figures that get a mean and a range over the seeds.
SPREAD_KEYS = (
    "housed",
    "housed_urgent",
    "placed_past_tipping",
    "placed_in_occupied_stairwell",
    "past_tipping_end",
    "wait_median",
    "wait_p90",
    "still_waiting",
    "still_waiting_median",
    "still_waiting_p90",
    "still_waiting_max",
    "arrivals",
    "vacancies",
    "departures",
    "let_regular",
    "score_total",
)


@dataclass
class SeedsResult:
    """A scenario over `params.seeds` seeds: the first seed's run in full (its weeks and
    neighbourhoods are what the charts show) and every seed's summary."""

    first: Result
    runs: list[Result]
    summary: dict[str, Any]
    seconds: float = 0.0


def seed_list(params: Params) -> list[int]:
    return [params.seed + k for k in range(params.seeds)]


def simulate_seeds(
    snapshot: Snapshot,
    params: Params,
    *,
    on_week: Callable[[int, int], bool] | None = None,
) -> SeedsResult:
    """Run the scenario once per seed on the same snapshot. The summary holds, per figure,
    the mean over the seeds, and under `spread` its mean, minimum, maximum and the value per
    seed; `on_week(done, total)` counts weeks over all seeds."""
    started = time.perf_counter()
    total = params.horizon_weeks * params.seeds
    runs = []
    for k, seed in enumerate(seed_list(params)):
        offset = k * params.horizon_weeks

        def progress(done: int, _total: int, offset: int = offset) -> bool:
            return on_week is None or on_week(offset + done, total)

        # Through the module, so a test that stands in for `core.simulate` reaches every seed.
        runs.append(core.simulate(snapshot, replace(params, seed=seed), on_week=progress))
    summary = dict(runs[0].summary)
    spread: dict[str, dict[str, Any]] = {}
    for key in SPREAD_KEYS:
        values = [r.summary.get(key) for r in runs]
        if any(v is None for v in values):
            spread[key] = {"mean": None, "min": None, "max": None, "values": values}
            summary[key] = None
            continue
        numbers = [float(v) for v in values]  # type: ignore[arg-type]
        mean = round(statistics.fmean(numbers), 2)
        spread[key] = {
            "mean": mean,
            "min": min(numbers),
            "max": max(numbers),
            "values": numbers,
        }
        summary[key] = mean
    summary["spread"] = spread
    summary["seeds"] = seed_list(params)
    return SeedsResult(
        first=runs[0], runs=runs, summary=summary, seconds=time.perf_counter() - started
    )


def beyond_spread(a: Mapping[str, Any], b: Mapping[str, Any]) -> float | None:
    """How much of the difference between two figures (each `{"min", "max", ...}` over seeds)
    lies beyond the seed-to-seed spread: the gap between their ranges, signed as b - a; 0 when
    the ranges overlap (the difference may be noise). None when either is unknown."""
    if not a or not b or None in (a.get("min"), a.get("max"), b.get("min"), b.get("max")):
        return None
    if b["min"] > a["max"]:
        return round(b["min"] - a["max"], 2)
    if b["max"] < a["min"]:
        return round(b["max"] - a["min"], 2)
    return 0.0
