"""Two-factor sign-in (issue 14): enrolment with a known secret, the code after the password, recovery codes,
throttling, the requirement for the chair and staff, staff's reset and turning it off."""
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from naborad.auth import second_factor
from naborad.config import load
from naborad.extensions import db
from naborad.models import (
    AuditEvent,
    LoginFailure,
    Notification,
    OutboxMail,
    RecoveryCode,
    Role,
    SecondFactor,
    UserSession,
    utcnow,
)
from naborad.tokens import code_hash

from .conftest import PASSWORD, csrf_from, log_in
from .helpers import count

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
HTMX = {"HX-Request": "true"}

required = pytest.mark.config(TWO_FACTOR_REQUIRED=True)


class Clock:
    """The time second_factor reads, held still so that a test decides which time step a code belongs to."""

    def __init__(self):
        self.now = utcnow()

    def tick(self, steps=1):
        self.now += timedelta(seconds=30 * steps)

    def code(self, offset=0, secret=SECRET):
        return pyotp.TOTP(secret).at(self.now + timedelta(seconds=30 * offset))

    def wrong(self, n=1):
        """Six-digit codes that no step of the window accepts now."""
        window = {self.code(-1), self.code(), self.code(1)}
        return [c for c in ("123456", "234567", "345678", "456789", "567890", "678901", "789012") if c not in window][:n]


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(second_factor, "utcnow", lambda: clock.now)
    monkeypatch.setattr(second_factor.pyotp, "random_base32", lambda *args, **kwargs: SECRET)
    return clock


def enrol(client, clock) -> list[str]:
    """Set up two-factor sign-in as the logged-in member, through the pages; returns the recovery codes."""
    assert client.post("/profil/to-trinn/start").status_code == 303
    response = client.post("/profil/to-trinn", data={"code": clock.code()})
    assert response.status_code == 200, response.data[:300]
    clock.tick()  # the next code is a new time step
    codes = response.get_data(as_text=True).split('<li class="code-link">')[1:]
    return [c.split("</li>")[0].strip() for c in codes]


@pytest.fixture
def enrolled(client, make_user, clock):
    """make(role) -> (member, recovery codes): a member with two-factor sign-in, logged out."""
    def make(role=Role.NEIGHBOUR, **kwargs):
        member = make_user(role, **kwargs)
        assert log_in(client, member.username).status_code == 303
        codes = enrol(client, clock)
        assert client.post("/logg-ut").status_code == 303
        return member, codes
    return make


def actions(*names):
    return [e.action for e in db.session.scalars(select(AuditEvent).where(AuditEvent.action.in_(names))
                                                 .order_by(AuditEvent.id))]


# -- enrolment ---------------------------------------------------------------------------------------

def test_enrolment_shows_a_qr_code_and_the_secret_then_a_code_turns_it_on(app, client, login_as, clock):
    member = login_as(Role.NEIGHBOUR)
    page = client.get("/profil/to-trinn")
    assert page.status_code == 200 and b"/profil/to-trinn/start" in page.data
    assert client.post("/profil/to-trinn/start").headers["Location"].startswith("/profil/to-trinn")
    page = client.get("/profil/to-trinn").get_data(as_text=True)
    assert '<svg role="img"' in page and "JBSW Y3DP EHPK" in page  # the QR code, and the key to type
    assert 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page
    assert SecondFactor.confirmed_for(member) is None

    wrong = client.post("/profil/to-trinn", data={"code": clock.wrong()[0]})
    assert wrong.status_code == 422
    assert 'aria-describedby="code-hint code-error"' in wrong.get_data(as_text=True)

    done = client.post("/profil/to-trinn", data={"code": clock.code()})
    assert done.status_code == 200 and b"data-print" in done.data
    text = done.get_data(as_text=True)
    codes = [c.split("</li>")[0].strip() for c in text.split('<li class="code-link">')[1:]]
    assert len(set(codes)) == 10
    assert SecondFactor.confirmed_for(member) is not None
    stored = set(db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == member.id)))
    assert stored == {code_hash(c) for c in codes}  # hashes only
    # Neither the codes nor the secret are in the signed cookie.
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    saved = str(app.session_interface.get_signing_serializer(app).loads(cookie))
    assert not any(c in saved or c.replace("-", "") in saved for c in codes) and SECRET not in saved
    assert actions("second_factor_enrolled", "second_factor_failed") == ["second_factor_failed",
                                                                         "second_factor_enrolled"]
    # Shown once: the page now says it is on, and lists no codes.
    again = client.get("/profil/to-trinn").get_data(as_text=True)
    assert codes[0] not in again and "/profil/to-trinn/av" in again


