"""The what-if week loop: a year of weekly boards under chosen limits. Pure: no Django.

Input is a :class:`Snapshot` (plain data taken once from the database, see `snapshot.py`)
and :class:`Params` (the scenario). Every week:

1. complex stops that ran out are lifted (when the scenario keeps stops at all);
2. dwellings come free (a Poisson number, drawn like the region's own dwellings) and
   clients arrive (a Poisson number, with needs drawn from the region's shared profiles);
3. the board's *own* building code (`matching.engine_input`) turns the waiting clients and
   offered dwellings into the engine's instance, with the scenario's limits as groups;
4. the policy picks the week's placements: the optimiser (`engine.solve`, as the board uses
   it), priority order (`engine.greedy` without any limit, as practised today) or priority
   order within the limits (`engine.greedy` on the limited instance);
5. placements raise the neighbourhood's share and its 12-month placement count and the
   stairwell's vulnerable households, so next week's limits and scores follow;
6. a dwelling unused for `offer_weeks` weeks is let to a regular tenant.

Determinism: every random draw comes from a `random.Random` seeded by (seed, week, stream),
and nothing iterates a set of strings, so a scenario and seed always give the same result
(the engine is exact and deterministic on the board's laminar groups). The number of
arrivals and vacancies per week depends on the seed only, so scenarios with the same seed
see the same flows and differ only by their rules.

What "past the tipping point" means here: a neighbourhood's share of vulnerable households
is its LVB share from the latest indicators (the field reports' nuisance tipping point,
~35%) plus one household per placement in it (100 / homes points each, real placements of
the last 12 months included, since the yearly indicator does not show them yet). It is past
its tipping point when that share is above the scenario's tipping point. Neighbourhoods
without indicators have no share: no tipping-point limit, never counted as past it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from typing import Any

import orjson

from housing import capacity
from matching import engine, engine_input
from matching.engine_input import DwellingFacts

from . import weekly

PLACEMENT_WINDOW_DAYS = 365
MAX_HORIZON_WEEKS = 156
MAX_FLOW_PER_WEEK = 500.0


class LimitMode(StrEnum):
    TIPPING_POINT = "tipping_point"  # share of vulnerable households at most the tipping point
    HEADROOM = "headroom"  # the carrying-capacity model's headroom, as the board uses it
    NONE = "none"  # no neighbourhood limit


class Policy(StrEnum):
    OPTIMISER = "optimiser"  # the board's optimiser, with the limits
    PRIORITY = "priority"  # priority order as practised today: no limits
    PRIORITY_WITHIN_LIMITS = "priority_within_limits"  # priority order, with the limits
    LOOKAHEAD = "lookahead"  # the optimiser, keeping a buurt's last slot for who fits only there


LIMITED_POLICIES = (Policy.OPTIMISER, Policy.PRIORITY_WITHIN_LIMITS, Policy.LOOKAHEAD)

# Departures of vulnerable households per year (% of them) when the region has no history of
# ended agreements: about the yearly turnover of Dutch corporation homes (8-10%).
DEFAULT_DEPARTURE_RATE = 10.0
# An arrival drawn as urgent stays urgent this long (a typical urgency statement's validity).
URGENT_WEEKS = 26
MIN_SEEDS, MAX_SEEDS = 5, 20


class ParamsError(ValueError):
    """A scenario value is out of range; `field` names it, the message is Dutch."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class Cancelled(Exception):
    """The progress callback asked to stop."""


