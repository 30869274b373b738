"""The week's engine instance, updated incrementally instead of rebuilt. Pure: no Django.

Rebuilding every week's instance from scratch (`engine.build_instance` + `parse_instance`)
scores every waiting client against every offered dwelling again, although from one week to
the next only a few clients arrive and a few dwellings come free. This builder keeps, per
(client, dwelling) pair it has seen, what cannot change while both stay at the table (the
static hard rules and the preference, support and size points) and recomputes each week only
what can:

- pairs of new clients with every offered dwelling, and of every waiting client with the
  dwellings offered for the first time (or again, after being let and freed);
- per client its waiting points, priority and latest move date (they follow the date and the
  urgency statement); per dwelling its carrying-capacity and stairwell points, whether its
  complex is stopped and when it is available (they follow the region's counts);
- the groups (stairwell and neighbourhood room), which are cheap.

The result is the same `engine.Instance` the full rebuild produces, array for array: the same
rules (the rule code is the engine's `rejection_mask` semantics, re-expressed per pair), the
same points rounded the same way and added in the same order, the same canonical candidate
order. `tests/simulation/test_weekly.py` holds the two to that, week by week, on several
seeds; `core.simulate(..., incremental=False)` runs the old full rebuild.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from matching import engine
from matching.engine.domain import Need
from matching.engine.scoring import (
    NEUTRAL_FIT,
    PREFERRED_MUNICIPALITY_FIT,
    SUPPORT_MUNICIPALITY_FIT,
    _points_per_part,
)


class _Codes:
    """Strings (CBS codes, target groups) as small integers, shared by all memberships."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def __call__(self, value: str | None) -> int:
        if value is None:
            return -1
        return self.index.setdefault(value, len(self.index))


class _Membership:
    """Which codes each slot holds (a client's excluded neighbourhoods, a dwelling's target
    groups...), as a growing boolean matrix slot x code: a lookup for many pairs at once is
    one fancy index instead of a set test per pair."""

    def __init__(self) -> None:
        self.matrix = np.zeros((64, 16), dtype=bool)
        self.any = False

    def add(self, slot: int, codes: list[int]) -> None:
        if not codes:
            return
        rows, cols = self.matrix.shape
        need_rows, need_cols = max(rows, slot + 1), max(cols, max(codes) + 1)
        if (need_rows, need_cols) != (rows, cols):
            grown = np.zeros((max(need_rows, 2 * rows), max(need_cols, 2 * cols)), dtype=bool)
            grown[:rows, :cols] = self.matrix
            self.matrix = grown
        self.matrix[slot, codes] = True
        self.any = True

    def lookup(self, slots: np.ndarray, codes: np.ndarray) -> np.ndarray:
        out = np.zeros(slots.shape[0], dtype=bool)
        if not self.any:
            return out
        rows, cols = self.matrix.shape
        ok = (codes >= 0) & (codes < cols) & (slots < rows)
        out[ok] = self.matrix[slots[ok], codes[ok]]
        return out


def _grow(array: np.ndarray, size: int) -> np.ndarray:
    if array.shape[0] >= size:
        return array
    out = np.zeros(max(size, 2 * array.shape[0], 64), dtype=array.dtype)
    out[: array.shape[0]] = array
    return out


