"""From the database to the engine's plain data and back: one generation run for a meeting.

The engine (`matching.engine`) is pure; this module is the only place that translates.
Clients are named by their pseudonym and dwellings by `W<pk>` inside the instance, so the
stored instance and solution (kept for audit) hold no names.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from cases import selectors as case_selectors
from housing import capacity as capacity_rules
from housing import selectors as housing_selectors
from matching import engine, engine_input
from matching.engine import rules as engine_rules

from .models import ACTIVE_STATUSES, Meeting, Proposal, ProposalStatus

# The pure translation lives in `matching.engine_input`, shared with the what-if simulation; these names
# stay importable from here for the board's callers.
MOVE_WINDOW_DAYS = engine_input.MOVE_WINDOW_DAYS
dwelling_key = engine_input.dwelling_key
engine_client = engine_input.engine_client


def dwelling_facts(d: Any) -> engine_input.DwellingFacts:
    """A loaded `housing.Dwelling` (neighbourhood, district, municipality selected) as facts."""
    n = d.neighbourhood
    return engine_input.DwellingFacts(
        pk=d.pk,
        rent=float(d.net_rent),
        bedrooms=d.bedrooms,
        available_from=d.available_from,
        neighbourhood_id=d.neighbourhood_id,
        neighbourhood=n.code,
        district=n.district.code,
        municipality=n.district.municipality.code,
        complex_id=d.complex_id,
        stairwell_id=d.stairwell_id,
        step_free=d.step_free,
        ground_floor=d.ground_floor or d.floor == 0,
        lift=d.has_lift,
        wheelchair=d.wheelchair,
    )


@dataclass
class Pool:
    """Everything one run works with, loaded in a fixed number of queries."""

    clients: list[dict[str, Any]]
    dwellings: list[Any]
    engine_clients: list[engine.Client]
    engine_dwellings: list[engine.Dwelling]
    groups: list[engine.Group]
    capacity: dict[int, Any]
    room: dict[int, int | None]
    stairwell_room: dict[int, int]
    stopped: set[int]
    excluded_pairs: set[tuple[str, str]] = field(default_factory=set)
    # The one counting rule's integers: vulnerable households per neighbourhood (the
    # capacity's count plus held proposals; None without indicators) and per stairwell.
    households: dict[int, int | None] = field(default_factory=dict)
    stairwell_vulnerable: dict[int, int] = field(default_factory=dict)


def load_pool(meeting: Meeting, *, held_client_ids: set[int], held_dwellings: list[Any]) -> Pool:
    """Clients and dwellings not held by an active proposal, groups counting what is held."""
    board = meeting.board
    member_ids = list(board.members.values_list("pk", flat=True))
    today = meeting.date
    clients = [
        c
        for c in case_selectors.board_clients(
            region_id=board.region_id, care_provider_ids=member_ids
        )
        if c["id"] not in held_client_ids
    ]
    held_dwelling_ids = {d.pk for d in held_dwellings}
    dwellings = [
        d
        for d in housing_selectors.board_dwellings(
            region_id=board.region_id, corporation_ids=member_ids
        )
        if d.pk not in held_dwelling_ids
    ]
    neighbourhoods = {d.neighbourhood_id: d.neighbourhood for d in dwellings}
    # The board shows its figures to the parties, so it works on the capacity as published
    # (a small placement count at its upper bound, no score; issue 13): what it proposes,
    # the room it respects and the counts it records follow from what it can show.
    capacity = {
        nid: housing_selectors.capacity_published(result)
        for nid, result in housing_selectors.capacities(neighbourhoods.values()).items()
    }
    stopped = housing_selectors.stopped_complex_ids()
    # Placements agreed or proposed but not yet let use up room and stairwell places too.
    held_per_neighbourhood = Counter(d.neighbourhood_id for d in held_dwellings)
    held_per_stairwell = Counter(d.stairwell_id for d in held_dwellings if d.stairwell_id)
    room = engine_input.neighbourhood_room(
        {nid: result.headroom for nid, result in capacity.items()}, held_per_neighbourhood
    )
    stairwell_room: dict[int, int] = {}
    stairwell_vulnerable: dict[int, int] = {}
    households = {
        nid: None if r.households is None else r.households + held_per_neighbourhood.get(nid, 0)
        for nid, r in capacity.items()
    }
    facts = [dwelling_facts(d) for d in dwellings]
    engine_dwellings = []
    for d, f in zip(dwellings, facts, strict=True):
        vulnerable = 0
        s = d.stairwell if d.stairwell_id else None
        if s is not None:
            vulnerable = s.current_vulnerable + held_per_stairwell.get(s.pk, 0)
            stairwell_room[s.pk] = engine_input.stairwell_room(s.max_vulnerable, vulnerable)
            stairwell_vulnerable[s.pk] = vulnerable
        engine_dwellings.append(
            engine_input.engine_dwelling(
                f,
                today=today,
                vulnerable=vulnerable,
                capacity_score=capacity[d.neighbourhood_id].engine_score,
                stopped=d.complex_id in stopped,
            )
        )
    # Stairwell within neighbourhood: a laminar family, as the engine prefers.
    groups = engine_input.board_groups(
        facts,
        room=room,
        stairwell_room=stairwell_room,
        neighbourhood_codes={nid: n.code for nid, n in neighbourhoods.items()},
    )
    return Pool(
        clients=clients,
        dwellings=dwellings,
        engine_clients=[engine_client(c, today=today) for c in clients],
        engine_dwellings=engine_dwellings,
        groups=groups,
        capacity=capacity,
        room=room,
        stairwell_room=stairwell_room,
        stopped=stopped,
        households=households,
        stairwell_vulnerable=stairwell_vulnerable,
    )


def placement_count(
    pool: Pool, dwelling: Any, *, earlier_in_neighbourhood: int = 0, earlier_in_stairwell: int = 0
) -> dict[str, Any]:
    """What a proposal records of the one counting rule (`housing.capacity.count_placement`):
    the integers it was counted on and whether it takes the neighbourhood past the tipping
    point or goes into an occupied stairwell. `earlier_*`: proposals of the same run placed
    there before it. The board's screen, its minutes and the monitor count these records."""
    result = pool.capacity.get(dwelling.neighbourhood_id)
    households = pool.households.get(dwelling.neighbourhood_id)
    if households is not None:
        households += earlier_in_neighbourhood
    vulnerable: int | None = None
    if dwelling.stairwell_id and dwelling.stairwell_id in pool.stairwell_vulnerable:
        vulnerable = pool.stairwell_vulnerable[dwelling.stairwell_id] + earlier_in_stairwell
    tipping_point = getattr(result, "tipping_point", None)
    homes = getattr(result, "homes", None)
    counted = capacity_rules.count_placement(
        homes=homes,
        households_before=households,
        tipping_point=tipping_point,
        stairwell_vulnerable_before=vulnerable,
    )
    return {
        "homes": homes,
        "households": households,
        "tipping_point": tipping_point,
        "stairwell_vulnerable": vulnerable,
        "past_tipping": counted.past_tipping,
        "occupied_stairwell": counted.occupied_stairwell,
    }