@dataclass(frozen=True)
class Params:
    """A scenario's rules and flows (see the module docstring)."""

    limit_mode: LimitMode = LimitMode.TIPPING_POINT
    tipping_point: float = 35.0  # % vulnerable households; also the measure in the results
    neighbourhood_limits: Mapping[str, float] = field(default_factory=dict)  # BU code -> %
    stairwell_rule: bool = False
    stairwell_max: int = 1
    complexes_stopped: bool = True
    policy: Policy = Policy.OPTIMISER
    horizon_weeks: int = 52
    seed: int = 1
    clients_per_week: float = 1.0
    dwellings_per_week: float = 2.0
    offer_weeks: int = 4
    departure_rate: float = DEFAULT_DEPARTURE_RATE  # % of vulnerable households leaving a year
    urgent_share: float = 0.0  # % of arrivals with an urgency statement
    seeds: int = MIN_SEEDS  # the task runs seed, seed + 1, ... seed + seeds - 1

    def __post_init__(self) -> None:
        def check(ok: bool, name: str, message: str) -> None:
            if not ok:
                raise ParamsError(name, message)

        check(
            0 <= self.tipping_point <= 100, "tipping_point", "Kies een kantelpunt van 0 tot 100%."
        )
        for code, value in self.neighbourhood_limits.items():
            check(
                isinstance(code, str) and 0 <= float(value) <= 100,
                "neighbourhood_limits",
                f"Kantelpunt voor {code} moet tussen 0 en 100% liggen.",
            )
        check(0 <= self.stairwell_max <= 20, "stairwell_max", "Kies een maximum van 0 tot 20.")
        check(
            1 <= self.horizon_weeks <= MAX_HORIZON_WEEKS,
            "horizon_weeks",
            f"Kies 1 tot {MAX_HORIZON_WEEKS} weken.",
        )
        check(0 <= self.seed < 2**31, "seed", "Kies een getal van 0 tot 2147483647.")
        for name in ("clients_per_week", "dwellings_per_week"):
            check(
                0 <= getattr(self, name) <= MAX_FLOW_PER_WEEK,
                name,
                f"Kies 0 tot {MAX_FLOW_PER_WEEK:g} per week.",
            )
        check(1 <= self.offer_weeks <= 52, "offer_weeks", "Kies 1 tot 52 weken.")
        for name in ("departure_rate", "urgent_share"):
            check(0 <= getattr(self, name) <= 100, name, "Kies 0 tot 100%.")
        check(
            MIN_SEEDS <= self.seeds <= MAX_SEEDS,
            "seeds",
            f"Kies {MIN_SEEDS} tot {MAX_SEEDS} startgetallen.",
        )
        check(
            self.seed + self.seeds <= 2**31,
            "seed",
            "Kies een kleiner startgetal (de reeks startgetallen loopt erboven door).",
        )

    @property
    def limited(self) -> bool:
        return self.policy in LIMITED_POLICIES

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Params:
        """Params from JSON-like data (the command's scenario file, a stored scenario)."""
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(data) - known - {"name", "description"})
        if unknown:
            raise ParamsError(unknown[0], f"Onbekend veld: {', '.join(unknown)}.")
        values: dict[str, Any] = {}
        try:
            for name, cast in (
                ("limit_mode", LimitMode),
                ("policy", Policy),
                ("tipping_point", float),
                ("stairwell_max", int),
                ("horizon_weeks", int),
                ("seed", int),
                ("clients_per_week", float),
                ("dwellings_per_week", float),
                ("offer_weeks", int),
                ("departure_rate", float),
                ("urgent_share", float),
                ("seeds", int),
            ):
                if data.get(name) is not None:
                    values[name] = cast(data[name])
        except (TypeError, ValueError):
            raise ParamsError(name, f"Ongeldige waarde voor {name}.") from None
        for name in ("stairwell_rule", "complexes_stopped"):
            if name in data:
                if not isinstance(data[name], bool):
                    raise ParamsError(name, f"{name} moet true of false zijn.")
                values[name] = data[name]
        limits = data.get("neighbourhood_limits") or {}
        if not isinstance(limits, Mapping):
            raise ParamsError("neighbourhood_limits", "Geef per buurtcode een percentage.")
        try:
            values["neighbourhood_limits"] = {
                str(k).strip().upper(): float(v) for k, v in sorted(limits.items())
            }
        except (TypeError, ValueError):
            raise ParamsError(
                "neighbourhood_limits", "Geef per buurtcode een percentage."
            ) from None
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["limit_mode"] = str(self.limit_mode)
        data["policy"] = str(self.policy)
        data["neighbourhood_limits"] = dict(sorted(self.neighbourhood_limits.items()))
        return data


# --- The snapshot: plain data, taken once ----------------------------------------------------


@dataclass(frozen=True)
class NeighbourhoodFacts:
    id: int
    code: str
    name: str
    homes: int | None = None  # None: no indicators
    lvb_share: float | None = None
    inputs: capacity.Inputs | None = None  # latest indicators, placements_12m left at 0
    weights: Mapping[str, float] = field(default_factory=dict)
    placements: tuple[dt.date, ...] = ()  # real placements in the 12 months before the start


