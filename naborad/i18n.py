"""Language choice and time display (stored in UTC, shown in Europe/Oslo)."""
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale, support
from babel.dates import DateTimePattern, parse_pattern
from flask import current_app, g, request, session
from flask_babel import get_locale, get_translations
from flask_login import current_user
from wtforms.i18n import messages_path

from .models import utcnow

OSLO = ZoneInfo("Europe/Oslo")


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if session.get("lang") in languages:
        return session["lang"]
    # "no" and "nn" readers are better served by bokmål than by English.
    best = request.accept_languages.best_match(languages + ["no", "nn"])
    if best in ("no", "nn"):
        return "nb"
    return best or current_app.config["DEFAULT_LANGUAGE"]


def translations():
    """The current request's catalogue, as flask_babel.get_translations() finds it, remembered beside the
    locale it was found for: a page asks for some hundred texts, and Flask-Babel looks up its request
    state, domain and locale again for each. A changed locale (force_locale, refresh) is a new object or
    none, so it never gets another locale's texts."""
    state = g.get("_flask_babel") if g else None
    locale = getattr(state, "babel_locale", None)
    if locale is None:
        return get_translations()
    remembered = getattr(state, "naborad_translations", None)
    if remembered is not None and remembered[0] is locale:
        return remembered[1]
    found = get_translations()
    state.naborad_translations = (locale, found)
    return found


@lru_cache(maxsize=8)
def _wtforms_catalogue(locale: str):
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class WTFormsTranslations:
    """WTForms' own messages ("Not a valid choice") in the request's language, each language's catalogue read
    once per process (Flask-WTF's reads the file again on every request)."""

    def gettext(self, string):
        return _wtforms_catalogue(str(get_locale())).ugettext(string)

    def ngettext(self, singular, plural, n):
        return _wtforms_catalogue(str(get_locale())).ungettext(singular, plural, n)


wtforms_translations = WTFormsTranslations()


def install_template_gettext(env) -> None:
    """Templates translate through translations() (the same catalogue Flask-Babel's own callables use)."""
    env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True)


def local(value: datetime) -> datetime:
    return value.astimezone(OSLO)


def from_local(value: datetime | None) -> datetime | None:
    """A naive date and time typed in a form (datetime-local), read as Oslo time."""
    return value.replace(tzinfo=OSLO) if value is not None else None


def to_local_naive(value: datetime | None) -> datetime | None:
    """A stored UTC time as the naive Oslo time a datetime-local field shows."""
    return value.astimezone(OSLO).replace(tzinfo=None) if value is not None else None


# One local way to write a date and a time, never ISO and never seconds: "day" is a weekday, date and time;
# "short" and "medium" are the date with a short month and the time (Babel's own "short" is 20.12.2026 and
# its "medium" has seconds). Dates alone (a due date) use DATE. Machine-readable <time datetime> stays ISO.
PATTERNS = {"day": {"nb": "EEEE d. MMMM y 'kl.' HH:mm", "en": "EEEE d MMMM y, HH:mm"},
            "short": {"nb": "d. MMM y 'kl.' HH:mm", "en": "d MMM y, HH:mm"},
            "medium": {"nb": "d. MMMM y 'kl.' HH:mm", "en": "d MMMM y, HH:mm"}}
DATE = {"nb": "d. MMMM y", "en": "d MMMM y"}


@lru_cache(maxsize=256)
def _formatter(locale: str, fmt: str | None) -> tuple[DateTimePattern, Locale]:
    """The parsed pattern for a key of PATTERNS, a pattern of its own or (None) DATE, and the Babel locale:
    built once per locale and format, where Babel's format_datetime looks both up again on every call."""
    table = DATE if fmt is None else PATTERNS.get(fmt)
    pattern = table.get(locale, table["en"]) if table else fmt
    return parse_pattern(pattern), Locale.parse(locale)


def datetime_filter(value: datetime | None, fmt: str = "medium") -> str:
    """A stored time in Oslo time, by a format key of PATTERNS or a Babel pattern of its own ("MMM y")."""
    if not value:
        return ""
    return _formatted(value, str(get_locale()), fmt)


