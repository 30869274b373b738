"""The command line: solve, check, and one-line errors with status 2 on malformed input."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from matching.engine.__main__ import main

from .factories import crossing_grid_doc, instance_doc

GOOD = instance_doc(
    [("c1", "d1", 73.5), ("c2", "d1", 61.0), ("c2", "d3", 40.25)],
    [("BU03630101", 2, ["d1", "d3"]), ("stairwell:cx12-A", 1, ["d1"])],
    dwellings=["d1", "d2", "d3"],
)


def write(tmp_path: Path, name: str, content: object) -> str:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return str(path)


def run_cli(*args: str) -> tuple[int, str, str]:
    """Run the real ``python -m`` entry point, as a user would."""
    proc = subprocess.run(  # noqa: S603 - our own CLI, fixed arguments
        [sys.executable, "-m", "matching.engine", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    return proc.returncode, proc.stdout, proc.stderr


def test_solve_writes_an_optimal_solution_that_check_accepts(tmp_path):
    instance = write(tmp_path, "i.json", GOOD)
    code, out, err = run_cli("solve", instance)
    assert code == 0, err
    solution = json.loads(out)
    assert solution["format"] == "woonbrug-matching/1"
    assert solution["optimal"] is True
    assert solution["objective"] == 113.75
    assert {(a["client"], a["dwelling"]) for a in solution["assignments"]} == {
        ("c1", "d1"),
        ("c2", "d3"),
    }
    code, out, err = run_cli("check", instance, write(tmp_path, "s.json", out))
    assert (code, out.strip(), err) == (0, "ok", "")


def test_bad_json_exits_2_with_one_line_and_no_traceback(tmp_path):
    code, _out, err = run_cli("solve", write(tmp_path, "i.json", "{not json"))
    assert code == 2
    assert err.startswith("error: instance is not valid JSON")
    assert err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda d: d["candidates"].append({"client": "nobody", "dwelling": "d1", "score": 1}),
            "unknown client 'nobody'",
        ),
        (
            lambda d: d["candidates"].append({"client": "c1", "dwelling": "d9", "score": 1}),
            "unknown dwelling 'd9'",
        ),
        (
            lambda d: d["groups"].append({"id": "g", "cap": 1, "dwellings": ["d9"]}),
            "group 'g' refers to unknown dwelling 'd9'",
        ),
        (
            lambda d: d["groups"].append({"id": "g", "cap": -1, "dwellings": ["d1"]}),
            "cap must be an integer >= 0",
        ),
        (
            lambda d: d["groups"].append({"id": "g", "cap": 1.5, "dwellings": ["d1"]}),
            "cap must be an integer >= 0",
        ),
        (
            lambda d: d["candidates"].append({"client": "c1", "dwelling": "d2", "score": 0}),
            "score must be a finite number > 0",
        ),
        (
            lambda d: d["candidates"].append({"client": "c1", "dwelling": "d2", "score": -3}),
            "score must be a finite number > 0",
        ),
        (
            lambda d: d["candidates"].append({"client": "c1", "dwelling": "d2", "score": "high"}),
            "score must be a number",
        ),
        (
            lambda d: d["candidates"].append({"client": "c1", "dwelling": "d2", "score": True}),
            "score must be a number",
        ),
        (
            lambda d: d["candidates"].append({"client": "c1", "dwelling": "d1", "score": 5}),
            "duplicate candidate pair (client 'c1', dwelling 'd1')",
        ),
        (lambda d: d["clients"].append({"id": "c1"}), "duplicate client id 'c1'"),
        (
            lambda d: d["candidates"].append({"client": "c1"}),
            "must be an object with 'client', 'dwelling' and 'score'",
        ),
        (lambda d: d.update(format="other/2"), "instance format must be 'woonbrug-matching/1'"),
        (lambda d: d.pop("candidates"), "'candidates' must be a list"),
    ],
)
def test_malformed_instances_exit_2_with_a_clear_message(tmp_path, capsys, mutate, message):
    doc = json.loads(json.dumps(GOOD))
    mutate(doc)
    assert main(["solve", write(tmp_path, "i.json", doc)]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1


def test_a_missing_file_exits_2(tmp_path, capsys):
    assert main(["solve", str(tmp_path / "missing.json")]) == 2
    assert "cannot read instance file" in capsys.readouterr().err


def test_bad_usage_exits_2_with_one_line(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["solve", "x.json", "--time-limit", "-3"])
    assert exc.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1


@pytest.mark.parametrize(
    ("assignments", "objective", "violation"),
    [
        ([("c1", "d1"), ("c2", "d1")], 134.5, "dwelling 'd1' is assigned 2 times"),
        ([("c1", "d1"), ("c1", "d3")], 113.75, "client 'c1' is assigned 2 times"),
        ([("c1", "d3")], 10.0, "pair ('c1', 'd3') is not a candidate"),
        ([("c1", "d1")], 99.0, "objective 99.0 differs from the sum of scores 73.5"),
        ([("c9", "d1")], 0.0, "unknown client 'c9'"),
    ],
)
def test_check_reports_infeasible_solutions_and_exits_1(
    tmp_path, capsys, assignments, objective, violation
):
    instance = write(tmp_path, "i.json", GOOD)
    solution = {
        "format": "woonbrug-matching/1",
        "assignments": [{"client": c, "dwelling": d} for c, d in assignments],
        "objective": objective,
        "optimal": True,
    }
    assert main(["check", instance, write(tmp_path, "s.json", solution)]) == 1
    assert violation in capsys.readouterr().err


def test_check_catches_a_group_over_its_cap(tmp_path, capsys):
    doc = instance_doc([("c1", "d1", 5.0), ("c2", "d2", 4.0)], [("BU1", 1, ["d1", "d2"])])
    solution = {
        "format": "woonbrug-matching/1",
        "assignments": [{"client": "c1", "dwelling": "d1"}, {"client": "c2", "dwelling": "d2"}],
        "objective": 9.0,
    }
    assert main(["check", write(tmp_path, "i.json", doc), write(tmp_path, "s.json", solution)]) == 1
    assert "group 'BU1' holds 2 placements, above its cap 1" in capsys.readouterr().err


def test_check_exits_2_on_a_malformed_solution(tmp_path, capsys):
    instance = write(tmp_path, "i.json", GOOD)
    assert (
        main(["check", instance, write(tmp_path, "s.json", {"format": "woonbrug-matching/1"})]) == 2
    )
    assert "'assignments' must be a list" in capsys.readouterr().err


def test_overlapping_groups_are_solved_through_the_cli(tmp_path, capsys):
    doc = instance_doc(
        [("c1", "d1", 10.0), ("c2", "d2", 9.0), ("c3", "d3", 8.0)],
        [("A", 1, ["d1", "d2"]), ("B", 1, ["d2", "d3"])],
    )
    assert main(["solve", write(tmp_path, "i.json", doc), "--time-limit", "5"]) == 0
    solution = json.loads(capsys.readouterr().out)
    assert solution["laminar"] is False and solution["optimal"] is True
    assert solution["objective"] == 18.0


def test_the_time_limit_bounds_the_whole_run_within_ten_percent(tmp_path):
    """A crossing instance whose proof takes longer than the budget (seconds, under load)."""
    instance = write(tmp_path, "hard.json", crossing_grid_doc(300, 200, seed=1, side=6))
    started = time.perf_counter()
    code, out, err = run_cli("solve", instance, "--time-limit", "4")
    wall = time.perf_counter() - started  # start-up and reading included
    assert code == 0, err
    assert wall <= 4.4
    solution = json.loads(out)
    assert solution["bound"] >= solution["objective"]
    if not solution["optimal"]:  # a fast machine may finish the proof within the budget
        assert solution["status"].startswith("time limit") and solution["gap"] > 0
    code, _out, err = run_cli("check", instance, write(tmp_path, "s.json", out))
    assert code == 0, err


def test_a_crossing_solution_says_it_is_proven_optimal_and_gives_the_bound(tmp_path, capsys):
    instance = write(tmp_path, "grid.json", crossing_grid_doc(200, 120, seed=3, side=6))
    assert main(["solve", instance, "--time-limit", "60"]) == 0
    solution = json.loads(capsys.readouterr().out)
    assert solution["status"] == "optimal" and solution["optimal"] is True
    assert solution["bound"] == solution["objective"] and solution["gap"] == 0.0
    assert solution["method"] == "lp+mip" and solution["mip_status"] == "Optimal"


@pytest.mark.parametrize(
    "args",
    [
        ["solve", "i.json", "--time-limit", "0"],
        ["solve", "i.json", "--time-limit", "nan"],
        ["solve", "i.json", "--time-limt", "3"],
        ["solve"],
        ["check", "i.json"],
        ["frobnicate", "i.json"],
    ],
)
def test_unusual_command_lines_still_get_one_line_and_status_2(tmp_path, capsys, args):
    write(tmp_path, "i.json", GOOD)
    with pytest.raises(SystemExit) as exc:
        main([str(tmp_path / a) if a == "i.json" else a for a in args])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1


def test_main_called_in_process_counts_the_budget_from_the_call(tmp_path, capsys, monkeypatch):
    """A long-running process (a test run, a worker) calling main must not lose its budget
    to the time it has been running."""
    import matching.engine.__main__ as cli

    monkeypatch.setattr(cli, "seconds_since_process_start", lambda: 10_000.0)
    instance = write(tmp_path, "grid.json", crossing_grid_doc(200, 120, seed=3, side=6))
    assert main(["solve", instance, "--time-limit", "60"]) == 0
    assert json.loads(capsys.readouterr().out)["optimal"] is True


def test_the_package_names_stay_functions_whichever_is_asked_first():
    """`engine.Assignment` before `engine.solve` once left `engine.solve` bound to the
    submodule (importing `.solve` binds it on the package): the board's solve then failed."""
    import subprocess
    import sys

    code = (
        "from matching import engine\n"
        "engine.Assignment; engine.ScorePart; engine.Instance\n"
        "assert callable(engine.solve) and callable(engine.greedy), engine.solve\n"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
