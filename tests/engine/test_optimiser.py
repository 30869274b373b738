"""The optimiser: exact on laminar groups, honest on crossing ones, deterministic."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix

from benchmarks.generate import generate
from matching.engine import check_solution, greedy, parse_instance, solve
from matching.engine.groups import analyse_groups
from matching.engine.mip import solve_overlapping

from .factories import crossing_grid_doc, instance_doc


def brute_force(doc) -> float:
    """Best objective by trying every subset of candidate pairs."""
    cands = doc["candidates"]
    groups = doc["groups"]
    best = 0.0
    for r in range(len(cands) + 1):
        for subset in itertools.combinations(cands, r):
            clients = [c["client"] for c in subset]
            dwellings = [c["dwelling"] for c in subset]
            if len(set(clients)) < len(clients) or len(set(dwellings)) < len(dwellings):
                continue
            used = set(dwellings)
            if any(len(used & set(g["dwellings"])) > g["cap"] for g in groups):
                continue
            best = max(best, sum(c["score"] for c in subset))
    return best


def milp_optimum(instance) -> float:
    """Independent exact optimum with scipy's MILP (HiGHS), from the instance arrays."""
    n = instance.n_candidates
    k = np.arange(n)
    rows = [csr_matrix((np.ones(n), (instance.cand_client, k)), shape=(instance.n_clients, n))]
    rows.append(
        csr_matrix((np.ones(n), (instance.cand_dwelling, k)), shape=(instance.n_dwellings, n))
    )
    caps = [np.ones(instance.n_clients), np.ones(instance.n_dwellings)]
    for members, cap in zip(instance.group_members, instance.group_caps.tolist(), strict=True):
        row = np.isin(instance.cand_dwelling, members).astype(float)
        rows.append(csr_matrix(row.reshape(1, -1)))
        caps.append(np.array([cap], dtype=float))
    from scipy.sparse import vstack

    constraint = LinearConstraint(vstack(rows), -np.inf, np.concatenate(caps))
    result = milp(
        -instance.cand_score, constraints=constraint, integrality=np.ones(n), bounds=Bounds(0, 1)
    )
    assert result.success
    return -result.fun


@st.composite
def tiny_instances(draw, laminar: bool):
    n_c, n_d = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    pairs = [(f"c{i}", f"d{j}") for i in range(n_c) for j in range(n_d)]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=7))
    scores = draw(st.lists(st.integers(1, 40), min_size=len(chosen), max_size=len(chosen)))
    dwellings = [f"d{j}" for j in range(n_d)]
    groups = []
    if laminar:
        # A chain and a disjoint singleton: always laminar.
        if n_d >= 2:
            groups.append(("outer", draw(st.integers(0, 2)), dwellings))
            groups.append(("inner", draw(st.integers(0, 1)), dwellings[:2]))
        groups.append(("single", draw(st.integers(0, 1)), dwellings[-1:]))
    else:
        for g in range(draw(st.integers(1, 3))):
            members = draw(st.lists(st.sampled_from(dwellings), unique=True, min_size=1))
            groups.append((f"g{g}", draw(st.integers(0, 2)), members))
    return instance_doc(
        [(c, d, s / 4) for (c, d), s in zip(chosen, scores, strict=True)],
        groups,
        clients=[f"c{i}" for i in range(n_c)],
        dwellings=dwellings,
    )


@settings(max_examples=150, deadline=None)
@given(doc=tiny_instances(laminar=True))
def test_laminar_solutions_equal_brute_force(doc):
    solution = solve(parse_instance(doc))
    assert solution.optimal and solution.method == "min-cost-flow"
    assert solution.objective == pytest.approx(brute_force(doc))
    assert check_solution(parse_instance(doc), solution.to_dict()) == []


@settings(max_examples=60, deadline=None)
@given(doc=tiny_instances(laminar=False))
def test_crossing_group_solutions_equal_brute_force(doc):
    solution = solve(parse_instance(doc), time_limit=5)
    assert solution.optimal
    assert solution.objective == pytest.approx(brute_force(doc))
    assert check_solution(parse_instance(doc), solution.to_dict()) == []


@pytest.mark.parametrize("size", ["S", "M"])
def test_laminar_benchmarks_equal_an_independent_milp(size):
    instance = parse_instance(generate(size, seed=3))
    solution = solve(instance)
    assert solution.laminar and solution.optimal
    assert solution.objective == pytest.approx(milp_optimum(instance), rel=1e-9)
    assert check_solution(instance, solution.to_dict()) == []


def test_crossing_groups_on_s_equal_an_independent_milp():
    instance = parse_instance(generate("S", seed=3, overlap=True))
    solution = solve(instance, time_limit=10)
    assert solution.objective == pytest.approx(milp_optimum(instance), rel=1e-9)
    assert solution.optimal