class WeeklyInstances:
    """Builds each week's instance from the previous week's, for one simulation run."""

    def __init__(self, weights: engine.Weights | None = None) -> None:
        self.weights = weights or engine.Weights()
        self.maxima = _points_per_part(self.weights)
        self.codes = _Codes()
        # Slots: a client or dwelling gets a new slot each time it (re)appears at the table.
        self.client_slot: dict[str, int] = {}
        self.dwelling_slot: dict[str, int] = {}
        self.n_client_slots = 0
        self.n_dwelling_slots = 0
        # Static client attributes per slot.
        self.c_rent = np.zeros(0, dtype=np.float64)
        self.c_bedrooms = np.zeros(0, dtype=np.int64)
        self.c_needs = np.zeros(0, dtype=np.int64)  # bit 0 step-free, 1 ground/lift, 2 wheelchair
        self.c_target = np.zeros(0, dtype=np.int64)
        self.c_search = np.zeros(0, dtype=bool)  # has a search area
        self.c_pref_any = np.zeros(0, dtype=bool)  # has preferred districts or municipalities
        self.c_support_none = np.zeros(0, dtype=bool)  # support area unknown
        self.c_support_gm = np.zeros(0, dtype=np.int64)  # -1: none
        self.search = _Membership()
        self.excluded = _Membership()
        self.pref_wk = _Membership()
        self.pref_gm = _Membership()
        self.support_wk = _Membership()
        # Static dwelling attributes per slot.
        self.d_rent = np.zeros(0, dtype=np.float64)
        self.d_bedrooms = np.zeros(0, dtype=np.int64)
        self.d_step_free = np.zeros(0, dtype=bool)
        self.d_ground_or_lift = np.zeros(0, dtype=bool)
        self.d_wheelchair = np.zeros(0, dtype=bool)
        self.d_neighbourhood = np.zeros(0, dtype=np.int64)
        self.d_district = np.zeros(0, dtype=np.int64)
        self.d_municipality = np.zeros(0, dtype=np.int64)
        self.d_has_targets = np.zeros(0, dtype=bool)
        self.targets = _Membership()
        # The pairs that pass the static rules, with their static points.
        self.p_client = np.zeros(0, dtype=np.int64)
        self.p_dwelling = np.zeros(0, dtype=np.int64)
        self.p_pref = np.zeros(0, dtype=np.float64)
        self.p_support = np.zeros(0, dtype=np.float64)
        self.p_size = np.zeros(0, dtype=np.float64)

    # --- slots --------------------------------------------------------------------------

    def _add_client(self, c: engine.Client) -> int:
        slot = self.n_client_slots
        self.n_client_slots += 1
        n = self.n_client_slots
        for name in (
            "c_rent",
            "c_bedrooms",
            "c_needs",
            "c_target",
            "c_search",
            "c_pref_any",
            "c_support_none",
            "c_support_gm",
        ):
            setattr(self, name, _grow(getattr(self, name), n))
        self.c_rent[slot] = c.max_rent
        self.c_bedrooms[slot] = c.bedrooms_needed
        self.c_needs[slot] = (
            (Need.STEP_FREE in c.needs)
            | (Need.GROUND_FLOOR_OR_LIFT in c.needs) << 1
            | (Need.WHEELCHAIR in c.needs) << 2
        )
        self.c_target[slot] = self.codes(c.target_group)
        self.c_search[slot] = bool(c.search_municipalities)
        self.c_pref_any[slot] = bool(c.preferred_districts or c.preferred_municipalities)
        self.c_support_none[slot] = c.support_municipality is None and not c.support_districts
        self.c_support_gm[slot] = self.codes(c.support_municipality)
        self.search.add(slot, [self.codes(x) for x in sorted(c.search_municipalities)])
        self.excluded.add(slot, [self.codes(x) for x in sorted(c.excluded_neighbourhoods)])
        self.pref_wk.add(slot, [self.codes(x) for x in sorted(c.preferred_districts)])
        self.pref_gm.add(slot, [self.codes(x) for x in sorted(c.preferred_municipalities)])
        self.support_wk.add(slot, [self.codes(x) for x in sorted(c.support_districts)])
        return slot

    def _add_dwelling(self, d: engine.Dwelling) -> int:
        slot = self.n_dwelling_slots
        self.n_dwelling_slots += 1
        n = self.n_dwelling_slots
        for name in (
            "d_rent",
            "d_bedrooms",
            "d_step_free",
            "d_ground_or_lift",
            "d_wheelchair",
            "d_neighbourhood",
            "d_district",
            "d_municipality",
            "d_has_targets",
        ):
            setattr(self, name, _grow(getattr(self, name), n))
        self.d_rent[slot] = d.rent
        self.d_bedrooms[slot] = d.bedrooms
        self.d_step_free[slot] = d.step_free
        self.d_ground_or_lift[slot] = d.ground_floor or d.lift
        self.d_wheelchair[slot] = d.wheelchair
        self.d_neighbourhood[slot] = self.codes(d.neighbourhood)
        self.d_district[slot] = self.codes(d.district)
        self.d_municipality[slot] = self.codes(d.municipality)
        self.d_has_targets[slot] = bool(d.target_groups)
        self.targets.add(slot, [self.codes(t) for t in sorted(d.target_groups)])
        return slot

    # --- pairs --------------------------------------------------------------------------

    def _pts(self, name: str, fit: np.ndarray) -> np.ndarray:
        return np.round(self.maxima[name] * fit, 2)

    def _add_pairs(self, pc: np.ndarray, pd: np.ndarray) -> None:
        """Static rules and points for the pairs (pc[i], pd[i]); keeps the allowed ones."""
        if pc.size == 0:
            return

        municipality = self.d_municipality[pd]
        district = self.d_district[pd]
        needs = self.c_needs[pc]
        reject = self.d_rent[pd] > self.c_rent[pc]
        reject |= self.d_bedrooms[pd] < self.c_bedrooms[pc]
        reject |= self.c_search[pc] & ~self.search.lookup(pc, municipality)
        reject |= ((needs & 1) != 0) & ~self.d_step_free[pd]
        reject |= ((needs & 2) != 0) & ~self.d_ground_or_lift[pd]
        reject |= ((needs & 4) != 0) & ~self.d_wheelchair[pd]
        reject |= self.excluded.lookup(pc, self.d_neighbourhood[pd])
        reject |= self.d_has_targets[pd] & ~self.targets.lookup(pd, self.c_target[pc])
        keep = ~reject
        pc, pd, municipality, district = pc[keep], pd[keep], municipality[keep], district[keep]

        in_wk = self.pref_wk.lookup(pc, district)
        in_gm = self.pref_gm.lookup(pc, municipality)
        preference = np.where(
            ~self.c_pref_any[pc],
            1.0,
            np.where(in_wk, 1.0, np.where(in_gm, PREFERRED_MUNICIPALITY_FIT, 0.0)),
        )
        support_wk = self.support_wk.lookup(pc, district)
        support_gm = (self.c_support_gm[pc] >= 0) & (municipality == self.c_support_gm[pc])
        support = np.where(
            self.c_support_none[pc],
            NEUTRAL_FIT,
            np.where(support_wk, 1.0, np.where(support_gm, SUPPORT_MUNICIPALITY_FIT, 0.0)),
        )
        spare = self.d_bedrooms[pd] - self.c_bedrooms[pc]
        size = np.where(spare <= 0, 1.0, np.where(spare == 1, 0.5, 0.0))
        self.p_client = np.concatenate([self.p_client, pc])
        self.p_dwelling = np.concatenate([self.p_dwelling, pd])
        self.p_pref = np.concatenate([self.p_pref, self._pts("preference", preference)])
        self.p_support = np.concatenate([self.p_support, self._pts("support", support)])
        self.p_size = np.concatenate([self.p_size, self._pts("size", size)])

    # --- the week -----------------------------------------------------------------------

    def instance(
        self,
        client_ids: Sequence[str],
        dates: Sequence[tuple[dt.date, dt.date, bool]],
        make_client: Callable[[str], engine.Client],
        dwellings: Sequence[engine.Dwelling],
        groups: Sequence[engine.Group],
        *,
        today: dt.date,
    ) -> engine.Instance:
        """This week's instance; equal to `parse_instance(build_instance(...)[0])` for the
        same clients and dwellings. `dates[i]` is client i's (waiting since, latest move date,
        urgent) this week (`engine_input.client_dates`); `make_client(id)` builds the engine's
        client for one that is new at the table (its other facts do not change)."""
        dwelling_ids = [d.id for d in dwellings]
        # Who left the table since last week loses its slot (and its pairs).
        current_c, current_d = set(client_ids), set(dwelling_ids)
        for cid in [c for c in self.client_slot if c not in current_c]:
            del self.client_slot[cid]
        for did in [d for d in self.dwelling_slot if d not in current_d]:
            del self.dwelling_slot[did]
        new_clients = [c for c in client_ids if c not in self.client_slot]
        new_dwellings = [d for d in dwellings if d.id not in self.dwelling_slot]
        old_client_slots = np.array(list(self.client_slot.values()), dtype=np.int64)
        for cid in new_clients:
            self.client_slot[cid] = self._add_client(make_client(cid))
        for d in new_dwellings:
            self.dwelling_slot[d.id] = self._add_dwelling(d)
        # Drop pairs whose client or dwelling left.
        alive_c = np.zeros(self.n_client_slots, dtype=bool)
        alive_d = np.zeros(self.n_dwelling_slots, dtype=bool)
        alive_c[list(self.client_slot.values())] = True
        alive_d[list(self.dwelling_slot.values())] = True
        if self.p_client.size:
            keep = alive_c[self.p_client] & alive_d[self.p_dwelling]
            if not keep.all():
                self.p_client, self.p_dwelling = self.p_client[keep], self.p_dwelling[keep]
                self.p_pref, self.p_support = self.p_pref[keep], self.p_support[keep]
                self.p_size = self.p_size[keep]
        # New pairs: new clients with every dwelling, old clients with new dwellings.
        all_d = np.array([self.dwelling_slot[i] for i in dwelling_ids], dtype=np.int64)
        new_c = np.array([self.client_slot[c] for c in new_clients], dtype=np.int64)
        new_d = np.array([self.dwelling_slot[d.id] for d in new_dwellings], dtype=np.int64)
        self._add_pairs(np.repeat(new_c, all_d.size), np.tile(all_d, new_c.size))
        self._add_pairs(
            np.repeat(old_client_slots, new_d.size), np.tile(new_d, old_client_slots.size)
        )

        # This week's positions and the facts that move with the date and the counts.
        nc, nd = len(client_ids), len(dwellings)
        c_pos = np.full(self.n_client_slots, -1, dtype=np.int64)
        c_pos[[self.client_slot[i] for i in client_ids]] = np.arange(nc)
        d_pos = np.full(self.n_dwelling_slots, -1, dtype=np.int64)
        d_pos[all_d] = np.arange(nd)
        day = today.toordinal()
        since = np.array([w.toordinal() for w, _m, _u in dates], dtype=np.int64)
        move_until = np.array([m.toordinal() for _w, m, _u in dates], dtype=np.int64)
        urgent = np.array([u for _w, _m, u in dates], dtype=bool)
        days = np.maximum(0, day - since)
        # engine.scoring's waiting fit and engine.build.priority, per client at once.
        waiting_fit = np.where(
            urgent, 1.0, np.minimum(1.0, days / self.weights.waiting_horizon_days)
        )
        priority = np.where(urgent, 100_000.0, 0.0) + days
        available = np.array([d.available_from.toordinal() for d in dwellings], dtype=np.int64)
        stopped = np.array([d.complex_stopped for d in dwellings], dtype=bool)
        capacity = np.clip(
            np.array([d.neighbourhood_capacity for d in dwellings], dtype=np.float64), 0.0, 100.0
        )
        vulnerable = np.array([d.stairwell_vulnerable for d in dwellings], dtype=np.int64)
        wait_pts = self._pts("waiting", waiting_fit)
        cap_pts = self._pts("carrying_capacity", capacity / 100.0)
        stair_pts = self._pts("stairwell", (vulnerable <= 0).astype(np.float64))
        base_pts = self._pts("base", np.ones(1))[0]

        ci, di = c_pos[self.p_client], d_pos[self.p_dwelling]
        ok = ~stopped[di] & (available[di] <= move_until[ci])
        ci, di = ci[ok], di[ok]
        total = (
            base_pts
            + wait_pts[ci]
            + cap_pts[di]
            + self.p_pref[ok]
            + stair_pts[di]
            + self.p_support[ok]
            + self.p_size[ok]
        )
        scores = np.round(total, 2)
        order = np.argsort(ci * max(nd, 1) + di)  # keys are unique: any sort is canonical
        index = {d: i for i, d in enumerate(dwelling_ids)}
        members = [
            np.unique(np.array([index[d] for d in g.dwellings], dtype=np.int32)) for g in groups
        ]
        return engine.Instance(
            client_ids=list(client_ids),
            dwelling_ids=dwelling_ids,
            cand_client=ci[order].astype(np.int32),
            cand_dwelling=di[order].astype(np.int32),
            cand_score=scores[order],
            group_ids=[g.id for g in groups],
            group_caps=np.array([g.cap for g in groups], dtype=np.int64),
            group_members=members,
            client_priority=priority.astype(np.float64) if nc else None,
        )


