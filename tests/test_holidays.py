"""Norwegian public holidays (naborad/holidays.py) against dates from the almanac."""
from datetime import date

import pytest

from naborad.holidays import easter_sunday, holidays_between, is_public_holiday, public_holidays


@pytest.mark.parametrize("year, easter", [(2024, date(2024, 3, 31)), (2025, date(2025, 4, 20)),
                                          (2026, date(2026, 4, 5)), (2027, date(2027, 3, 28)),
                                          (2038, date(2038, 4, 25)), (2285, date(2285, 3, 22)),
                                          (2000, date(2000, 4, 23)), (1818, date(1818, 3, 22))])
def test_easter_sunday_on_known_dates(year, easter):
    assert easter_sunday(year) == easter


def test_the_twelve_holidays_of_2027():
    days = public_holidays(2027)
    assert list(days) == [date(2027, 1, 1), date(2027, 3, 25), date(2027, 3, 26), date(2027, 3, 28),
                          date(2027, 3, 29), date(2027, 5, 1), date(2027, 5, 6), date(2027, 5, 16),
                          date(2027, 5, 17), date(2027, 12, 25), date(2027, 12, 26)]
    # Whit Monday falls on Constitution Day in 2027: one date, so eleven rows.
    assert str(days[date(2027, 5, 6)]) == "Ascension Day"


def test_2026_easter_ascension_and_whitsun():
    assert {day for day in public_holidays(2026)} >= {date(2026, 4, 2), date(2026, 4, 3), date(2026, 4, 5),
                                                      date(2026, 4, 6), date(2026, 5, 14), date(2026, 5, 24),
                                                      date(2026, 5, 25)}
    assert len(public_holidays(2026)) == 12


def test_ordinary_days_are_not_holidays():
    assert is_public_holiday(date(2026, 12, 25)) and is_public_holiday(date(2026, 5, 17))
    assert not is_public_holiday(date(2026, 12, 24))  # Christmas Eve is not a public holiday
    assert not is_public_holiday(date(2026, 12, 31)) and not is_public_holiday(date(2026, 4, 4))


def test_holidays_between_spans_a_new_year():
    assert holidays_between(date(2026, 12, 20), date(2027, 1, 5)) == [date(2026, 12, 25), date(2026, 12, 26),
                                                                      date(2027, 1, 1)]
