"""Fixtures: a real database (SQLite file, or PostgreSQL with NABORAD_TEST_DATABASE_URL), emptied after each test;
logged-in clients, issues, the matrix's sample data and a local SMTP server."""
import os
import re
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from naborad import create_app
from naborad.extensions import db, limiter
from naborad.models import ChairSeat, Issue, IssueFollow, Role, User, search_key

from .helpers import build_samples, free_port

PASSWORD = "correct horse battery"

BASE_CONFIG = {
    "TESTING": True,
    "WTF_CSRF_ENABLED": False,
    "ARGON2_TIME_COST": 1,
    "ARGON2_MEMORY_COST": 8,
    "ARGON2_PARALLELISM": 1,
    "BASE_URL": "http://localhost",
    "RATELIMIT_STORAGE_URL": "memory://",
    "JINJA_STRICT": True,
    # Two-factor sign-in is tested where it is switched on (tests/test_two_factor.py).
    "TWO_FACTOR_REQUIRED": False,
}


def pytest_configure(config):
    config.addinivalue_line("markers", "config(**overrides): app config for this test")


@pytest.fixture(scope="session")
def worker_id(request):
    """pytest-xdist's worker name ("gw0", ...), or "master" when it is not in use."""
    return getattr(request.config, "workerinput", {}).get("workerid", "master")


def pytest_report_header(config):
    return f"database: {os.environ.get('NABORAD_TEST_DATABASE_URL') or 'SQLite file'}"


def pytest_collection_modifyitems(config, items):
    """On PostgreSQL (the suite's second pass, after the SQLite one) a test that asks for no database at all
    would only repeat itself: every fixture that reaches a database builds on `database_url`."""
    if not os.environ.get("NABORAD_TEST_DATABASE_URL"):
        return
    repeats = [item for item in items if "database_url" not in getattr(item, "fixturenames", ("database_url",))]
    if repeats:
        config.hook.pytest_deselected(items=repeats)
        items[:] = [item for item in items if "database_url" in getattr(item, "fixturenames", ("database_url",))]


