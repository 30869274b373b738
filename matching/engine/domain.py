"""Plain data the board hands to the engine: clients, dwellings and capacity groups.

These are deliberately not Django models: the board translates its models into these, so the
engine can be tested and benchmarked without a database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Need(StrEnum):
    """An accessibility need of a client (toegankelijkheidseis)."""

    STEP_FREE = "step_free"  # traploos / zonder drempels
    GROUND_FLOOR_OR_LIFT = "ground_floor_or_lift"  # begane grond of lift
    WHEELCHAIR = "wheelchair"  # rolstoelgeschikt


@dataclass(frozen=True, slots=True)
class Client:
    """An outflowing client (uitstromer) who needs a home.

    ``search_municipalities`` is the client's search area (empty: anywhere); preferences only
    raise the score. Codes are CBS codes: ``GM`` municipality, ``WK`` district, ``BU``
    neighbourhood.
    """

    id: str
    max_rent: float  # euros per month, from affordable allocation (passend toewijzen)
    move_until: dt.date  # latest acceptable move date
    waiting_since: dt.date
    household_size: int = 1
    bedrooms_needed: int = 1
    needs: frozenset[Need] = frozenset()
    excluded_neighbourhoods: frozenset[str] = frozenset()
    search_municipalities: frozenset[str] = frozenset()
    preferred_municipalities: frozenset[str] = frozenset()
    preferred_districts: frozenset[str] = frozenset()
    support_municipality: str | None = None  # where the support team works
    support_districts: frozenset[str] = frozenset()
    target_group: str = "ggz"  # ggz, mo, bw, lvb, housing_first, ...
    urgent: bool = False
    move_from: dt.date | None = None  # ready to move (uitstroomklaar) from


@dataclass(frozen=True, slots=True)
class Dwelling:
    """A vacating dwelling (vrijkomende woning) offered to the board."""

    id: str
    rent: float
    bedrooms: int
    available_from: dt.date
    neighbourhood: str  # BU code
    district: str  # WK code
    municipality: str  # GM code
    complex_id: str | None = None
    stairwell_id: str | None = None
    complex_stopped: bool = False  # the board closed the complex to placements
    step_free: bool = False
    ground_floor: bool = False
    lift: bool = False
    wheelchair: bool = False
    stairwell_vulnerable: int = 0  # vulnerable households already in the stairwell
    neighbourhood_capacity: float = 50.0  # carrying capacity 0 (none) .. 100 (ample)
    target_groups: frozenset[str] = frozenset()  # contingent for these groups; empty: any


@dataclass(frozen=True, slots=True)
class Group:
    """At most ``cap`` of ``dwellings`` may be placed (a stairwell, complex or neighbourhood)."""

    id: str
    cap: int
    dwellings: tuple[str, ...] = field(default=())


def standard_groups(
    dwellings: Iterable[Dwelling],
    *,
    neighbourhood_room: Mapping[str, int],
    complex_room: Mapping[str, int] | None = None,
    stairwell_limit: int = 1,
) -> list[Group]:
    """The usual groups: stairwell within complex within neighbourhood (a laminar family).

    - one group per stairwell, cap ``stairwell_limit`` minus the vulnerable households already
      there (Groningen's "no more than one vulnerable household per stairwell");
    - one per complex listed in ``complex_room`` (the room the board leaves it);
    - one per neighbourhood listed in ``neighbourhood_room`` (its remaining carrying capacity
      for new placements; 0 closes it). Neighbourhood groups use the bare ``BU`` code as id.
    """
    complex_room = complex_room or {}
    stairwells: dict[str, list[str]] = {}
    stairwell_cap: dict[str, int] = {}
    complexes: dict[str, list[str]] = {}
    neighbourhoods: dict[str, list[str]] = {}
    for d in dwellings:
        if d.stairwell_id is not None:
            stairwells.setdefault(d.stairwell_id, []).append(d.id)
            room = max(0, stairwell_limit - d.stairwell_vulnerable)
            stairwell_cap[d.stairwell_id] = min(stairwell_cap.get(d.stairwell_id, room), room)
        if d.complex_id is not None and d.complex_id in complex_room:
            complexes.setdefault(d.complex_id, []).append(d.id)
        if d.neighbourhood in neighbourhood_room:
            neighbourhoods.setdefault(d.neighbourhood, []).append(d.id)
    groups = [
        Group(f"stairwell:{s}", stairwell_cap[s], tuple(ids)) for s, ids in stairwells.items()
    ]
    groups += [
        Group(f"complex:{c}", int(complex_room[c]), tuple(ids)) for c, ids in complexes.items()
    ]
    groups += [
        Group(b, int(neighbourhood_room[b]), tuple(ids)) for b, ids in neighbourhoods.items()
    ]
    return groups
