"""The route-by-role matrix of test_access.py, run: every endpoint, every method, every kind of visitor.

The sample data and one logged-in member per kind of visitor are built once per module inside a
transaction that is never committed; each case runs in a savepoint of it that is rolled back, so
every case starts from the same data however the one before it changed things (and the database
is untouched afterwards).
"""
import re
from contextlib import contextmanager

import pytest
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import event
from sqlalchemy.orm import scoped_session, sessionmaker

from naborad import create_app
from naborad.extensions import db, limiter
from naborad.models import Role, StaffAlert, User

from .conftest import BASE_CONFIG, RequestClient, log_in, user_maker
from .helpers import HX, build_samples
from .test_access import LOGIN, MATRIX, OK, OK200, OK303, OK303_PLAIN, OK303_SWAP, OK422, VISITORS, success_answer


@contextmanager
def _one_connection(app):
    """Every session (the fixture's and each request's) works on one connection, inside savepoints of a
    transaction that is rolled back at the end."""
    connection = db.engine.connect()
    outer = connection.begin()
    saved = db.session
    db.session = scoped_session(sessionmaker(bind=connection, join_transaction_mode="create_savepoint"),
                                scopefunc=_app_ctx_id)
    try:
        yield connection
    finally:
        db.session.remove()
        db.session = saved
        outer.rollback()
        connection.close()


@pytest.fixture(scope="module")
def world(database_url):
    """(app, sample ids, {visitor: session cookie}); the deactivated member was deactivated with the session open."""
    app = create_app({**BASE_CONFIG, "DATABASE_URL": database_url})
    app.test_client_class = RequestClient
    with app.app_context():
        with _one_connection(app) as connection:
            yield app, *_build_world(app), connection
        db.engine.dispose()  # this app's pool closes with the module (no connection left to the garbage collector)


def _build_world(app):
    """The sample data, and a session cookie per kind of visitor."""
    make_user = user_maker()
    ids = build_samples(make_user)
    cookies = {}
    for visitor in VISITORS:
        if visitor == "anon":
            continue
        user = make_user(Role.NEIGHBOUR if visitor == "deactivated" else Role(visitor))
        client = app.test_client()
        assert log_in(client, user.username).status_code == 303
        cookies[visitor] = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
        if visitor == "deactivated":
            user.is_active_member = False
            db.session.commit()
    return ids, cookies


@contextmanager
def _case(world):
    """A client maker for one case; whatever the case changes is rolled back after it."""
    app, ids, cookies, connection = world
    savepoint = connection.begin_nested()
    limiter.reset()

    def as_visitor(visitor):
        client = app.test_client()
        if visitor in cookies:
            client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookies[visitor])
        return client, ids
    try:
        yield as_visitor
    finally:
        db.session.remove()
        if savepoint.is_active:
            savepoint.rollback()


@pytest.fixture
def visit(world):
    with _case(world) as as_visitor:
        yield as_visitor


def test_each_case_starts_from_the_same_data(world):
    """A case that logs out, deactivates a member and posts a reply leaves nothing for the next one."""
    from naborad.models import Reply, User
    with _case(world) as as_visitor:
        client, ids = as_visitor("staff")
        assert client.post(f"/medlemmer/{ids['member']}/deaktiver").status_code == 303
        assert client.post(f"/saker/{ids['issue']}/svar", data={"body": "A reply to roll back"}).status_code == 303
        assert db.session.scalar(db.select(Reply).where(Reply.body == "A reply to roll back")) is not None
        assert client.post("/logg-ut").status_code == 303
        assert as_visitor("staff")[0].get("/profil").headers["Location"].startswith("/logg-inn")  # session ended
    with _case(world) as as_visitor:
        client, ids = as_visitor("staff")
        assert client.get("/profil").status_code == 200  # the session that logged out is back
        assert db.session.get(User, ids["member"]).is_active_member
        assert db.session.scalar(db.select(Reply).where(Reply.body == "A reply to roll back")) is None


