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
from housing import selectors as housing_selectors
from matching import engine
from matching.engine import rules as engine_rules

from .models import ACTIVE_STATUSES, Meeting, Proposal, ProposalStatus

# How far ahead of the meeting a client may still move (the engine's "move until").
MOVE_WINDOW_DAYS = 180


def dwelling_key(pk: int) -> str:
    return f"W{pk}"


def _date(value: str | None, default: dt.date) -> dt.date:
    return dt.date.fromisoformat(value) if value else default


def engine_client(item: dict[str, Any], *, today: dt.date) -> engine.Client:
    """The engine's view of one shared profile (see `cases.selectors.shared_profile_data`)."""
    p = item["profile"]
    access = p["accessibility"]
    needs = set()
    if access["step_free"]:
        needs.add(engine.Need.STEP_FREE)
    if access["ground_floor_or_lift"] or (
        access["max_floor"] is not None and access["max_floor"] < 1
    ):
        needs.add(engine.Need.GROUND_FLOOR_OR_LIFT)
    if access["wheelchair"]:
        needs.add(engine.Need.WHEELCHAIR)
    children = p["household"]["children"]
    move_from = _date(p["earliest_move_date"], today)
    # Without an affordable-allocation figure the rent cannot be checked here; the
    # corporation checks it when deciding. (Profiles that are ready always have one.)
    max_rent = float(p["max_rent"]) if p["max_rent"] else 1_000_000.0
    return engine.Client(
        id=p["reference"],
        max_rent=max_rent,
        move_until=max(today, move_from) + dt.timedelta(days=MOVE_WINDOW_DAYS),
        waiting_since=_date(p["ready_since"], today),
        household_size=p["household"]["adults"] + children,
        bedrooms_needed=1 + (children + 1) // 2,
        needs=frozenset(needs),
        excluded_neighbourhoods=frozenset(p["excluded_neighbourhoods"]),
        preferred_municipalities=frozenset(p["preferred_municipalities"]),
        preferred_districts=frozenset(p["preferred_districts"]),
        support_districts=frozenset([p["support_team_district"]])
        if p["support_team_district"]
        else frozenset(),
        target_group=p["target_group"] or "ggz",
        move_from=move_from,
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
    capacity = housing_selectors.capacities(neighbourhoods.values())
    stopped = housing_selectors.stopped_complex_ids()
    # Placements agreed or proposed but not yet let use up room and stairwell places too.
    held_per_neighbourhood = Counter(d.neighbourhood_id for d in held_dwellings)
    held_per_stairwell = Counter(d.stairwell_id for d in held_dwellings if d.stairwell_id)
    room: dict[int, int | None] = {}
    for nid, result in capacity.items():
        room[nid] = (
            None
            if result.headroom is None
            else max(0, result.headroom - held_per_neighbourhood.get(nid, 0))
        )
    stairwell_room: dict[int, int] = {}
    engine_dwellings = []
    for d in dwellings:
        n = d.neighbourhood
        cap = capacity[d.neighbourhood_id]
        vulnerable = 0
        if d.stairwell_id:
            s = d.stairwell
            vulnerable = s.current_vulnerable + held_per_stairwell.get(s.pk, 0)
            stairwell_room[s.pk] = max(0, s.max_vulnerable - vulnerable)
        engine_dwellings.append(
            engine.Dwelling(
                id=dwelling_key(d.pk),
                rent=float(d.net_rent),
                bedrooms=d.bedrooms,
                available_from=d.available_from or today,
                neighbourhood=n.code,
                district=n.district.code,
                municipality=n.district.municipality.code,
                complex_id=f"C{d.complex_id}" if d.complex_id else None,
                stairwell_id=f"S{d.stairwell_id}" if d.stairwell_id else None,
                complex_stopped=d.complex_id in stopped,
                step_free=d.step_free,
                ground_floor=d.ground_floor or d.floor == 0,
                lift=d.has_lift,
                wheelchair=d.wheelchair,
                stairwell_vulnerable=vulnerable,
                neighbourhood_capacity=cap.score if cap.score is not None else 50.0,
            )
        )
    groups = []
    by_stairwell: dict[int, list[str]] = {}
    by_neighbourhood: dict[int, list[str]] = {}
    for d in dwellings:
        if d.stairwell_id:
            by_stairwell.setdefault(d.stairwell_id, []).append(dwelling_key(d.pk))
        if room.get(d.neighbourhood_id) is not None:
            by_neighbourhood.setdefault(d.neighbourhood_id, []).append(dwelling_key(d.pk))
    # Stairwell within neighbourhood: a laminar family, as the engine prefers.
    groups += [
        engine.Group(f"stairwell:S{sid}", stairwell_room[sid], tuple(ids))
        for sid, ids in by_stairwell.items()
    ]
    groups += [
        engine.Group(neighbourhoods[nid].code, int(room[nid] or 0), tuple(ids))
        for nid, ids in by_neighbourhood.items()
    ]
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
    )


