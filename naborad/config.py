"""Configuration: defaults, then NABORAD_* environment variables, then overrides."""
import os
from datetime import timedelta
from pathlib import Path

ENV_PREFIX = "NABORAD_"


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(value: str) -> int:
    return int(value.strip())


# Settings that may come from the environment, with how to parse them.
ENV_SETTINGS = {
    "DATABASE_URL": str,
    "SECRET_KEY": str,
    "MAIL_SERVER": str,
    "MAIL_PORT": _int,
    "MAIL_USERNAME": str,
    "MAIL_PASSWORD": str,
    "MAIL_USE_TLS": _bool,
    "MAIL_USE_SSL": _bool,
    "MAIL_SENDER": str,
    "RATELIMIT_STORAGE_URL": str,
    "TRUST_PROXY": _bool,
    "BASE_URL": str,
    "DEFAULT_LANGUAGE": str,
    "SESSION_IDLE_HOURS": _int,
    "SESSION_ABSOLUTE_DAYS": _int,
    "DEBUG": _bool,
    "ONDUTY_EMAIL": str,
    "ONDUTY_EMAIL_PRIVATE": _bool,
    "REPORT_RETENTION_MONTHS": _int,
    "DIRECT_RETENTION_MONTHS": _int,
    "DIALOGUE_RETENTION_MONTHS": _int,
    "TWO_FACTOR_REQUIRED": _bool,
    "FACILITY_NAME": str,
    "FACILITY_ADDRESS": str,
    "REPORT_SMS_GATEWAY": str,
    "LOGIN_IP_LIMIT": str,  # issue 23: behind one NAT (a facility, a municipality's network) it may need raising
    # argon2id's cost, to fit the server (OWASP: as costly as the login's time allows). A stored hash made with
    # other figures is made anew at its member's next login.
    "ARGON2_TIME_COST": _int,
    "ARGON2_MEMORY_COST": _int,
    "ARGON2_PARALLELISM": _int,
}


def defaults(instance_path: str) -> dict:
    db_file = Path(instance_path) / "naborad.sqlite3"
    return {
        "DATABASE_URL": f"sqlite:///{db_file}",
        "SECRET_KEY": None,
        "MAIL_SERVER": "",  # empty: mail is printed to the log
        "MAIL_PORT": 25,
        "MAIL_USERNAME": "",
        "MAIL_PASSWORD": "",
        "MAIL_USE_TLS": False,
        "MAIL_USE_SSL": False,
        "MAIL_SENDER": "Naborådet <naborad@localhost>",
        "RATELIMIT_STORAGE_URL": "memory://",
        "TRUST_PROXY": False,
        "BASE_URL": "http://127.0.0.1:5000",
        "DEFAULT_LANGUAGE": "nb",
        "SESSION_IDLE_HOURS": 8,
        "SESSION_ABSOLUTE_DAYS": 14,
        "DEBUG": False,
        "TESTING": False,
        # argon2id parameters (RFC 9106 second recommendation); tests lower them.
        "ARGON2_TIME_COST": 3,
        "ARGON2_MEMORY_COST": 65536,
        "ARGON2_PARALLELISM": 4,
        "LOGIN_IP_LIMIT": "60 per minute",
        "ACCEPT_INVITATION_LIMIT": "20 per minute",
        "RESET_REQUEST_LIMIT": "10 per minute",
        # Situation reports per member (not per address: the residents share the facility's).
        "REPORT_LIMIT": "20 per hour",
        "REPORT_POLL_SECONDS": 10,  # how often the reporter's open report asks for news from the staff
        "WTF_CSRF_TIME_LIMIT": None,  # tokens live as long as the session
        "WTF_CSRF_CHECK_DEFAULT": False,  # checked in naborad.security, see there
        "WTF_CSRF_ENABLED": True,
        "SQLALCHEMY_TRACK_MODIFICATIONS": False,
        # Flask-Compress: pages and static files as br or gzip, as the browser offers (pages are safe from
        # BREACH because the CSRF token is masked per response: naborad/csrf_mask.py). Answers under
        # 500 bytes (htmx's small fragments, 204s) are sent as they are; streams (a range of a file) too.
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_MIMETYPES": ["text/html", "text/css", "text/javascript", "application/javascript",
                               "image/svg+xml", "text/calendar", "application/json"],
        "COMPRESS_MIN_SIZE": 500,
        "COMPRESS_BR_LEVEL": 5,  # (Flask-Compress's 4 is bigger than gzip; 5 is ~6 % smaller at about its cost)
        "COMPRESS_STREAMS": False,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_NAME": "naborad_session",
        # The cookie is not written again on every answer (signing it cost every page view; issue 16): the
        # login's expiry is kept server-side (SESSION_ABSOLUTE_TIMEOUT, from the login), which is also the
        # cookie's lifetime, so a cookie set at login lives exactly as long as the login may. A cookie whose
        # content changes (flash, language) is written anew as always.
        "SESSION_REFRESH_EACH_REQUEST": False,
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).parent / "translations"),
        "LANGUAGES": ["nb", "en"],
        "MAIL_KEEP_SENT_DAYS": 3,
        "DEMO_DATA": False,
        "ONDUTY_EMAIL": "",  # where new situation reports are mailed (may be an email-to-SMS gateway)
        # Staff mark that address as read by the on-duty staff alone: only then does the mail carry the
        # report's time, place and text (else its number, category and a link).
        "ONDUTY_EMAIL_PRIVATE": False,
        "REPORT_RETENTION_MONTHS": 12,
        # The direct line (issue 18): conversations are deleted this long after their last message, and a
        # member starts at most this many new ones a day.
        "DIRECT_RETENTION_MONTHS": 12,
        "DIRECT_DAILY_CONVERSATIONS": 3,
        # Dialogue meetings (issue 19): deleted with their invitees and minutes this long after the meeting.
        "DIALOGUE_RETENTION_MONTHS": 24,
        "JINJA_STRICT": False,  # tests: an undefined variable in a template raises instead of printing ""
        # The chair and staff must sign in with a second factor (TOTP); `make run`'s demo turns it off.
        "TWO_FACTOR_REQUIRED": True,
        # The supported-housing facility the council is around: the "talk with, not about" prompt
        # (naborad/wording.py) asks before "han fra <name>" or "hun i <address>" is posted.
        "FACILITY_NAME": "Eksempeltunet",
        "FACILITY_ADDRESS": "Eksempelveien 12",
        # Issue 19, item 4: an email-to-SMS gateway's address pattern, e.g. "{number}@sms.example.no". Set, a
        # reporter may choose to hear about answers by SMS (a mail to that address, number, category and a
        # link only); empty, the choice is not offered.
        "REPORT_SMS_GATEWAY": "",
    }


