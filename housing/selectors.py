"""Reads for housing. Functions that take a user return only what that user may see."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.db.models import Avg, Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts import access, smallnumbers
from accounts.models import Role

from . import capacity
from .capacity import CapacityResult, Inputs
from .models import (
    CapacityWeights,
    Complex,
    ComplexStop,
    Dwelling,
    DwellingEvent,
    DwellingStatus,
    Municipality,
    Neighbourhood,
    NeighbourhoodIndicator,
    Stairwell,
)

PLACEMENT_WINDOW = timedelta(days=365)


def neighbourhoods_by_code(codes: Iterable[str]) -> dict[str, Neighbourhood]:
    """Neighbourhoods keyed by CBS code (``BU`` + 8 digits); unknown codes are simply absent.

    Geography is reference data, not personal data, so this does not filter by user.
    """
    wanted = {c.strip().upper() for c in codes if c}
    return {
        n.code: n
        for n in Neighbourhood.objects.filter(code__in=wanted).select_related(
            "district__municipality"
        )
    }


def neighbourhood_list(
    *, user: Any, q: str = "", municipality: str = ""
) -> QuerySet[Neighbourhood]:
    """The neighbourhoods of the user's region(s), optionally searched by name or code."""
    qs = access.scope(user, Neighbourhood).select_related("district__municipality")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q.upper()))
    if municipality:
        qs = qs.filter(district__municipality__code=municipality.upper())
    return qs.order_by("code")


# --- Carrying capacity ----------------------------------------------------------------------


def placements_last_12_months(
    neighbourhood: Neighbourhood | int, *, at: datetime | None = None
) -> int:
    """Placements this app made in the neighbourhood in the 12 months before `at`.

    There is no placement model yet (issue 7). Until then a placement is a dwelling of the
    neighbourhood let to an outflowing client through the board: `Dwelling.let_to_outflow_at`,
    set by `services.dwelling_let(..., to_outflow=True)`. The board (issue 6) feeds it that way;
    issue 7 can swap this function's body for a count of placements without changing callers.
    """
    neighbourhood_id = neighbourhood if isinstance(neighbourhood, int) else neighbourhood.pk
    return _placement_counts([neighbourhood_id], at=at).get(neighbourhood_id, 0)


def _placement_counts(
    neighbourhood_ids: Iterable[int] | None,
    *,
    at: datetime | None,
    municipality_ids: Iterable[int] = (),
) -> dict[int, int]:
    at = at or timezone.now()
    qs = Dwelling.objects.filter(
        let_to_outflow_at__gt=at - PLACEMENT_WINDOW, let_to_outflow_at__lte=at
    )
    if neighbourhood_ids is not None:
        qs = qs.filter(neighbourhood_id__in=list(neighbourhood_ids))
    else:
        qs = qs.filter(neighbourhood__district__municipality_id__in=list(municipality_ids))
    return dict(
        qs.values_list("neighbourhood_id")
        .annotate(n=Count("id"))
        .values_list("neighbourhood_id", "n")
    )


def weights_for(municipality: Municipality | int) -> dict[str, float]:
    """The municipality's capacity weights over the defaults."""
    municipality_id = municipality if isinstance(municipality, int) else municipality.pk
    row = CapacityWeights.objects.filter(municipality_id=municipality_id).first()
    return capacity.weights_with_defaults(row.values if row else None)


def _latest_indicators(
    neighbourhood_ids: list[int] | None, *, year: int, municipality_ids: Iterable[int] = ()
) -> dict[int, NeighbourhoodIndicator]:
    qs = NeighbourhoodIndicator.objects.filter(year__lte=year).order_by("neighbourhood_id", "-year")
    if neighbourhood_ids is not None:
        qs = qs.filter(neighbourhood_id__in=neighbourhood_ids)
    else:
        qs = qs.filter(neighbourhood__district__municipality_id__in=list(municipality_ids))
    latest: dict[int, NeighbourhoodIndicator] = {}
    for indicator in qs:
        latest.setdefault(indicator.neighbourhood_id, indicator)
    return latest