@dataclass(frozen=True)
class StairwellFacts:
    id: int
    vulnerable: int  # vulnerable households now, held proposals included
    max_vulnerable: int  # the board's own limit today


@dataclass(frozen=True)
class Snapshot:
    """The board's region at the start, as plain data. Clients carry pseudonyms only."""

    start: dt.date
    neighbourhoods: tuple[NeighbourhoodFacts, ...]
    stairwells: tuple[StairwellFacts, ...]
    stops: Mapping[int, dt.date]  # complex id -> closed to placements until (inclusive)
    waiting: tuple[dict[str, Any], ...]  # {"profile": minimised profile}, oldest first
    offered: tuple[DwellingFacts, ...]  # offered now and not held by a proposal
    stock: tuple[DwellingFacts, ...]  # the member corporations' dwellings (vacancy templates)
    profiles: tuple[dict[str, Any], ...]  # minimised profiles to draw arrivals' needs from

    def digest(self) -> str:
        """A checksum of the snapshot: two runs with the same digest started from the same data.
        Computed once per snapshot (a run of several seeds and policies reuses it)."""
        cached = self.__dict__.get("_digest")
        if cached is None:
            # orjson writes the dataclasses itself (fields in order, dict keys sorted), many
            # times faster than `asdict` first on a regional snapshot.
            data = orjson.dumps(self, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)
            cached = hashlib.sha256(data).hexdigest()
            object.__setattr__(self, "_digest", cached)
        return str(cached)


# --- Results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Placement:
    week: int
    client: str
    dwelling: str
    neighbourhood_id: int
    stairwell_id: int | None
    score: float
    wait_weeks: float
    urgent: bool
    households_before: int | None  # the neighbourhood's vulnerable households (None: unknown)
    allowance: int | None  # households its tipping point allows (None: no indicators)
    share_before: float | None  # for display only
    share_after: float | None
    tipping_point: float
    neighbourhood_room: int | None  # the week's room for this neighbourhood (None: no limit)
    stairwell_before: int
    stairwell_room: int | None  # None: no stairwell limit this week
    past_tipping: bool  # the placement takes the neighbourhood past its tipping point
    occupied_stairwell: bool  # the stairwell already had a vulnerable household


@dataclass(frozen=True)
class WeekResult:
    week: int
    date: dt.date
    arrivals: int
    vacancies: int
    departures: int
    placed: int
    placed_past_tipping: int
    placed_in_occupied_stairwell: int
    let_regular: int
    waiting: int
    offered: int
    housed_total: int
    neighbourhoods_past_tipping: int
    score_total: float
    wait_median: float | None  # of those still waiting after the week's board


@dataclass(frozen=True)
class NeighbourhoodResult:
    id: int
    code: str
    name: str
    tipping_point: float
    share_start: float | None
    share_end: float | None
    past_start: bool
    past_end: bool
    placements: int


@dataclass
class Result:
    params: Params
    snapshot_digest: str
    weeks: list[WeekResult]
    placements: list[Placement]
    neighbourhoods: list[NeighbourhoodResult]
    summary: dict[str, Any]
    seconds: float = 0.0