def test_a_confirmed_second_factor_cannot_be_started_over(client, login_as, clock):
    login_as(Role.NEIGHBOUR)
    enrol(client, clock)
    assert client.post("/profil/to-trinn/start").status_code == 403


# -- the code after the password ------------------------------------------------------------------------

def test_login_with_a_code(client, enrolled, clock):
    member, _ = enrolled()
    response = client.post("/logg-inn?next=/saker/", data={"login": member.username, "password": PASSWORD})
    assert response.status_code == 303 and response.headers["Location"] == "/logg-inn/kode?next=/saker/"
    assert client.get("/").headers["Location"].startswith("/logg-inn/kode")  # not logged in yet
    page = client.get("/logg-inn/kode?next=/saker/").get_data(as_text=True)
    assert 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page
    response = client.post("/logg-inn/kode?next=/saker/", data={"code": clock.code()})
    assert response.status_code == 303 and response.headers["Location"] == "/saker/"
    assert client.get("/").status_code == 200
    assert actions("login_password_ok", "login")[-2:] == ["login_password_ok", "login"]
    # The waiting session became a new one: one row, no longer waiting.
    rows = db.session.scalars(select(UserSession).where(UserSession.user_id == member.id)).all()
    assert [r.second_factor_pending for r in rows] == [False]


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_a_session_waiting_for_the_code_reaches_nothing_but_the_code_page(client, enrolled, htmx):
    member, _ = enrolled(Role.STAFF)
    log_in(client, member.username)
    headers = HTMX if htmx else {}
    for path in ["/", "/saker/", "/profil", "/profil/to-trinn", "/medlemmer/", "/logg/"]:
        response = client.get(path, headers=headers)
        where = response.headers.get("HX-Redirect") if htmx else response.headers.get("Location")
        assert response.status_code == (200 if htmx else 303) and where.startswith("/logg-inn/kode"), path
    assert client.post("/profil/to-trinn/av", data={"password": PASSWORD}, headers=headers).status_code in (200, 303)
    assert SecondFactor.confirmed_for(member) is not None
    assert client.get("/logg-inn/kode").status_code == 200
    assert client.get("/kontakt").status_code == 200  # public pages stay public
    # The unread badge (public, it reads the session itself) shows no count to a session that waits.
    db.session.add(Notification(user_id=member.id, kind="issue_reply", subject_type="issue", subject_id=1))
    db.session.commit()
    assert b'class="count"' not in client.get("/varsler/antall", headers=HTMX).data


@pytest.mark.config(WTF_CSRF_ENABLED=True)
def test_the_code_page_carries_its_own_csrf_token(client, make_user, clock):
    member = make_user(Role.NEIGHBOUR)
    db.session.add(SecondFactor(user_id=member.id, secret=SECRET, confirmed_at=utcnow()))
    db.session.commit()
    token = csrf_from(client.get("/logg-inn").data)
    response = client.post("/logg-inn", data={"login": member.username, "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"].startswith("/logg-inn/kode")
    # The login began a new session, so the login page's token is stale: the form comes back (422), no 400.
    assert client.post("/logg-inn/kode", data={"code": clock.code(), "csrf_token": token}).status_code == 422
    token = csrf_from(client.get("/logg-inn/kode").data)
    assert client.post("/logg-inn/kode", data={"code": clock.code(), "csrf_token": token}).status_code == 303
    assert client.get("/").status_code == 200


def test_the_code_must_come_soon_after_the_password(client, enrolled, clock):
    member, _ = enrolled()
    log_in(client, member.username)
    pending = db.session.scalar(select(UserSession).where(UserSession.user_id == member.id))
    pending.created_at = utcnow() - timedelta(minutes=11)
    db.session.commit()
    response = client.post("/logg-inn/kode", data={"code": clock.code()})
    assert response.status_code == 303 and response.headers["Location"].startswith("/logg-inn")
    assert client.get("/").headers["Location"].startswith("/logg-inn?")


def test_a_recovery_code_works_once(client, enrolled):
    member, codes = enrolled()
    log_in(client, member.username)
    response = client.post("/logg-inn/kode", data={"recovery_code": codes[0]})
    assert response.status_code == 303 and client.get("/").status_code == 200
    assert db.session.scalar(select(AuditEvent.detail).where(AuditEvent.action == "login")
                             .order_by(AuditEvent.id.desc())) == "recovery code"
    client.post("/logg-ut")
    log_in(client, member.username)
    assert client.post("/logg-inn/kode", data={"recovery_code": codes[0]}).status_code == 422
    # Another one works, typed as people type codes from paper.
    assert client.post("/logg-inn/kode", data={"recovery_code": codes[1].lower().replace("-", " ")}).status_code == 303
    assert count(RecoveryCode, RecoveryCode.user_id == member.id, RecoveryCode.used_at.is_(None)) == 8


def test_a_code_is_refused_a_second_time_in_the_same_time_step(client, enrolled, clock):
    member, _ = enrolled()
    code = clock.code()
    log_in(client, member.username)
    assert client.post("/logg-inn/kode", data={"code": code}).status_code == 303
    client.post("/logg-ut")
    log_in(client, member.username)
    assert client.post("/logg-inn/kode", data={"code": code}).status_code == 422
    assert client.post("/logg-inn/kode", data={"code": clock.code(-1)}).status_code == 422  # older: refused too
    assert client.post("/logg-inn/kode", data={"code": clock.code(+1)}).status_code == 303  # next step, in the window


def test_a_code_two_steps_away_is_refused(client, enrolled, clock):
    member, _ = enrolled()
    log_in(client, member.username)
    assert client.post("/logg-inn/kode", data={"code": clock.code(+2)}).status_code == 422
    assert client.post("/logg-inn/kode", data={"code": clock.code(+1)}).status_code == 303


def test_wrong_codes_are_throttled_and_audited_without_the_code(client, enrolled, clock):
    member, _ = enrolled()
    log_in(client, member.username)
    right, wrong = clock.code(), clock.wrong(5)
    for code in wrong:
        assert client.post("/logg-inn/kode", data={"code": code}).status_code == 422
    response = client.post("/logg-inn/kode", data={"code": right})
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    failures = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "second_factor_failed")).all()
    assert len(failures) == 5 and all(e.target_user_id == member.id for e in failures)
    assert not any(code in (e.detail or "") for e in failures for code in wrong)
    keys = set(db.session.scalars(select(LoginFailure.login_key)))
    assert keys == {f"2fa:user:{member.id}@127.0.0.1"}
    # A correct password again does not clear the count of wrong codes.
    log_in(client, member.username)
    assert client.post("/logg-inn/kode", data={"code": right}).status_code == 429


