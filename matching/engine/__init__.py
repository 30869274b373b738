"""Woonbrug matching engine: explainable scoring and an exact optimiser. Pure Python, no Django.

Public API (what the board calls)
---------------------------------
Plain data (``domain``)::

    Client(id, max_rent, move_until, waiting_since, household_size=1, bedrooms_needed=1,
           needs=frozenset[Need], excluded_neighbourhoods=..., search_municipalities=...,
           preferred_municipalities=..., preferred_districts=..., support_municipality=None,
           support_districts=..., target_group="ggz", urgent=False, move_from=None)
    Dwelling(id, rent, bedrooms, available_from, neighbourhood, district, municipality,
             complex_id=None, stairwell_id=None, complex_stopped=False, step_free=False,
             ground_floor=False, lift=False, wheelchair=False, stairwell_vulnerable=0,
             neighbourhood_capacity=50.0, target_groups=frozenset())
    Group(id, cap, dwellings: tuple[str, ...])
    standard_groups(dwellings, *, neighbourhood_room, complex_room=None, stairwell_limit=1)
        -> list[Group]        # stairwell within complex within neighbourhood

Rules and scores::

    rejections_for(client, dwelling) -> list[Rejection]        # Rejection(code, message NL)
    explain_score(client, dwelling, weights=None, *, today) -> ScoreBreakdown
        # ScoreBreakdown(score, parts=(ScorePart(code, points, max_points, message NL), ...))
    Weights(base=5, waiting=25, carrying_capacity=20, preference=15, stairwell=15,
            support=10, size=10, waiting_horizon_days=365)

Building and solving::

    build_instance(clients, dwellings, groups=(), weights=None, *, today)
        -> (instance: dict, rejections: Rejections)
        # rejections.for_client(id).message(), rejections.for_pair(cid, did),
        # rejections.without_candidates
    parse_instance(instance_dict) -> Instance          # validates; raises InstanceError
    load_instance(path) -> Instance
    solve(instance, *, time_limit=30.0, n_alternatives=3) -> Solution
        # Solution.assignments: list[Assignment(client, dwelling, score, extra)],
        # .objective, .optimal, .bound, .gap, .method, .laminar,
        # .alternatives: dict[client id, list[Alternative(dwelling, score)]] (top 3),
        # .unassigned, .to_dict() -> woonbrug-matching/1 solution document
    check_solution(instance, solution_dict) -> list[str]   # violations; empty when valid
    greedy(instance) -> np.ndarray                         # priority-order baseline (mask)

Typical use by the board::

    doc, why = build_instance(clients, dwellings, standard_groups(...), today=meeting_date)
    solution = solve(parse_instance(doc))

Command line: ``python -m matching.engine solve INSTANCE.json [--time-limit S]`` and
``python -m matching.engine check INSTANCE.json SOLUTION.json`` (see ``__main__``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .build import ClientRejections, Rejections, build_instance, explain_pair, priority
    from .check import check_solution
    from .domain import Client, Dwelling, Group, Need, standard_groups
    from .greedy import greedy
    from .instance import FORMAT, Instance, InstanceError, load_instance, parse_instance
    from .rules import RULE_CODES, Rejection, is_allowed, rejections_for
    from .scoring import ScoreBreakdown, ScorePart, Weights, explain_score, score_pair
    from .solve import Alternative, Assignment, Solution, solve

# Names resolve on first use (PEP 562): ``python -m matching.engine solve`` then loads only
# what solving needs, not the rules, scoring and building the board uses. Measured at S:
# the package's own imports were a third of the CLI's start-up.
_WHERE = {
    **dict.fromkeys(
        ["ClientRejections", "Rejections", "build_instance", "explain_pair", "priority"], ".build"
    ),
    "check_solution": ".check",
    **dict.fromkeys(["Client", "Dwelling", "Group", "Need", "standard_groups"], ".domain"),
    "greedy": ".greedy",
    **dict.fromkeys(
        ["FORMAT", "Instance", "InstanceError", "load_instance", "parse_instance"], ".instance"
    ),
    **dict.fromkeys(["RULE_CODES", "Rejection", "is_allowed", "rejections_for"], ".rules"),
    **dict.fromkeys(
        ["ScoreBreakdown", "ScorePart", "Weights", "explain_score", "score_pair"], ".scoring"
    ),
    **dict.fromkeys(["Alternative", "Assignment", "Solution", "solve"], ".solve"),
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    loaded = importlib.import_module(module, __name__)
    value = getattr(loaded, name)
    globals()[name] = value
    # Importing `.solve` (or `.greedy`) binds the submodule to the package's attribute of
    # the same name, shadowing the function: asked for `Assignment` first, `engine.solve`
    # was then the module ("'module' object is not callable"). Bind the function instead.
    same = module.lstrip(".")
    if _WHERE.get(same) == module:
        globals()[same] = getattr(loaded, same)
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "FORMAT",
    "RULE_CODES",
    "Alternative",
    "Assignment",
    "Client",
    "ClientRejections",
    "Dwelling",
    "Group",
    "Instance",
    "InstanceError",
    "Need",
    "Rejection",
    "Rejections",
    "ScoreBreakdown",
    "ScorePart",
    "Solution",
    "Weights",
    "build_instance",
    "check_solution",
    "explain_pair",
    "explain_score",
    "greedy",
    "is_allowed",
    "load_instance",
    "parse_instance",
    "priority",
    "rejections_for",
    "score_pair",
    "solve",
    "standard_groups",
]
