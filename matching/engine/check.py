"""Independent validation of a solution against its instance.

Deliberately written without the solver's structures (no flow network, no group analysis), so
that it can catch the solver's own mistakes.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import numpy as np

from .instance import FORMAT, Instance, InstanceError

OBJECTIVE_TOLERANCE = 1e-6


def check_solution(instance: Instance, doc: Any) -> list[str]:
    """Return every violation of ``doc`` against ``instance`` as a sentence (empty: valid).

    Raises :class:`InstanceError` when the solution document itself is malformed (not an
    object, wrong format, assignments that are not client/dwelling objects).
    """
    if not isinstance(doc, dict):
        raise InstanceError("solution must be a JSON object")
    if doc.get("format") != FORMAT:
        raise InstanceError(f"solution format must be {FORMAT!r}, got {doc.get('format')!r}")
    assignments = doc.get("assignments")
    if not isinstance(assignments, list):
        raise InstanceError("solution key 'assignments' must be a list")
    pairs: list[tuple[str, str]] = []
    for i, a in enumerate(assignments):
        if (
            not isinstance(a, dict)
            or not isinstance(a.get("client"), str)
            or not isinstance(a.get("dwelling"), str)
        ):
            raise InstanceError(
                f"assignments[{i}] must be an object with string 'client' and 'dwelling'"
            )
        pairs.append((a["client"], a["dwelling"]))

    problems: list[str] = []
    client_pos = {c: i for i, c in enumerate(instance.client_ids)}
    dwelling_pos = {d: i for i, d in enumerate(instance.dwelling_ids)}
    score_of: dict[tuple[int, int], float] = {
        (c, d): s
        for c, d, s in zip(
            instance.cand_client.tolist(),
            instance.cand_dwelling.tolist(),
            instance.cand_score.tolist(),
            strict=True,
        )
    }

    for client, n in Counter(c for c, _ in pairs).items():
        if n > 1:
            problems.append(f"client {client!r} is assigned {n} times")
    for dwelling, n in Counter(d for _, d in pairs).items():
        if n > 1:
            problems.append(f"dwelling {dwelling!r} is assigned {n} times")

    total = 0.0
    used = np.zeros(instance.n_dwellings, dtype=bool)
    for client, dwelling in pairs:
        if client not in client_pos:
            problems.append(f"unknown client {client!r}")
            continue
        if dwelling not in dwelling_pos:
            problems.append(f"unknown dwelling {dwelling!r}")
            continue
        key = (client_pos[client], dwelling_pos[dwelling])
        if key not in score_of:
            problems.append(f"pair ({client!r}, {dwelling!r}) is not a candidate")
            continue
        total += score_of[key]
        used[key[1]] = True

    for gid, cap, members in zip(
        instance.group_ids, instance.group_caps.tolist(), instance.group_members, strict=True
    ):
        load = int(used[members].sum())
        if load > cap:
            problems.append(f"group {gid!r} holds {load} placements, above its cap {cap}")

    claimed = doc.get("objective")
    if (
        not isinstance(claimed, int | float)
        or isinstance(claimed, bool)
        or not math.isfinite(claimed)
    ):
        problems.append("objective is missing or not a finite number")
    elif not math.isclose(claimed, total, rel_tol=OBJECTIVE_TOLERANCE, abs_tol=OBJECTIVE_TOLERANCE):
        problems.append(f"objective {claimed} differs from the sum of scores {total}")
    if "optimal" in doc and not isinstance(doc["optimal"], bool):
        problems.append("optimal must be true or false")
    return problems
