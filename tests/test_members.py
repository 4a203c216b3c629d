"""Member list, invitations, roles, chair handover, deactivation and staff-issued reset links."""
import json
import re

from sqlalchemy import func, select

from naborad.extensions import db
from naborad.models import AuditEvent, ChairSeat, Invitation, OutboxMail, Role, SessionSecret, User

from .conftest import log_in


def test_members_see_display_names_and_roles_only(client, login_as, make_user):
    kari = make_user(Role.RESIDENT, "kari", display_name="Kari", full_name="Kari Nordmann",
                     email="kari@example.org", phone="+47 900 00 000")
    login_as(Role.NEIGHBOUR)
    html = client.get("/medlemmer/").data.decode()
    assert '<span class="member-name">Kari</span>' in html and "Beboer" in html
    assert "Medlemmene ser bare hverandres visningsnavn og rolle." in html
    assert "Nordmann" not in html and "kari@example.org" not in html and "900 00 000" not in html
    for staff_only in ('class="member-details"', f'href="/medlemmer/{kari.id}"', 'href="/medlemmer/inviter"'):
        assert staff_only not in html, staff_only


def test_staff_see_contact_details(client, login_as, make_user):
    kari = make_user(Role.RESIDENT, "kari", display_name="Kari", full_name="Kari Nordmann",
                     email="kari@example.org", phone="+47 900 00 000")
    login_as(Role.STAFF)
    html = client.get("/medlemmer/").data.decode()
    assert f'<a href="/medlemmer/{kari.id}" class="member-name">Kari</a>' in html  # to the member's page
    assert '<dt>Fullt navn</dt><dd>Kari Nordmann</dd>' in html
    assert '<a href="mailto:kari@example.org">kari@example.org</a>' in html
    assert '<a href="tel:+47 900 00 000">+47 900 00 000</a>' in html
    assert 'href="/medlemmer/inviter"' in html and "Medlemmene ser bare" not in html


def test_deactivated_members_are_hidden_from_members_but_not_staff(app, client, login_as, make_user, client_for):
    gone = make_user(Role.NEIGHBOUR, "gone", display_name="Gone Person", active=False)
    login_as(Role.RESIDENT)
    assert "Gone Person" not in client.get("/medlemmer/").data.decode()
    staff, _ = client_for(Role.STAFF)
    html = staff.get("/medlemmer/").data.decode()
    entry = re.search(r'<li class="card muted">\s*<a href="/medlemmer/(\d+)" class="member-name">Gone Person</a>'
                      r'.*?</li>', html, re.S)
    assert entry and int(entry.group(1)) == gone.id  # shown, greyed out
    assert "<dt>Status</dt><dd>Deaktivert</dd>" in entry.group(0)
    assert html.count("Deaktivert") == 1  # only the deactivated member says so


def test_invite_by_email_queues_mail_and_shows_the_code_once(app, client, login_as):
    login_as(Role.STAFF)
    page = client.get("/medlemmer/inviter").data.decode()
    token = re.search(r'name="form_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/medlemmer/inviter", data={"role": "neighbour", "email": "ny@example.org",
                                                       "form_token": token})
    assert response.status_code == 303
    invitation = db.session.scalar(select(Invitation))
    assert invitation.email == "ny@example.org" and invitation.role == Role.NEIGHBOUR
    mail = db.session.scalar(select(OutboxMail))
    assert mail.template == "invitation" and mail.to_address == "ny@example.org"
    html = client.get(response.headers["Location"]).data.decode()
    code = re.search(r'class="code">([0-9A-Z]{5}-[0-9A-Z]{5})<', html).group(1)
    assert "<svg" in html  # the QR code
    assert app.test_client().get(f"/invitasjon/{code}").status_code == 200
    html = client.get(response.headers["Location"]).data.decode()
    assert code in html  # still shown in this staff member's session, until a new code is made


def test_double_submit_creates_one_invitation(client, login_as):
    login_as(Role.STAFF)
    data = {"role": "resident", "form_token": "same-token-twice"}
    first = client.post("/medlemmer/inviter", data=data)
    second = client.post("/medlemmer/inviter", data=data)
    assert first.headers["Location"] == second.headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 1


def test_staff_invitation_needs_email(client, login_as):
    login_as(Role.STAFF)
    response = client.post("/medlemmer/inviter", data={"role": "staff", "form_token": "x"})
    assert response.status_code == 422
    assert 'id="email-error"' in response.data.decode()
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0