# --- The loop --------------------------------------------------------------------------------


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth; the flows are small numbers per week)."""
    if mean <= 0:
        return 0
    if mean > 50:  # normal approximation keeps big flows fast
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0..100) with linear interpolation between the closest ranks (the
    usual definition, as numpy's default and Excel's PERCENTILE.INC); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def weekly_probability(rate_per_year: float) -> float:
    """A yearly rate (% of households) as the chance one household leaves in a given week."""
    yearly = min(1.0, max(0.0, rate_per_year / 100))
    return 1.0 if yearly >= 1 else 1.0 - (1.0 - yearly) ** (1 / 52)


def _rng(seed: int, week: int, stream: str) -> random.Random:
    return random.Random(f"woonbrug-sim:{seed}:{week}:{stream}")


@dataclass
class _Neighbourhood:
    """A neighbourhood's vulnerable households, as whole numbers (see `housing.capacity`)."""

    facts: NeighbourhoodFacts
    tipping_point: float
    base: int = 0  # households the LVB share stands for (held fixed over the horizon)
    present: int = 0  # households the board placed that still live there
    added: int = 0  # placements by the simulation (gross)
    dates: list[dt.date] = field(default_factory=list)  # placements, for the 12-month window
    _allowance: int | None = None
    _scores: dict[int, capacity.CapacityResult] = field(default_factory=dict)

    def __post_init__(self) -> None:
        f = self.facts
        if self.known:
            self.base = capacity.households_from_share(f.lvb_share, f.homes)  # type: ignore[arg-type]
            self._allowance = capacity.tipping_allowance(
                homes=f.homes or 0, tipping_point=self.tipping_point
            )
        self.present = len(f.placements)

    @property
    def known(self) -> bool:
        return self.facts.lvb_share is not None and bool(self.facts.homes)

    @property
    def households(self) -> int:
        return self.base + self.present

    def allowance(self) -> int | None:
        return self._allowance

    def share(self) -> float | None:
        if not self.known:
            return None
        return capacity.share_percent(homes=self.facts.homes or 0, households=self.households)

    # `housing.capacity.is_past_tipping` and `tipping_room` with the allowance computed once.
    def past(self) -> bool:
        return self._allowance is not None and self.households > self._allowance

    def tipping_room(self) -> int | None:
        if self._allowance is None:
            return None
        return max(0, self._allowance - self.households)

    def capacity(self, day: dt.date) -> capacity.CapacityResult:
        f = self.facts
        if f.inputs is None:
            return capacity.UNKNOWN_RESULT
        since = day - dt.timedelta(days=PLACEMENT_WINDOW_DAYS)
        recent = sum(1 for d in (*f.placements, *self.dates) if since < d <= day)
        # The score depends on the 12-month count only: score each count once.
        if recent not in self._scores:
            self._scores[recent] = capacity.score(
                replace(f.inputs, placements_12m=recent), dict(f.weights)
            )
        return self._scores[recent]


@dataclass
class _Waiting:
    item: dict[str, Any]
    since: dt.date


@dataclass(frozen=True)
class _Resident:
    """A vulnerable household that may leave: counted in a neighbourhood, a stairwell, or
    both (the simulation's own placements, whose dwelling then comes free again)."""

    neighbourhood_id: int | None
    stairwell_id: int | None
    dwelling_pk: int | None