@lru_cache(maxsize=4096)
def _formatted(value: datetime, locale: str, fmt: str) -> str:
    """A time as written: a page shows most of its times twice (the ago macro's title and data-exact) and
    the same ones again on the next view, so the last few thousand are kept."""
    pattern, babel_locale = _formatter(locale, fmt)
    if value.tzinfo is None:  # as Babel reads it: naive is UTC
        value = value.replace(tzinfo=timezone.utc)
    return pattern.apply(local(value), babel_locale)


def date_filter(value: date | datetime | None) -> str:
    """A date as people write it ("20. desember 2026"); a datetime by its Oslo date."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = local(value).date()
    pattern, locale = _formatter(str(get_locale()), None)
    return pattern.apply(value, locale)


def ago_filter(value: datetime | None, now: datetime | None = None) -> str:
    """How long ago (or how soon) in words people use: "just now", "for 5 minutter siden", "i går",
    "for 4 dager siden", "om 2 uker" (Babel's bokmål says "døgn", which nobody writes)."""
    if value is None:
        return ""
    now = now or utcnow()
    return _ago(value, now, local(now).date(), translations())


def ago_texts(values, now: datetime | None = None) -> tuple[str, ...]:
    """ago_filter of each value, as at one `now` (a thread's lines: the catalogue and today looked up once)."""
    now = now or utcnow()
    today, catalogue = local(now).date(), translations()
    return tuple("" if value is None else _ago(value, now, today, catalogue) for value in values)


def _ago(value: datetime, now: datetime, today: date, catalogue) -> str:
    delta = now - value
    past = delta >= timedelta(0)
    seconds = abs(delta.total_seconds())
    if seconds < 60:
        return catalogue.ugettext("just now") if past else catalogue.ugettext("in a moment")
    if seconds < 3600:
        return _plural(catalogue, "minute", past, int(seconds / 60))
    days = (today - local(value).date()).days if past else (local(value).date() - today).days
    hours = seconds / 3600
    if hours < 24 and (days == 0 or hours < 12):
        return _plural(catalogue, "hour", past, int(hours))
    if days <= 1:
        return catalogue.ugettext("yesterday") if past else catalogue.ugettext("tomorrow")
    if days < 14:
        return _plural(catalogue, "day", past, days)
    if days < 60:
        return _plural(catalogue, "week", past, days // 7)
    if days < 365:
        return _plural(catalogue, "month", past, days // 30)
    return _plural(catalogue, "year", past, days // 365)


def ngettext_noop(singular: str, plural: str) -> tuple[str, str]:
    """Marks a plural pair for extraction (Makefile: -k ngettext_noop:1,2), translated later."""
    return singular, plural


_AGO_IDS = {("minute", True): ngettext_noop("%(num)d minute ago", "%(num)d minutes ago"),
            ("minute", False): ngettext_noop("in %(num)d minute", "in %(num)d minutes"),
            ("hour", True): ngettext_noop("%(num)d hour ago", "%(num)d hours ago"),
            ("hour", False): ngettext_noop("in %(num)d hour", "in %(num)d hours"),
            ("day", True): ngettext_noop("%(num)d day ago", "%(num)d days ago"),
            ("day", False): ngettext_noop("in %(num)d day", "in %(num)d days"),
            ("week", True): ngettext_noop("%(num)d week ago", "%(num)d weeks ago"),
            ("week", False): ngettext_noop("in %(num)d week", "in %(num)d weeks"),
            ("month", True): ngettext_noop("%(num)d month ago", "%(num)d months ago"),
            ("month", False): ngettext_noop("in %(num)d month", "in %(num)d months"),
            ("year", True): ngettext_noop("%(num)d year ago", "%(num)d years ago"),
            ("year", False): ngettext_noop("in %(num)d year", "in %(num)d years")}


def _plural(catalogue, unit: str, past: bool, n: int) -> str:
    singular, plural = _AGO_IDS[unit, past]
    return catalogue.ungettext(singular, plural, n) % {"num": n}
