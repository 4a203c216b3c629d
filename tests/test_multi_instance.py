"""Issue 23, item 6: more than one machine. Two gunicorn instances on different ports, two mail workers and two
`run-jobs --loop` processes, on one PostgreSQL and one Redis, as two servers behind a load balancer would run:
a session made on one instance works on the other, logout on one ends it on both, the login rate limit is
shared, every queued mail is sent exactly once, and a reminder is sent once, not twice."""
import http.cookiejar
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from flask_migrate import upgrade
from sqlalchemy import func, select

from naborad import ROOT, create_app
from naborad.extensions import db
from naborad.mail import queue_mail
from naborad.models import (
    MailStatus,
    Meeting,
    MeetingResponse,
    Notification,
    OutboxMail,
    ReminderSent,
    Role,
    RsvpAnswer,
    User,
    utcnow,
)
from naborad.passwords import hash_password

from .conftest import BASE_CONFIG, Inbox, csrf_from
from .helpers import CHEAP_ARGON2_ENV, free_port

pytestmark = pytest.mark.slow

REDIS_URL = os.environ.get("NABORAD_TEST_REDIS_URL", "redis://127.0.0.1:6379/11")
PASSWORD = "correct horse battery"
QUEUED = 30


class Client:
    """A browser's cookie jar over both instances (a cookie is not tied to a port), no redirects followed."""

    def __init__(self, jar=None):
        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None
        self.jar = jar if jar is not None else http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def copy(self):
        jar = http.cookiejar.CookieJar()
        for cookie in self.jar:
            jar.set_cookie(cookie)
        return Client(jar)

    def request(self, url, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(url, body, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def post_form(self, page_url, url, data):
        """POST `data` with the CSRF token of the page at `page_url` (as a browser submits a form)."""
        status, html = self.request(page_url)
        assert status == 200, (page_url, status)
        return self.request(url, {"csrf_token": csrf_from(html), **data})


@pytest.fixture
def redis_url():
    import redis
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"Redis does not answer at {REDIS_URL}")
    client.flushdb()
    yield REDIS_URL
    client.flushdb()
    client.close()


@pytest.fixture
def pg_url(fresh_database_url):
    if not fresh_database_url.startswith("postgresql"):
        pytest.skip("several instances share a PostgreSQL database (NABORAD_TEST_DATABASE_URL; the PostgreSQL pass)")
    return fresh_database_url


def _council(url):
    """The schema, a member who said yes to tomorrow's meeting, and QUEUED mails waiting in the outbox."""
    app = create_app({**BASE_CONFIG, "DATABASE_URL": url})
    with app.app_context():
        upgrade(revision="heads")
        password = hash_password(PASSWORD)
        kari = User(username="kari", display_name="Kari", role=Role.NEIGHBOUR, email="kari@example.org",
                    password_hash=password)
        others = [User(username=f"m{i}", display_name=f"M {i}", role=Role.NEIGHBOUR, email=f"m{i}@example.org",
                       password_hash=password) for i in range(QUEUED)]
        meeting = Meeting(starts_at=utcnow() + timedelta(hours=24), place="Fellesrommet")
        db.session.add_all([kari, meeting, *others])
        db.session.flush()
        db.session.add(MeetingResponse(meeting_id=meeting.id, user_id=kari.id, answer=RsvpAnswer.YES))
        for member in others:
            queue_mail(member.email, "password_reset_request")
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return app


def _start(command, env, log):
    return subprocess.Popen([sys.executable, "-m", *command], cwd=str(ROOT), env=env, stdout=log,
                            stderr=subprocess.STDOUT)


def test_two_instances_two_mail_workers_and_two_schedulers_share_one_database_and_one_redis(
        pg_url, redis_url, tmp_path):
    import redis
    app = _council(pg_url)
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    ports = [free_port(), free_port()]
    a, b = (f"http://127.0.0.1:{port}" for port in ports)
    env = {**os.environ, **CHEAP_ARGON2_ENV, "NABORAD_DATABASE_URL": pg_url, "NABORAD_SECRET_KEY": "one-secret-for-every-instance",
           "NABORAD_BASE_URL": a, "NABORAD_RATELIMIT_STORAGE_URL": redis_url, "NABORAD_LOGIN_IP_LIMIT": "6 per hour",
           "NABORAD_MAIL_SERVER": "127.0.0.1", "NABORAD_MAIL_PORT": str(smtp.port),
           "NABORAD_TWO_FACTOR_REQUIRED": "false"}
    logs = {name: open(tmp_path / f"{name}.log", "w") for name in ("web1", "web2", "mail1", "mail2", "jobs1", "jobs2")}
    processes = []
    try:
        for name, port in zip(("web1", "web2"), ports):
            processes.append(_start(["gunicorn", "-c", "deploy/gunicorn.conf.py", "--workers", "1",
                                     "--bind", f"127.0.0.1:{port}", "wsgi:app"], env, logs[name]))
        for name in ("mail1", "mail2"):
            processes.append(_start(["flask", "--app", "naborad", "send-mail", "--loop", "--interval", "0.3"], env,
                                    logs[name]))
        for name in ("jobs1", "jobs2"):
            processes.append(_start(["flask", "--app", "naborad", "run-jobs", "--loop"], env, logs[name]))
        for base in (a, b):
            started = time.monotonic()
            while True:
                try:
                    if Client().request(base + "/healthz")[0] == 200:
                        break
                except OSError:
                    pass
                assert time.monotonic() - started < 180, f"{base} did not start"
                time.sleep(0.1)

        # A session made on one instance works on the other; logout on one ends it on both.
        browser = Client()
        status, _ = browser.post_form(a + "/logg-inn", a + "/logg-inn", {"login": "kari", "password": PASSWORD})
        assert status == 303
        assert browser.request(b + "/")[0] == 200
        copied = browser.copy()  # the same cookie, kept (as on a second device or by a thief)
        assert copied.request(a + "/")[0] == 200
        assert browser.post_form(b + "/", b + "/logg-ut", {})[0] == 303
        assert copied.request(a + "/")[0] == 303  # to the login page: the session is gone on A too
        assert copied.request(b + "/")[0] == 303

        # The login rate limit (6 from one address; an hour's window, so a slow machine cannot outlast it) counts in
        # Redis, shared by both instances.
        redis.Redis.from_url(redis_url).flushdb()
        guesser = Client()
        answers = [guesser.post_form(a + "/logg-inn", (a, b)[i % 2] + "/logg-inn",
                                     {"login": f"nobody{i}", "password": "wrong"})[0] for i in range(6)]
        assert answers == [422] * 6, answers
        assert guesser.post_form(a + "/logg-inn", a + "/logg-inn", {"login": "nobody", "password": "x"})[0] == 429
        assert guesser.post_form(b + "/logg-inn", b + "/logg-inn", {"login": "nobody", "password": "x"})[0] == 429

        # Every queued mail is sent exactly once, and tomorrow's meeting reminder once (two schedulers raced).
        with app.app_context():
            deadline = time.monotonic() + 180
            while time.monotonic() < deadline:
                waiting = db.session.scalar(select(func.count()).select_from(OutboxMail).where(
                    OutboxMail.status.in_([MailStatus.PENDING, MailStatus.SENDING])))
                reminded = db.session.scalar(select(func.count()).select_from(ReminderSent))
                db.session.rollback()
                if not waiting and reminded and len(inbox.messages) >= QUEUED + 1:
                    break
                time.sleep(0.3)
            time.sleep(1.5)  # a second copy of anything would arrive now
            sent = db.session.scalar(select(func.count()).select_from(OutboxMail).where(
                OutboxMail.status == MailStatus.SENT))
            reminders = db.session.scalar(select(func.count()).select_from(Notification).where(
                Notification.kind == "reminder"))
            reminder_rows = db.session.scalar(select(func.count()).select_from(ReminderSent))
            db.session.remove()
            db.engine.dispose()
        recipients = Counter(to for tos, _ in inbox.messages for to in tos)
        assert recipients == Counter({f"m{i}@example.org": 1 for i in range(QUEUED)} | {"kari@example.org": 1})
        assert len({message["Message-ID"] for _, message in inbox.messages}) == QUEUED + 1
        assert sent == QUEUED + 1 and reminders == 1 and reminder_rows == 1
        # Both workers and both schedulers were up; the reminders job ran in one of the two alone.
        for log in logs.values():
            log.flush()
        ran = [name for name in ("jobs1", "jobs2") if "Job send-reminders" in (tmp_path / f"{name}.log").read_text()]
        assert len(ran) == 1, ran
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
        smtp.stop()
        for log in logs.values():
            log.close()
    for name in logs:
        assert "Traceback" not in (tmp_path / f"{name}.log").read_text(), name
    # gunicorn's access lines and the app's request lines follow the log rule: no path, no name, no address.
    web = (tmp_path / "web1.log").read_text() + (tmp_path / "web2.log").read_text()
    assert " POST 303 " in web and "rid=" in web and "endpoint=auth.login status=303" in web
    for leak in ("/logg-inn", "/logg-ut", "kari", "Kari", "127.0.0.1 -", "nobody", "Mozilla", "Python-urllib"):
        assert leak not in web, leak