def test_it_detects_crossing_groups():
    doc = instance_doc(
        [("c1", "d1", 1.0), ("c2", "d2", 1.0), ("c3", "d3", 1.0)],
        [("A", 1, ["d1", "d2"]), ("B", 1, ["d2", "d3"])],
    )
    structure = analyse_groups(parse_instance(doc))
    assert not structure.laminar and set(structure.overlap or ()) == {"A", "B"}


def test_nested_and_disjoint_groups_are_laminar():
    doc = instance_doc(
        [("c1", "d1", 1.0), ("c2", "d2", 1.0), ("c3", "d3", 1.0), ("c4", "d4", 1.0)],
        [
            ("BU", 2, ["d1", "d2", "d3"]),
            ("cx", 1, ["d1", "d2"]),
            ("other", 0, ["d4"]),
            ("same", 1, ["d1", "d2"]),
        ],
    )
    assert analyse_groups(parse_instance(doc)).laminar


def test_groups_that_cannot_bind_do_not_make_a_family_crossing():
    doc = instance_doc(
        [("c1", "d1", 1.0), ("c2", "d2", 1.0), ("c3", "d3", 1.0)],
        [("A", 1, ["d1", "d2"]), ("B", 5, ["d2", "d3"])],
    )
    assert analyse_groups(parse_instance(doc)).laminar


def test_leaving_a_client_unplaced_is_allowed_when_that_scores_more():
    doc = instance_doc(
        [("c1", "d1", 10.0), ("c1", "d2", 1.0), ("c2", "d1", 9.0)], [("BU", 1, ["d1", "d2"])]
    )
    solution = solve(parse_instance(doc))
    assert [(a.client, a.dwelling) for a in solution.assignments] == [("c1", "d1")]
    assert solution.unassigned == ["c2"]


def test_the_same_instance_in_any_candidate_order_gives_the_same_answer():
    doc = generate("S", seed=5)
    first = solve(parse_instance(doc)).to_dict()
    random.Random(1).shuffle(doc["candidates"])
    again = solve(parse_instance(doc)).to_dict()
    for key in ("assignments", "objective", "alternatives"):
        assert first[key] == again[key]


def test_crossing_groups_give_the_same_answer_twice():
    doc = generate("S", seed=6, overlap=True)
    assert (
        solve(parse_instance(doc), time_limit=10).to_dict()["assignments"]
        == (solve(parse_instance(doc), time_limit=10).to_dict()["assignments"])
    )


def test_alternatives_stay_feasible_when_the_proposal_is_declined():
    instance = parse_instance(generate("M", seed=2))
    solution = solve(instance)
    base = {a.client: a.dwelling for a in solution.assignments}
    score = dict(
        zip(
            zip(instance.cand_client.tolist(), instance.cand_dwelling.tolist(), strict=True),
            instance.cand_score.tolist(),
            strict=True,
        )
    )
    cpos = {c: i for i, c in enumerate(instance.client_ids)}
    dpos = {d: i for i, d in enumerate(instance.dwelling_ids)}
    checked = 0
    for client, alternatives in solution.alternatives.items():
        assert len(alternatives) <= 3
        assert [a.score for a in alternatives] == sorted(
            (a.score for a in alternatives), reverse=True
        )
        for alt in alternatives:
            assert alt.dwelling != base.get(client)
            assert score[(cpos[client], dpos[alt.dwelling])] == alt.score
            swapped = dict(base)
            swapped[client] = alt.dwelling
            doc = {
                "format": "woonbrug-matching/1",
                "assignments": [{"client": c, "dwelling": d} for c, d in swapped.items()],
                "objective": sum(score[(cpos[c], dpos[d])] for c, d in swapped.items()),
            }
            assert check_solution(instance, doc) == []
            checked += 1
    assert checked > 0


def test_the_greedy_baseline_is_feasible_and_never_beats_the_optimum():
    instance = parse_instance(generate("M", seed=4))
    chosen = greedy(instance)
    picked = np.flatnonzero(chosen)
    doc = {
        "format": "woonbrug-matching/1",
        "assignments": [
            {
                "client": instance.client_ids[instance.cand_client[k]],
                "dwelling": instance.dwelling_ids[instance.cand_dwelling[k]],
            }
            for k in picked.tolist()
        ],
        "objective": float(instance.cand_score[picked].sum()),
    }
    assert check_solution(instance, doc) == []
    assert doc["objective"] <= solve(instance).objective + 1e-9


def test_optimal_is_only_claimed_with_a_matching_bound():
    instance = parse_instance(generate("S", seed=7, overlap=True))
    solution = solve(instance, time_limit=10)
    assert solution.bound >= solution.objective - 1e-9
    assert solution.optimal == (solution.gap == 0.0)


def test_an_instance_without_candidates_solves_to_nothing():
    doc = instance_doc([], clients=["c1"], dwellings=["d1"])
    solution = solve(parse_instance(doc))
    assert solution.assignments == [] and solution.objective == 0.0 and solution.optimal


# Crossing instances whose LP relaxation is fractional: the MIP (after reduced-cost fixing)
# has to do real work on them. (clients, dwellings, grid side, seed)
HARD_CROSSING = [(150, 100, 5, 3), (200, 120, 6, 3), (200, 120, 6, 4), (240, 160, 6, 1)]


