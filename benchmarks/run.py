"""Benchmark runner: the CLI against the bare min-cost flow and HiGHS, side by side.

    uv run python -m benchmarks.run [--sizes S M L XL] [--overlap-size L XL] [--seed 1]
                                    [--repeats 5] [--time-limit 600] [--highs-limit 1800]

For every size and family (laminar; ``+overlap``: crossing contingents) it generates the
instance (seeded, into ``benchmarks/data/``, git-ignored), then in the same run measures,
each in a fresh process (wall seconds, peak RSS via ``wait4``):

- ``cli``: ``python -m matching.engine solve``: read, validate, solve, explain, write;
  ``--repeats`` times, interleaved with the bare flow (pairs ``cli, bare, cli, bare, ...``,
  so the ratio is taken pair by pair while the machine's load drifts); every run's objective
  is kept, to show the answer does not move;
- ``bare``: ``benchmarks.bare_mcf``: read JSON, build the network, solve; nothing else
  (laminar only: it assumes nested groups);
- ``highs``: ``benchmarks.highs_mip``: HiGHS's LP, reduced-cost fixing and MIP on the full
  model (once per row: minutes at XL), with its objective, status and bound;
- ``check``: ``python -m matching.engine check`` on the CLI's solution (must say ok);

and, in process, the greedy baseline's objective. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

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


# GNU time runs the measured program as *its* child. Measured straight from this runner, a
# child's peak RSS would start at this runner's own (Linux carries the forking process's
# high-water mark over exec), and the runner holds instances of several hundred MiB.
_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None
_PEAK = b"WB_PEAK_KIB="


def _measure(args: list[str], stdout_path: Path | None = None) -> Run:
    """Wall time and peak resident memory of one program run in a fresh process."""
    out = open(stdout_path, "wb") if stdout_path else subprocess.PIPE  # noqa: SIM115
    command = [sys.executable, *args]
    if _TIME:
        command = [_TIME, "-f", f"{_PEAK.decode()}%M", *command]
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=out, stderr=subprocess.PIPE, cwd=ROOT)
    captured = b"" if stdout_path else proc.stdout.read()  # type: ignore[union-attr]
    err = proc.stderr.read()  # type: ignore[union-attr]
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if stdout_path:
        out.close()  # type: ignore[union-attr]
    peak_kib = usage.ru_maxrss
    if _TIME and _PEAK in err:
        head, _, tail = err.rpartition(_PEAK)
        err, peak_kib = head, int(tail.split()[0])
        if proc.returncode != 0 and b"exited with non-zero status" in err:
            err = err[: err.rfind(b"Command exited")]
    if proc.returncode != 0:
        sys.stderr.write(err.decode())
    return Run(seconds, peak_kib / 1024, captured, proc.returncode)


def _instance_path(size: str, seed: int, overlap: bool) -> Path:
    path = DATA / f"{size}{'-overlap' if overlap else ''}-seed{seed}.json"
    if not path.exists():
        DATA.mkdir(exist_ok=True)
        path.write_bytes(orjson.dumps(generate(size, seed, overlap=overlap)))
    return path


def bench(
    size: str,
    seed: int,
    *,
    overlap: bool = False,
    time_limit: float = 600.0,
    repeats: int = 5,
    highs_limit: float = 1800.0,
) -> dict[str, object]:
    path = _instance_path(size, seed, overlap)
    sol_path = path.with_suffix(".solution.json")
    row: dict[str, object] = {
        "size": size + ("+overlap" if overlap else ""),
        "shape": "{}×{}".format(*SIZES[size]),
    }
    cli_args = ["-m", "matching.engine", "solve", str(path), "--time-limit", str(time_limit)]
    cli_runs: list[Run] = []
    bare_runs: list[Run] = []
    objectives: list[float] = []
    assignments: set[bytes] = set()
    for _ in range(repeats):
        run = _measure(cli_args, sol_path)
        cli_runs.append(run)
        solution = orjson.loads(sol_path.read_bytes())
        objectives.append(float(solution["objective"]))
        assignments.add(orjson.dumps(solution["assignments"]))
        if not overlap:
            bare_runs.append(_measure(["-m", "benchmarks.bare_mcf", str(path)]))
    if bare_runs:
        row["bare_s"] = statistics.median(r.seconds for r in bare_runs)
        row["bare_peak_mib"] = max(r.peak_mib for r in bare_runs)
        row["bare_objective"] = float(bare_runs[0].stdout.split()[0])
        row["cli_bare"] = statistics.median(
            a.seconds / b.seconds for a, b in zip(cli_runs, bare_runs, strict=True)
        )
    highs = _measure(["-m", "benchmarks.highs_mip", str(path), "--time-limit", str(highs_limit)])
    if highs.returncode == 0:
        h_obj, _, h_status, h_bound = highs.stdout.split()
        row.update(
            highs_s=highs.seconds,
            highs_peak_mib=highs.peak_mib,
            highs_objective=float(h_obj),
            highs_status=h_status.decode(),
            highs_bound=float(h_bound),
        )
    check = _measure(["-m", "matching.engine", "check", str(path), str(sol_path)])
    instance = load_instance(path)
    chosen = greedy(instance)
    row.update(
        candidates=instance.n_candidates,
        groups=len(instance.group_ids),
        cli_s=statistics.median(r.seconds for r in cli_runs),
        cli_min_s=min(r.seconds for r in cli_runs),
        cli_max_s=max(r.seconds for r in cli_runs),
        cli_peak_mib=max(r.peak_mib for r in cli_runs),
        objective=solution["objective"],
        objectives=objectives,
        same_answer=len(set(objectives)) == 1 and len(assignments) == 1,
        placements=len(solution["assignments"]),
        optimal=solution["optimal"],
        bound=solution["bound"],
        gap=solution["gap"],
        status=solution.get("status", ""),
        method=solution["method"],
        check="ok" if check.returncode == 0 else f"FAILED ({check.returncode})",
        greedy_objective=float(instance.cand_score[chosen].sum()),
    )
    return row


def table(rows: list[dict[str, object]]) -> str:
    head = (
        "| size | clients×dwellings | candidates | CLI s (median; min–max) | bare MCF s | CLI/bare "
        "| HiGHS s | CLI/HiGHS | peak MiB CLI / bare / HiGHS | objective | proof | bound "
        "| same answer ×n | check | HiGHS objective, status | greedy gain |"
    )
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        bare, highs = r.get("bare_s"), r.get("highs_s")
        ratio = f"{r['cli_bare']:.2f}" if bare else "–"
        h_ratio = f"{r['cli_s'] / highs:.2f}" if highs else "–"  # type: ignore[operator]
        peaks = " / ".join(
            f"{r[k]:.0f}" if r.get(k) else "–"
            for k in ("cli_peak_mib", "bare_peak_mib", "highs_peak_mib")
        )
        proof = "optimal" if r["optimal"] else f"gap {r['gap']:.3%} ({r['status']})"
        h_text = f"{r['highs_objective']:.2f}, {r['highs_status']}" if highs else "– (failed)"
        gain = (
            (r["objective"] - r["greedy_objective"]) / r["greedy_objective"] * 100  # type: ignore[operator]
            if r["greedy_objective"]
            else 0.0
        )
        lines.append(
            f"| {r['size']} | {r['shape']} | {r['candidates']:,} "
            f"| {r['cli_s']:.2f}; {r['cli_min_s']:.2f}–{r['cli_max_s']:.2f} "
            f"| {f'{bare:.2f}' if bare else '–'} | {ratio} "
            f"| {f'{highs:.2f}' if highs else '–'} | {h_ratio} | {peaks} "
            f"| {r['objective']:.2f} | {proof} | {r['bound']:.2f} "
            f"| {'yes' if r['same_answer'] else 'NO'} ×{len(r['objectives'])} "  # type: ignore[arg-type]
            f"| {r['check']} | {h_text} | {gain:+.2f}% |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", nargs="*", default=["S", "M", "L", "XL"], choices=sorted(SIZES))
    parser.add_argument("--overlap-size", nargs="*", default=["L", "XL"], choices=sorted(SIZES))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--time-limit", type=float, default=600.0, help="the CLI's budget")
    parser.add_argument("--highs-limit", type=float, default=1800.0, help="HiGHS's budget")
    args = parser.parse_args()
    # Bytecode for the engine and the yardsticks alike, as `make env` leaves it: with
    # PYTHONDONTWRITEBYTECODE set, Python would otherwise recompile them in every run.
    for folder in ("matching", "benchmarks"):
        compileall.compile_dir(ROOT / folder, quiet=1)
    rows = []
    common = {"repeats": args.repeats, "highs_limit": args.highs_limit}
    for size in args.sizes:
        rows.append(bench(size, args.seed, time_limit=args.time_limit, **common))  # type: ignore[arg-type]
        _sanity(rows[-1])
        print(table(rows[-1:]), flush=True)
    for size in args.overlap_size:
        rows.append(bench(size, args.seed, overlap=True, time_limit=args.time_limit, **common))  # type: ignore[arg-type]
        _sanity(rows[-1])
        print(table(rows[-1:]), flush=True)
    print(f"\nmachine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, seed {args.seed}\n")
    print(table(rows))


def _sanity(row: dict[str, object]) -> None:
    """The CLI and the independent references must agree on the optimum when both prove it."""
    for key in ("bare_objective", "highs_objective"):
        other = row.get(key)
        proven = key == "bare_objective" or row.get("highs_status") == "Optimal"
        if other is None or not proven or not row["optimal"]:
            continue
        if abs(float(other) - float(row["objective"])) > 1e-6 * max(1.0, float(other)):  # type: ignore[arg-type]
            raise SystemExit(
                f"objective mismatch at {row['size']}: CLI {row['objective']} vs {key} {other}"
            )


if __name__ == "__main__":
    main()
