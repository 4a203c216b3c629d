"""Page cost with little and with much data, measured side by side in one run.

For each main page: SQL statements per request and median time over several requests, first with
a small council and then with a large one (thousands of issues, a 500-reply thread, many meetings,
events and notifications). The ratio column is large/small; a page that scales well stays near 1.

    .venv/bin/python scripts/bench.py            # SQLite file in a temporary folder
    NABORAD_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench .venv/bin/python scripts/bench.py
"""
import os
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import event, insert, select, text  # noqa: E402

from naborad import create_app  # noqa: E402
from naborad.cli import load_demo_data  # noqa: E402
from naborad.extensions import db  # noqa: E402
from naborad.models import (  # noqa: E402
    ActionItem,
    AgendaItem,
    Issue,
    ItemState,
    Meeting,
    MeetingStatus,
    Notification,
    Reply,
    User,
    utcnow,
)

PASSWORD = "bench password 1"
RUNS = 15
PAGES = [("dashboard", "/"), ("issue list", "/saker/"), ("issue search", "/saker/?q=støy"),
         ("thread", "/saker/{thread}"), ("meetings", "/moter/"), ("meeting", "/moter/{meeting}"),
         ("action items", "/moter/oppfolging?status=all"), ("decision log", "/moter/vedtak"),
         ("events", "/arrangementer/"), ("notifications", "/varsler/"), ("members", "/medlemmer/")]


@contextmanager
def counting():
    seen = []

    def before(conn, cursor, statement, *args):
        if not statement.startswith("BEGIN"):
            seen.append(statement)
    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


def make_app(url):
    app = create_app({"TESTING": True, "DATABASE_URL": url, "WTF_CSRF_ENABLED": False, "ARGON2_TIME_COST": 1,
                      "ARGON2_MEMORY_COST": 8, "ARGON2_PARALLELISM": 1,
                      "TWO_FACTOR_REQUIRED": False})  # the demo council's staff login, as `make run` serves it
    with app.app_context():
        if url.startswith("postgresql"):
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
        load_demo_data(PASSWORD)
    return app


def grow(app):
    """Add the large council's data in bulk."""
    with app.app_context():
        users = db.session.scalars(select(User)).all()
        staff = next(u for u in users if u.username == "ansatt")
        now = utcnow()
        db.session.execute(insert(Issue), [
            {"title": f"Sak {n} om støy og trafikk", "body": "x " * 50, "category": "noise", "status": "new",
             "author_id": users[n % len(users)].id, "search_text": f"sak {n} om støy og trafikk",
             "created_at": now, "last_activity_at": now - timedelta(minutes=n), "reply_count": 0}
            for n in range(3000)])
        thread = db.session.scalar(select(Issue.id).order_by(Issue.id))
        db.session.execute(insert(Reply), [
            {"issue_id": thread, "author_id": users[n % len(users)].id, "body": f"Svar nummer {n}. " * 5,
             "created_at": now - timedelta(minutes=600 - n)} for n in range(500)])
        meeting = db.session.scalar(select(Meeting.id).where(Meeting.status == MeetingStatus.PLANNED))
        for m in range(60):
            past = Meeting(starts_at=now - timedelta(days=30 + 7 * m), place="Fellesrommet",
                           status=MeetingStatus.APPROVED)
            db.session.add(past)
            db.session.flush()
            for k in range(6):
                item = AgendaItem(meeting_id=past.id, title=f"Punkt {k}", state=ItemState.ACCEPTED, position=k,
                                  decision=f"Vedtak {m}-{k}", search_text=f"punkt {k} vedtak {m}-{k}")
                db.session.add(item)
                db.session.flush()
                db.session.add(ActionItem(agenda_item_id=item.id, meeting_id=past.id, what=f"Gjøre {m}-{k}",
                                          assignee_id=users[k % len(users)].id))
        db.session.execute(insert(AgendaItem), [
            {"meeting_id": meeting, "title": f"Forslag {n}", "state": "proposed", "position": 0,
             "proposer_id": users[n % len(users)].id, "search_text": "", "created_at": now,
             "from_premeeting": False, "concerns_residents": False, "residents_heard": False}
            for n in range(80)])
        db.session.execute(insert(Notification), [
            {"user_id": staff.id, "kind": "issue_reply", "subject_type": "issue", "subject_id": thread,
             "created_at": now, "mail_mode": "off"} for _ in range(400)])
        db.session.commit()


def measure(app, ids):
    client = app.test_client()
    client.post("/logg-inn", data={"login": "ansatt", "password": PASSWORD})
    results = {}
    with app.app_context():
        for name, path in PAGES:
            url = path.format(**ids)
            client.get(url)  # warm-up
            with counting() as seen:
                client.get(url)
            times = []
            for _ in range(RUNS):
                start = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - start)
                assert response.status_code == 200, (url, response.status_code)
            results[name] = (len(seen), statistics.median(times) * 1000, len(response.data))
    return results


def main():
    url = os.environ.get("NABORAD_BENCH_DATABASE_URL")
    with tempfile.TemporaryDirectory() as tmp:
        url = url or f"sqlite:///{tmp}/bench.sqlite3"
        app = make_app(url)
        with app.app_context():
            ids = {"thread": db.session.scalar(select(Issue.id).order_by(Issue.id)),
                   "meeting": db.session.scalar(select(Meeting.id).where(Meeting.status == MeetingStatus.PLANNED))}
        small = measure(app, ids)
        grow(app)
        large = measure(app, ids)
    print(f"database: {url.split(':')[0]}; median of {RUNS} requests per page; staff login")
    print(f"{'page':<15}{'queries':>9}{'queries':>9}{'ms':>9}{'ms':>9}{'ratio':>7}{'KB':>7}{'KB':>7}")
    print(f"{'':<15}{'small':>9}{'large':>9}{'small':>9}{'large':>9}{'':>7}{'small':>7}{'large':>7}")
    for name, _ in PAGES:
        qs, ms, bs = small[name]
        ql, ml, bl = large[name]
        print(f"{name:<15}{qs:>9}{ql:>9}{ms:>9.1f}{ml:>9.1f}{ml / ms:>7.2f}{bs / 1024:>7.1f}{bl / 1024:>7.1f}")


if __name__ == "__main__":
    main()