def latest_indicators(
    neighbourhood_ids: list[int], *, year: int
) -> dict[int, NeighbourhoodIndicator]:
    """Per neighbourhood its indicators of `year` or the latest year before it (the monitor
    relates placements to the homes of that year)."""
    return _latest_indicators(neighbourhood_ids, year=year)


# The opt-in nuisance input from signals after a placement (matching.aftercare registers the
# provider in its AppConfig.ready(); housing never imports it, docs/ARCHITECTURE.md). A
# provider takes {region id: {neighbourhood codes}} and the window and returns the published
# count per neighbourhood code (suppressed cells count as 0).
SignalCountsProvider = Callable[..., dict[str, int]]
_signal_counts: list[SignalCountsProvider] = []


def register_signal_counts(provider: SignalCountsProvider) -> None:
    if provider not in _signal_counts:
        _signal_counts.append(provider)


def _nuisance_signal_counts(
    items: list[Neighbourhood], *, weights: dict[int, dict[str, float]], at: datetime
) -> dict[int, int] | None:
    """Per neighbourhood id the published nuisance-signal count of the 12 months before
    `at`, read only for the municipalities that switched the input on (weight above 0)."""
    on = {m for m, w in weights.items() if w["signals_nuisance_weight"] > 0}
    if not on or not _signal_counts:
        return None
    regions = dict(Municipality.objects.filter(pk__in=on).values_list("pk", "region_id"))
    codes: dict[int, set[str]] = {}
    for n in items:
        m = n.district.municipality_id
        if m in regions:
            codes.setdefault(regions[m], set()).add(n.code)
    end = timezone.localdate(at) if timezone.is_aware(at) else at.date()
    start = end - timedelta(days=365)
    by_code: dict[str, int] = {}
    for provider in _signal_counts:
        for code, count in provider(
            neighbourhood_codes_by_region=codes, start=start, end=end
        ).items():
            by_code[code] = by_code.get(code, 0) + count
    return {n.pk: by_code.get(n.code, 0) for n in items if n.district.municipality_id in regions}


def inputs_from(
    indicator: NeighbourhoodIndicator, placements: int, nuisance_signals: int | None = None
) -> Inputs:
    def number(value: Any) -> float | None:
        return None if value is None else float(value)

    return Inputs(
        homes=indicator.homes,
        liveability_class=indicator.liveability_class,
        corporation_share=number(indicator.corporation_share),
        lvb_share=number(indicator.lvb_share),
        welfare_share=number(indicator.welfare_share),
        psychiatric_share=number(indicator.psychiatric_share),
        nuisance_dimension=None
        if indicator.dimension_nuisance is None
        else float(indicator.dimension_nuisance),
        placements_12m=placements,
        year=indicator.year,
        nuisance_signals_12m=nuisance_signals,
    )


def capacities(
    neighbourhoods: Iterable[Neighbourhood], *, at: datetime | None = None
) -> dict[int, CapacityResult]:
    """Carrying capacity of many neighbourhoods at once, in a fixed number of queries.

    Neighbourhoods need `district` loaded (select_related) for their municipality's weights.
    """
    items = list(neighbourhoods)
    if not items:
        return {}
    at = at or timezone.now()
    ids = [n.pk for n in items]
    # One query each for indicators, placements and weights, whatever the number of rows.
    # Large sets (a whole region) filter by municipality rather than sending thousands of ids.
    municipality_ids = {n.district.municipality_id for n in items}
    id_filter = ids if len(ids) <= 500 else None
    latest = _latest_indicators(id_filter, year=at.year, municipality_ids=municipality_ids)
    placements = _placement_counts(id_filter, at=at, municipality_ids=municipality_ids)
    stored = dict(
        CapacityWeights.objects.filter(municipality_id__in=municipality_ids).values_list(
            "municipality_id", "values"
        )
    )
    weights = {m: capacity.weights_with_defaults(stored.get(m)) for m in municipality_ids}
    signals = _nuisance_signal_counts(items, weights=weights, at=at) or {}
    results: dict[int, CapacityResult] = {}
    for n in items:
        indicator = latest.get(n.pk)
        if indicator is None:
            results[n.pk] = capacity.UNKNOWN_RESULT
            continue
        results[n.pk] = capacity.score(
            inputs_from(indicator, placements.get(n.pk, 0), signals.get(n.pk)),
            weights[n.district.municipality_id],
        )
    return results


