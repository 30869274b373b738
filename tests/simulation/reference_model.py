"""An independent reference model of the what-if year, for the fidelity test.

Written from the rules in `docs/simulation.md` ("The rules, for an independent model"), in
plain Python: it imports nothing of the product (no engine, no `housing.capacity`, no
`matching`), only the standard library. It reads the snapshot as plain attributes and
implements the priority-order board (with and without the tipping-point and stairwell
limits), departures, urgency, vacancies, arrivals and letting on its own. If the product's
week loop drifts from the documented rules, the two stop agreeing.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from fractions import Fraction
from typing import Any


def rng(seed: int, week: int, stream: str) -> random.Random:
    return random.Random(f"woonbrug-sim:{seed}:{week}:{stream}")


def poisson(r: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 50:
        return max(0, round(r.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= r.random()
        if p <= limit:
            return k
        k += 1


def quantile(values: list[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (R-7)."""
    if not values:
        return None
    xs = sorted(values)
    h = (len(xs) - 1) * q
    lo = int(h)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (h - lo)


def households_of(share: float, homes: int) -> int:
    exact = Fraction(str(share)) * homes / 100
    return int(exact + Fraction(1, 2))  # half up (shares and homes are not negative)


def allowance_of(tipping_point: float, homes: int) -> int:
    return int(Fraction(str(tipping_point)) * homes / 100)


class Client:
    def __init__(self, profile: dict[str, Any], start: dt.date) -> None:
        self.ref = profile["reference"]
        ready = profile.get("ready_since")
        self.since = dt.date.fromisoformat(ready) if ready else start
        self.urgent_until = (
            dt.date.fromisoformat(profile["urgent_until"]) if profile.get("urgent_until") else None
        )
        h = profile["household"]
        self.bedrooms = 1 + (h["children"] + 1) // 2
        self.max_rent = float(profile["max_rent"]) if profile["max_rent"] else math.inf
        a = profile["accessibility"]
        self.step_free = a["step_free"]
        self.low = a["ground_floor_or_lift"] or (a["max_floor"] is not None and a["max_floor"] < 1)
        self.wheelchair = a["wheelchair"]
        self.excluded = set(profile["excluded_neighbourhoods"])
        self.pref_gm = set(profile["preferred_municipalities"])
        self.pref_wk = set(profile["preferred_districts"])
        self.support = profile["support_team_district"]

    def urgent(self, day: dt.date) -> bool:
        return self.urgent_until is not None and day <= self.urgent_until

    def allows(self, d: Any, stopped: bool) -> bool:
        return not (
            d.rent > self.max_rent
            or d.bedrooms < self.bedrooms
            or (self.step_free and not d.step_free)
            or (self.low and not (d.ground_floor or d.lift))
            or (self.wheelchair and not d.wheelchair)
            or d.neighbourhood in self.excluded
            or stopped
        )

    def points(self, d: Any, vulnerable: int) -> float:
        """The parts of the score that differ between dwellings for one client (base, waiting
        and carrying capacity are the same for all of them in the fidelity region)."""
        if (not self.pref_gm and not self.pref_wk) or d.district in self.pref_wk:
            pref = 1.0
        elif d.municipality in self.pref_gm:
            pref = 0.6
        else:
            pref = 0.0
        support = 0.5 if self.support is None else 1.0 if d.district == self.support else 0.0
        spare = d.bedrooms - self.bedrooms
        size = 1.0 if spare <= 0 else 0.5 if spare == 1 else 0.0
        stair = 1.0 if vulnerable <= 0 else 0.0
        return round(15 * pref + 15 * stair + 10 * support + 10 * size, 2)


