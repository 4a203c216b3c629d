"""No 500 under concurrency (issue 16, item 3): page views that also refresh the session's last-seen time,
many at once, through gunicorn with 2 workers on the real database (SQLite file or PostgreSQL)."""
import threading
from datetime import timedelta

from sqlalchemy import update

from naborad.auth.sessions import TOUCH_EVERY
from naborad.extensions import db
from naborad.models import Role, UserSession, utcnow

from .conftest import PASSWORD, csrf_from
from .helpers import Browser, gunicorn

MEMBERS, VIEWS_EACH, ROUNDS = 12, 2, 3


def test_page_views_across_the_last_seen_interval_never_fail(app, database_url, make_user):
    """Every round, every session is older than the last-seen interval, so every first view of it writes;
    with the writes of a deferred SQLite transaction this failed as 'database is locked' (HTTP 500)."""
    usernames = [make_user(Role.NEIGHBOUR).username for _ in range(MEMBERS)]
    db.session.commit()  # the test's own session must not hold SQLite's write lock while the server works
    with gunicorn(database_url, workers=2, threads=4) as base:
        browsers = []
        for username in usernames:
            browser = Browser(base)
            token = csrf_from(browser.request("/logg-inn")[1])
            assert browser.request("/logg-inn", {"login": username, "password": PASSWORD,
                                                 "csrf_token": token})[0] == 303
            browsers.append(browser)
        statuses = []
        for _ in range(ROUNDS):
            db.session.execute(update(UserSession).values(last_seen_at=utcnow() - TOUCH_EVERY - timedelta(seconds=5)))
            db.session.commit()
            barrier = threading.Barrier(MEMBERS * VIEWS_EACH)

            def view(browser):
                barrier.wait(30)
                statuses.append(browser.request("/saker/")[0])
            threads = [threading.Thread(target=view, args=(b,)) for b in browsers for _ in range(VIEWS_EACH)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(60)
    assert len(statuses) == MEMBERS * VIEWS_EACH * ROUNDS
    assert statuses.count(200) == len(statuses), sorted(set(statuses))
    # Every session was seen again: the touch was written (or retried by a later view), not lost for good.
    db.session.expire_all()
    assert all(s.last_seen_at > utcnow() - TOUCH_EVERY for s in db.session.query(UserSession))