def test_withdrawn_invitation_stops_working(app, client, login_as):
    login_as(Role.STAFF)
    response = client.post("/medlemmer/inviter", data={"role": "resident", "form_token": "t1"})
    html = client.get(response.headers["Location"]).data.decode()
    code = re.search(r'class="code">([0-9A-Z-]+)<', html).group(1)
    invitation = db.session.scalar(select(Invitation))
    assert app.test_client().get(f"/invitasjon/{code}").status_code == 200
    assert client.post(f"/medlemmer/invitasjoner/{invitation.id}/trekk-tilbake").status_code == 303
    assert app.test_client().get(f"/invitasjon/{code}").status_code == 404


def test_renewing_gives_a_new_code_and_kills_the_old(app, client, login_as):
    login_as(Role.STAFF)
    location = client.post("/medlemmer/inviter", data={"role": "resident", "form_token": "t2"}).headers["Location"]
    old = re.search(r'class="code">([0-9A-Z-]+)<', client.get(location).data.decode()).group(1)
    invitation = db.session.scalar(select(Invitation))
    client.post(f"/medlemmer/invitasjoner/{invitation.id}/ny-kode")
    new = re.search(r'class="code">([0-9A-Z-]+)<', client.get(location).data.decode()).group(1)
    assert new != old
    visitor = app.test_client()
    assert visitor.get(f"/invitasjon/{old}").status_code == 404
    assert visitor.get(f"/invitasjon/{new}").status_code == 200


def test_making_someone_chair_asks_first_then_hands_over(client, login_as, make_user):
    login_as(Role.STAFF)
    old_chair = make_user(Role.CHAIR, "oldchair")
    new_chair = make_user(Role.NEIGHBOUR, "newchair")
    confirm = client.post(f"/medlemmer/{new_chair.id}/rolle", data={"role": "chair"})
    assert confirm.status_code == 200 and 'name="confirm" value="yes"' in confirm.data.decode()
    db.session.refresh(old_chair)
    assert old_chair.chair_seat == ChairSeat.CHAIR  # nothing changed yet
    done = client.post(f"/medlemmer/{new_chair.id}/rolle", data={"role": "chair", "confirm": "yes"})
    assert done.status_code == 303
    db.session.refresh(old_chair)
    db.session.refresh(new_chair)
    assert (old_chair.role, old_chair.chair_seat) == (Role.NEIGHBOUR, None)
    assert (new_chair.role, new_chair.chair_seat) == (Role.CHAIR, ChairSeat.CHAIR)


def test_deputy_has_chair_role_and_its_own_seat(client, login_as, make_user):
    login_as(Role.STAFF)
    make_user(Role.CHAIR, "chair")
    deputy = make_user(Role.NEIGHBOUR, "deputy")
    client.post(f"/medlemmer/{deputy.id}/rolle", data={"role": "deputy", "confirm": "yes"})
    db.session.refresh(deputy)
    assert (deputy.role, deputy.chair_seat) == (Role.CHAIR, ChairSeat.DEPUTY)
    assert db.session.scalar(select(func.count()).select_from(User).where(User.role == Role.CHAIR)) == 2


def test_staff_cannot_change_their_own_role(client, login_as):
    me = login_as(Role.STAFF)
    response = client.post(f"/medlemmer/{me.id}/rolle", data={"role": "neighbour"})
    assert response.status_code == 422
    db.session.refresh(me)
    assert me.role == Role.STAFF


def test_invalid_role_value_is_422_not_500(client, login_as, make_user):
    login_as(Role.STAFF)
    member = make_user(Role.NEIGHBOUR)
    assert client.post(f"/medlemmer/{member.id}/rolle", data={"role": "emperor"}).status_code == 422
    db.session.refresh(member)
    assert member.role == Role.NEIGHBOUR


def test_role_change_takes_effect_on_the_next_request(app, client, login_as, make_user, client_for):
    login_as(Role.STAFF)
    member = make_user(Role.STAFF, "colleague")
    other, _ = client_for(member)
    assert other.get("/logg/").status_code == 200
    client.post(f"/medlemmer/{member.id}/rolle", data={"role": "neighbour"})
    assert other.get("/logg/").status_code == 404


def test_deactivation_ends_sessions_at_once_and_frees_the_chair(app, client, login_as, make_user, client_for):
    login_as(Role.STAFF)
    chair = make_user(Role.CHAIR, "chair")
    other, _ = client_for(chair)
    assert other.get("/").status_code == 200
    assert client.post(f"/medlemmer/{chair.id}/deaktiver").status_code == 303
    assert other.get("/").status_code == 303
    db.session.refresh(chair)
    assert chair.chair_seat is None and not chair.is_active_member
    assert log_in(app.test_client(), "chair").status_code == 422
    client.post(f"/medlemmer/{chair.id}/aktiver")
    assert log_in(app.test_client(), "chair").status_code == 303