def dwelling_notes_visible(user: Any, dwelling: Dwelling) -> bool:
    """A dwelling's notes are the owning corporation's internal working notes: other
    corporations, the board and care providers see the dwelling while it is offered, never
    its notes."""
    return dwelling.corporation_id in access.organisation_ids_of(user, Role.HOUSING_CONSULTANT)


def capacity_for_reader(user: Any, result: CapacityResult) -> CapacityResult:
    """A capacity result as `user` may see it: exact for the municipality's analysts, else
    as published (`capacity_published`)."""
    if smallnumbers.sees_exact_counts(user):
        return result
    return capacity_published(result)


def capacity_published(result: CapacityResult) -> CapacityResult:
    """A capacity result for everyone outside the municipality's analysts (and for the board,
    which shows its figures to the parties): when the window's placement count is small
    (accounts.smallnumbers, shared with the simulation), it is computed at the count's upper
    bound and shows no score, count or rate, so neither the score nor the class, headroom or
    points tell which small count it is (issue 13, probe j). Other results are unchanged."""
    real = result.window_placements
    if result.bounded or not smallnumbers.is_small(real):
        return result
    bound = smallnumbers.upper_bound(real)
    assert bound is not None
    return result.at_bound(bound, limit=smallnumbers.threshold())


def neighbourhood_capacity(
    neighbourhood: Neighbourhood, *, at: datetime | None = None
) -> CapacityResult:
    """The neighbourhood's carrying capacity at `at` (default now): score, class, breakdown, headroom.

    Uses the latest indicators of `at`'s year or before, the placements of the 12 months
    before `at`, and the municipality's current weights.
    """
    if "district" not in neighbourhood._state.fields_cache:
        neighbourhood = Neighbourhood.objects.select_related("district").get(pk=neighbourhood.pk)
    return capacities([neighbourhood], at=at)[neighbourhood.pk]


def map_features(*, user: Any, at: datetime | None = None) -> dict[str, Any]:
    """GeoJSON of the user's neighbourhoods with their capacity, and offered dwellings per buurt.

    Offered dwellings are aggregated: one point per neighbourhood with the number offered, placed
    at the mean of their coordinates (or the buurt's centre), linking to the dwelling list of
    that buurt. The payload then grows with neighbourhoods, not with dwellings (3,000 dwellings
    were 1 MB as one point each; see benchmarks/README.md), and drawing stays fast. Coordinates
    are rounded to 5 decimals (about 1 m), more than a map of neighbourhoods can show.
    """
    neighbourhoods = list(
        access.scope(user, Neighbourhood)
        .filter(boundary__isnull=False)
        .select_related("district__municipality")
    )
    results = capacities(neighbourhoods, at=at)
    features = [
        {
            "type": "Feature",
            "geometry": _rounded(n.boundary),
            "properties": {
                "kind": "neighbourhood",
                "code": n.code,
                "name": n.name,
                "municipality": n.district.municipality.name,
                **capacity_for_reader(user, results[n.pk]).as_dict(),
            },
        }
        for n in neighbourhoods
    ]
    by_pk = {n.pk: n for n in neighbourhoods}
    offered = (
        offered_dwellings(user=user)
        .order_by()
        .values("neighbourhood_id")
        .annotate(count=Count("pk"), lat=Avg("latitude"), lng=Avg("longitude"))
    )
    for row in offered:
        n = by_pk.get(row["neighbourhood_id"])
        if n is None:
            continue
        point: list[float] | None = (
            [float(row["lng"]), float(row["lat"])]
            if row["lat"] is not None and row["lng"] is not None
            else _centroid(n.boundary)
        )
        if point is None:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": _rounded_point(point)},
                "properties": {
                    "kind": "offered",
                    "code": n.code,
                    "name": n.name,
                    "count": row["count"],
                    "url": reverse("housing:dwelling-list")
                    + "?"
                    + urlencode({"status": DwellingStatus.OFFERED, "neighbourhood": n.code}),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _rounded_point(point: list[float]) -> list[float]:
    return [round(point[0], 5), round(point[1], 5)]


def _rounded(geometry: dict[str, Any] | None) -> dict[str, Any] | None:
    """The geometry with its coordinates rounded to 5 decimals (about 1 m)."""

    def walk(value: Any) -> Any:
        if value and isinstance(value[0], int | float):
            return _rounded_point(value)
        return [walk(v) for v in value]

    if not geometry:
        return geometry
    return {**geometry, "coordinates": walk(geometry.get("coordinates", []))}


def _centroid(geometry: dict[str, Any] | None) -> list[float] | None:
    """The mean of the outer ring's points: good enough to place a marker inside a buurt."""
    if not geometry:
        return None
    ring = (
        geometry["coordinates"][0]
        if geometry["type"] == "Polygon"
        else geometry["coordinates"][0][0]
    )
    points = ring[:-1] or ring
    return [sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)]


