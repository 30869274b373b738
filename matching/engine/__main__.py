"""Command line: ``python -m matching.engine solve|check``.

Exit status: 0 fine; 1 the checked solution violates the instance; 2 malformed input or
usage (one line on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from collections.abc import Sequence

import orjson

from .check import check_solution
from .instance import InstanceError, load_instance, read_json
from .solve import DEFAULT_TIME_LIMIT, solve

EXIT_VIOLATION = 1
EXIT_MALFORMED = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse prints a usage block; the contract is one line and status 2.
        sys.stderr.write(f"error: {message}\n")
        raise SystemExit(EXIT_MALFORMED)


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be > 0 seconds: {text!r}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m matching.engine", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p_solve = sub.add_parser("solve", help="solve an instance; the solution goes to stdout")
    p_solve.add_argument("instance")
    p_solve.add_argument(
        "--time-limit",
        type=_positive_seconds,
        default=DEFAULT_TIME_LIMIT,
        help=(
            "wall-clock budget in seconds for the whole run when groups cross "
            f"(default {DEFAULT_TIME_LIMIT:g}); laminar instances are always solved exactly"
        ),
    )
    p_check = sub.add_parser("check", help="validate a solution against an instance")
    p_check.add_argument("instance")
    p_check.add_argument("solution")
    return parser


# Kept back from --time-limit for explaining and writing the solution: a fixed part plus a
# part per candidate pair (alternatives and the output touch every pair once; ~0.3 s at XL).
_OUTPUT_RESERVE = 0.15
_OUTPUT_RESERVE_PER_CANDIDATE = 2e-7


def seconds_since_process_start() -> float:
    """Wall seconds since this process started: interpreter start and imports included.

    ``--time-limit`` bounds the whole run as a caller sees it, not just what follows the
    imports. Read from ``/proc`` (Linux); elsewhere 0, i.e. counted from ``main``.
    """
    try:
        with open("/proc/self/stat", "rb") as fh:
            # The command name (field 2) may hold spaces; fields after its ")" are safe.
            start_ticks = int(fh.read().rsplit(b")", 1)[1].split()[19])
        with open("/proc/uptime", "rb") as fh:
            uptime = float(fh.read().split()[0])
        return max(0.0, uptime - start_ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return 0.0


def main(argv: Sequence[str] | None = None) -> int:
    started = time.perf_counter() - seconds_since_process_start()
    args = _parser().parse_args(argv)
    try:
        instance = load_instance(args.instance)
        if args.command == "solve":
            # The limit covers the whole run, reading the file included.
            reserve = _OUTPUT_RESERVE + _OUTPUT_RESERVE_PER_CANDIDATE * instance.n_candidates
            left = args.time_limit - (time.perf_counter() - started) - reserve
            solution = solve(instance, time_limit=max(0.05, left))
            sys.stdout.buffer.write(orjson.dumps(solution.to_dict()) + b"\n")
            sys.stdout.flush()
            return 0
        problems = check_solution(instance, read_json(args.solution, what="solution"))
    except InstanceError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return EXIT_MALFORMED
    except MemoryError:
        sys.stderr.write("error: out of memory\n")
        return EXIT_MALFORMED
    for problem in problems:
        sys.stderr.write(f"violation: {problem}\n")
    if problems:
        return EXIT_VIOLATION
    sys.stdout.write("ok\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
