"""Guests for one meeting (issue 22): a personal link, stored hashed, that shows one meeting's published agenda and
approved minutes with names replaced by groups; valid until 14 days after approval; withdrawable; 404 elsewhere."""
import re
from datetime import date, timedelta

from sqlalchemy import select

from naborad.extensions import db
from naborad.guests import service
from naborad.jobs import JOBS, run_due
from naborad.models import (
    ActionItem,
    AgendaItem,
    ItemState,
    Meeting,
    MeetingGuest,
    MeetingStatus,
    Role,
    utcnow,
)

from .helpers import count

PURGE = [job for job in JOBS if job.name == "purge-start"]


def meeting_with_minutes(make_user, status=MeetingStatus.APPROVED, approved_days_ago=1):
    neighbour = make_user(Role.NEIGHBOUR, display_name="Kari Nabo", full_name="Kari Nordmann")
    staff = make_user(Role.STAFF, display_name="Siri Ansatt")
    meeting = Meeting(starts_at=utcnow() - timedelta(days=approved_days_ago + 2), place="Fellesrommet", status=status,
                      published_at=utcnow() - timedelta(days=10),
                      approved_at=utcnow() - timedelta(days=approved_days_ago) if status == MeetingStatus.APPROVED
                      else None)
    db.session.add(meeting)
    db.session.flush()
    item = AgendaItem(meeting_id=meeting.id, title="Lys i bakgården", state=ItemState.ACCEPTED, position=1,
                      decision="Kari Nabo og Siri Ansatt kontakter vaktmesteren.", notes="Notater om Kari",
                      concerns_residents=True, residents_heard=True, residents_summary="Beboerne var bekymret")
    proposal = AgendaItem(meeting_id=meeting.id, title="Et forslag som ikke er godtatt", state=ItemState.PROPOSED,
                          proposer_id=neighbour.id)
    db.session.add_all([item, proposal])
    db.session.flush()
    db.session.add_all([
        ActionItem(agenda_item_id=item.id, meeting_id=meeting.id, what="Ring vaktmesteren", assignee_id=neighbour.id,
                   due=date(2030, 1, 15)),
        ActionItem(agenda_item_id=item.id, meeting_id=meeting.id, what="Send brev", assignee_id=staff.id),
        ActionItem(agenda_item_id=item.id, meeting_id=meeting.id, what="Sjekk skiltet", assignee_name="Ola i kommunen"),
    ])
    db.session.commit()
    return meeting


def invite(client, meeting, label="Leder for senteret"):
    response = client.post(f"/moter/{meeting.id}/gjester", data={"label": label})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    return re.search(r"/gjest/([A-Za-z0-9_-]{20,})", page).group(1)


def test_the_chair_invites_a_guest_who_reads_the_minutes_with_names_replaced(client, login_as, make_user):
    login_as(Role.CHAIR)
    meeting = meeting_with_minutes(make_user)
    token = invite(client, meeting)
    guest = db.session.scalar(select(MeetingGuest))
    assert guest.token_hash != token and token not in guest.token_hash  # stored hashed
    client.post("/logg-ut")
    response = client.get(f"/gjest/{token}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Lys i bakgården" in page and "kontakter vaktmesteren" in page
    assert "Ring vaktmesteren · en nabo" in page and "Send brev · ansatt" in page
    assert "noen utenfor naborådet" in page
    for never in ("Kari", "Nordmann", "Siri", "Ola i kommunen", "Notater", "Beboerne var bekymret",
                  "Et forslag som ikke er godtatt", "hørt"):
        assert never not in page, never


def test_before_approval_the_guest_sees_the_published_agenda_only(client, login_as, make_user):
    login_as(Role.STAFF)
    meeting = meeting_with_minutes(make_user, status=MeetingStatus.PUBLISHED)
    token = invite(client, meeting)
    page = client.get(f"/gjest/{token}").get_data(as_text=True)
    assert "Lys i bakgården" in page and "vaktmesteren" not in page  # titles, no decisions yet
    meeting.status = MeetingStatus.PLANNED
    meeting.published_at = None
    db.session.commit()
    page = client.get(f"/gjest/{token}").get_data(as_text=True)
    assert "Lys i bakgården" not in page and "Sakslista er ikke publisert ennå" in page


def test_a_link_works_until_14_days_after_approval(client, login_as, make_user):
    login_as(Role.STAFF)
    meeting = meeting_with_minutes(make_user, approved_days_ago=13)
    token = invite(client, meeting)
    assert client.get(f"/gjest/{token}").status_code == 200
    meeting.approved_at = utcnow() - timedelta(days=14, minutes=1)
    db.session.commit()
    assert client.get(f"/gjest/{token}").status_code == 404
    assert client.post(f"/moter/{meeting.id}/gjester", data={"label": "For sent"}).status_code == 403
    run_due(jobs=PURGE)
    assert count(MeetingGuest) == 0  # deleted once it no longer works


def test_a_withdrawn_link_answers_404(client, login_as, make_user):
    login_as(Role.CHAIR)
    meeting = meeting_with_minutes(make_user)
    token = invite(client, meeting)
    guest = db.session.scalar(select(MeetingGuest))
    assert client.post(f"/moter/gjester/{guest.id}/trekk-tilbake").status_code == 303
    assert client.get(f"/gjest/{token}").status_code == 404
    assert "trukket tilbake" in client.get(f"/moter/{meeting.id}/gjester").get_data(as_text=True)


def test_every_other_request_with_the_link_gets_404(client, login_as, make_user):
    login_as(Role.STAFF)
    meeting = meeting_with_minutes(make_user)
    token = invite(client, meeting)
    client.post("/logg-ut")
    assert client.get(f"/gjest/{token}").status_code == 200
    for path in (f"/gjest/{token}/referat", f"/gjest/{token}.ics", f"/gjest/{token[:-1]}", f"/gjest/{token}x",
                 f"/kalender/{token}.ics"):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/gjest/{token}").status_code == 405


def test_neighbours_and_residents_cannot_invite_guests(client_for, make_user):
    meeting = meeting_with_minutes(make_user)
    for role in (Role.NEIGHBOUR, Role.RESIDENT):
        client, _ = client_for(role)
        assert client.get(f"/moter/{meeting.id}/gjester").status_code == 404
        assert client.post(f"/moter/{meeting.id}/gjester", data={"label": "x"}).status_code == 404


def test_a_double_submit_makes_one_link_and_a_blank_label_is_refused(client, login_as, make_user):
    login_as(Role.STAFF)
    meeting = meeting_with_minutes(make_user)
    for _ in range(2):
        client.post(f"/moter/{meeting.id}/gjester", data={"label": "Politiet", "form_token": "t" * 20})
    assert count(MeetingGuest) == 1
    refused = client.post(f"/moter/{meeting.id}/gjester", data={"label": ""})
    assert refused.status_code == 422 and 'aria-invalid="true"' in refused.get_data(as_text=True)


def test_the_group_replaces_names_case_insensitively(app, make_user):
    make_user(Role.RESIDENT, display_name="Anne")
    with app.test_request_context():
        names = service._Names()
        assert names("Møtt: ANNE og Annette") == "Møtt: en beboer og Annette"