@dataclass
class Outcome:
    instance: dict[str, Any]
    solution: engine.Solution
    rejections: engine.Rejections
    duration_ms: int


def solve(pool: Pool, *, today: dt.date, time_limit: float = 10.0) -> Outcome:
    started = time.perf_counter()
    # Declined and refused pairs are never proposed again at this board.
    instance, rejections = engine_input.build(
        pool.engine_clients,
        pool.engine_dwellings,
        pool.groups,
        today=today,
        excluded_pairs=pool.excluded_pairs,
    )
    solution = engine.solve(engine.parse_instance(instance), time_limit=time_limit)
    return Outcome(instance, solution, rejections, int((time.perf_counter() - started) * 1000))


# The capacity part of a score whose buurt's capacity is published at a bound (a small
# placement count, `housing.selectors.capacity_published`): the score it was weighed with is
# the bound's, not the buurt's, so the reason names none.
CAPACITY_HIDDEN_MESSAGE = (
    "De draagkrachtscore van de buurt wordt niet getoond (een klein aantal plaatsingen); "
    "gerekend is met het hoogste aantal dat het kan zijn."
)


def _message(p: Any, capacity_hidden: bool) -> str:
    if capacity_hidden and p.code == "carrying_capacity":
        return CAPACITY_HIDDEN_MESSAGE
    return str(p.message)


