"""Affordable allocation: the maximum rent from the yearly table, tested on the boundaries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError

from cases.models import RentLimit
from cases.rent import IncomeBracket, RentLimitMissing, max_rent_for

pytestmark = pytest.mark.django_db

LOW, HIGH, LIBERALISATION = Decimal("650.43"), Decimal("697.07"), Decimal("879.66")
# 2024 income limits: €27,725 (one person), €37,625 (more persons), per year.
SINGLE_AT_LIMIT = Decimal(27725) / 12  # 2310.41… a month
MULTI_AT_LIMIT = Decimal(37625) / 12  # 3135.41… a month


def test_the_2024_figures_are_seeded_with_their_source():
    limits = RentLimit.objects.get(year=2024)
    assert (limits.capping_limit_low, limits.capping_limit_high) == (LOW, HIGH)
    assert limits.quality_discount_limit == Decimal("454.47")
    assert limits.liberalisation_limit == LIBERALISATION
    assert (limits.income_limit_single, limits.income_limit_multi) == (27725, 37625)
    assert "passend toewijzen" in limits.source


@pytest.mark.parametrize(
    ("size", "income", "expected", "bracket"),
    [
        (1, 2310, LOW, IncomeBracket.WITHIN_LIMIT),  # 27,720 a year: just within
        (1, Decimal("2310.41"), LOW, IncomeBracket.WITHIN_LIMIT),  # 27,724.92: within
        (1, Decimal("2310.42"), LIBERALISATION, IncomeBracket.ABOVE_LIMIT),  # 27,725.04: above
        (1, 2311, LIBERALISATION, IncomeBracket.ABOVE_LIMIT),
        (1, 0, LOW, IncomeBracket.WITHIN_LIMIT),
        (2, 2311, LOW, IncomeBracket.WITHIN_LIMIT),  # two persons use the multi-person limit
        (2, 3135, LOW, IncomeBracket.WITHIN_LIMIT),
        (2, 3136, LIBERALISATION, IncomeBracket.ABOVE_LIMIT),
        (3, 3135, HIGH, IncomeBracket.WITHIN_LIMIT),  # three or more: the high cap
        (3, 3136, LIBERALISATION, IncomeBracket.ABOVE_LIMIT),
        (6, 1500, HIGH, IncomeBracket.WITHIN_LIMIT),
    ],
)
def test_max_rent_on_the_boundaries(size, income, expected, bracket):
    advice = max_rent_for(size, income, 2024)
    assert (advice.max_rent, advice.bracket) == (expected, bracket)


def test_the_income_limit_itself_is_within():
    limits = RentLimit.objects.get(year=2024)
    limits.income_limit_single = 24000  # 2,000 a month exactly
    limits.save()
    assert max_rent_for(1, 2000, 2024).bracket == IncomeBracket.WITHIN_LIMIT
    assert max_rent_for(1, 2001, 2024).bracket == IncomeBracket.ABOVE_LIMIT


def test_household_size_two_and_three_switch_caps():
    assert max_rent_for(2, 1000, 2024).max_rent == LOW
    assert max_rent_for(3, 1000, 2024).max_rent == HIGH


def test_unknown_income_gives_no_maximum_yet():
    advice = max_rent_for(1, None, 2024)
    assert advice.max_rent is None
    assert advice.bracket == IncomeBracket.UNKNOWN


def test_a_later_year_uses_the_latest_figures_until_new_ones_are_entered():
    assert max_rent_for(1, 1000, 2026).year == 2024


def test_a_new_year_in_the_table_is_used_for_that_year():
    RentLimit.objects.create(
        year=2025,
        quality_discount_limit=Decimal("477.20"),
        capping_limit_low=Decimal("682.96"),
        capping_limit_high=Decimal("731.93"),
        liberalisation_limit=Decimal("900.07"),
        income_limit_single=28000,
        income_limit_multi=38000,
        source="test",
    )
    assert max_rent_for(1, 1000, 2025).max_rent == Decimal("682.96")
    assert max_rent_for(1, 1000, 2024).max_rent == LOW


def test_years_before_the_table_are_refused():
    with pytest.raises(RentLimitMissing):
        max_rent_for(1, 1000, 2019)


@pytest.mark.parametrize(("size", "income"), [(0, 1000), (1, -1)])
def test_impossible_households_are_refused(size, income):
    with pytest.raises(ValueError):
        max_rent_for(size, income, 2024)


def test_the_database_refuses_caps_out_of_order():
    with pytest.raises(IntegrityError):
        RentLimit.objects.create(
            year=2030,
            quality_discount_limit=Decimal("700"),
            capping_limit_low=Decimal("650"),
            capping_limit_high=Decimal("690"),
            liberalisation_limit=Decimal("880"),
            income_limit_single=1,
            income_limit_multi=2,
            source="x",
        )