CASES = [(endpoint, method, visitor) for (endpoint, method) in MATRIX for visitor in VISITORS]


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize("endpoint,method,visitor", CASES, ids=[f"{e}-{m}-{v}" for e, m, v in CASES])
def test_access_matrix(visit, endpoint, method, visitor, htmx):
    path, expectations, answer = MATRIX[(endpoint, method)]
    expected = expectations[visitor]
    client, samples = visit(visitor)
    headers = HX if htmx else {}
    response = client.open(path.format(**samples), method=method, headers=headers)
    response.close()
    where = f"{method} {path} as {visitor}{' (htmx)' if htmx else ''}"
    if expected == OK:
        assert_success(response, success_answer(answer, visitor), htmx, where,
                       to_login=endpoint == "auth.logout"
                       or (endpoint == "auth.two_factor_code" and visitor in ("anon", "deactivated")))
    elif expected == LOGIN:
        if htmx:
            assert response.status_code == 200 and response.headers["HX-Redirect"].startswith("/logg-inn"), where
        else:
            assert response.status_code == 303 and response.headers["Location"].startswith("/logg-inn"), where
    else:
        assert response.status_code == expected, f"{where}: {response.status_code}, expected {expected}"
        if htmx:
            assert response.headers.get("HX-Retarget") == "#alerts", where


def assert_success(response, answer, htmx, where, to_login=False):
    """The one answer the row names (test_access.py's OK200, OK303, ...), nothing else."""
    status, headers = response.status_code, response.headers
    where = f"{where}: {status} {headers.get('Location') or headers.get('HX-Redirect') or ''}, expected {answer}"
    if answer == OK200 or (answer == OK303_SWAP and htmx):
        assert status == 200 and "HX-Redirect" not in headers and "Location" not in headers, where
        if htmx and answer == OK303_SWAP:
            assert "HX-Request" in headers.get("Vary", ""), where
    elif answer == OK422:
        assert status == 422 and "HX-Redirect" not in headers, where
    elif answer == OK303 and htmx:
        assert status == 200 and "Location" not in headers and headers.get("HX-Redirect"), where
        assert headers["HX-Redirect"].startswith("/logg-inn") == to_login, where
    else:  # OK303 and OK303_SWAP without htmx, OK303_PLAIN always
        assert answer in (OK303, OK303_SWAP, OK303_PLAIN) and status == 303, where
        assert headers["Location"].startswith("/logg-inn") == to_login, where


# -- a GET never writes (issue 14, item 10) ----------------------------------------------------

# Writes a GET may make: the session's last-seen touch (at most once a minute, auth/sessions.TOUCH_EVERY)
# and the login throttle's bookkeeping.
GET_MAY_WRITE = {("UPDATE", "user_session"), ("INSERT", "login_failure"), ("DELETE", "login_failure")}
WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.I)
GETS = [(endpoint, visitor) for (endpoint, method) in MATRIX if method == "GET" for visitor in VISITORS]


@pytest.mark.parametrize("endpoint,visitor", GETS, ids=[f"{e}-{v}" for e, v in GETS])
def test_a_get_writes_nothing(world, visit, endpoint, visitor):
    """Every GET of the app, by every kind of visitor, runs no INSERT, UPDATE or DELETE (reading a report
    used to mark its alert seen, opening the export wrote an audit row). Every staff member has an unseen
    alert about the sample report, so that opening it would have something to mark."""
    path = MATRIX[(endpoint, "GET")][0]
    client, samples = visit(visitor)
    for staff_id in db.session.scalars(db.select(User.id).where(User.role == Role.STAFF)):
        db.session.add(StaffAlert(user_id=staff_id, report_id=samples["report"]))
    db.session.commit()
    writes = []

    def record(conn, cursor, statement, *args):
        match = WRITE.match(statement)
        if match and (match.group(1).split()[0].upper(), match.group(2)) not in GET_MAY_WRITE:
            writes.append(statement.split("\n")[0][:120])
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        client.get(path.format(**samples)).close()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert not writes, f"GET {path} as {visitor} wrote: {writes}"
