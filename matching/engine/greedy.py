"""Priority-order greedy: the baseline that coordinated-entry systems use today.

Clients are served one at a time by priority (the ``priority`` key on clients, higher first;
otherwise the order of the instance's client list). Each takes its best-scoring dwelling that
is still free and whose groups all have room left. Used to show what the optimiser gains.
"""

from __future__ import annotations

import numpy as np

from .instance import Instance


def greedy(instance: Instance) -> np.ndarray:
    """Chosen-candidate mask of the priority-order greedy."""
    nc = instance.n_clients
    chosen = np.zeros(instance.n_candidates, dtype=bool)
    if instance.n_candidates == 0:
        return chosen
    caps = instance.group_caps.copy()
    # Per dwelling its groups, and per group its dwellings, for the cap bookkeeping.
    dw_groups: list[list[int]] = [[] for _ in range(instance.n_dwellings)]
    for g, members in enumerate(instance.group_members):
        for d in members.tolist():
            dw_groups[d].append(g)
    blocked = np.zeros(instance.n_dwellings, dtype=bool)
    for g in np.flatnonzero(caps <= 0).tolist():
        blocked[instance.group_members[g]] = True

    # Candidates are sorted by client; within a client order by score, best first.
    cc = instance.cand_client
    order = np.lexsort((instance.cand_dwelling, -instance.cand_score, cc))
    starts = np.searchsorted(cc[order], np.arange(nc + 1))
    if instance.client_priority is None:
        clients = np.arange(nc)
    else:
        clients = np.lexsort((np.arange(nc), -instance.client_priority))
    cd = instance.cand_dwelling
    for c in clients.tolist():
        ks = order[starts[c] : starts[c + 1]]
        if ks.size == 0:
            continue
        free = np.flatnonzero(~blocked[cd[ks]])
        if free.size == 0:
            continue
        k = int(ks[free[0]])
        d = int(cd[k])
        chosen[k] = True
        blocked[d] = True
        for g in dw_groups[d]:
            caps[g] -= 1
            if caps[g] == 0:
                blocked[instance.group_members[g]] = True
    return chosen
