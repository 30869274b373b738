"""Affordable allocation (passend toewijzen): the maximum rent that fits a household.

Rule (Woningwet, art. 46): a household whose income is at or below the income limit for
affordable allocation must get a dwelling whose basic rent is at most the capping limit
(aftoppingsgrens): the low cap for one- and two-person households, the high cap for three
or more. Above the income limit the ceiling is the social-rent maximum (liberalisatiegrens).
The yearly figures live in `RentLimit` (admin-editable); this module only applies them.

Income: the profile holds gross household income per month; the yearly limit is compared
with twelve times that amount. The limit itself is inclusive ("tot en met").
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import RentLimit


class IncomeBracket:
    WITHIN_LIMIT = "within_limit"
    ABOVE_LIMIT = "above_limit"
    UNKNOWN = "unknown"

    labels = {
        WITHIN_LIMIT: _("binnen de inkomensgrens passend toewijzen"),
        ABOVE_LIMIT: _("boven de inkomensgrens passend toewijzen"),
        UNKNOWN: _("inkomen nog niet bekend"),
    }


@dataclass(frozen=True)
class RentAdvice:
    """The maximum rent for a household, with the bracket and figures it came from."""

    year: int
    max_rent: Decimal | None
    bracket: str
    rule: str  # which cap applied, for the explanation shown to people

    @property
    def bracket_label(self) -> str:
        return str(IncomeBracket.labels[self.bracket])


class RentLimitMissing(LookupError):
    """No `RentLimit` row for the year (nor an earlier one to fall back on)."""


def rent_limit_for(year: int) -> RentLimit:
    """The figures for `year`, or the latest earlier year's while the new ones are not entered."""
    limit = RentLimit.objects.filter(year__lte=year).order_by("-year").first()
    if limit is None:
        raise RentLimitMissing(f"No rent limits for {year} or earlier.")
    return limit


def max_rent_for(
    household_size: int, monthly_income: int | Decimal | None, year: int | None = None
) -> RentAdvice:
    """The highest basic rent (kale huur, per month) that fits this household in `year`.

    `household_size` counts adults and children; `monthly_income` is gross household income
    per month in euros (None while unknown: no maximum can be given yet).
    """
    if household_size < 1:
        raise ValueError("A household has at least one person.")
    if monthly_income is not None and monthly_income < 0:
        raise ValueError("Income cannot be negative.")
    year = year or timezone.localdate().year
    limits = rent_limit_for(year)
    if monthly_income is None:
        return RentAdvice(limits.year, None, IncomeBracket.UNKNOWN, "")
    income_limit = limits.income_limit_single if household_size == 1 else limits.income_limit_multi
    if Decimal(monthly_income) * 12 > income_limit:
        return RentAdvice(
            limits.year,
            limits.liberalisation_limit,
            IncomeBracket.ABOVE_LIMIT,
            "liberalisatiegrens",
        )
    if household_size <= 2:
        return RentAdvice(
            limits.year,
            limits.capping_limit_low,
            IncomeBracket.WITHIN_LIMIT,
            "aftoppingsgrens laag",
        )
    return RentAdvice(
        limits.year, limits.capping_limit_high, IncomeBracket.WITHIN_LIMIT, "aftoppingsgrens hoog"
    )
