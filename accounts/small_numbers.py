"""Small-number suppression (kleine aantallen): the one rule for every count of placements
shown to anyone but the municipality's own analysts, and for the simulation's results.

A count from 1 to `threshold() - 1` could point at a person ("the one placement in this
neighbourhood"), so it is shown as "minder dan N" (`None` in data). Zero is not suppressed:
nothing to point at. The threshold is `SIMULATION_SMALL_NUMBERS` (5).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from .access import core
from .models import OrganisationKind, Role


def threshold() -> int:
    return int(getattr(settings, "SIMULATION_SMALL_NUMBERS", 5))


def is_small(count: int | None, *, limit: int | None = None) -> bool:
    """A count that must not be shown exactly (1 to threshold - 1)."""
    limit = threshold() if limit is None else limit
    return count is not None and 0 < count < limit


def suppress(count: int | None, *, limit: int | None = None) -> int | None:
    """The count, or None where it is small."""
    return None if is_small(count, limit=limit) else count


def sees_exact_counts(user: Any) -> bool:
    """Only the municipality's own analysts read exact small counts."""
    return any(
        m.role == Role.ANALYST and m.organisation.kind == OrganisationKind.MUNICIPALITY
        for m in core.memberships_of(user)
    )
