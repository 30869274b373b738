"""Reads for housing. Functions that take a user return only what that user may see."""

from __future__ import annotations

from collections.abc import Iterable

from housing.models import Neighbourhood


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
