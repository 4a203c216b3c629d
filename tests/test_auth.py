"""Login, logout, sessions, rate limits, password reset and invitations."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from naborad.extensions import db
from naborad.mail import housekeeping, send_due
from naborad.models import (
    AuditEvent,
    EmailChange,
    Invitation,
    Issue,
    OutboxMail,
    PasswordReset,
    Role,
    User,
    UserSession,
    utcnow,
)
from naborad.tokens import code_hash, display_code, new_code, sha256

from .conftest import PASSWORD, log_in
from .helpers import HX, count


def test_login_page_renders_in_norwegian_by_default(client):
    response = client.get("/logg-inn")
    assert response.status_code == 200
    assert b'lang="nb"' in response.data
    assert "Logg inn".encode() in response.data


def test_login_with_username_or_email(client, make_user):
    make_user(Role.RESIDENT, "kari", email="kari@example.org")
    assert log_in(client, "KARI").headers["Location"] == "/"
    client.post("/logg-ut")
    assert log_in(client, "Kari@Example.org").status_code == 303


def test_wrong_password_gives_422_and_same_message_for_unknown_user(client, make_user):
    make_user(Role.NEIGHBOUR, "per")
    wrong = log_in(client, "per", "not the password")
    unknown = log_in(client, "nobody", "not the password")
    assert wrong.status_code == unknown.status_code == 422
    assert "Feil brukernavn".encode() in wrong.data
    assert "Feil brukernavn".encode() in unknown.data
    assert count(AuditEvent) == 2


def test_empty_login_form_shows_messages_beside_fields(client):
    response = client.post("/logg-inn", data={"login": "", "password": ""})
    assert response.status_code == 422
    html = response.data.decode()
    assert 'aria-describedby="login-error"' in html
    assert 'id="password-error"' in html


def test_login_redirects_to_safe_next_only(client, make_user):
    make_user(Role.NEIGHBOUR, "per")
    response = client.post("/logg-inn?next=/medlemmer/", data={"login": "per", "password": PASSWORD})
    assert response.headers["Location"] == "/medlemmer/"
    client.post("/logg-ut")
    response = client.post("/logg-inn?next=//evil.example/", data={"login": "per", "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_anonymous_is_sent_to_login_and_htmx_gets_hx_redirect(client):
    response = client.get("/medlemmer/")
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/logg-inn?next=/medlemmer/")
    response = client.get("/medlemmer/", headers=HX)
    assert response.status_code == 200
    assert response.headers["HX-Redirect"].startswith("/logg-inn")
    assert response.data == b""


def test_logout_ends_the_session_and_a_copied_cookie_stops_working(app, make_user):
    make_user(Role.NEIGHBOUR, "per")
    browser = app.test_client()
    log_in(browser, "per")
    cookie = browser.get_cookie("naborad_session").value
    thief = app.test_client()
    thief.set_cookie("naborad_session", cookie)
    assert thief.get("/").status_code == 200
    assert browser.post("/logg-ut").status_code == 303
    assert thief.get("/").status_code == 303  # the replayed cookie is dead
    assert browser.get("/").status_code == 303


def test_logout_is_post_only(client, login_as):
    login_as(Role.NEIGHBOUR)
    assert client.get("/logg-ut").status_code == 405


def test_each_login_gets_a_new_session_row(client, make_user):
    make_user(Role.NEIGHBOUR, "per")
    log_in(client, "per")
    first = client.get_cookie("naborad_session").value
    client.post("/logg-ut")
    log_in(client, "per")
    assert client.get_cookie("naborad_session").value != first
    assert count(UserSession) == 1


@pytest.mark.parametrize("column, age", [("last_seen_at", timedelta(hours=9)), ("created_at", timedelta(days=15))],
                         ids=["idle", "absolute"])
def test_session_times_out(client, make_user, column, age):
    make_user(Role.NEIGHBOUR, "per")
    log_in(client, "per")
    assert client.get("/").status_code == 200
    row = db.session.scalar(select(UserSession))
    setattr(row, column, utcnow() - age)
    db.session.commit()
    response = client.get("/")
    assert response.status_code == 303 and response.headers["Location"].startswith("/logg-inn")


def test_deactivated_user_cannot_log_in(client, make_user):
    make_user(Role.NEIGHBOUR, "per", active=False)
    assert log_in(client, "per").status_code == 422


def test_five_failures_in_a_minute_bring_429_then_success_clears(client, make_user):
    make_user(Role.NEIGHBOUR, "per")
    for _ in range(5):
        assert log_in(client, "per", "wrong password").status_code == 422
    blocked = log_in(client, "per")  # even the right password waits
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 0
    assert "Vent".encode() in blocked.data
    # The wait passes (moved back in time here): the right password works and clears the count.
    from naborad.models import LoginFailure
    for failure in db.session.scalars(select(LoginFailure)):
        failure.at = failure.at - timedelta(minutes=3)
    db.session.commit()
    assert log_in(client, "per").status_code == 303
    assert count(LoginFailure) == 0


@pytest.mark.config(LOGIN_IP_LIMIT="3 per minute")
def test_login_posts_are_rate_limited_per_ip(client):
    for _ in range(3):
        assert log_in(client, "x", "y").status_code == 422
    response = log_in(client, "x", "y")
    assert response.status_code == 429
    assert client.get("/logg-inn").status_code == 200  # reading the page is not limited


def test_password_is_rehashed_when_parameters_change(app, client, make_user):
    user = make_user(Role.NEIGHBOUR, "per")
    old_hash = user.password_hash
    app.config["ARGON2_TIME_COST"] = 2
    assert log_in(client, "per").status_code == 303
    db.session.refresh(user)
    assert user.password_hash != old_hash
    assert user.password_hash.startswith("$argon2id$")


def test_argon2_cost_comes_from_the_environment(monkeypatch):
    from naborad.config import load
    monkeypatch.setenv("NABORAD_ARGON2_TIME_COST", "4")
    monkeypatch.setenv("NABORAD_ARGON2_MEMORY_COST", "131072")
    monkeypatch.setenv("NABORAD_ARGON2_PARALLELISM", "2")
    cfg = load("/nonexistent", {"TESTING": True})
    assert (cfg["ARGON2_TIME_COST"], cfg["ARGON2_MEMORY_COST"], cfg["ARGON2_PARALLELISM"]) == (4, 131072, 2)
    monkeypatch.delenv("NABORAD_ARGON2_TIME_COST")
    assert load("/nonexistent", {"TESTING": True})["ARGON2_TIME_COST"] == 3  # the default


# -- password reset ---------------------------------------------------------

def test_forgot_password_does_not_reveal_whether_the_address_exists(client, make_user):
    make_user(Role.NEIGHBOUR, "per", email="per@example.org")
    known = client.post("/glemt-passord", data={"email": "per@example.org"})
    unknown = client.post("/glemt-passord", data={"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 303
    assert known.headers["Location"] == unknown.headers["Location"]
    # The same work for both: one queued mail each, nothing else; the worker sends only to the member.
    assert count(PasswordReset) == 0
    queued = db.session.scalars(select(OutboxMail).order_by(OutboxMail.id)).all()
    assert [(m.to_address, m.template) for m in queued] == [("per@example.org", "password_reset_request"),
                                                            ("nobody@example.org", "password_reset_request")]
    from naborad.mail import send_due
    assert send_due() == 1
    assert count(PasswordReset) == 1
    db.session.expire_all()
    assert [m.status.value for m in queued] == ["sent", "skipped"]


def _reset_token(user, hours=1):
    token = "t" * 40 + str(user.id)
    db.session.add(PasswordReset(token_hash=sha256(token), user_id=user.id,
                                 expires_at=utcnow() + timedelta(hours=hours)))
    db.session.commit()
    return token


def test_reset_link_sets_password_once_and_ends_sessions(app, client, make_user, client_for):
    user = make_user(Role.NEIGHBOUR, "per")
    other, _ = client_for(user)
    token = _reset_token(user)
    new = "a brand new passphrase"
    response = client.post(f"/nytt-passord/{token}", data={"password": new, "confirm": new})
    assert response.status_code == 303
    assert other.get("/").status_code == 303  # sessions ended
    assert log_in(client, "per", new).status_code == 303
    client.post("/logg-ut")
    again = client.post(f"/nytt-passord/{token}", data={"password": "another one 123", "confirm": "another one 123"})
    assert again.status_code == 404


def test_expired_reset_link_is_404(client, make_user):
    user = make_user(Role.NEIGHBOUR, "per")
    token = _reset_token(user, hours=-1)
    assert client.get(f"/nytt-passord/{token}").status_code == 404
    assert client.get("/nytt-passord/wrong").status_code == 404


@pytest.mark.parametrize("password,message", [
    ("short", "mellom 8"),
    ("password123", "for vanlig"),
])
def test_weak_passwords_are_refused(client, make_user, password, message):
    user = make_user(Role.NEIGHBOUR, "per")
    token = _reset_token(user)
    response = client.post(f"/nytt-passord/{token}", data={"password": password, "confirm": password})
    assert response.status_code == 422
    assert message.encode() in response.data


def test_long_passwords_of_any_kind_are_accepted(client, make_user):
    user = make_user(Role.NEIGHBOUR, "per")
    token = _reset_token(user)
    password = "Æ ø å – 😀 " * 6 + "x" * 60  # over 64 characters, any script
    response = client.post(f"/nytt-passord/{token}", data={"password": password, "confirm": password})
    assert response.status_code == 303
    assert log_in(client, "per", password).status_code == 303


# -- invitations ------------------------------------------------------------

def _invitation(role=Role.RESIDENT, days=14, **fields):
    code = new_code()
    db.session.add(Invitation(code_hash=code_hash(code), role=role, expires_at=utcnow() + timedelta(days=days),
                              **fields))
    db.session.commit()
    return code


def _accept(client, code, username="kari"):
    return client.post(f"/invitasjon/{code}", data={
        "username": username, "display_name": "Kari", "password": "a good long passphrase",
        "confirm": "a good long passphrase"})


def test_accepting_an_invitation_creates_the_member_and_logs_in(client):
    code = _invitation(Role.RESIDENT)
    assert client.get(f"/invitasjon/{code}").status_code == 200
    response = _accept(client, code)
    assert response.status_code == 303
    user = db.session.scalar(select(User).where(User.username == "kari"))
    assert user.role == Role.RESIDENT
    assert client.get("/").status_code == 200


def test_invitation_code_is_forgiving_about_case_dashes_and_lookalikes(client):
    code = _invitation()
    typed = code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    response = client.post("/invitasjon", data={"code": typed})
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and 'name="username"' in page.get_data(as_text=True)  # the form to join


def test_invitation_is_single_use(client, app):
    code = _invitation()
    assert _accept(client, code).status_code == 303
    second = app.test_client()
    assert _accept(second, code, "other").status_code == 404


def test_expired_and_withdrawn_invitations_are_404(client):
    expired = _invitation(days=-1)
    withdrawn = _invitation(withdrawn_at=utcnow())
    assert client.get(f"/invitasjon/{expired}").status_code == 404
    assert _accept(client, withdrawn).status_code == 404
    assert client.get("/invitasjon/AAAAA-BBBBB").status_code == 404


def test_taken_username_is_refused_beside_the_field(client, make_user):
    make_user(Role.NEIGHBOUR, "kari")
    code = _invitation()
    response = _accept(client, code, "kari")
    assert response.status_code == 422
    assert 'id="username-error"' in response.data.decode()
    assert 'value="Kari"' in response.data.decode()  # what was typed is kept


@pytest.mark.config(ACCEPT_INVITATION_LIMIT="3 per minute")
def test_accepting_is_rate_limited(client):
    for _ in range(3):
        client.get("/invitasjon/AAAAA-BBBBB")
    assert client.get("/invitasjon/AAAAA-BBBBB").status_code == 429


# -- profile ----------------------------------------------------------------

def test_change_password_ends_other_sessions_but_keeps_this_one(app, client, login_as, client_for):
    user = login_as(Role.NEIGHBOUR)
    other, _ = client_for(user)
    new = "another long passphrase"
    response = client.post("/profil/passord", data={"current": PASSWORD, "password": new, "confirm": new})
    assert response.status_code == 303
    assert client.get("/").status_code == 200
    assert other.get("/").status_code == 303


def test_change_password_needs_the_current_one(client, login_as):
    user = login_as(Role.NEIGHBOUR)
    new = "another long passphrase"
    response = client.post("/profil/passord", data={"current": "wrong", "password": new, "confirm": new})
    assert response.status_code == 422 and 'id="current-error"' in response.get_data(as_text=True)
    client.post("/logg-ut")
    assert log_in(client, user.username, new).status_code == 422  # unchanged
    assert log_in(client, user.username).status_code == 303


def test_profile_edit_and_language(client, login_as):
    """The fields are saved at once; the new email address waits for its link (issue 14, item 6)."""
    user = login_as(Role.RESIDENT)
    response = client.post("/profil", data={"display_name": "Kari B", "email": "KARI@example.org",
                                            "phone": "", "full_name": "", "locale": "en"})
    assert response.status_code == 303
    db.session.refresh(user)
    assert (user.display_name, user.email, user.phone, user.locale) == ("Kari B", None, None, "en")
    mail = db.session.scalar(select(OutboxMail))
    assert (mail.to_address, mail.template, mail.locale) == ("kari@example.org", "email_change", "en")
    assert b'lang="en"' in client.get("/").data


def _profile(client, email):
    return client.post("/profil", data={"display_name": "Kari B", "email": email, "locale": "nb"})


def test_profile_answers_the_same_whoever_uses_the_address(client, login_as, make_user):
    """No oracle: an address of an active account, of a deactivated one, or a free one get the same answer,
    a link mailed to it, and the rest of the profile saved; the address itself does not change yet."""
    make_user(Role.NEIGHBOUR, email="taken@example.org")
    make_user(Role.NEIGHBOUR, email="gone@example.org", active=False)
    me = login_as(Role.RESIDENT, email="mine@example.org")
    answers = []
    for address in ("taken@example.org", "gone@example.org", "free@example.org"):
        response = _profile(client, address)
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        flashes = re.findall(r'class="flash[^"]*"[^>]*>(.*?)<', page, re.S)
        # A CSRF token carries the second it was made in: two pages a second apart differ only there.
        page = re.sub(r'("csrf_token" value="|"X-CSRFToken": ")[^"]+"', r'\1TOKEN"', page)
        answers.append((response.status_code, response.headers["Location"], flashes,
                        page.replace(address, "ADDRESS")))
        db.session.refresh(me)
        assert (me.email, me.display_name) == ("mine@example.org", "Kari B")
    assert answers[0] == answers[1] == answers[2] and answers[0][0] == 303
    assert "Vi har sendt en lenke til den nye adressen" in " ".join(answers[0][2])
    assert [m.to_address for m in db.session.scalars(select(OutboxMail).order_by(OutboxMail.id))] == \
        ["taken@example.org", "gone@example.org", "free@example.org"]
    assert count(EmailChange) == 1  # the newest request replaces the older ones


def test_a_new_address_is_used_once_its_mailed_link_is_confirmed(app, client, login_as, smtp):
    me = login_as(Role.RESIDENT, email="mine@example.org", display_name="Kari")
    _profile(client, "new@example.org")
    assert 'id="email-pending"' in client.get("/profil").get_data(as_text=True)
    assert send_due() == 1
    (rcpt, message), = smtp.messages
    text = message.get_body(("plain",)).get_content()
    assert rcpt == ["new@example.org"] and "Kari" not in text  # a typo'd address learns no member's name
    path = re.search(r"http://localhost(/profil/epost/\S+)", text).group(1)
    assert app.test_client().get(path).headers["Location"].startswith("/logg-inn")  # log in first
    page = client.get(path)
    assert page.status_code == 200 and "new@example.org" in page.get_data(as_text=True)
    db.session.refresh(me)
    assert me.email == "mine@example.org"  # opening the link changes nothing
    assert client.post(path).status_code == 303
    db.session.refresh(me)
    assert me.email == "new@example.org" and count(EmailChange) == 0
    assert client.get(path).status_code == 404  # used up
    assert {"email_change_requested", "email_changed"} <= set(db.session.scalars(select(AuditEvent.action)))


def test_an_address_taken_meanwhile_could_not_be_used(app, client, login_as, make_user, smtp):
    me = login_as(Role.RESIDENT, email="mine@example.org")
    _profile(client, "new@example.org")
    send_due()
    path = re.search(r"http://localhost(/profil/epost/\S+)", smtp.messages[0][1].get_body(("plain",)).get_content()).group(1)
    make_user(Role.NEIGHBOUR, email="new@example.org", active=False)
    response = client.post(path)
    assert response.status_code == 409 and 'id="email-refused"' in response.get_data(as_text=True)
    db.session.refresh(me)
    assert me.email == "mine@example.org" and count(EmailChange) == 0


def test_removing_the_address_needs_no_link(client, login_as):
    me = login_as(Role.RESIDENT, email="mine@example.org")
    assert _profile(client, "").status_code == 303
    db.session.refresh(me)
    assert me.email is None and count(OutboxMail) == 0


def test_a_waiting_email_change_expires_and_is_purged(client, login_as):
    login_as(Role.RESIDENT)
    _profile(client, "new@example.org")
    db.session.execute(update(EmailChange).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert 'id="email-pending"' not in client.get("/profil").get_data(as_text=True)
    assert send_due() == 0  # the mail is skipped: nothing to confirm any more
    housekeeping()
    assert count(EmailChange) == 0


def test_export_holds_own_data_only(client, login_as, make_user):
    import json
    me = login_as(Role.RESIDENT, full_name="Kari Nordmann")
    other = make_user(Role.NEIGHBOUR, full_name="Per Hansen")
    db.session.add_all([Issue(title="Mitt", body="x", category="other", author_id=me.id, search_text="mitt"),
                        Issue(title="Hans", body="x", category="other", author_id=other.id, search_text="hans")])
    db.session.commit()
    page = client.get("/profil/eksport")
    assert page.status_code == 200 and 'action="/profil/eksport"' in page.get_data(as_text=True)
    assert 'action="/profil/eksport"' in client.get("/profil").get_data(as_text=True)  # the button
    assert count(AuditEvent, AuditEvent.action == "data_exported") == 0  # looking wrote nothing
    response = client.post("/profil/eksport")
    assert db.session.scalar(select(AuditEvent.actor_id).where(AuditEvent.action == "data_exported")) == me.id
    data = json.loads(response.data)
    assert response.mimetype == "application/json" and "attachment" in response.headers["Content-Disposition"]
    assert data["profile"]["full_name"] == "Kari Nordmann"
    assert [i["title"] for i in data["issues"]] == ["Mitt"] and "Per Hansen" not in response.get_data(as_text=True)


def test_delete_own_account_keeps_what_was_written_as_a_former_member(app, client, login_as, client_for):
    me = login_as(Role.NEIGHBOUR)
    my_id = me.id
    issue = Issue(title="Blir stående", body="x", category="other", author_id=my_id, search_text="x")
    db.session.add(issue)
    db.session.commit()
    assert client.post("/profil/slett", data={"password": "wrong"}).status_code == 422
    assert client.post("/profil/slett", data={"password": PASSWORD}).status_code == 303
    db.session.expunge(me)
    assert db.session.get(User, my_id) is None
    db.session.refresh(issue)
    assert issue.author_id is None
    assert client.get("/").status_code == 303  # logged out
    reader, _ = client_for(Role.RESIDENT)
    assert "Blir stående" in reader.get(f"/saker/{issue.id}").get_data(as_text=True)


def test_last_staff_member_cannot_delete_the_account(client, login_as):
    me = login_as(Role.STAFF)
    assert client.post("/profil/slett", data={"password": PASSWORD}).status_code == 422
    assert db.session.get(User, me.id) is not None


# -- issue 15: joining from a phone ------------------------------------------------------------

def test_a_code_reads_the_same_typed_small_spaced_or_without_its_dash():
    assert display_code("abcde12345") == "ABCDE-12345"
    assert display_code(" ab cde-1 2345 ") == "ABCDE-12345"
    assert display_code("o1l") == "011"  # too short to be a code: normalised, not dashed


def test_a_code_typed_small_without_the_dash_opens_the_invitation(client):
    code = _invitation()
    response = client.post("/invitasjon", data={"code": code.lower().replace("-", "")})
    assert response.status_code == 303 and response.headers["Location"] == f"/invitasjon/{code}"
    assert _accept(client, code.lower().replace("-", "")).status_code == 303


def test_a_new_member_lands_on_an_overview_that_explains_where_things_are(client, app, make_user):
    code = _invitation(Role.RESIDENT)
    assert _accept(client, code).headers["Location"] == "/"
    html = client.get("/").get_data(as_text=True)
    welcome = html.split('id="welcome"')[1].split("</section>")[0]
    assert "Ny her?" in welcome
    for path in ("/saker/", "/moter/", "/arrangementer/", "/beboermote/", "/meld-fra/", "/kontakt"):
        assert f'href="{path}' in welcome, path
    assert client.get("/").get_data(as_text=True).count('id="welcome"') == 1  # stays until hidden
    assert client.post("/velkommen/skjul").status_code == 303
    assert 'id="welcome"' not in client.get("/").get_data(as_text=True)

    neighbour_code = _invitation(Role.NEIGHBOUR)
    other = app.test_client()
    assert _accept(other, neighbour_code, "nils").status_code == 303
    assert 'href="/beboermote/' not in other.get("/").get_data(as_text=True).split('id="welcome"')[1]

    make_user(Role.NEIGHBOUR, "old")
    member = app.test_client()
    log_in(member, "old")
    assert 'id="welcome"' not in member.get("/").get_data(as_text=True)  # a member who logs in sees no welcome
