"""The one formatting layer: Dutch by default, English when chosen, zero is zero."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from accounts import formatting as f


@pytest.fixture
def nl():
    with translation.override("nl"):
        yield


@pytest.fixture
def en():
    with translation.override("en"):
        yield


def test_money_is_dutch(nl):
    assert f.money(Decimal("879.66")) == "€\u00a0879,66"
    assert f.money(1234567) == "€\u00a01.234.567,00"
    assert f.money(0) == "€\u00a00,00"
    assert f.money(None) == "—"


def test_money_is_english_when_chosen(en):
    assert f.money(Decimal("1234.5")) == "€1,234.50"


def test_percent_and_score_keep_zero(nl):
    assert f.percent(64.3) == "64,3%"
    assert f.percent(40) == "40%"
    assert f.percent(0) == "0%"
    assert f.score(0) == "0,0"
    assert f.score(82.84) == "82,8"
    assert f.fraction_percent(0.643) == "64,3%"


def test_signed_uses_a_real_minus(nl):
    assert f.signed(-0.074, 2) == "\u22120,07"
    assert f.signed(3) == "+3"
    assert f.signed(0) == "0"


def test_hours_drop_a_zero_fraction(nl):
    assert f.hours(Decimal("8.00")) == "8"
    assert f.hours(Decimal("2.5")) == "2,5"


def test_week_reads_as_words(nl):
    assert f.week("2026-W49") == "week 49 van 2026"
    assert f.week(dt.date(2026, 12, 1)) == "week 49 van 2026"
    assert f.week("not a week") == "not a week"


def test_dates_follow_the_format_files(nl):
    assert f.date(dt.date(2027, 3, 31)) == "31 maart 2027"
    assert f.short_date(dt.date(2027, 3, 1)) == "01-03-2027"


def test_english_dates(en):
    assert f.date(dt.date(2027, 3, 31)) == "31 March 2027"
    assert f.short_date(dt.date(2027, 3, 1)) == "01/03/2027"


def test_filters_are_builtins_and_numbers_are_grouped(nl):
    out = Template(
        "{{ rent|money }} {{ n }} {{ y|unlocalize }} {{ w|week }} {{ d|date:'SHORT_DATE_FORMAT' }}"
    ).render(Context({"rent": Decimal("879.66"), "n": 12500, "y": 2026, "w": "2026-W49",
                      "d": dt.date(2026, 11, 19)}))  # fmt: skip
    assert out == "€\u00a0879,66 12.500 2026 week 49 van 2026 19-11-2026"


@pytest.mark.django_db
def test_house_number_has_one_spelling():
    from housing.models import Dwelling, format_postcode

    assert Dwelling(number=188, suffix="II").house_number == "188-II"
    assert Dwelling(number=12, suffix="a").house_number == "12A"
    assert Dwelling(number=7, suffix="").house_number == "7"
    assert format_postcode("3011ab") == "3011 AB"


def test_an_iso_date_from_a_json_snapshot_is_a_date(nl):
    assert f.date("2026-05-22") == "22 mei 2026"
    assert f.date("2026-05-22", "SHORT_DATE_FORMAT") == "22-05-2026"
    assert f.date("") == "—"


def test_no_template_writes_a_numeric_date_of_its_own():
    """Numeric dates come from the format files ("03-12-2026 16:04" in Dutch, "03/12/2026" in
    English); a hand-written "j-n-Y" printed "3-12-2026" in both languages."""
    import re
    from pathlib import Path

    from django.conf import settings

    own = []
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        for fmt in re.findall(r'\|date:"([^"]+)"', path.read_text()):
            if not fmt.endswith("_FORMAT") and re.search(r"[-/.]", fmt):
                own.append(f"{path.name}: {fmt}")
    assert not own, own