def stored_breakdown(
    breakdown: engine.ScoreBreakdown, *, capacity_hidden: bool = False
) -> list[dict[str, Any]]:
    """A score's parts as a proposal stores them: the Dutch message (API, old readers) and the
    code and numbers it was worded from, so each page words it in its reader's language.
    `capacity_hidden`: the buurt's capacity is published at a bound (no score named)."""
    out = []
    for p in breakdown.parts:
        params = dict(p.params)
        if capacity_hidden and p.code == "carrying_capacity":
            params = {"case": "hidden", "neighbourhood": params.get("neighbourhood", "")}
        out.append(
            {
                "code": p.code,
                "points": round(p.points, 1),
                "max": p.max_points,
                "message": _message(p, capacity_hidden),
                "params": params,
            }
        )
    return out


def explanation(breakdown: engine.ScoreBreakdown, *, capacity_hidden: bool = False) -> str:
    """Two strongest reasons, in Dutch, for the proposal's summary line."""
    parts = sorted(breakdown.parts, key=lambda p: -p.points)[:2]
    return " ".join(_message(p, capacity_hidden) for p in parts)


# The engine's rule labels are phrases about dwellings ("zijn te duur"); without their verb
# they read as the reason per client ("voor 12 cliënten te duur").
_RULE_PHRASES = {rule.code: rule.label.split(" ", 1)[1] for rule in engine_rules.RULES}


def _no_client_fits(codes: Counter[str]) -> str:
    """Why no client fits a dwelling, in Dutch: the three rules that reject most clients."""
    if not codes:
        return "Geen cliënt past: er staan geen cliënten aan tafel."
    parts = [
        f"voor {n} {'cliënt' if n == 1 else 'cliënten'} {_RULE_PHRASES.get(code, code)}"
        for code, n in codes.most_common(3)
    ]
    return f"Geen cliënt past: {', '.join(parts)}."


def _if_lifted(
    pool: Pool,
    client: engine.Client,
    candidates: Any,
    blocked: dict[str, str],
    by_key: dict[str, Any],
    stopped: list[engine.Dwelling],
) -> list[dict[str, Any]]:
    """The dwellings that fit this client if only a limit is lifted, for the chair's override
    helper: every hard rule passes, but the neighbourhood has no room, the stairwell is full
    or the complex is closed. Each with the room it would use (0 → −1: one over the limit)."""
    found = []
    for key in candidates:
        limit = blocked.get(key)
        if limit is None:
            continue
        d = by_key[key]
        room = pool.room.get(d.neighbourhood_id) if limit == "buurt" else None
        if limit == "portiek":
            room = pool.stairwell_room.get(d.stairwell_id)
        found.append(_lifted_entry(d, limit, room, pool))
    for ed in stopped:
        rules = {r.code for r in engine.rejections_for(client, ed)}
        if rules == {"complex_stopped"}:
            found.append(_lifted_entry(by_key[ed.id], "complex", None, pool))
    return sorted(found, key=lambda e: (e["neighbourhood"], e["label"]))


def _lifted_entry(d: Any, limit: str, room: int | None, pool: Pool) -> dict[str, Any]:
    result = pool.capacity.get(d.neighbourhood_id)
    return {
        "dwelling_id": d.pk,
        "label": d.street_address,
        "neighbourhood": d.neighbourhood.name,
        "limit": limit,  # buurt | portiek | complex
        "room": room,
        "room_after": None if room is None else room - 1,
        "score": getattr(result, "score", None),
    }