def _worker_database(url: str, worker: str) -> str:
    """With pytest-xdist each worker gets a database of its own on the same server (test_gw1, ...)."""
    if worker in ("master", "gw0"):
        return url
    base, name = url.rsplit("/", 1)
    own = f"{name}_{worker}"
    admin = create_engine(f"{base}/postgres".replace("postgresql://", "postgresql+psycopg://", 1),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": own}).scalar():
            conn.execute(text(f'CREATE DATABASE "{own}"'))
    admin.dispose()
    return f"{base}/{own}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, worker_id):
    url = os.environ.get("NABORAD_TEST_DATABASE_URL")
    if url:
        url = _worker_database(url, worker_id)
        engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.begin() as conn:  # start from an empty schema
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    app = create_app({**BASE_CONFIG, "DATABASE_URL": url})
    with app.app_context():
        upgrade(revision="heads")  # the real migrations build the schema (every branch)
        db.engine.dispose()
    return url


class RequestClient(FlaskClient):
    """Each request runs in its own app context (its own g and db session), as in production.

    The test's own session is committed before and so reads fresh data after.
    """

    def open(self, *args, **kwargs):
        db.session.commit()
        with self.application.app_context():
            return super().open(*args, **kwargs)


_apps = {}


@pytest.fixture
def app(request, database_url):
    """One app per set of config overrides (building one costs ~0.1 s); the data is emptied after each test."""
    overrides = {}
    for marker in request.node.iter_markers("config"):
        overrides = {**marker.kwargs, **overrides}
    key = (database_url, tuple(sorted(overrides.items())))
    if key not in _apps:
        _apps[key] = create_app({**BASE_CONFIG, "DATABASE_URL": database_url, **overrides})
        _apps[key].test_client_class = RequestClient
    app = _apps[key]
    saved_config = dict(app.config)
    limiter.reset()  # rate-limit counters start at zero in every test
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            with db.engine.begin() as conn:
                empty_every_table(conn)
            app.config.clear()
            app.config.update(saved_config)


def empty_every_table(conn) -> None:
    """Delete every row of every table, children first. PostgreSQL takes the DELETEs as one script in one
    round trip (its simple query protocol runs several statements); one DELETE at a time cost a third of a
    short test's time there. SQLite's driver runs one statement a call, and a call costs little."""
    tables = list(reversed(db.metadata.sorted_tables))
    if conn.dialect.name == "postgresql":
        quote = conn.dialect.identifier_preparer.format_table
        # The names are our own tables', quoted by the dialect: nothing from outside reaches this string.
        conn.exec_driver_sql("; ".join(f"DELETE FROM {quote(table)}" for table in tables))  # noqa: S608
    else:
        for table in tables:
            conn.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


_counter = iter(range(1, 10**9))


def user_maker():
    """make(role, username=None, ...) -> a committed member whose password is PASSWORD."""
    from naborad.passwords import hash_password
    password_hash = hash_password(PASSWORD)

    def make(role=Role.NEIGHBOUR, username=None, *, seat=None, email=None, active=True, **fields):
        role = Role(role)
        if role == Role.CHAIR and seat is None:
            seat = ChairSeat.CHAIR
        n = next(_counter)
        username = username or f"{role.value}{n}"
        user = User(username=username, display_name=fields.pop("display_name", username.title()),
                    role=role, chair_seat=seat, email=email, is_active_member=active,
                    password_hash=password_hash, **fields)
        db.session.add(user)
        db.session.commit()
        return user
    return make


@pytest.fixture
def make_user(app):
    return user_maker()


def log_in(client, login, password=PASSWORD):
    return client.post("/logg-inn", data={"login": login, "password": password})


@pytest.fixture
def login_as(client, make_user):
    """Log the test client in as a new member of the given role; returns the user."""
    def login(role, **kwargs):
        user = make_user(role, **kwargs)
        response = log_in(client, user.username)
        assert response.status_code == 303, response.data[:500]
        return user
    return login


@pytest.fixture
def client_for(app, make_user):
    """client_for(role or member, **fields) -> (a client of its own, logged in, and the member).

    Given a role, a new member of that role is made (with `fields`); given a member, that member logs in.
    """
    def login(who=Role.NEIGHBOUR, **fields):
        user = who if isinstance(who, User) else make_user(who, **fields)
        client = app.test_client()
        response = log_in(client, user.username)
        assert response.status_code == 303, response.data[:500]
        return client, user
    return login


A_NEW_NEIGHBOUR = object()  # make_issue's default author


@pytest.fixture
def make_issue(make_user):
    """make(author=a new neighbour, title, body, follow=False, **fields) -> a committed issue.

    `author=None` gives an issue without an author (as after an account is deleted); `follow=True` makes the
    author follow it, as opening an issue in the app does.
    """
    def make(author=A_NEW_NEIGHBOUR, title="Støy i bakgården", body="Det er bråk om natta.", *, follow=False,
             **fields):
        if author is A_NEW_NEIGHBOUR:
            author = make_user(Role.NEIGHBOUR)
        issue = Issue(title=title, body=body, category=fields.pop("category", "noise"),
                      author_id=author.id if author else None, search_text=search_key(title, body), **fields)
        db.session.add(issue)
        db.session.flush()
        if follow:
            db.session.add(IssueFollow(issue_id=issue.id, user_id=author.id))
        db.session.commit()
        return issue
    return make


@pytest.fixture
def samples(make_user):
    """The matrix's sample data (tests/helpers.py: build_samples): one thing of every kind; their ids."""
    return build_samples(make_user)


class Inbox:
    """What a local SMTP server received: [(recipients, message)]."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


@pytest.fixture
def smtp(app):
    """A real SMTP server on a local port (aiosmtpd), and the app set to send to it; yields its Inbox."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_SENDER="Naborådet <n@example.org>")
    yield inbox
    controller.stop()


def csrf_from(html: bytes | str) -> str:
    text_ = html.decode() if isinstance(html, bytes) else html
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', text_) or \
        re.search(r'name="csrf_token" value="([^"]+)"', text_)
    assert match, "no CSRF token in page"
    return match.group(1)


@pytest.fixture
def fresh_database_url(database_url, tmp_path):
    """An empty database of the suite's kind, for a test that builds or tears down a whole schema (issue 23):
    a new SQLite file, or a new PostgreSQL database beside the worker's (dropped afterwards)."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    base, name = database_url.rsplit("/", 1)
    own = f"{name}_fresh"
    admin = create_engine(f"{base}/postgres".replace("postgresql://", "postgresql+psycopg://", 1),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{own}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{own}"'))
    try:
        yield f"{base}/{own}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{own}" WITH (FORCE)'))
        admin.dispose()
