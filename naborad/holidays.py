"""Norwegian public holidays (helligdager) for any year: the fixed dates and those that follow Easter.

One module for every feature that needs them (the on-duty rota, the meeting series). Pure date
arithmetic, no database and no outside service.
"""
from datetime import date, timedelta
from functools import lru_cache

from flask_babel import lazy_gettext as _l


def easter_sunday(year: int) -> date:
    """Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741 (the algorithm's own name)
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return date(year, month, day + 1)


# (offset from Easter Sunday, name)
_EASTER_BASED = ((-3, _l("Maundy Thursday")), (-2, _l("Good Friday")), (0, _l("Easter Sunday")),
                 (1, _l("Easter Monday")), (39, _l("Ascension Day")), (49, _l("Whit Sunday")),
                 (50, _l("Whit Monday")))
# (month, day, name)
_FIXED = ((1, 1, _l("New Year's Day")), (5, 1, _l("Labour Day")), (5, 17, _l("Constitution Day")),
          (12, 25, _l("Christmas Day")), (12, 26, _l("Boxing Day")))


@lru_cache(maxsize=64)
def _holidays(year: int) -> tuple[tuple[date, object], ...]:
    easter = easter_sunday(year)
    days = [(date(year, month, day), name) for month, day, name in _FIXED]
    days += [(easter + timedelta(days=offset), name) for offset, name in _EASTER_BASED]
    return tuple(sorted(days, key=lambda pair: pair[0]))


def public_holidays(year: int) -> dict[date, str]:
    """The year's public holidays, in date order: {date: name} (names translated when shown)."""
    return dict(_holidays(year))


def is_public_holiday(day: date) -> bool:
    return any(holiday == day for holiday, _name in _holidays(day.year))


def holidays_between(first: date, last: date) -> list[date]:
    """The public holidays from `first` to `last`, both included."""
    return [day for year in range(first.year, last.year + 1) for day, _name in _holidays(year)
            if first <= day <= last]
