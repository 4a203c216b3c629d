"""Language choice and time display (stored in UTC, shown in Europe/Oslo)."""
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app, request, session
from flask_babel import format_datetime, format_timedelta, get_locale
from flask_login import current_user

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


def local(value: datetime) -> datetime:
    return value.astimezone(OSLO)


def from_local(value: datetime | None) -> datetime | None:
    """A naive date and time typed in a form (datetime-local), read as Oslo time."""
    return value.replace(tzinfo=OSLO) if value is not None else None


def to_local_naive(value: datetime | None) -> datetime | None:
    """A stored UTC time as the naive Oslo time a datetime-local field shows."""
    return value.astimezone(OSLO).replace(tzinfo=None) if value is not None else None


# Named formats besides Babel's short/medium/long/full: "day" is a weekday, date and time without seconds.
PATTERNS = {"day": {"nb": "EEEE d. MMMM y 'kl.' HH:mm", "en": "EEEE d MMMM y, HH:mm"}}


def datetime_filter(value: datetime | None, fmt: str = "medium") -> str:
    if not value:
        return ""
    if fmt in PATTERNS:
        fmt = PATTERNS[fmt].get(str(get_locale()), PATTERNS[fmt]["en"])
    return format_datetime(value, fmt)


def ago_filter(value: datetime | None) -> str:
    if value is None:
        return ""
    return format_timedelta(value - utcnow(), add_direction=True)