@dataclass
class Outcome:
    instance: dict[str, Any]
    solution: engine.Solution
    rejections: engine.Rejections
    duration_ms: int


def solve(pool: Pool, *, today: dt.date, time_limit: float = 10.0) -> Outcome:
    started = time.perf_counter()
    instance, rejections = engine.build_instance(
        pool.engine_clients, pool.engine_dwellings, pool.groups, today=today
    )
    if pool.excluded_pairs:
        # Declined and refused pairs are never proposed again at this board.
        instance["candidates"] = [
            c
            for c in instance["candidates"]
            if (c["client"], c["dwelling"]) not in pool.excluded_pairs
        ]
    solution = engine.solve(engine.parse_instance(instance), time_limit=time_limit)
    return Outcome(instance, solution, rejections, int((time.perf_counter() - started) * 1000))


def explanation(breakdown: engine.ScoreBreakdown) -> str:
    """Two strongest reasons, in Dutch, for the proposal's summary line."""
    parts = sorted(breakdown.parts, key=lambda p: -p.points)[:2]
    return " ".join(p.message for p in parts)


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
    clients = []
    for item, ec in zip(pool.clients, pool.engine_clients, strict=True):
        if ec.id in assigned_clients:
            continue
        rejected = outcome.rejections.for_client(ec.id)
        if candidates_per_client[ec.id] == 0 and rejected.allowed:
            message = "Alleen woningen die eerder zijn afgewezen of geweigerd passen."
        elif rejected.allowed:
            full = Counter(blocked[c] for c in client_candidates.get(ec.id, ()) if c in blocked)
            parts = []
            if full["buurt"]:
                parts.append(f"{full['buurt']} in een buurt zonder ruimte")
            if full["portiek"]:
                parts.append(f"{full['portiek']} in een vol portiek")
            limits = f" ({', '.join(parts)})" if parts else ""
            if full["buurt"] + full["portiek"] >= rejected.allowed:
                message = (
                    f"{rejected.allowed} passende woning(en){limits}: geen daarvan kan nu "
                    "binnen de grenzen van buurt en portiek."
                )
            else:
                message = (
                    f"{rejected.allowed} passende woning(en){limits}; de overige gingen naar "
                    "cliënten met meer voorrang of een betere match."
                )
        else:
            message = rejected.message()
        clients.append(
            {
                "client_id": item["id"],
                "reference": ec.id,
                "care_provider_id": item["care_provider_id"],
                "message": message,
                "counts": rejected.counts,
            }
        )
    dwellings = []
    by_key = {dwelling_key(d.pk): d for d in pool.dwellings}
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
                "label": f"{d.street} {d.number}{d.suffix}",
                "neighbourhood": d.neighbourhood.name,
                "corporation_id": d.corporation_id,
                "message": " ".join(reasons),
            }
        )
    return {"clients": clients, "dwellings": dwellings}


def held(meeting: Meeting) -> tuple[set[int], list[Any]]:
    """Clients and dwellings held by active proposals at this board (any meeting)."""
    rows = list(
        Proposal.objects.filter(meeting__board_id=meeting.board_id, status__in=ACTIVE_STATUSES)
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