def load(instance_path: str, overrides: dict | None) -> dict:
    cfg = defaults(instance_path)
    for key, parse in ENV_SETTINGS.items():
        raw = os.environ.get(ENV_PREFIX + key)
        if raw not in (None, ""):
            cfg[key] = parse(raw)
    cfg.update(overrides or {})
    secret_file = Path(instance_path) / "secret_key"
    if not cfg["SECRET_KEY"] and secret_file.exists():
        cfg["SECRET_KEY"] = secret_file.read_text().strip()
    if not cfg["SECRET_KEY"]:
        if cfg["DEBUG"] or cfg["TESTING"]:
            cfg["SECRET_KEY"] = "insecure-development-key"
        else:
            raise RuntimeError(
                "NABORAD_SECRET_KEY is not set (and instance/secret_key does not exist). "
                "Set it to a long random string, e.g. "
                "python -c 'import secrets; print(secrets.token_urlsafe(48))'."
            )
    cfg["SQLALCHEMY_DATABASE_URI"] = _normalise_db_url(cfg["DATABASE_URL"])
    cfg["RATELIMIT_STORAGE_URI"] = cfg["RATELIMIT_STORAGE_URL"]
    cfg["SESSION_COOKIE_SECURE"] = not (cfg["DEBUG"] or cfg["TESTING"]) and cfg["BASE_URL"].startswith("https")
    cfg["SESSION_IDLE_TIMEOUT"] = timedelta(hours=cfg["SESSION_IDLE_HOURS"])
    cfg["SESSION_ABSOLUTE_TIMEOUT"] = timedelta(days=cfg["SESSION_ABSOLUTE_DAYS"])
    cfg["PERMANENT_SESSION_LIFETIME"] = cfg["SESSION_ABSOLUTE_TIMEOUT"]
    cfg["BABEL_DEFAULT_LOCALE"] = cfg["DEFAULT_LANGUAGE"]
    cfg["BABEL_DEFAULT_TIMEZONE"] = "Europe/Oslo"
    return cfg


def _normalise_db_url(url: str) -> str:
    # Heroku-style and plain postgresql URLs get the psycopg 3 driver.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url