def no_match(pool: Pool, outcome: Outcome) -> dict[str, Any]:
    """Per client and per dwelling without a proposal: the rules or limits that blocked it."""
    assigned_clients = {a.client for a in outcome.solution.assignments}
    assigned_dwellings = {a.dwelling for a in outcome.solution.assignments}
    candidates_per_dwelling: Counter[str] = Counter(
        c["dwelling"] for c in outcome.instance["candidates"]
    )
    candidates_per_client: Counter[str] = Counter(
        c["client"] for c in outcome.instance["candidates"]
    )
    # Which dwellings a neighbourhood or stairwell limit closes, for the client messages.
    blocked: dict[str, str] = {}
    for d in pool.dwellings:
        if pool.room.get(d.neighbourhood_id) == 0:
            blocked[dwelling_key(d.pk)] = "buurt"
        elif d.stairwell_id and pool.stairwell_room.get(d.stairwell_id) == 0:
            blocked[dwelling_key(d.pk)] = "portiek"
    client_candidates: dict[str, list[str]] = {}
    for c in outcome.instance["candidates"]:
        client_candidates.setdefault(c["client"], []).append(c["dwelling"])
    by_key = {dwelling_key(d.pk): d for d in pool.dwellings}
    stopped_dwellings = [ed for ed in pool.engine_dwellings if ed.complex_stopped]
    clients = []
    for item, ec in zip(pool.clients, pool.engine_clients, strict=True):
        if ec.id in assigned_clients:
            continue
        rejected = outcome.rejections.for_client(ec.id)
        # The reason is stored as a code with its numbers and worded when it is read
        # (selectors.no_match_text), in the reader's language; `message` stays for old readers.
        reason: dict[str, Any]
        if candidates_per_client[ec.id] == 0 and rejected.allowed:
            reason = {"code": "only_excluded"}
            message = "Alleen woningen die eerder zijn afgewezen of geweigerd passen."
        elif rejected.allowed:
            full = Counter(blocked[c] for c in client_candidates.get(ec.id, ()) if c in blocked)
            code = (
                "all_limited" if full["buurt"] + full["portiek"] >= rejected.allowed else "outbid"
            )
            reason = {
                "code": code,
                "allowed": rejected.allowed,
                "buurt": full["buurt"],
                "portiek": full["portiek"],
            }
            message = f"{rejected.allowed} passende woningen ({code})"
        else:
            reason = {"code": "rules", "counts": dict(rejected.counts)}
            message = rejected.message()
        clients.append(
            {
                "client_id": item["id"],
                "reference": ec.id,
                "care_provider_id": item["care_provider_id"],
                "message": message,
                "reason": reason,
                "counts": rejected.counts,
                "if_lifted": _if_lifted(
                    pool, ec, client_candidates.get(ec.id, ()), blocked, by_key, stopped_dwellings
                ),
            }
        )
    dwellings = []
    for ed in pool.engine_dwellings:
        if ed.id in assigned_dwellings:
            continue
        d = by_key[ed.id]
        reasons = []
        if ed.complex_stopped:
            reasons.append("Het complex is tijdelijk gesloten voor plaatsingen.")
        if pool.room.get(d.neighbourhood_id) == 0:
            reasons.append("De buurt heeft geen ruimte meer (draagkracht).")
        if d.stairwell_id and pool.stairwell_room.get(d.stairwell_id) == 0:
            reasons.append("Het portiek heeft het maximum aan kwetsbare huishoudens.")
        if not reasons:
            if candidates_per_dwelling[ed.id] == 0:
                codes: Counter[str] = Counter()
                for ec in pool.engine_clients:
                    codes.update(r.code for r in engine.rejections_for(ec, ed))
                reasons.append(_no_client_fits(codes))
            else:
                reasons.append("Passende cliënten kregen een woning met een hogere score.")
        dwellings.append(
            {
                "dwelling_id": d.pk,
                "label": d.street_address,
                "neighbourhood": d.neighbourhood.name,
                "corporation_id": d.corporation_id,
                "message": " ".join(reasons),
            }
        )
    return {"clients": clients, "dwellings": dwellings}


def held(meeting: Meeting) -> tuple[set[int], list[Any]]:
    """Clients and dwellings held by active proposals at this board (any meeting)."""
    return held_at_board(meeting.board_id)


def held_at_board(board_id: int) -> tuple[set[int], list[Any]]:
    """Clients and dwellings held by active proposals at the board (also the simulation's
    starting point: held placements count as made)."""
    rows = list(
        Proposal.objects.filter(meeting__board_id=board_id, status__in=ACTIVE_STATUSES)
        .select_related("dwelling")
        .only("client_id", "dwelling__id", "dwelling__neighbourhood_id", "dwelling__stairwell_id")
    )
    return {p.client_id for p in rows}, [p.dwelling for p in rows]


def excluded_pairs(meeting: Meeting) -> set[tuple[str, str]]:
    rows = Proposal.objects.filter(
        meeting__board_id=meeting.board_id,
        status__in=[ProposalStatus.DECLINED, ProposalStatus.REFUSED],
    ).values_list("client__reference", "dwelling_id")
    return {(ref, dwelling_key(did)) for ref, did in rows}