# --- Complexes, stairwells, dwellings --------------------------------------------------------


def complex_list(*, user: Any, q: str = "", neighbourhood: str = "") -> QuerySet[Complex]:
    qs = (
        access.scope(user, Complex)
        .select_related("corporation", "neighbourhood")
        .prefetch_related(Prefetch("stops", queryset=ComplexStop.objects.order_by("-decided_at")))
        .annotate(
            stairwell_count=Count("stairwells", distinct=True),
            dwelling_count=Count("dwellings", distinct=True),
        )
    )
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q))
    if neighbourhood:
        qs = qs.filter(neighbourhood__code=neighbourhood.upper())
    return qs.order_by("name")


def stairwells_of(*, user: Any, complex: Complex) -> QuerySet[Stairwell]:
    return (
        access.scope(user, Stairwell)
        .filter(complex=complex)
        .select_related("limit_set_by")
        .order_by("name")
    )


def stopped_complex_ids(*, at: datetime | None = None) -> set[int]:
    """Complexes closed to placements today (for the board, issue 6)."""
    today = timezone.localdate(at) if at else timezone.localdate()
    return set(
        ComplexStop.objects.filter(lifted_at__isnull=True, until__gte=today).values_list(
            "complex_id", flat=True
        )
    )


def dwelling_list(
    *,
    user: Any,
    status: str = "",
    neighbourhood: str = "",
    dwelling_type: str = "",
    owner: str = "",
    min_bedrooms: int | None = None,
    max_rent: Any = None,
    quota: bool | None = None,
    step_free: bool | None = None,
    q: str = "",
) -> QuerySet[Dwelling]:
    """Dwellings the user may see, filtered. `owner="own"` keeps the user's own corporation's."""
    from .permissions import corporation_ids

    qs = access.scope(user, Dwelling).select_related(
        "corporation", "neighbourhood", "complex", "stairwell"
    )
    if status:
        qs = qs.filter(status=status)
    if neighbourhood:
        qs = qs.filter(neighbourhood__code=neighbourhood.upper())
    if dwelling_type:
        qs = qs.filter(dwelling_type=dwelling_type)
    if owner == "own":
        qs = qs.filter(corporation_id__in=corporation_ids(user))
    elif owner == "others":
        qs = qs.exclude(corporation_id__in=corporation_ids(user))
    if min_bedrooms is not None:
        qs = qs.filter(bedrooms__gte=min_bedrooms)
    if max_rent is not None:
        qs = qs.filter(net_rent__lte=max_rent)
    if quota is not None:
        qs = qs.filter(counts_toward_quota=quota)
    if step_free is not None:
        qs = qs.filter(step_free=step_free)
    if q:
        qs = qs.filter(
            Q(street__icontains=q)
            | Q(postcode__icontains=q.replace(" ", "").upper())
            | Q(reference__icontains=q)
        )
    return qs.order_by("street", "number", "suffix", "pk")


