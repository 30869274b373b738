"""Taking the simulation's snapshot: the board's region as plain data, read once.

Read-only: every query here is a SELECT. The snapshot holds pseudonymous, minimised client
profiles (the fields the engine uses, never free text such as the note for the
corporation), renamed `K0001`, `K0002`, ... so not even the app's own pseudonyms travel into
the simulation or its results.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.utils import timezone

from cases import selectors as case_selectors
from housing import selectors as housing_selectors
from matching import engine_input
from matching.board import pool
from matching.board.models import Board

from .core import DEFAULT_DEPARTURE_RATE, NeighbourhoodFacts, Snapshot, StairwellFacts

# The profile fields `matching.engine_input.engine_client` reads; nothing else is copied.
PROFILE_FIELDS = (
    "reference",
    "ready_since",
    "target_group",
    "household",
    "max_rent",
    "accessibility",
    "preferred_municipalities",
    "preferred_districts",
    "excluded_neighbourhoods",
    "support_team_district",
    "earliest_move_date",
    "urgent_until",
)

# Flows used when the region has no history to prefill them from.
DEFAULT_CLIENTS_PER_WEEK = 2.0
DEFAULT_DWELLINGS_PER_WEEK = 3.0


def minimised(profile: dict[str, Any], reference: str) -> dict[str, Any]:
    data = {key: profile[key] for key in PROFILE_FIELDS}
    data["reference"] = reference
    return data


def member_ids(board: Board) -> list[int]:
    return list(board.members.order_by("pk").values_list("pk", flat=True))


def take(board: Board, *, today: dt.date | None = None) -> Snapshot:
    """The board's region now: neighbourhoods with their indicators and recent placements,
    stairwells with their vulnerable households, complex stops, waiting clients and offered
    dwellings not held by a proposal, the dwelling stock and the shared profiles."""
    today = today or timezone.localdate()
    members = member_ids(board)
    held_clients, held_dwellings = pool.held_at_board(board.pk)
    held_ids = {d.pk for d in held_dwellings}
    held_per_neighbourhood = Counter(d.neighbourhood_id for d in held_dwellings)
    held_per_stairwell = Counter(d.stairwell_id for d in held_dwellings if d.stairwell_id)

    neighbourhoods = []
    for n in housing_selectors.region_capacity_facts(region_id=board.region_id):
        # Placements agreed or proposed but not yet let count as made today.
        dates = [*n["placements"], *[today] * held_per_neighbourhood.get(n["id"], 0)]
        neighbourhoods.append(
            NeighbourhoodFacts(
                id=n["id"],
                code=n["code"],
                name=n["name"],
                homes=n["homes"],
                lvb_share=n["lvb_share"],
                inputs=n["inputs"],
                weights=n["weights"],
                placements=tuple(sorted(dates)),
            )
        )
    stairwells = tuple(
        StairwellFacts(
            id=s.pk,
            vulnerable=s.current_vulnerable + held_per_stairwell.get(s.pk, 0),
            max_vulnerable=s.max_vulnerable,
        )
        for s in housing_selectors.region_stairwells(region_id=board.region_id)
    )
    waiting = [
        c
        for c in case_selectors.board_clients(region_id=board.region_id, care_provider_ids=members)
        if c["id"] not in held_clients
    ]
    offered = [
        pool.dwelling_facts(d)
        for d in housing_selectors.board_dwellings(
            region_id=board.region_id, corporation_ids=members
        )
        if d.pk not in held_ids
    ]
    stock = [
        pool.dwelling_facts(d)
        for d in housing_selectors.board_stock(region_id=board.region_id, corporation_ids=members)
        if d.pk not in held_ids
    ]
    profiles = case_selectors.shared_profiles_for_board(region=board.region_id)
    return Snapshot(
        start=today,
        neighbourhoods=tuple(neighbourhoods),
        stairwells=stairwells,
        stops=housing_selectors.stopped_complexes_until(),
        waiting=tuple(
            {"profile": minimised(c["profile"], f"K{i:04d}")} for i, c in enumerate(waiting, 1)
        ),
        offered=tuple(offered),
        stock=tuple(stock),
        profiles=tuple(minimised(p, "") for p in profiles),
    )


def flows(board: Board) -> dict[str, Any]:
    """New clients and vacancies per week over the region's last 12 months, the yearly
    departure rate of placed households (ended placements over placements housed in those
    months) and the share of waiting clients with a valid urgency statement, where the data
    exist; otherwise the editable defaults. `*_source` says which."""
    from matching.placements import selectors as placement_selectors

    since = timezone.now() - dt.timedelta(days=365)
    today = timezone.localdate()
    members = member_ids(board)
    ended, housed = placement_selectors.departure_counts(board_id=board.pk, since=since)
    waiting = case_selectors.board_clients(region_id=board.region_id, care_provider_ids=members)
    urgent = sum(1 for c in waiting if engine_input.is_urgent(c["profile"], today=today))
    clients = case_selectors.ready_count_since(
        region_id=board.region_id, care_provider_ids=members, since=since
    )
    dwellings = housing_selectors.offered_count_since(
        region_id=board.region_id, corporation_ids=members, since=since
    )
    return {
        "clients_per_week": round(clients / 52, 2) if clients else DEFAULT_CLIENTS_PER_WEEK,
        "dwellings_per_week": round(dwellings / 52, 2) if dwellings else DEFAULT_DWELLINGS_PER_WEEK,
        "clients_source": "history" if clients else "default",
        "dwellings_source": "history" if dwellings else "default",
        "clients_12m": clients,
        "dwellings_12m": dwellings,
        "departure_rate": round(100 * ended / housed, 2) if ended else DEFAULT_DEPARTURE_RATE,
        "departure_source": "history" if ended else "default",
        "departures_12m": ended,
        "housed_12m": housed,
        "urgent_share": round(100 * urgent / len(waiting), 2) if waiting else 0.0,
        "urgent_source": "history" if waiting else "default",
        "urgent_waiting": urgent,
        "waiting_now": len(waiting),
    }