def run(snapshot: Any, p: dict[str, Any]) -> dict[str, Any]:
    """One seed of the priority-order board. `p` holds tipping_point, stairwell_rule,
    stairwell_max, limited, horizon_weeks, seed, clients_per_week, dwellings_per_week,
    offer_weeks, departure_rate, urgent_share."""
    start, seed = snapshot.start, p["seed"]
    hoods = {}
    for n in snapshot.neighbourhoods:
        known = n.lvb_share is not None and bool(n.homes)
        hoods[n.id] = {
            "known": known,
            "households": (households_of(n.lvb_share, n.homes) if known else 0) + len(n.placements),
            "allowance": allowance_of(p["tipping_point"], n.homes) if known else None,
        }
    stair = {s.id: s.vulnerable for s in snapshot.stairwells}
    stops = dict(snapshot.stops)
    waiting: dict[str, Client] = {}
    for item in snapshot.waiting:
        c = Client(item["profile"], start)
        waiting[c.ref] = c
    offered: dict[int, tuple[Any, int, dt.date]] = {
        d.pk: (d, 1, d.available_from or start) for d in snapshot.offered
    }
    occupied: set[int] = set()
    stock = sorted(snapshot.stock, key=lambda d: d.pk)
    residents: list[tuple[int | None, int | None, int | None]] = []
    for nid in sorted(hoods):
        residents += [(nid, None, None)] * len(
            next(n for n in snapshot.neighbourhoods if n.id == nid).placements
        )
    for sid in sorted(stair):
        residents += [(None, sid, None)] * stair[sid]
    yearly = p["departure_rate"] / 100
    leave = 0.0 if yearly <= 0 else 1.0 if yearly >= 1 else 1 - (1 - yearly) ** (1 / 52)
    waits: list[float] = []
    day = start
    for week in range(1, p["horizon_weeks"] + 1):
        day = start + dt.timedelta(weeks=week - 1)
        stops = {c: u for c, u in stops.items() if u >= day}
        # Departures.
        if leave > 0 and residents:
            r = rng(seed, week, "departures")
            kept = []
            for nid, sid, pk in residents:
                if r.random() >= leave:
                    kept.append((nid, sid, pk))
                    continue
                if nid is not None:
                    hoods[nid]["households"] -= 1
                if sid is not None:
                    stair[sid] -= 1
                if pk is not None:
                    occupied.discard(pk)
            residents = kept
        # Vacancies.
        count = poisson(rng(seed, week, "vacancy-count"), p["dwellings_per_week"])
        free = [d for d in stock if d.pk not in offered and d.pk not in occupied]
        if free:
            picked = rng(seed, week, "vacancies").sample(free, min(count, len(free)))
            for d in sorted(picked, key=lambda d: d.pk):
                offered[d.pk] = (d, week, day)
        # Arrivals.
        count = poisson(rng(seed, week, "arrival-count"), p["clients_per_week"])
        pool = snapshot.profiles or [i["profile"] for i in snapshot.waiting]
        if pool:
            ra, ru = rng(seed, week, "arrivals"), rng(seed, week, "urgency")
            for k in range(count):
                profile = dict(ra.choice(pool))
                profile["reference"] = f"N{week:03d}-{k + 1:02d}"
                profile["ready_since"] = day.isoformat()
                urgent = ru.random() < p["urgent_share"] / 100
                profile["urgent_until"] = (
                    (day + dt.timedelta(weeks=26)).isoformat() if urgent else None
                )
                waiting[profile["reference"]] = Client(profile, start)
        # The board: priority order, each client takes its best allowed dwelling with room.
        order = list(waiting.values())
        position = {c.ref: i for i, c in enumerate(order)}
        order.sort(
            key=lambda c: (
                -((100_000 if c.urgent(day) else 0) + max(0, (day - c.since).days)),
                position[c.ref],
            )
        )
        dwellings = list(offered.values())
        vulnerable = {
            d.pk: stair.get(d.stairwell_id, 0) if d.stairwell_id else 0 for d, *_ in dwellings
        }
        room_n = {}
        room_s = {}
        if p["limited"]:
            for d, *_ in dwellings:
                h = hoods[d.neighbourhood_id]
                if h["known"]:
                    room_n[d.neighbourhood_id] = max(0, h["allowance"] - h["households"])
                if p["stairwell_rule"] and d.stairwell_id:
                    room_s[d.stairwell_id] = max(
                        0, p["stairwell_max"] - stair.get(d.stairwell_id, 0)
                    )
        taken: set[int] = set()
        chosen = []
        for c in order:
            best = None
            for d, _since, _avail in dwellings:
                if d.pk in taken or not c.allows(d, d.complex_id in stops):
                    continue
                if room_n.get(d.neighbourhood_id, 1) <= 0 or (
                    d.stairwell_id and room_s.get(d.stairwell_id, 1) <= 0
                ):
                    continue
                score = c.points(d, vulnerable[d.pk])
                if best is None or score > best[0]:
                    best = (score, d)
            if best is None:
                continue
            d = best[1]
            taken.add(d.pk)
            if d.neighbourhood_id in room_n:
                room_n[d.neighbourhood_id] -= 1
            if d.stairwell_id in room_s:
                room_s[d.stairwell_id] -= 1
            chosen.append((c, d))
        chosen.sort(key=lambda cd: position[cd[0].ref])  # recorded in waiting-list order
        for c, d in chosen:
            hoods[d.neighbourhood_id]["households"] += 1
            if d.stairwell_id:
                stair[d.stairwell_id] = stair.get(d.stairwell_id, 0) + 1
            residents.append((d.neighbourhood_id, d.stairwell_id, d.pk))
            del waiting[c.ref]
            del offered[d.pk]
            occupied.add(d.pk)
            waits.append((day - c.since).days / 7)
        # Letting to a regular tenant.
        for pk in [
            pk for pk, (_d, since, _a) in offered.items() if week - since + 1 >= p["offer_weeks"]
        ]:
            del offered[pk]
    still = [(day - c.since).days / 7 for c in waiting.values()]
    return {
        "housed": len(waits),
        "still_waiting": len(still),
        "wait_median": quantile(waits, 0.5),
        "wait_p90": quantile(waits, 0.9),
        "still_waiting_p90": quantile(still, 0.9),
    }