def simulate(
    snapshot: Snapshot,
    params: Params,
    *,
    on_week: Callable[[int, int], bool] | None = None,
    on_instance: Callable[[int, engine.Instance, list[engine.Assignment]], None] | None = None,
    incremental: bool = True,
) -> Result:
    """Run the scenario on the snapshot for `params.seed`; never touches a database.

    `on_week(done, total)` is called after every week; returning False cancels the run
    (raises :class:`Cancelled`). `on_instance(week, instance, placements)` sees each week's
    instance as built with the scenario's groups (tests compare policies on it).
    `incremental=False` rebuilds every week's instance from scratch (the reference the
    incremental builder is tested against; same results, slower).
    """
    started = time.perf_counter()
    hood = {
        n.id: _Neighbourhood(n, params.neighbourhood_limits.get(n.code, params.tipping_point))
        for n in snapshot.neighbourhoods
    }
    codes = {n.id: n.code for n in snapshot.neighbourhoods}
    stairwells = {s.id: s.vulnerable for s in snapshot.stairwells}
    stops = dict(snapshot.stops) if params.complexes_stopped else {}
    waiting: dict[str, _Waiting] = {}
    for item in snapshot.waiting:
        p = item["profile"]
        since = dt.date.fromisoformat(p["ready_since"]) if p["ready_since"] else snapshot.start
        waiting[p["reference"]] = _Waiting(item, since)
    offered: dict[str, tuple[DwellingFacts, int]] = {d.key: (d, 1) for d in snapshot.offered}
    occupied: set[int] = set()  # dwellings the simulation let to a vulnerable household
    stock = sorted(snapshot.stock, key=lambda d: d.pk)
    # Who may leave, in a fixed order: the board's placements per neighbourhood, the
    # stairwells' vulnerable households, then the simulation's own placements as they come.
    residents: list[_Resident] = [
        _Resident(nid, None, None) for nid, h in sorted(hood.items()) for _ in range(h.present)
    ] + [
        _Resident(None, sid, None)
        for sid, count in sorted(stairwells.items())
        for _ in range(count)
    ]
    leave_p = weekly_probability(params.departure_rate)
    builder = weekly.WeeklyInstances() if incremental else None
    date_parts: dict[str, engine_input.DateParts] = {}
    past_start = {nid: h.past() for nid, h in hood.items()}
    share_start = {nid: h.share() for nid, h in hood.items()}
    placements: list[Placement] = []
    weeks: list[WeekResult] = []
    housed_waits: list[float] = []

    day = snapshot.start
    for week in range(1, params.horizon_weeks + 1):
        day = snapshot.start + dt.timedelta(weeks=week - 1)
        stops = {c: until for c, until in stops.items() if until >= day}
        departures = 0
        if leave_p > 0 and residents:
            rng = _rng(params.seed, week, "departures")
            staying = []
            for r in residents:
                if rng.random() >= leave_p:
                    staying.append(r)
                    continue
                departures += 1
                if r.neighbourhood_id is not None:
                    hood[r.neighbourhood_id].present -= 1
                if r.stairwell_id is not None:
                    stairwells[r.stairwell_id] -= 1
                if r.dwelling_pk is not None:
                    occupied.discard(r.dwelling_pk)
            residents = staying
        vacancies = _vacancies(params, week, day, stock, offered, occupied)
        arrivals = _arrivals(snapshot, params, week, day, waiting)

        refs = list(waiting)
        for ref in refs:  # each client's dates parsed once, not every week
            if ref not in date_parts:
                date_parts[ref] = engine_input.client_date_parts(waiting[ref].item["profile"])
        dates = [engine_input.client_dates_of(date_parts[ref], today=day) for ref in refs]
        facts = [f for f, _since in offered.values()]
        capacity_today = {
            nid: hood[nid].capacity(day) for nid in dict.fromkeys(f.neighbourhood_id for f in facts)
        }
        dwellings = [
            engine_input.engine_dwelling(
                f,
                today=day,
                vulnerable=stairwells.get(f.stairwell_id, 0) if f.stairwell_id else 0,
                capacity_score=capacity_today[f.neighbourhood_id].score,
                stopped=f.complex_id in stops,
            )
            for f in facts
        ]
        room, stair_room = _limits(params, hood, stairwells, capacity_today, facts)
        groups = engine_input.board_groups(
            facts, room=room, stairwell_room=stair_room, neighbourhood_codes=codes
        )
        instance: engine.Instance | None = None
        if refs and dwellings:
            if builder is not None:

                def make_client(ref: str, day: dt.date = day) -> engine.Client:
                    return engine_input.engine_client(waiting[ref].item, today=day)

                instance = builder.instance(
                    refs,
                    [(since, until, urgent) for since, _from, until, urgent in dates],
                    make_client,
                    dwellings,
                    groups,
                    today=day,
                )
            else:
                clients = [engine_input.engine_client(w.item, today=day) for w in waiting.values()]
                doc, _rejections = engine_input.build(clients, dwellings, groups, today=day)
                instance = engine.parse_instance(doc)
        chosen = _choose(params, instance, week, on_instance)

        by_key = {f.key: f for f in facts}
        urgent = {ref for ref, d in zip(refs, dates, strict=True) if d[3]}
        placed_past = placed_occupied = 0
        score_total = 0.0
        for a in chosen:
            f = by_key[a.dwelling]
            h = hood[f.neighbourhood_id]
            share_before, households_before = h.share(), h.households
            before = stairwells.get(f.stairwell_id, 0) if f.stairwell_id else 0
            # The one counting rule, exactly as the live board records its proposals.
            counted = capacity.count_placement(
                homes=h.facts.homes if h.known else None,
                households_before=households_before if h.known else None,
                tipping_point=h.tipping_point,
                stairwell_vulnerable_before=before if f.stairwell_id else None,
            )
            past, occupied_stairwell = counted.past_tipping, counted.occupied_stairwell
            h.added += 1
            h.present += 1
            h.dates.append(day)
            if f.stairwell_id:
                stairwells[f.stairwell_id] = before + 1
            residents.append(_Resident(f.neighbourhood_id, f.stairwell_id, f.pk))
            w = waiting.pop(a.client)
            wait = (day - w.since).days / 7
            housed_waits.append(wait)
            del offered[a.dwelling]
            occupied.add(f.pk)
            placed_past += past
            placed_occupied += occupied_stairwell
            score_total += a.score
            placements.append(
                Placement(
                    week=week,
                    client=a.client,
                    dwelling=a.dwelling,
                    neighbourhood_id=f.neighbourhood_id,
                    stairwell_id=f.stairwell_id,
                    score=a.score,
                    wait_weeks=round(wait, 2),
                    urgent=a.client in urgent,
                    households_before=households_before if h.known else None,
                    allowance=h.allowance(),
                    share_before=share_before,
                    share_after=h.share(),
                    tipping_point=h.tipping_point,
                    neighbourhood_room=room.get(f.neighbourhood_id),
                    stairwell_before=before,
                    stairwell_room=stair_room.get(f.stairwell_id) if f.stairwell_id else None,
                    past_tipping=past,
                    occupied_stairwell=occupied_stairwell,
                )
            )
        # Unused for too long: the corporation lets it to a regular tenant.
        let_regular = 0
        for key, (_facts, since_week) in list(offered.items()):
            if week - since_week + 1 >= params.offer_weeks:
                del offered[key]
                let_regular += 1
        waits_now = [(day - w.since).days / 7 for w in waiting.values()]
        weeks.append(
            WeekResult(
                week=week,
                date=day,
                arrivals=arrivals,
                vacancies=vacancies,
                departures=departures,
                placed=len(chosen),
                placed_past_tipping=placed_past,
                placed_in_occupied_stairwell=placed_occupied,
                let_regular=let_regular,
                waiting=len(waiting),
                offered=len(offered),
                housed_total=len(placements),
                neighbourhoods_past_tipping=sum(h.past() for h in hood.values()),
                score_total=round(score_total, 2),
                wait_median=_round(percentile(waits_now, 50)),
            )
        )
        if on_week is not None and not on_week(week, params.horizon_weeks):
            raise Cancelled

    neighbourhoods = [
        NeighbourhoodResult(
            id=nid,
            code=h.facts.code,
            name=h.facts.name,
            tipping_point=h.tipping_point,
            share_start=_round(share_start[nid]),
            share_end=_round(h.share()),
            past_start=past_start[nid],
            past_end=h.past(),
            placements=h.added,
        )
        for nid, h in sorted(hood.items(), key=lambda kv: kv[1].facts.code)
    ]
    still = [(day - w.since).days / 7 for w in waiting.values()]
    summary = {
        "housed": len(placements),
        "housed_urgent": sum(p.urgent for p in placements),
        "placed_past_tipping": sum(p.past_tipping for p in placements),
        "placed_in_occupied_stairwell": sum(p.occupied_stairwell for p in placements),
        "past_tipping_start": sum(past_start.values()),
        "past_tipping_end": sum(h.past() for h in hood.values()),
        "neighbourhoods": len(hood),
        "wait_median": _round(percentile(housed_waits, 50)),
        "wait_p90": _round(percentile(housed_waits, 90)),
        "still_waiting": len(still),
        "still_waiting_median": _round(percentile(still, 50)),
        "still_waiting_p90": _round(percentile(still, 90)),
        "still_waiting_max": _round(max(still)) if still else None,
        "still_waiting_buckets": _buckets(still),
        "waiting_start": len(snapshot.waiting),
        "offered_start": len(snapshot.offered),
        "arrivals": sum(w.arrivals for w in weeks),
        "vacancies": sum(w.vacancies for w in weeks),
        "departures": sum(w.departures for w in weeks),
        "let_regular": sum(w.let_regular for w in weeks),
        "score_total": round(sum(p.score for p in placements), 2),
    }
    return Result(
        params=params,
        snapshot_digest=snapshot.digest(),
        weeks=weeks,
        placements=placements,
        neighbourhoods=neighbourhoods,
        summary=summary,
        seconds=time.perf_counter() - started,
    )