# --- Policies on the week's instance ----------------------------------------------------------


def hold_back_last_slots(instance: engine.Instance) -> engine.Instance:
    """The look-ahead policy's instance: a neighbourhood with one slot left keeps it for
    clients who fit nowhere else this week.

    A slot used now is gone until a vulnerable household leaves; a client who fits only in
    that neighbourhood (an accessible home, a support team's district) may come next week.
    So pairs into a neighbourhood group with cap 1 are dropped for every client who also has
    a candidate outside such neighbourhoods; a client with no other option keeps them.
    """
    tight = np.zeros(instance.n_dwellings, dtype=bool)
    for gid, cap, members in zip(
        instance.group_ids, instance.group_caps.tolist(), instance.group_members, strict=True
    ):
        if cap == 1 and not gid.startswith("stairwell:"):
            tight[members] = True
    if not tight.any():
        return instance
    in_tight = tight[instance.cand_dwelling]
    flexible = np.zeros(instance.n_clients, dtype=bool)
    flexible[instance.cand_client[~in_tight]] = True
    keep = ~(in_tight & flexible[instance.cand_client])
    return replace(
        instance,
        cand_client=instance.cand_client[keep],
        cand_dwelling=instance.cand_dwelling[keep],
        cand_score=instance.cand_score[keep],
        raw_candidates=None,
        cand_source=None,
    )


def greedy_assignments(instance: engine.Instance) -> list[engine.Assignment]:
    """Priority order: each client in turn takes its best remaining dwelling."""
    picked = np.flatnonzero(engine.greedy(instance))
    return [
        engine.Assignment(
            instance.client_ids[int(instance.cand_client[k])],
            instance.dwelling_ids[int(instance.cand_dwelling[k])],
            float(instance.cand_score[k]),
        )
        for k in picked.tolist()
    ]