@pytest.mark.parametrize(("n_clients", "n_dwellings", "side", "seed"), HARD_CROSSING)
def test_crossing_groups_are_proven_optimal_and_equal_an_independent_milp(
    n_clients, n_dwellings, side, seed
):
    instance = parse_instance(crossing_grid_doc(n_clients, n_dwellings, seed=seed, side=side))
    solution = solve(instance, time_limit=60)
    details = solution.to_dict()
    assert solution.optimal and details["status"] == "optimal"
    assert details["mip_status"] == "Optimal"  # the MIP ran: the LP alone did not settle it
    assert details["mip_columns"] < instance.n_candidates  # reduced-cost fixing left some out
    assert solution.bound == solution.objective and solution.gap == 0.0
    assert solution.objective == pytest.approx(milp_optimum(instance), rel=1e-12)
    assert check_solution(instance, details) == []


def test_the_lp_bound_is_a_true_upper_bound():
    instance = parse_instance(crossing_grid_doc(200, 120, seed=4, side=6))
    solution = solve(instance, time_limit=60)
    assert solution.to_dict()["lp_bound"] >= milp_optimum(instance) - 1e-6


def test_a_budget_too_small_for_a_proof_returns_the_best_found_with_a_proven_gap():
    instance = parse_instance(crossing_grid_doc(300, 200, seed=1, side=6))
    solution = solve(instance, time_limit=0.3)
    details = solution.to_dict()
    optimum = milp_optimum(instance)
    assert not solution.optimal and details["status"].startswith("time limit")
    assert solution.objective <= optimum + 1e-9 <= solution.bound + 2e-9
    assert solution.gap == pytest.approx((solution.bound - solution.objective) / solution.bound)
    assert check_solution(instance, details) == []


def test_a_budget_too_small_for_the_lp_still_gives_a_feasible_answer_and_a_valid_bound():
    instance = parse_instance(crossing_grid_doc(300, 200, seed=1, side=6))
    result = solve_overlapping(instance, analyse_groups(instance), time_limit=1e-4)
    scale = 10.0**result.decimals
    assert not result.optimal
    assert result.bound / scale >= milp_optimum(instance) - 1e-6
    picked = np.flatnonzero(result.chosen)
    doc = {
        "format": "woonbrug-matching/1",
        "assignments": [
            {
                "client": instance.client_ids[instance.cand_client[k]],
                "dwelling": instance.dwelling_ids[instance.cand_dwelling[k]],
            }
            for k in picked.tolist()
        ],
        "objective": float(instance.cand_score[picked].sum()),
    }
    assert check_solution(instance, doc) == []


def test_a_proven_crossing_optimum_is_the_same_assignment_every_time():
    doc = crossing_grid_doc(200, 120, seed=2, side=6)
    first = solve(parse_instance(doc), time_limit=60).to_dict()
    again = solve(parse_instance(doc), time_limit=60).to_dict()
    assert first["optimal"] and first["mip_status"] == "Optimal"
    assert first["assignments"] == again["assignments"]


def test_the_candidate_order_in_the_file_does_not_change_a_crossing_answer():
    doc = crossing_grid_doc(200, 120, seed=3, side=6)
    shuffled = dict(
        doc, candidates=random.Random(5).sample(doc["candidates"], len(doc["candidates"]))
    )
    a = solve(parse_instance(doc), time_limit=60).to_dict()["assignments"]
    b = solve(parse_instance(shuffled), time_limit=60).to_dict()["assignments"]
    assert sorted((x["client"], x["dwelling"]) for x in a) == sorted(
        (x["client"], x["dwelling"]) for x in b
    )


def test_pairs_in_a_closed_group_are_left_out_without_changing_the_optimum():
    doc = instance_doc(
        [("c1", "d1", 90.0), ("c1", "d2", 10.0), ("c2", "d2", 20.0), ("c2", "d3", 15.0)],
        [("closed", 0, ["d1"]), ("A", 1, ["d2", "d3"]), ("B", 1, ["d1", "d2"])],
    )
    instance = parse_instance(doc)
    structure = analyse_groups(instance)
    assert structure.usable(instance.cand_dwelling, instance.n_dwellings).tolist() == [
        False,
        True,
        True,
        True,
    ]
    solution = solve(instance, time_limit=5)
    assert solution.optimal and solution.objective == pytest.approx(brute_force(doc))


def test_highs_loads_next_to_or_tools_in_one_process():
    """The highspy wheel and OR-Tools both ship libhighs.so.1 and cannot share a process;
    the engine's HiGHS (scipy's, linked statically) must work after OR-Tools is loaded."""
    import subprocess
    import sys

    code = (
        "import ortools.graph.python.min_cost_flow\n"
        "from matching.engine.mip import load_highs\n"
        "h = load_highs()._Highs()\n"
        "print(h.version())\n"
    )
    proc = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
