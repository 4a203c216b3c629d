"""Logins, password checks and reset links that tell an attacker nothing (issue 14, items 5, 7, 8, 12)."""
from datetime import timedelta

import argon2
import pytest
from sqlalchemy import select

from naborad.extensions import db
from naborad.models import AuditEvent, LoginFailure, OutboxMail, PasswordReset, Role, utcnow
from naborad.tokens import sha256

from .conftest import PASSWORD, log_in


@pytest.fixture
def hash_checks(monkeypatch):
    """How many argon2 verifications ran (the library's, not ours: the work an attacker would time)."""
    calls = []
    original = argon2.PasswordHasher.verify

    def counting(self, hash_, password):
        calls.append(1)
        return original(self, hash_, password)
    monkeypatch.setattr(argon2.PasswordHasher, "verify", counting)
    return calls


@pytest.mark.parametrize("case", ["unknown name", "deactivated", "wrong password", "right password",
                                  "email, wrong password"])
def test_every_login_attempt_verifies_one_password_hash(client, make_user, hash_checks, case):
    make_user(Role.NEIGHBOUR, "per", email="per@example.org")
    make_user(Role.NEIGHBOUR, "kari", active=False)
    login, password = {"unknown name": ("nobody", PASSWORD), "deactivated": ("kari", PASSWORD),
                       "wrong password": ("per", "not it at all"), "right password": ("per", PASSWORD),
                       "email, wrong password": ("per@example.org", "not it at all")}[case]
    response = log_in(client, login, password)
    assert response.status_code == (303 if case == "right password" else 422)
    assert len(hash_checks) == 1


def test_the_reset_request_does_the_same_work_for_any_address(client, make_user):
    make_user(Role.NEIGHBOUR, "per", email="per@example.org")
    client.post("/glemt-passord", data={"email": "per@example.org"})
    client.post("/glemt-passord", data={"email": "nobody@example.org"})
    rows = db.session.scalars(select(OutboxMail).order_by(OutboxMail.id)).all()
    assert [(r.template, r.context) for r in rows][0] == [(r.template, r.context) for r in rows][1]
    assert db.session.scalar(select(PasswordReset)) is None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "password_reset_requested")) is None


def test_username_and_email_share_one_count_per_account(client, make_user):
    make_user(Role.NEIGHBOUR, "per", email="per@example.org")
    for login in ["per", "per@example.org", "PER", "per", " per@example.org "]:
        assert log_in(client, login, "wrong guess").status_code == 422
    assert log_in(client, "per@example.org", PASSWORD).status_code == 429


def test_tries_from_elsewhere_do_not_lock_a_member_out(app, client, make_user):
    make_user(Role.STAFF, "vakt")
    attacker = app.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "192.0.2.66"
    for _ in range(8):
        attacker.post("/logg-inn", data={"login": "vakt", "password": "a guess"})
    assert attacker.post("/logg-inn", data={"login": "vakt", "password": PASSWORD}).status_code == 429
    assert log_in(client, "vakt").status_code == 303  # the on-duty staff member, from their own address
    assert db.session.scalar(select(LoginFailure)) is None  # a success clears the account's count


def test_a_failed_login_stores_nothing_of_what_was_typed(client, make_user):
    typed = "MySecretPassw0rdInTheWrongField"
    log_in(client, typed, "x" * 10)
    stored = [(e.action, e.detail) for e in db.session.scalars(select(AuditEvent))]
    assert ("login_failed", None) in stored
    assert not any(typed.lower() in (e.detail or "").lower() for e in db.session.scalars(select(AuditEvent)))
    assert not any(typed.lower() in f.login_key for f in db.session.scalars(select(LoginFailure)))


@pytest.mark.parametrize("path,field", [("/profil/passord", "current"), ("/profil/slett", "password")])
def test_the_current_password_check_is_throttled(client, login_as, path, field):
    login_as(Role.NEIGHBOUR)
    data = {field: "wrong guess 1", "password": "a new passphrase 9", "confirm": "a new passphrase 9"}
    if field == "password":
        data = {"password": "wrong guess 1"}
    for _ in range(5):
        assert client.post(path, data=data).status_code == 422
    response = client.post(path, data=data)
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0


def _reset(user, token):
    db.session.add(PasswordReset(token_hash=sha256(token), user_id=user.id, expires_at=utcnow() + timedelta(hours=1)))
    db.session.commit()


def test_a_password_change_ends_every_reset_link(client, make_user):
    user = make_user(Role.NEIGHBOUR, "per")
    _reset(user, "a" * 43)
    _reset(user, "b" * 43)
    new = "a brand new passphrase"
    assert client.post(f"/nytt-passord/{'a' * 43}", data={"password": new, "confirm": new}).status_code == 303
    assert client.get(f"/nytt-passord/{'b' * 43}").status_code == 404  # the other link died with the change
    _reset(user, "c" * 43)
    log_in(client, "per", new)
    newer = "an even newer passphrase"
    assert client.post("/profil/passord", data={"current": new, "password": newer, "confirm": newer}).status_code == 303
    assert client.get(f"/nytt-passord/{'c' * 43}").status_code == 404


@pytest.mark.config(REPORT_LIMIT="2 per hour")
def test_reports_are_rate_limited_per_member_not_per_address(app, client, make_user, login_as):
    """Issue 14, item 7: /meld-fra/ had no limit. Residents share the facility's address, so it counts per member."""
    def report(c, n):
        return c.post("/meld-fra/", data={"category": "noise", "text": "Høy musikk.", "place": "Bakgården",
                                          "contact_way": "in_app", "form_token": f"tok-{n}"})
    login_as(Role.RESIDENT)
    assert [report(client, n).status_code for n in range(3)] == [303, 303, 429]
    other = app.test_client()  # the same address, another member
    log_in(other, make_user(Role.RESIDENT).username)
    assert report(other, 9).status_code == 303