# Still waiting at the end, by how long: (label, upper bound in weeks, exclusive).
WAIT_BUCKETS: tuple[tuple[str, float], ...] = (
    ("0-13", 13),
    ("13-26", 26),
    ("26-52", 52),
    ("52+", math.inf),
)


def _buckets(waits: Sequence[float]) -> dict[str, int]:
    counts = dict.fromkeys((label for label, _ in WAIT_BUCKETS), 0)
    for w in waits:
        for label, upper in WAIT_BUCKETS:
            if w < upper:
                counts[label] += 1
                break
    return counts


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _vacancies(
    params: Params,
    week: int,
    day: dt.date,
    stock: list[DwellingFacts],
    offered: dict[str, tuple[DwellingFacts, int]],
    occupied: set[int],
) -> int:
    """Dwellings like the region's own come free. The count depends on the seed only; which
    ones, on what is free this week (not on offer, not let to a placed client)."""
    count = poisson(_rng(params.seed, week, "vacancy-count"), params.dwellings_per_week)
    # By pk (a dwelling's key is made from it): no key string built per stock dwelling a week.
    taken = occupied | {f.pk for f, _week in offered.values()}
    free = [d for d in stock if d.pk not in taken]
    if not free:
        return 0
    picked = _rng(params.seed, week, "vacancies").sample(free, min(count, len(free)))
    for d in sorted(picked, key=lambda d: d.pk):
        offered[d.key] = (replace(d, available_from=day), week)
    return len(picked)


