"""Working days as Dutch law counts them for deadlines (Algemene termijnenwet): not a Saturday,
a Sunday or a generally recognised holiday. The holidays come from the `holidays` package
(New Year, Good Friday, Easter, King's Day, Ascension, Whitsun, Christmas); the Act also
counts Liberation Day (5 May) every year, which the package has only every fifth year.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import holidays


@cache
def _holidays(year: int) -> frozenset[dt.date]:
    days = set(holidays.country_holidays("NL", years=year))
    days.add(dt.date(year, 5, 5))
    return frozenset(days)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date `days` working days after `start` (0: `start` itself, or the next working day
    when `start` is none)."""
    day = start
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    for _ in range(days):
        day += dt.timedelta(days=1)
        while not is_working_day(day):
            day += dt.timedelta(days=1)
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (negative when `end` is earlier)."""
    if end < start:
        return -working_days_between(end, start)
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        count += is_working_day(day)
    return count
