"""From plain clients, dwellings and groups to a ``woonbrug-matching/1`` instance.

This is what the board calls before :func:`matching.engine.solve`. Hard rules and scores are
evaluated per client, vectorised over dwellings; only the client's search area is looked at
in full (dwellings outside it are counted under ``outside_search_area`` only).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .domain import Client, Dwelling, Group
from .instance import FORMAT
from .rules import RULE_BIT, RULE_CODES, RULES, Rejection, rejection_mask, rejections_for
from .scoring import ScoreBreakdown, Weights, explain_score, score_rows
from .table import DwellingTable, lookup

_LABEL = {r.code: r.label for r in RULES}


@dataclass(frozen=True, slots=True)
class ClientRejections:
    """Per client: how many dwellings are allowed, and how many each hard rule rejected.

    A dwelling can break several rules, so the counts may add up to more than the rejected
    dwellings. Dwellings outside the search area count for that rule only.
    """

    client: str
    allowed: int
    rejected: int
    counts: dict[str, int]

    def message(self) -> str:
        """Dutch summary, e.g. 'Geen toegestane woning: 12 woningen zijn te duur, ...'."""
        if not self.counts:
            return f"{self.allowed} toegestane woning(en)."
        reasons = ", ".join(
            f"{n} {'woning' if n == 1 else 'woningen'} {_LABEL[code]}"
            for code, n in sorted(
                self.counts.items(), key=lambda kv: (-kv[1], RULE_CODES.index(kv[0]))
            )
        )
        head = (
            "Geen toegestane woning"
            if self.allowed == 0
            else f"{self.allowed} toegestane woning(en)"
        )
        return f"{head}: {reasons}."


@dataclass(slots=True)
class Rejections:
    """Why pairs were left out of the instance; the board shows this as 'why no match'."""

    clients: dict[str, ClientRejections] = field(default_factory=dict)
    _client_by_id: dict[str, Client] = field(default_factory=dict, repr=False)
    _dwelling_by_id: dict[str, Dwelling] = field(default_factory=dict, repr=False)

    @property
    def without_candidates(self) -> list[str]:
        """Ids of clients for whom no dwelling passes the hard rules."""
        return [c for c, r in self.clients.items() if r.allowed == 0]

    def for_client(self, client_id: str) -> ClientRejections:
        return self.clients[client_id]

    def for_pair(self, client_id: str, dwelling_id: str) -> list[Rejection]:
        """Every rule the pair breaks, with Dutch sentences (empty: the pair is allowed)."""
        return rejections_for(self._client_by_id[client_id], self._dwelling_by_id[dwelling_id])


def priority(client: Client, today: dt.date) -> float:
    """Priority of a client on the waiting list: urgent first, then days waited."""
    return (100_000.0 if client.urgent else 0.0) + max(0, (today - client.waiting_since).days)


def build_instance(
    clients: Sequence[Client],
    dwellings: Sequence[Dwelling],
    groups: Iterable[Group] = (),
    weights: Weights | None = None,
    *,
    today: dt.date,
) -> tuple[dict[str, Any], Rejections]:
    """Apply the hard rules, score the allowed pairs, and return ``(instance, rejections)``.

    ``instance`` is a ``woonbrug-matching/1`` document (clients carry a ``priority`` extra key
    for the greedy baseline); pass it to :func:`matching.engine.parse_instance` and then
    :func:`matching.engine.solve`. ``today`` fixes the waiting times, so a build is
    reproducible. Ids must be unique; groups may only name known dwellings.
    """
    weights = weights or Weights()
    table = DwellingTable.build(dwellings)
    n = len(table.dwellings)
    dwelling_ids = [d.id for d in table.dwellings]
    candidates: list[dict[str, Any]] = []
    rejections = Rejections(
        _client_by_id={c.id: c for c in clients},
        _dwelling_by_id={d.id: d for d in table.dwellings},
    )
    all_rows = np.arange(n)
    for client in clients:
        rows = _search_rows(client, table, all_rows)
        mask = rejection_mask(client, table, rows)
        ok = rows[mask == 0]
        counts = _count_bits(mask)
        outside = n - rows.shape[0]
        if outside:
            counts["outside_search_area"] = counts.get("outside_search_area", 0) + outside
        rejections.clients[client.id] = ClientRejections(
            client.id, int(ok.size), n - int(ok.size), counts
        )
        if ok.size == 0:
            continue
        scores = score_rows(client, table, ok, weights, today=today)
        candidates.extend(
            {"client": client.id, "dwelling": dwelling_ids[d], "score": s}
            for d, s in zip(ok.tolist(), scores.tolist(), strict=True)
        )
    instance = {
        "format": FORMAT,
        "clients": [{"id": c.id, "priority": priority(c, today)} for c in clients],
        "dwellings": [{"id": d} for d in dwelling_ids],
        "candidates": candidates,
        "groups": [{"id": g.id, "cap": g.cap, "dwellings": list(g.dwellings)} for g in groups],
    }
    return instance, rejections


def explain_pair(
    client: Client, dwelling: Dwelling, weights: Weights | None = None, *, today: dt.date
) -> list[Rejection] | ScoreBreakdown:
    """Rejections of a pair if it breaks a hard rule, otherwise its score breakdown."""
    reasons = rejections_for(client, dwelling)
    return reasons if reasons else explain_score(client, dwelling, weights, today=today)


def _search_rows(client: Client, table: DwellingTable, all_rows: np.ndarray) -> np.ndarray:
    if not client.search_municipalities:
        return all_rows
    codes = lookup(table.municipality_index, client.search_municipalities)
    parts = [table.by_municipality[int(c)] for c in codes if int(c) in table.by_municipality]
    return np.sort(np.concatenate(parts)) if parts else all_rows[:0]


def _count_bits(mask: np.ndarray) -> dict[str, int]:
    counts: dict[str, int] = {}
    if not mask.any():
        return counts
    for code in RULE_CODES:
        hit = int(np.count_nonzero(mask & np.uint16(RULE_BIT[code])))
        if hit:
            counts[code] = hit
    return counts