def offered_dwellings(*, user: Any, region: Any = None) -> QuerySet[Dwelling]:
    """Dwellings offered to the board (status "offered") that the user may see.

    Without a board model (issue 6) "offered to a board it takes part in" means offered in
    the user's region; `region` narrows it to one region.
    """
    qs = access.scope(user, Dwelling).filter(status=DwellingStatus.OFFERED)
    if region is not None:
        qs = qs.filter(corporation__region=region)
    return qs.order_by("available_from", "pk")


# --- For the placement board (issue 6) -------------------------------------------------------


def board_dwellings(*, region_id: int, corporation_ids: Iterable[int]) -> QuerySet[Dwelling]:
    """Dwellings offered to the board of `region_id` by the given (member) corporations, with
    what the board's engine needs loaded. A system read: the board task has no user."""
    return (
        _board_dwellings_q(region_id=region_id, corporation_ids=corporation_ids)
        .select_related("neighbourhood__district__municipality", "complex", "stairwell")
        .order_by("available_from", "pk")
    )


def _board_dwellings_q(*, region_id: int, corporation_ids: Iterable[int]) -> QuerySet[Dwelling]:
    # A deactivated corporation's dwellings leave the pool with it.
    return Dwelling.objects.filter(
        status=DwellingStatus.OFFERED,
        corporation__region_id=region_id,
        corporation__is_active=True,
        corporation_id__in=list(corporation_ids),
    )


def board_dwelling_ids_still_offered(
    dwelling_ids: Iterable[int], *, region_id: int, corporation_ids: Iterable[int]
) -> set[int]:
    """Of `dwelling_ids`, those the board may still propose now (the generation's write phase
    re-checks its snapshot with this, under the dwellings' row locks). One query."""
    return set(
        _board_dwellings_q(region_id=region_id, corporation_ids=corporation_ids)
        .filter(pk__in=list(dwelling_ids))
        .values_list("pk", flat=True)
    )


def capacities_after(
    neighbourhoods: Iterable[Neighbourhood],
    extra: dict[int, int],
    *,
    at: datetime | None = None,
) -> dict[int, CapacityResult]:
    """Carrying capacity as it would be with `extra[neighbourhood_id]` more placements in the
    12-month window (the board's "after this placement"). Same queries as `capacities`."""
    items = list(neighbourhoods)
    if not items:
        return {}
    at = at or timezone.now()
    ids = [n.pk for n in items]
    municipality_ids = {n.district.municipality_id for n in items}
    latest = _latest_indicators(ids, year=at.year, municipality_ids=municipality_ids)
    placements = _placement_counts(ids, at=at, municipality_ids=municipality_ids)
    stored = dict(
        CapacityWeights.objects.filter(municipality_id__in=municipality_ids).values_list(
            "municipality_id", "values"
        )
    )
    weights_of = {m: capacity.weights_with_defaults(stored.get(m)) for m in municipality_ids}
    signals = _nuisance_signal_counts(items, weights=weights_of, at=at) or {}
    results: dict[int, CapacityResult] = {}
    for n in items:
        indicator = latest.get(n.pk)
        if indicator is None:
            results[n.pk] = capacity.UNKNOWN_RESULT
            continue
        weights = weights_of[n.district.municipality_id]
        count = placements.get(n.pk, 0) + extra.get(n.pk, 0)
        result = capacity.score(inputs_from(indicator, count, signals.get(n.pk)), weights)
        results[n.pk] = replace(result, extra=extra.get(n.pk, 0))
    return results


# --- For the what-if simulation (issue 9) ----------------------------------------------------


