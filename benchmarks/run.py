"""Benchmark runner: the CLI against a bare min-cost-flow solve and a priority-order greedy.

    uv run python -m benchmarks.run [--sizes S M L XL] [--overlap-size L] [--seed 1]

For every size it generates the instance (seeded, into ``benchmarks/data/``, git-ignored),
then in the same run measures, each in a fresh process (wall seconds, peak RSS):

- ``bare``: ``benchmarks.bare_mcf`` — read JSON, build the network, solve; nothing else;
- ``cli``: ``python -m matching.engine solve`` — read, validate, solve, explain, write;
- ``check``: ``python -m matching.engine check`` on the CLI's solution (must say ok);

and, in process, the greedy baseline's objective and placements. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import orjson

from matching.engine import greedy, load_instance

from .generate import SIZES, generate

DATA = Path(__file__).resolve().parent / "data"
ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Run:
    seconds: float
    peak_mib: float
    stdout: bytes
    returncode: int


def _measure(args: list[str], stdout_path: Path | None = None) -> Run:
    """Wall time and peak resident memory of one child process (``wait4``: this child only)."""
    out = open(stdout_path, "wb") if stdout_path else subprocess.PIPE  # noqa: SIM115
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, *args], stdout=out, stderr=subprocess.PIPE, cwd=ROOT)
    captured = b"" if stdout_path else proc.stdout.read()  # type: ignore[union-attr]
    err = proc.stderr.read()  # type: ignore[union-attr]
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if stdout_path:
        out.close()  # type: ignore[union-attr]
    if proc.returncode != 0:
        sys.stderr.write(err.decode())
    return Run(seconds, usage.ru_maxrss / 1024, captured, proc.returncode)


def _instance_path(size: str, seed: int, overlap: bool) -> Path:
    path = DATA / f"{size}{'-overlap' if overlap else ''}-seed{seed}.json"
    if not path.exists():
        DATA.mkdir(exist_ok=True)
        path.write_bytes(orjson.dumps(generate(size, seed, overlap=overlap)))
    return path


def bench(
    size: str, seed: int, *, overlap: bool = False, time_limit: float = 30.0
) -> dict[str, object]:
    path = _instance_path(size, seed, overlap)
    sol_path = path.with_suffix(".solution.json")
    row: dict[str, object] = {
        "size": size + ("+overlap" if overlap else ""),
        "shape": "{}×{}".format(*SIZES[size]),
    }
    if not overlap:
        bare = _measure(["-m", "benchmarks.bare_mcf", str(path)])
        row["bare_s"] = bare.seconds
        row["bare_objective"] = float(bare.stdout.split()[0])
    cli = _measure(
        ["-m", "matching.engine", "solve", str(path), "--time-limit", str(time_limit)], sol_path
    )
    check = _measure(["-m", "matching.engine", "check", str(path), str(sol_path)])
    solution = orjson.loads(sol_path.read_bytes())
    instance = load_instance(path)
    chosen = greedy(instance)
    row.update(
        candidates=instance.n_candidates,
        groups=len(instance.group_ids),
        cli_s=cli.seconds,
        cli_peak_mib=cli.peak_mib,
        objective=solution["objective"],
        placements=len(solution["assignments"]),
        optimal=solution["optimal"],
        gap=solution["gap"],
        method=solution["method"],
        check="ok" if check.returncode == 0 else f"FAILED ({check.returncode})",
        greedy_objective=float(instance.cand_score[chosen].sum()),
        greedy_placements=int(np.count_nonzero(chosen)),
    )
    return row


def table(rows: list[dict[str, object]]) -> str:
    head = (
        "| size | clients×dwellings | candidates | groups | CLI s | bare MCF s | CLI/bare | peak MiB "
        "| objective | placements | optimal (gap) | check | greedy objective | greedy placements "
        "| gain score | gain placements |"
    )
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        bare = r.get("bare_s")
        ratio = f"{r['cli_s'] / bare:.2f}" if bare else "–"  # type: ignore[operator]
        gain = (
            (r["objective"] - r["greedy_objective"]) / r["greedy_objective"] * 100
            if r["greedy_objective"]
            else 0.0
        )  # type: ignore[operator]
        lines.append(
            f"| {r['size']} | {r['shape']} | {r['candidates']:,} | {r['groups']:,} | {r['cli_s']:.2f} "
            f"| {f'{bare:.2f}' if bare else '–'} | {ratio} | {r['cli_peak_mib']:.0f} | {r['objective']:.2f} "
            f"| {r['placements']} | {'yes' if r['optimal'] else 'no'} ({r['gap']:.3%}) | {r['check']} "
            f"| {r['greedy_objective']:.2f} | {r['greedy_placements']} | {gain:+.2f}% "
            f"| {r['placements'] - r['greedy_placements']:+d} |"  # type: ignore[operator]
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", nargs="*", default=["S", "M", "L", "XL"], choices=sorted(SIZES))
    parser.add_argument("--overlap-size", nargs="*", default=["L"], choices=sorted(SIZES))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=30.0)
    args = parser.parse_args()
    rows = []
    for size in args.sizes:
        rows.append(bench(size, args.seed))
        _sanity(rows[-1])
    for size in args.overlap_size:
        rows.append(bench(size, args.seed, overlap=True, time_limit=args.time_limit))
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, seed {args.seed}\n")
    print(table(rows))


def _sanity(row: dict[str, object]) -> None:
    """The CLI and the independent bare solve must agree on the optimum."""
    bare = row.get("bare_objective")
    if bare is not None and abs(float(bare) - float(row["objective"])) > 1e-6 * max(
        1.0, float(bare)
    ):  # type: ignore[arg-type]
        raise SystemExit(
            f"objective mismatch at {row['size']}: CLI {row['objective']} vs bare {bare}"
        )


if __name__ == "__main__":
    main()
