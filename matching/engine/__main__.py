"""Command line: ``python -m matching.engine solve|check``.

Exit status: 0 fine; 1 the checked solution violates the instance; 2 malformed input or
usage (one line on stderr, never a traceback).
"""

from __future__ import annotations

import gc
import math
import os
import sys
import time
from collections.abc import Sequence
from types import SimpleNamespace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

import orjson

from .instance import InstanceError, load_instance, read_json
from .solve import DEFAULT_TIME_LIMIT, solve

EXIT_VIOLATION = 1
EXIT_MALFORMED = 2


def _seconds(text: str) -> float:
    """A positive, finite number of seconds; ValueError with the message otherwise."""
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"not a number: {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"must be > 0 seconds: {text!r}")
    return value


def _parser() -> argparse.ArgumentParser:
    import argparse  # only for help and bad usage: see _plain_args

    class _Parser(argparse.ArgumentParser):
        def error(self, message: str) -> None:  # type: ignore[override]
            # argparse prints a usage block; the contract is one line and status 2.
            sys.stderr.write(f"error: {message}\n")
            raise SystemExit(EXIT_MALFORMED)

    def _positive_seconds(text: str) -> float:
        try:
            return _seconds(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

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


# Kept back from --time-limit for explaining and writing the solution: a fixed part, a part
# per candidate pair (alternatives and the output touch every pair once; 0.3-0.9 s at XL) and
# a share of the budget, for a loaded machine where everything after the solver stretches.
_OUTPUT_RESERVE = 0.15
_OUTPUT_RESERVE_PER_CANDIDATE = 5e-7
_OUTPUT_RESERVE_SHARE = 0.04


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


def _plain_args(argv: Sequence[str]) -> SimpleNamespace | None:
    """The two everyday command lines, read without building argparse's parser.

    ``solve PATH [--time-limit S]`` and ``check PATH PATH``; anything else (help, an error, an
    unusual spelling) goes through argparse, which owns usage and error messages. Skipping
    argparse's import and set-up (it pulls in gettext, and shutil for the terminal width) is
    part of keeping the CLI as quick to start as the bare flow it is compared with.
    """
    args = list(argv)
    if len(args) == 3 and args[0] == "check" and not any(a.startswith("-") for a in args[1:]):
        return SimpleNamespace(command="check", instance=args[1], solution=args[2])
    if not args or args[0] != "solve" or len(args) not in (2, 4):
        return None
    if args[1].startswith("-"):
        return None
    limit = DEFAULT_TIME_LIMIT
    if len(args) == 4:
        if args[2] != "--time-limit":
            return None
        try:
            limit = _seconds(args[3])
        except ValueError:
            return None
    return SimpleNamespace(command="solve", instance=args[1], time_limit=limit)


def main(argv: Sequence[str] | None = None, *, started: float | None = None) -> int:
    """Run one command; ``started`` (a ``perf_counter`` reading) is when the budget began:
    the process's start when run as a program, else this call."""
    started = time.perf_counter() if started is None else started
    argv = sys.argv[1:] if argv is None else argv
    args: SimpleNamespace | argparse.Namespace = _plain_args(argv) or _parser().parse_args(argv)
    # A JSON instance is millions of small dicts and nothing in it is cyclic: the cyclic
    # collector would only walk them again and again while they are built (~6% of reading
    # at M). Off for this run, back on after (tests call main in their own process).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run(args, started)
    finally:
        if collecting:
            gc.enable()


def _run(args: SimpleNamespace | argparse.Namespace, started: float) -> int:
    try:
        instance = load_instance(args.instance)
        if args.command == "solve":
            # The limit covers the whole run, reading the file included.
            reserve = (
                _OUTPUT_RESERVE
                + _OUTPUT_RESERVE_PER_CANDIDATE * instance.n_candidates
                + _OUTPUT_RESERVE_SHARE * args.time_limit
            )
            left = args.time_limit - (time.perf_counter() - started) - reserve
            solution = solve(instance, time_limit=max(0.05, left))
            sys.stdout.buffer.write(orjson.dumps(solution.to_dict()) + b"\n")
            sys.stdout.flush()
            return 0
        from .check import check_solution

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
    status = main(started=time.perf_counter() - seconds_since_process_start())
    sys.stdout.flush()
    sys.stderr.flush()
    # Skip the interpreter's teardown (freeing millions of objects, unloading HiGHS and
    # OR-Tools): measured at 0.3-0.4 s on a loaded machine, time the budget cannot see.
    os._exit(status)