# -- the requirement for the chair and staff ------------------------------------------------------------

@required
@pytest.mark.parametrize("role", [Role.CHAIR, Role.STAFF])
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_chair_and_staff_reach_nothing_before_enrolling(client, login_as, clock, role, htmx):
    login_as(role)
    headers = HTMX if htmx else {}
    for path in ["/", "/saker/", "/moter/", "/medlemmer/", "/profil", "/varsler/"]:
        response = client.get(path, headers=headers)
        where = response.headers.get("HX-Redirect") if htmx else response.headers.get("Location")
        assert response.status_code == (200 if htmx else 303) and where.startswith("/profil/to-trinn"), path
    assert client.get("/").headers["Location"] == "/profil/to-trinn?next=/"
    assert client.get("/profil/to-trinn").status_code == 200
    assert client.get("/kontakt").status_code == 200
    enrol(client, clock)
    assert client.get("/saker/").status_code == 200


@required
def test_enrolment_goes_back_to_where_the_member_was_going(client, login_as, clock):
    login_as(Role.STAFF)
    assert client.get("/saker/").headers["Location"] == "/profil/to-trinn?next=/saker/"
    assert client.post("/profil/to-trinn/start?next=/saker/").headers["Location"] == "/profil/to-trinn?next=/saker/"
    page = client.post("/profil/to-trinn?next=/saker/", data={"code": clock.code()}).get_data(as_text=True)
    assert 'href="/saker/"' in page


@required
def test_a_required_member_can_still_log_out(client, login_as):
    login_as(Role.CHAIR)
    assert client.post("/logg-ut").headers["Location"].startswith("/logg-inn")
    assert client.get("/profil/to-trinn").headers["Location"].startswith("/logg-inn?")


@required
def test_others_may_choose_it(client, login_as):
    login_as(Role.NEIGHBOUR)
    assert client.get("/").status_code == 200
    login_as(Role.RESIDENT)
    assert client.get("/saker/").status_code == 200


def test_the_requirement_is_a_setting_on_by_default(app, tmp_path, monkeypatch, make_user):
    staff, neighbour = make_user(Role.STAFF), make_user(Role.NEIGHBOUR)
    assert load(str(tmp_path), {"TESTING": True})["TWO_FACTOR_REQUIRED"] is True
    monkeypatch.setenv("NABORAD_TWO_FACTOR_REQUIRED", "false")
    assert load(str(tmp_path), {"TESTING": True})["TWO_FACTOR_REQUIRED"] is False
    assert not second_factor.required(staff)  # this app: off (tests/conftest.py)
    app.config["TWO_FACTOR_REQUIRED"] = True
    assert second_factor.required(staff) and not second_factor.required(neighbour)