def _arrivals(
    snapshot: Snapshot,
    params: Params,
    week: int,
    day: dt.date,
    waiting: dict[str, _Waiting],
) -> int:
    """New clients, each with the needs of a randomly drawn real (shared) profile; a share of
    them (`urgent_share`) with an urgency statement valid for `URGENT_WEEKS`."""
    count = poisson(_rng(params.seed, week, "arrival-count"), params.clients_per_week)
    pool = snapshot.profiles or tuple(item["profile"] for item in snapshot.waiting)
    if not pool:
        return 0
    rng = _rng(params.seed, week, "arrivals")
    urgency = _rng(params.seed, week, "urgency")
    until = (day + dt.timedelta(weeks=URGENT_WEEKS)).isoformat()
    for k in range(count):
        profile = dict(rng.choice(pool))
        profile["reference"] = f"N{week:03d}-{k + 1:02d}"
        profile["ready_since"] = day.isoformat()
        profile["earliest_move_date"] = None
        profile["urgent_until"] = until if urgency.random() < params.urgent_share / 100 else None
        waiting[profile["reference"]] = _Waiting({"profile": profile}, day)
    return count


def _limits(
    params: Params,
    hood: dict[int, _Neighbourhood],
    stairwells: dict[int, int],
    capacity_today: dict[int, capacity.CapacityResult],
    facts: list[DwellingFacts],
) -> tuple[dict[int, int | None], dict[int, int]]:
    """This week's room per neighbourhood and per stairwell, as the scenario limits them."""
    if not params.limited:
        return {}, {}
    room: dict[int, int | None] = {}
    for nid in capacity_today:
        if params.limit_mode == LimitMode.TIPPING_POINT:
            room[nid] = hood[nid].tipping_room()
        elif params.limit_mode == LimitMode.HEADROOM:
            room[nid] = capacity_today[nid].headroom
    stair_room: dict[int, int] = {}
    if params.stairwell_rule:
        for f in facts:
            if f.stairwell_id:
                stair_room[f.stairwell_id] = engine_input.stairwell_room(
                    params.stairwell_max, stairwells.get(f.stairwell_id, 0)
                )
    return room, stair_room


def _choose(
    params: Params,
    instance: engine.Instance | None,
    week: int,
    on_instance: Callable[[int, engine.Instance, list[engine.Assignment]], None] | None,
) -> list[engine.Assignment]:
    if instance is None:
        return []
    if params.policy == Policy.OPTIMISER:
        chosen = engine.solve(instance, n_alternatives=0).assignments
    elif params.policy == Policy.LOOKAHEAD:
        chosen = engine.solve(weekly.hold_back_last_slots(instance), n_alternatives=0).assignments
    else:
        chosen = weekly.greedy_assignments(instance)
    if on_instance is not None:
        on_instance(week, instance, chosen)
    return chosen
