"""From plain facts to the engine's clients, dwellings and capacity groups. Pure: no Django.

The live board (`matching.board.pool.load_pool`) loads its facts from the database and calls these
functions; the what-if simulation (`matching.simulation.core`) calls the *same* functions on
facts from a snapshot, week after week. Keeping the translation in one pure place is what
lets the simulation claim it builds proposals the way the board does.

Clients are named by their pseudonym and dwellings by `W<pk>` inside the instance, so a
stored instance or solution holds no names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from matching import engine

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
    waiting_since, move_from, move_until, urgent = client_dates(p, today=today)
    # Without an affordable-allocation figure the rent cannot be checked here; the
    # corporation checks it when deciding. (Profiles that are ready always have one.)
    max_rent = float(p["max_rent"]) if p["max_rent"] else 1_000_000.0
    return engine.Client(
        id=p["reference"],
        max_rent=max_rent,
        move_until=move_until,
        waiting_since=waiting_since,
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
        urgent=urgent,
    )


def client_dates(
    profile: Mapping[str, Any], *, today: dt.date
) -> tuple[dt.date, dt.date, dt.date, bool]:
    """The parts of the engine's client that move with the date: waiting since, ready to
    move from, latest move date and urgency. (The simulation's incremental builder reads
    these each week and keeps the rest of the client from the week it arrived.)"""
    return client_dates_of(client_date_parts(profile), today=today)


DateParts = tuple[dt.date | None, dt.date | None, dt.date | None]


def client_date_parts(profile: Mapping[str, Any]) -> DateParts:
    """The profile's dates parsed once (ready since, earliest move, urgent until; None:
    absent), for `client_dates_of` each week."""
    until = profile.get("urgent_until")
    return (
        _date(profile["ready_since"], dt.date.min) if profile["ready_since"] else None,
        _date(profile["earliest_move_date"], dt.date.min)
        if profile["earliest_move_date"]
        else None,
        dt.date.fromisoformat(str(until)) if until else None,
    )


def client_dates_of(parts: DateParts, *, today: dt.date) -> tuple[dt.date, dt.date, dt.date, bool]:
    """`client_dates` from parsed parts: the same values."""
    ready, move, until = parts
    move_from = move or today
    return (
        ready or today,
        move_from,
        max(today, move_from) + dt.timedelta(days=MOVE_WINDOW_DAYS),
        until is not None and today <= until,
    )


def is_urgent(profile: Mapping[str, Any], *, today: dt.date) -> bool:
    """The client holds an urgency statement valid on `today` (`urgent_until`, inclusive)."""
    until = profile.get("urgent_until")
    return bool(until) and today <= dt.date.fromisoformat(str(until))


@dataclass(frozen=True, slots=True)
class DwellingFacts:
    """What the board needs to know about one offered dwelling, as plain values."""

    pk: int
    rent: float
    bedrooms: int
    available_from: dt.date | None
    neighbourhood_id: int
    neighbourhood: str  # BU code
    district: str  # WK code
    municipality: str  # GM code
    complex_id: int | None = None
    stairwell_id: int | None = None
    step_free: bool = False
    ground_floor: bool = False  # on the ground floor (flag or floor 0)
    lift: bool = False
    wheelchair: bool = False

    @property
    def key(self) -> str:
        return dwelling_key(self.pk)


def engine_dwelling(
    facts: DwellingFacts,
    *,
    today: dt.date,
    vulnerable: int,
    capacity_score: float | None,
    stopped: bool,
) -> engine.Dwelling:
    """The engine's view of an offered dwelling, given its stairwell's vulnerable households
    (including held placements), its neighbourhood's carrying capacity and whether its
    complex is closed to placements."""
    return engine.Dwelling(
        id=facts.key,
        rent=facts.rent,
        bedrooms=facts.bedrooms,
        available_from=facts.available_from or today,
        neighbourhood=facts.neighbourhood,
        district=facts.district,
        municipality=facts.municipality,
        complex_id=f"C{facts.complex_id}" if facts.complex_id else None,
        stairwell_id=f"S{facts.stairwell_id}" if facts.stairwell_id else None,
        complex_stopped=stopped,
        step_free=facts.step_free,
        ground_floor=facts.ground_floor,
        lift=facts.lift,
        wheelchair=facts.wheelchair,
        stairwell_vulnerable=vulnerable,
        neighbourhood_capacity=capacity_score if capacity_score is not None else 50.0,
    )


def neighbourhood_room(
    headroom: Mapping[int, int | None], held: Mapping[int, int]
) -> dict[int, int | None]:
    """Room per neighbourhood for new proposals: headroom minus what is already held (None:
    no limit known, so no group)."""
    return {
        nid: None if value is None else max(0, value - held.get(nid, 0))
        for nid, value in headroom.items()
    }


def stairwell_room(max_vulnerable: int, vulnerable: int) -> int:
    return max(0, max_vulnerable - vulnerable)


def board_groups(
    dwellings: Iterable[DwellingFacts],
    *,
    room: Mapping[int, int | None],
    stairwell_room: Mapping[int, int],
    neighbourhood_codes: Mapping[int, str],
) -> list[engine.Group]:
    """The board's capacity groups: each stairwell (its room) within each neighbourhood
    with a known room. A laminar family, as the engine prefers. Stairwells missing from
    `stairwell_room` and neighbourhoods whose room is None get no group."""
    by_stairwell: dict[int, list[str]] = {}
    by_neighbourhood: dict[int, list[str]] = {}
    for d in dwellings:
        if d.stairwell_id and d.stairwell_id in stairwell_room:
            by_stairwell.setdefault(d.stairwell_id, []).append(d.key)
        if room.get(d.neighbourhood_id) is not None:
            by_neighbourhood.setdefault(d.neighbourhood_id, []).append(d.key)
    groups = [
        engine.Group(f"stairwell:S{sid}", stairwell_room[sid], tuple(ids))
        for sid, ids in by_stairwell.items()
    ]
    groups += [
        engine.Group(neighbourhood_codes[nid], int(room[nid] or 0), tuple(ids))
        for nid, ids in by_neighbourhood.items()
    ]
    return groups


def build(
    clients: Sequence[engine.Client],
    dwellings: Sequence[engine.Dwelling],
    groups: Sequence[engine.Group],
    *,
    today: dt.date,
    excluded_pairs: set[tuple[str, str]] | frozenset[tuple[str, str]] = frozenset(),
) -> tuple[dict[str, Any], engine.Rejections]:
    """The week's instance: hard rules, scores and groups; minus pairs that were declined or
    refused before (those are never proposed again at the board)."""
    instance, rejections = engine.build_instance(clients, dwellings, groups, today=today)
    if excluded_pairs:
        instance["candidates"] = [
            c for c in instance["candidates"] if (c["client"], c["dwelling"]) not in excluded_pairs
        ]
    return instance, rejections