def test_the_login_page_says_when_it_is_off(app, client):
    assert "totrinns" in client.get("/logg-inn").get_data(as_text=True).lower()


@required
def test_the_login_page_says_nothing_when_it_is_on(client):
    assert "totrinns" not in client.get("/logg-inn").get_data(as_text=True).lower()


# -- turning it off, new codes, and staff's reset -------------------------------------------------------

def test_a_member_may_turn_it_off_with_the_password(client, enrolled):
    member, codes = enrolled()
    log_in(client, member.username)
    assert client.post("/logg-inn/kode", data={"recovery_code": codes[0]}).status_code == 303
    assert client.post("/profil/to-trinn/av", data={"password": "not my password"}).status_code == 422
    assert client.post("/profil/to-trinn/av", data={"password": PASSWORD}).status_code == 303
    assert count(SecondFactor, SecondFactor.user_id == member.id) == 0
    assert count(RecoveryCode, RecoveryCode.user_id == member.id) == 0
    assert actions("second_factor_disabled") == ["second_factor_disabled"]
    client.post("/logg-ut")
    assert log_in(client, member.username).headers["Location"] == "/"  # the password alone again


@required
def test_turning_it_off_is_refused_where_the_role_requires_it(client, login_as, clock):
    member = login_as(Role.STAFF)
    enrol(client, clock)
    assert "/profil/to-trinn/av" not in client.get("/profil/to-trinn").get_data(as_text=True)
    assert client.post("/profil/to-trinn/av", data={"password": PASSWORD}).status_code == 403
    assert SecondFactor.confirmed_for(member) is not None


def test_new_recovery_codes_replace_the_old_ones(client, enrolled, clock):
    member, old = enrolled()
    log_in(client, member.username)
    client.post("/logg-inn/kode", data={"code": clock.code()})
    clock.tick()
    response = client.post("/profil/to-trinn/nye-koder", data={"code": clock.code()})
    assert response.status_code == 200
    new = [c.split("</li>")[0].strip() for c in response.get_data(as_text=True).split('<li class="code-link">')[1:]]
    assert len(new) == 10 and not set(new) & set(old)
    client.post("/logg-ut")
    log_in(client, member.username)
    assert client.post("/logg-inn/kode", data={"recovery_code": old[1]}).status_code == 422
    assert client.post("/logg-inn/kode", data={"recovery_code": new[1]}).status_code == 303


@required
def test_staff_reset_another_members_second_factor(app, client, make_user, enrolled, clock):
    chair, _ = enrolled(Role.CHAIR, email="leder@example.org")
    other = app.test_client()  # the chair, logged in elsewhere
    log_in(other, chair.username)
    other.post("/logg-inn/kode", data={"code": clock.code()})
    assert other.get("/").status_code == 200
    staff, _ = enrolled(Role.STAFF)
    log_in(client, staff.username)
    clock.tick()
    client.post("/logg-inn/kode", data={"code": clock.code()})
    assert b"/to-trinn/nullstill" in client.get(f"/medlemmer/{chair.id}").data

    response = client.post(f"/medlemmer/{chair.id}/to-trinn/nullstill")
    assert response.status_code == 303 and response.headers["Location"] == f"/medlemmer/{chair.id}"
    assert SecondFactor.confirmed_for(chair) is None and count(RecoveryCode, RecoveryCode.user_id == chair.id) == 0
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "second_factor_reset"))
    assert (event.actor_id, event.target_user_id) == (staff.id, chair.id)
    note = db.session.scalar(select(Notification).where(Notification.user_id == chair.id))
    assert note.kind == "second_factor_reset"
    assert db.session.scalar(select(OutboxMail).where(OutboxMail.to_address == "leder@example.org")) is not None
    assert b"/to-trinn/nullstill" not in client.get(f"/medlemmer/{chair.id}").data

    # The chair's sessions ended; the next login asks them to set it up again before anything else.
    assert other.get("/").headers["Location"].startswith("/logg-inn?")
    assert log_in(other, chair.username).headers["Location"] == "/"
    assert other.get("/").headers["Location"] == "/profil/to-trinn?next=/"
    assert "to-trinn" in other.get("/profil/to-trinn").get_data(as_text=True)
    notifications = db.session.scalars(select(Notification).where(Notification.user_id == chair.id)).all()
    from naborad.notifications.service import readable
    assert readable(chair, notifications)  # the member may read it (and nobody else)
    assert not readable(staff, [notifications[0]])
    # Nobody resets their own: another staff member does.
    assert client.post(f"/medlemmer/{staff.id}/to-trinn/nullstill").status_code == 403
    assert SecondFactor.confirmed_for(staff) is not None
