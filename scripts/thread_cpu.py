"""CPU time per request of an issue thread with 30 replies, through the test client: median of many runs.

    PYTHONPATH=$PWD .venv/bin/python scripts/thread_cpu.py [requests per round]

Each request runs in its own app context, as in production, on a SQLite file. Issue 16's savings are
switched off and on in the same run, in interleaved rounds, so the figures sit side by side: stored HTML
(off: a renderer version no row has, so every text renders on read as before) and dates (off: Babel's
format_datetime on every call, as before). A measurement, not a test.
"""
import logging
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

from flask_babel import format_datetime, get_locale
from flask_migrate import upgrade

from naborad import create_app, i18n, markdown
from naborad.extensions import db
from naborad.i18n import PATTERNS
from naborad.models import Issue, Reply, Role, User, search_key
from naborad.passwords import hash_password

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 300
ROUNDS = 3
PASSWORD = "bench password 1"
BODY = ("Takk for sist. Her er **tre** ting fra møtet:\n\n1. Søppelet i [bakgården](https://example.org)\n"
        "2. Lyset ved porten\n3. Støy etter kl. 23\n\n> Vi tar det opp igjen i mars.\n\nHilsen *nabo* {n}")


def babel_datetime(value, fmt="medium"):
    """The datetime filter as it was before issue 16."""
    if not value:
        return ""
    if fmt in PATTERNS:
        fmt = PATTERNS[fmt].get(str(get_locale()), PATTERNS[fmt]["en"])
    return format_datetime(value, fmt)


def setattr_all(module, **values):
    for name, value in values.items():
        setattr(module, name, value)


def uncached_dates():
    """datetime_filter formats with Babel's format_datetime again, date_filter parses its pattern every call."""
    setattr_all(i18n, _formatted=lambda value, locale, fmt: babel_datetime(value, fmt),
                _formatter=i18n._formatter.__wrapped__)


def build(app) -> int:
    """Six neighbours, an issue and 30 replies with a little Markdown each; the issue's id."""
    with app.app_context():
        upgrade()
        users = [User(username=f"u{n}", display_name=f"Nabo {n}", role=Role.NEIGHBOUR, is_active_member=True,
                      password_hash=hash_password(PASSWORD)) for n in range(6)]
        db.session.add_all(users)
        db.session.flush()
        issue = Issue(title="Støy i bakgården", body=BODY.format(n=0), category="noise", author_id=users[0].id,
                      search_text=search_key("Støy i bakgården"), reply_count=30)
        db.session.add(issue)
        db.session.flush()
        db.session.add_all(Reply(issue_id=issue.id, author_id=users[n % 6].id, body=BODY.format(n=n))
                           for n in range(30))
        db.session.commit()
        return issue.id


def main():
    logging.disable(logging.INFO)
    app = create_app({"DATABASE_URL": f"sqlite:///{Path(tempfile.mkdtemp()) / 'thread.sqlite3'}",
                      "SECRET_KEY": secrets.token_urlsafe(48), "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 8,
                      "ARGON2_PARALLELISM": 1,
                      "TWO_FACTOR_REQUIRED": False, "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False})
    url = f"/saker/{build(app)}"
    client = app.test_client()

    def cpu_ms(runs: int) -> float:
        times = []
        for _ in range(runs):
            with app.app_context():
                start = time.process_time()
                response = client.get(url)
                times.append(time.process_time() - start)
            assert response.status_code == 200, response.status_code
        return statistics.median(times) * 1000

    with app.app_context():
        assert client.post("/logg-inn", data={"login": "u1", "password": PASSWORD}).status_code == 303
    version, cached = markdown.RENDERER_VERSION, (i18n._formatted, i18n._formatter)
    toggles = [  # (name, switch off, switch on)
        ("stored HTML", lambda: setattr(markdown, "RENDERER_VERSION", -1),
         lambda: setattr(markdown, "RENDERER_VERSION", version)),
        # The filters themselves stay (a macro keeps the filter it was compiled with); what they call changes.
        ("dates: cached formatters", uncached_dates, lambda: setattr_all(i18n, _formatted=cached[0], _formatter=cached[1])),
    ]
    cpu_ms(30)  # warm up
    rows = []
    for _ in range(ROUNDS):  # interleaved, so drift on the machine hits every variant alike
        for _name, off, _on in toggles:
            off()
        rows.append(("both off (as before)", cpu_ms(RUNS)))
        for name, _off, on in toggles:
            on()
            rows.append((f"+ {name}", cpu_ms(RUNS)))
    print(f"issue thread with 30 replies: median CPU per request, {RUNS} requests x {ROUNDS} rounds")
    for label in dict.fromkeys(name for name, _ in rows):
        values = [ms for name, ms in rows if name == label]
        print(f"  {label:30} {statistics.median(values):6.2f} ms   (rounds: {', '.join(f'{v:.2f}' for v in values)})")


if __name__ == "__main__":
    main()