def test_staff_cannot_deactivate_themselves(client, login_as):
    me = login_as(Role.STAFF)
    assert client.post(f"/medlemmer/{me.id}/deaktiver").status_code == 403
    db.session.refresh(me)
    assert me.is_active_member and client.get("/").status_code == 200


def test_printable_reset_link_works_for_a_member_without_email(app, client, login_as, make_user):
    login_as(Role.STAFF)
    member = make_user(Role.RESIDENT, "kari")
    response = client.post(f"/medlemmer/{member.id}/tilbakestill")
    html = client.get(response.headers["Location"]).data.decode()
    link = re.search(r'class="code-link">http://localhost(/nytt-passord/[^<]+)<', html).group(1)
    assert "<svg" in html
    visitor = app.test_client()
    new = "kari sitt nye passord"
    assert visitor.post(link, data={"password": new, "confirm": new}).status_code == 303
    assert log_in(visitor, "kari", new).status_code == 303


def test_audit_log_records_admin_actions_and_is_read_only(client, login_as, make_user):
    login_as(Role.STAFF)
    member = make_user(Role.NEIGHBOUR, "per")
    client.post(f"/medlemmer/{member.id}/deaktiver")
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"login", "deactivated"} <= actions
    html = client.get("/logg/").data.decode()
    assert "deactivated" in html
    assert client.post("/logg/").status_code == 405


def test_a_staff_invitation_code_goes_by_mail_alone(app, client, login_as):
    """A code that makes a staff account is never shown, nor kept anywhere for showing (issue 14, item 3)."""
    login_as(Role.STAFF)
    response = client.post("/medlemmer/inviter", data={"role": "staff", "email": "ny@example.org", "form_token": "t3"})
    code = json.loads(db.session.scalar(select(OutboxMail.context)))["code"]
    html = client.get(response.headers["Location"]).data.decode()
    assert "Invitasjonen ble sendt på e-post." in html and code not in html and "<svg" not in html
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    assert code not in str(app.session_interface.get_signing_serializer(app).loads(cookie))
    assert db.session.scalar(select(func.count()).select_from(SessionSecret)) == 0


# -- issue 15: the printed invitation, and a fresh code in one tap ------------------------------

def test_the_invitation_is_headed_by_what_it_is_not_by_its_number(client, login_as):
    login_as(Role.STAFF)
    location = client.post("/medlemmer/inviter", data={"role": "resident", "label": "Til Per, rom 3",
                                                       "form_token": "t3"}).headers["Location"]
    html = client.get(location).data.decode()
    assert re.search(r"<h1>Invitasjon til naborådet</h1>", html) and "Invitasjon 1" not in html
    assert re.search(r'<p class="lead no-print">Beboer · Til Per, rom 3</p>', html)  # the note is never printed
    assert "<title>Invitasjon til naborådet" in html


def test_a_fresh_code_is_one_tap_from_the_list_and_shown_as_text_and_qr(app, client, login_as):
    login_as(Role.STAFF)
    location = client.post("/medlemmer/inviter", data={"role": "resident", "label": "Til Per",
                                                       "form_token": "t4"}).headers["Location"]
    old = re.search(r'class="code">([0-9A-Z-]+)<', client.get(location).data.decode()).group(1)
    other = app.test_client()  # the same staff member on another phone: no code on screen there
    log_in(other, db.session.scalar(select(User.username).where(User.role == Role.STAFF)))
    assert 'class="code"' not in other.get(location).data.decode()
    listing = other.get("/medlemmer/invitasjoner").data.decode()
    invitation = db.session.scalar(select(Invitation))
    assert '>Til Per</a>' in listing
    renew = f'action="/medlemmer/invitasjoner/{invitation.id}/ny-kode"'
    assert renew in listing and "Vis en ny kode" in listing
    response = other.post(f"/medlemmer/invitasjoner/{invitation.id}/ny-kode")
    assert response.status_code == 303 and response.headers["Location"] == location
    html = other.get(location).data.decode()
    new = re.search(r'class="code">([0-9A-Z-]+)<', html).group(1)
    assert new != old and "<svg" in html and f"/invitasjon/{new}" in html
    assert app.test_client().get(f"/invitasjon/{old}").status_code == 404  # the old code stops at once
