"""Looking up CBS geography for profiles: the one place `cases` reads housing's models.

`housing.selectors` offers `neighbourhoods_by_code`; municipalities and districts have no
selector there yet, so they are read here (geography is reference data, not personal data).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db.models import QuerySet

from housing.models import District, Municipality, Neighbourhood
from housing.selectors import neighbourhoods_by_code

CODE_SPLIT = re.compile(r"[\s,;]+")


def split_codes(raw: str | Iterable[str] | None) -> list[str]:
    """'BU0001, bu0002 ;BU0003' -> ['BU0001', 'BU0002', 'BU0003'] (order kept, duplicates dropped)."""
    if raw is None:
        return []
    parts = CODE_SPLIT.split(raw) if isinstance(raw, str) else [str(p) for p in raw]
    seen: dict[str, None] = {}
    for part in parts:
        code = part.strip().upper()
        if code:
            seen.setdefault(code, None)
    return list(seen)


def municipalities_in(region_id: int) -> QuerySet[Municipality]:
    return Municipality.objects.filter(region_id=region_id).order_by("name")


def districts_in(region_id: int) -> QuerySet[District]:
    return (
        District.objects.filter(municipality__region_id=region_id)
        .select_related("municipality")
        .order_by("municipality__name", "name")
    )


def municipalities_by_code(codes: Iterable[str], *, region_id: int) -> dict[str, Municipality]:
    return {m.code: m for m in municipalities_in(region_id).filter(code__in=list(codes))}


def districts_by_code(codes: Iterable[str], *, region_id: int) -> dict[str, District]:
    return {d.code: d for d in districts_in(region_id).filter(code__in=list(codes))}


def neighbourhoods_for(codes: Iterable[str]) -> dict[str, Neighbourhood]:
    return neighbourhoods_by_code(codes)


def names_by_code(kind: str, codes: Iterable[str]) -> dict[str, str]:
    """{code: name} for municipalities, districts or neighbourhoods (kind: gm, wk, bu)."""
    models: dict[str, type[Municipality] | type[District] | type[Neighbourhood]] = {
        "gm": Municipality,
        "wk": District,
        "bu": Neighbourhood,
    }
    manager = models[kind]._default_manager
    return dict(manager.filter(code__in=list(codes)).values_list("code", "name"))


def neighbourhood_codes_in(region_id: int) -> list[str]:
    return sorted(
        Neighbourhood.objects.filter(district__municipality__region_id=region_id).values_list(
            "code", flat=True
        )
    )
