import datetime as dt

from matching.aftercare.workdays import add_working_days, is_working_day, working_days_between


def test_weekends_and_dutch_holidays_are_not_working_days():
    assert not is_working_day(dt.date(2026, 12, 5))  # Saturday
    assert not is_working_day(dt.date(2026, 12, 25))  # Christmas
    assert not is_working_day(dt.date(2026, 4, 27))  # King's Day
    assert not is_working_day(dt.date(2026, 5, 5))  # Liberation Day (Algemene termijnenwet)
    assert is_working_day(dt.date(2026, 12, 1))


def test_two_working_days_skip_a_weekend_and_christmas():
    assert add_working_days(dt.date(2026, 12, 4), 2) == dt.date(2026, 12, 8)  # Fri -> Tue
    assert add_working_days(dt.date(2026, 12, 24), 2) == dt.date(2026, 12, 29)
    assert add_working_days(dt.date(2026, 12, 5), 0) == dt.date(2026, 12, 7)


def test_counting_between_is_the_inverse_of_adding():
    start = dt.date(2026, 11, 20)
    for days in range(0, 25):
        end = add_working_days(start, days)
        assert working_days_between(start, end) == days
