"""What-if week loop at regional scale, incremental instances against the full rebuild.

    uv run python benchmarks/simulation_scale.py [--repeat 3] [--weeks 52] [--waiting 220]

Pure (no database): a generated region (`tests/simulation/synthetic.py`) of 3,000 dwellings
in 80 neighbourhoods, 100 offered at the start, 15 new clients and 40 vacancies a week,
departures 10%/year, 10% urgent arrivals; 220 clients waiting at the start, so that about
1,000 clients pass the board in the year (`--waiting 1000`: a backlog of 1,000 at the
start, where the engine's weekly solve dominates). For each policy
it runs 52 weeks with the incremental builder (`core.simulate`) and with the full rebuild
(`incremental=False`) in turn, A B A B, and reports the median of each and the median of the
pairwise ratios, checking that both give the same results. Prints Markdown.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from matching.simulation import core
from tests.simulation import synthetic


def region(waiting: int = 220) -> core.Snapshot:
    return synthetic.region(neighbourhoods=80, stock=3000, offered=100, waiting=waiting, seed=3)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--waiting", type=int, default=220)
    args = parser.parse_args()
    started = time.perf_counter()
    snap = region(args.waiting)
    made = time.perf_counter() - started
    started = time.perf_counter()
    snap.digest()
    digest = time.perf_counter() - started
    print(
        f"region: {len(snap.waiting)} waiting, {len(snap.stock)} dwellings, "
        f"{len(snap.offered)} offered, {len(snap.neighbourhoods)} neighbourhoods "
        f"(generated in {made:.2f} s; digest {digest:.3f} s, once)\n"
    )
    print(
        "| policy | incremental s (median) | its CPU s | full rebuild s (median) "
        "| rebuild/incremental | housed | same results |"
    )
    print("|---|---|---|---|---|---|---|")
    for policy in core.Policy:
        params = core.Params(
            policy=policy,
            tipping_point=30,
            stairwell_rule=True,
            horizon_weeks=args.weeks,
            clients_per_week=15,
            dwellings_per_week=40,
            urgent_share=10,
        )
        fast_t, slow_t, ratios, cpu = [], [], [], []
        same = True
        housed = None
        for _ in range(args.repeat):
            t, c = time.perf_counter(), time.process_time()
            fast = core.simulate(snap, params)
            a = time.perf_counter() - t
            cpu.append(time.process_time() - c)
            t = time.perf_counter()
            slow = core.simulate(snap, params, incremental=False)
            b = time.perf_counter() - t
            fast_t.append(a)
            slow_t.append(b)
            ratios.append(b / a)
            same &= fast.summary == slow.summary and fast.placements == slow.placements
            housed = fast.summary["housed"]
        print(
            f"| {policy} | {statistics.median(fast_t):.2f} | {statistics.median(cpu):.2f} "
            f"| {statistics.median(slow_t):.2f} "
            f"| {statistics.median(ratios):.1f}× | {housed} | {'yes' if same else 'NO'} |"
        )


if __name__ == "__main__":
    main()
