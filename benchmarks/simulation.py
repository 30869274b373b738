"""What-if simulation timings on a seeded region (the demo by default).

    DATABASE_URL=sqlite:////tmp/demo.sqlite3 DEBUG=true uv run python benchmarks/simulation.py [--board 1] [--repeat 3]

Measures, in one process after a warm-up: the snapshot, 52 weeks of one scenario per policy
(tipping point 30% with the stairwell rule; priority order without limits), the three side
by side on one snapshot, and the whole task path (`services.simulation_execute`: snapshot,
loop, storing 52 week rows) inside a transaction that is rolled back. Prints Markdown.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import transaction  # noqa: E402

from matching.board.models import Board  # noqa: E402
from matching.simulation import core, seeds, services, snapshot  # noqa: E402
from matching.simulation.models import Scenario, SimulationRun  # noqa: E402

POLICIES = {
    "optimiser": {"policy": "optimiser", "tipping_point": 30, "stairwell_rule": True},
    "priority_within_limits": {
        "policy": "priority_within_limits",
        "tipping_point": 30,
        "stairwell_rule": True,
    },
    "priority": {"policy": "priority", "tipping_point": 30},
    "lookahead": {"policy": "lookahead", "tipping_point": 30, "stairwell_rule": True},
}


class Rollback(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--board", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    board = Board.objects.get(pk=args.board) if args.board else Board.objects.order_by("pk").first()
    assert board is not None, "seed a region first (manage.py seed_demo)"
    flows = snapshot.flows(board)
    params = {
        name: core.Params.from_dict(
            {**values, **{k: flows[k] for k in ("clients_per_week", "dwellings_per_week")}}
        )
        for name, values in POLICIES.items()
    }
    snap = snapshot.take(board)  # warm-up (imports, caches)
    core.simulate(snap, params["optimiser"])
    rows: dict[str, list[float]] = {}

    def timed(label: str, fn) -> None:
        started = time.perf_counter()
        fn()
        rows.setdefault(label, []).append(time.perf_counter() - started)

    for _ in range(args.repeat):
        timed("snapshot", lambda: snapshot.take(board))
        for name, p in params.items():
            timed(f"52 weeks, {name}", lambda p=p: core.simulate(snap, p))

        def three() -> None:
            s = snapshot.take(board)
            for p in params.values():
                core.simulate(s, p)

        timed("three policies side by side (one snapshot)", three)

        def task_path() -> None:
            try:
                with transaction.atomic():
                    scenario = Scenario.objects.create(
                        board=board,
                        name="bench",
                        **params["optimiser"].to_dict(),
                    )
                    run = SimulationRun.objects.create(
                        scenario=scenario,
                        parameters=params["optimiser"].to_dict(),
                        total_weeks=52 * params["optimiser"].seeds,
                    )
                    services.simulation_execute(run_id=run.pk)
                    raise Rollback
            except Rollback:
                pass

        timed("task path: snapshot + 5 seeds x 52 weeks + store (optimiser)", task_path)

    print(
        f"{board.name}: {len(snap.waiting)} waiting clients, {len(snap.offered)} offered "
        f"dwellings, {len(snap.stock)} dwellings in stock, {len(snap.neighbourhoods)} "
        f"neighbourhoods, {len(snap.stairwells)} stairwells; flows {flows['clients_per_week']} "
        f"clients and {flows['dwellings_per_week']} dwellings per week\n"
    )
    print("| step | min s | max s |")
    print("|---|---|---|")
    for label, values in rows.items():
        print(f"| {label} | {min(values):.2f} | {max(values):.2f} |")

    # Incremental instances against the full rebuild, paired (A B A B), same results.
    print(
        "\n| 52 weeks | incremental s (median) | its CPU s | full rebuild s (median) | ratio "
        "| same |"
    )
    print("|---|---|---|---|---|---|")
    for name, p in params.items():
        fast_t, slow_t, ratios, same, cpu = [], [], [], True, []
        for _ in range(args.repeat):
            t, c = time.perf_counter(), time.process_time()
            fast = core.simulate(snap, p)
            a = time.perf_counter() - t
            cpu.append(time.process_time() - c)
            t = time.perf_counter()
            slow = core.simulate(snap, p, incremental=False)
            b = time.perf_counter() - t
            fast_t.append(a)
            slow_t.append(b)
            ratios.append(b / a)
            same &= fast.summary == slow.summary and fast.placements == slow.placements
        print(
            f"| {name} | {statistics.median(fast_t):.2f} | {statistics.median(cpu):.2f} | "
            f"{statistics.median(slow_t):.2f} | {statistics.median(ratios):.1f}x | "
            f"{'yes' if same else 'NO'} |"
        )

    # The scenarios on five seeds, and the look-ahead policy against the optimum.
    print(
        "\n| scenario (5 seeds) | housed mean (range) | past tipping | occupied stairwell | "
        "wait p90 housed | still waiting (p90) | departures |"
    )
    print("|---|---|---|---|---|---|---|")
    results = {}
    for label, values in (
        ("priority order, no limits", {"policy": "priority", "tipping_point": 30}),
        ("optimiser, tipping point 30%", {"policy": "optimiser", "tipping_point": 30}),
        ("look-ahead, tipping point 30%", {"policy": "lookahead", "tipping_point": 30}),
        (
            "optimiser, 30% + stairwell",
            {"policy": "optimiser", "tipping_point": 30, "stairwell_rule": True},
        ),
        (
            "look-ahead, 30% + stairwell",
            {"policy": "lookahead", "tipping_point": 30, "stairwell_rule": True},
        ),
    ):
        p = core.Params.from_dict(
            {
                **values,
                **{
                    k: flows[k]
                    for k in (
                        "clients_per_week",
                        "dwellings_per_week",
                        "departure_rate",
                        "urgent_share",
                    )
                },
            }
        )
        r = seeds.simulate_seeds(snap, p)
        results[label] = r.summary
        sp = r.summary["spread"]
        print(
            f"| {label} | {r.summary['housed']} ({sp['housed']['min']:g}–{sp['housed']['max']:g}) | "
            f"{r.summary['placed_past_tipping']} | {r.summary['placed_in_occupied_stairwell']} | "
            f"{r.summary['wait_p90']} | {r.summary['still_waiting']} ({r.summary['still_waiting_p90']}) | "
            f"{r.summary['departures']} |"
        )
    for a, b in (
        ("optimiser, tipping point 30%", "look-ahead, tipping point 30%"),
        ("optimiser, 30% + stairwell", "look-ahead, 30% + stairwell"),
        ("optimiser, tipping point 30%", "optimiser, 30% + stairwell"),
    ):
        ha, hb = results[a]["spread"]["housed"], results[b]["spread"]["housed"]
        print(
            f"\n{b} vs {a}: housed {hb['mean'] - ha['mean']:+.1f}, beyond the seed spread "
            f"{seeds.beyond_spread(ha, hb):+g}"
        )


if __name__ == "__main__":
    main()
