"""Dates are formatted with patterns parsed once per locale and format (issue 16, item 1), and read exactly
as Babel's own format_datetime and format_date wrote them."""
from datetime import date, datetime, timedelta, timezone

import pytest
from flask_babel import force_locale, format_date, format_datetime

from naborad import i18n
from naborad.i18n import DATE, PATTERNS, date_filter, datetime_filter

# Around both daylight-saving changes of 2026 (29 March, 25 October), midnight and New Year in Oslo.
MOMENTS = [datetime(2026, 3, 29, 0, 30, tzinfo=timezone.utc) + timedelta(minutes=37 * n) for n in range(12)] + [
    datetime(2026, 10, 25, 0, 10, tzinfo=timezone.utc) + timedelta(minutes=29 * n) for n in range(12)] + [
    datetime(2026, 12, 31, 22, 59, tzinfo=timezone.utc), datetime(2026, 12, 31, 23, 0, tzinfo=timezone.utc),
    datetime(2027, 5, 17, 10, 5, 59, tzinfo=timezone.utc), datetime(2027, 1, 1, 12, 0)]  # the last one naive: UTC
OWN_PATTERNS = ["HH:mm", "yyyyMMdd", "MMM y"]  # what templates pass besides the keys of PATTERNS


@pytest.mark.parametrize("locale", ["nb", "en"])
def test_the_cached_formatters_write_what_babel_wrote(app, locale):
    with app.test_request_context(), force_locale(locale):
        for value in MOMENTS:
            for fmt in [*PATTERNS, *OWN_PATTERNS]:
                babel_fmt = PATTERNS[fmt][locale] if fmt in PATTERNS else fmt
                assert datetime_filter(value, fmt) == format_datetime(value, babel_fmt), (value, fmt)
            aware = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
            assert date_filter(aware) == format_date(i18n.local(aware).date(), DATE[locale])
        assert date_filter(date(2026, 12, 20)) == format_date(date(2026, 12, 20), DATE[locale])


def test_a_pattern_is_parsed_once_per_locale_and_format(app):
    i18n._formatter.cache_clear()
    i18n._formatted.cache_clear()
    with app.test_request_context():
        for locale in ("nb", "en", "nb"):
            with force_locale(locale):
                for value in MOMENTS:
                    datetime_filter(value, "short")
                    date_filter(value)
    info = i18n._formatter.cache_info()
    assert (info.misses, info.currsize) == (4, 4)


def test_a_time_shown_again_is_formatted_once(app):
    i18n._formatted.cache_clear()
    with app.test_request_context(), force_locale("nb"):
        shown = {datetime_filter(MOMENTS[0], "medium") for _ in range(3)}
    info = i18n._formatted.cache_info()
    assert (len(shown), info.misses, info.hits) == (1, 1, 2)