def region_capacity_facts(*, region_id: int, at: datetime | None = None) -> list[dict[str, Any]]:
    """Per neighbourhood of the region: its latest indicators as capacity inputs (placements
    left at 0), its municipality's weights and the dates of its placements in the 12 months
    before `at`. A system read for the simulation's snapshot (no user: the caller checked)."""
    at = at or timezone.now()
    neighbourhoods = list(
        Neighbourhood.objects.filter(district__municipality__region_id=region_id)
        .select_related("district")
        .order_by("code")
    )
    municipality_ids = {n.district.municipality_id for n in neighbourhoods}
    latest = _latest_indicators(None, year=at.year, municipality_ids=municipality_ids)
    stored = dict(
        CapacityWeights.objects.filter(municipality_id__in=municipality_ids).values_list(
            "municipality_id", "values"
        )
    )
    dates: dict[int, list[datetime]] = {}
    for nid, when in (
        Dwelling.objects.filter(
            neighbourhood__district__municipality_id__in=municipality_ids,
            let_to_outflow_at__gt=at - PLACEMENT_WINDOW,
            let_to_outflow_at__lte=at,
        )
        .order_by("let_to_outflow_at", "pk")
        .values_list("neighbourhood_id", "let_to_outflow_at")
    ):
        if when is not None:
            dates.setdefault(nid, []).append(when)
    # The opt-in signals input as it stands at the snapshot (the simulation holds it fixed).
    weights_of = {m: capacity.weights_with_defaults(stored.get(m)) for m in municipality_ids}
    signals = _nuisance_signal_counts(neighbourhoods, weights=weights_of, at=at) or {}
    result = []
    for n in neighbourhoods:
        indicator = latest.get(n.pk)
        result.append(
            {
                "id": n.pk,
                "code": n.code,
                "name": n.name,
                "homes": indicator.homes if indicator else None,
                "lvb_share": float(indicator.lvb_share)
                if indicator and indicator.lvb_share is not None
                else None,
                "inputs": inputs_from(indicator, 0, signals.get(n.pk)) if indicator else None,
                "weights": weights_of[n.district.municipality_id],
                "placements": [timezone.localtime(d).date() for d in dates.get(n.pk, [])],
            }
        )
    return result


def region_stairwells(*, region_id: int) -> QuerySet[Stairwell]:
    """The stairwells of the region's complexes (system read for the simulation)."""
    return Stairwell.objects.filter(complex__corporation__region_id=region_id).order_by("pk")


def stopped_complexes_until(*, at: datetime | None = None) -> dict[int, Any]:
    """Complexes closed to placements today, with the last day of their stop."""
    today = timezone.localdate(at) if at else timezone.localdate()
    until: dict[int, Any] = {}
    for complex_id, day in ComplexStop.objects.filter(
        lifted_at__isnull=True, until__gte=today
    ).values_list("complex_id", "until"):
        until[complex_id] = max(day, until.get(complex_id, day))
    return until


def board_stock(*, region_id: int, corporation_ids: Iterable[int]) -> QuerySet[Dwelling]:
    """The member corporations' dwellings in the region, except those let to an outflowing
    client in the last 12 months: the templates the simulation draws vacancies from."""
    return (
        Dwelling.objects.filter(
            corporation__region_id=region_id, corporation_id__in=list(corporation_ids)
        )
        .exclude(let_to_outflow_at__gt=timezone.now() - PLACEMENT_WINDOW)
        .select_related("neighbourhood__district__municipality")
        .order_by("pk")
    )


def offered_count_since(*, region_id: int, corporation_ids: Iterable[int], since: datetime) -> int:
    """How many distinct dwellings the member corporations offered to the board since `since`
    (from the dwellings' status history): the simulation's default vacancy flow."""
    return (
        DwellingEvent.objects.filter(
            to_status=DwellingStatus.OFFERED,
            at__gte=since,
            dwelling__corporation__region_id=region_id,
            dwelling__corporation_id__in=list(corporation_ids),
        )
        .values("dwelling_id")
        .distinct()
        .count()
    )
