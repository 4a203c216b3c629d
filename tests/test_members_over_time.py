"""Members over time (issue 22): the access end date and its job, moving out, the role before a chair seat."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from naborad.extensions import db
from naborad.i18n import OSLO
from naborad.jobs import JOBS, run_due
from naborad.members import service
from naborad.models import (
    AuditEvent,
    ChairSeat,
    Issue,
    Notification,
    PreMeeting,
    PreMeetingComment,
    PreMeetingItem,
    Reply,
    Role,
    User,
    UserSession,
    utcnow,
)

from .helpers import count

ACCESS_JOB = [job for job in JOBS if job.name == "access-end"]


def today():
    return utcnow().astimezone(OSLO).date()


def test_staff_set_an_access_end_date_on_the_member_page(client, login_as, make_user):
    login_as(Role.STAFF)
    resident = make_user(Role.RESIDENT)
    ends = today() + timedelta(days=30)
    response = client.post(f"/medlemmer/{resident.id}/tilgang-slutter", data={"ends_on": ends.isoformat()})
    assert response.status_code == 303
    db.session.refresh(resident)
    assert resident.access_ends_on == ends
    page = client.get(f"/medlemmer/{resident.id}").get_data(as_text=True)
    assert "Tilgangen slutter" in page
    bad = client.post(f"/medlemmer/{resident.id}/tilgang-slutter", data={"ends_on": "not a date"})
    assert bad.status_code == 422 and 'aria-invalid="true"' in bad.get_data(as_text=True)


def test_the_job_reminds_staff_a_week_before_once_and_ends_access_on_the_day(app, make_user, client_for):
    staff = make_user(Role.STAFF)
    other_staff = make_user(Role.STAFF)
    resident = make_user(Role.RESIDENT, is_residents_rep=True)
    resident_client, _ = client_for(resident)
    service.set_access_end(resident, today() + timedelta(days=7), by=staff)
    far = make_user(Role.RESIDENT)
    service.set_access_end(far, today() + timedelta(days=20), by=staff)

    run_due(jobs=ACCESS_JOB)
    reminders = db.session.scalars(select(Notification).where(Notification.kind == "access_ending")).all()
    assert sorted(n.user_id for n in reminders) == sorted([staff.id, other_staff.id])
    assert {n.subject_id for n in reminders} == {resident.id}
    assert resident.is_active_member
    # Another run (the next hour) does not remind again.
    run_due(utcnow() + timedelta(hours=1, minutes=1), jobs=ACCESS_JOB)
    assert count(Notification, Notification.kind == "access_ending") == 2

    # Extended: a new date means a new reminder later, and the access goes on.
    service.set_access_end(resident, today() + timedelta(days=10), by=staff)
    assert not resident.access_end_reminded

    # The day comes: the access ends, sessions and the representative mark go.
    service.set_access_end(resident, today(), by=staff)
    run_due(utcnow() + timedelta(hours=2, minutes=1), jobs=ACCESS_JOB)
    db.session.refresh(resident)
    assert not resident.is_active_member and not resident.is_residents_rep
    assert count(UserSession, UserSession.user_id == resident.id) == 0
    assert resident_client.get("/").status_code == 303  # logged out at once
    assert far.is_active_member
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.target_user_id == resident.id)
                             .order_by(AuditEvent.id.desc())) == "access_ended"


def test_staff_see_the_reminder_naming_the_member(client, login_as, make_user):
    staff = login_as(Role.STAFF)
    resident = make_user(Role.RESIDENT, display_name="Kari midlertidig")
    service.set_access_end(resident, today() + timedelta(days=3), by=make_user(Role.STAFF))
    assert service.remind_access_ending(today()) == 1
    page = client.get("/varsler/").get_data(as_text=True)
    assert "Kari midlertidig" in page and staff.is_active_member


def test_moving_out_ends_the_account_and_keeps_the_posts_as_a_former_members(client, login_as, make_user, client_for,
                                                                              make_issue):
    login_as(Role.STAFF)
    resident = make_user(Role.RESIDENT, display_name="Ola Flytter", is_residents_rep=True)
    resident_client, _ = client_for(resident)
    issue = make_issue(author=resident, title="Søppel ved porten")
    db.session.add(Reply(issue_id=issue.id, author_id=resident.id, body="Et svar fra Ola"))
    premeeting = PreMeeting(starts_at=utcnow() + timedelta(days=2), place="Stua")
    db.session.add(premeeting)
    db.session.flush()
    item = PreMeetingItem(premeeting_id=premeeting.id, title="Ro om natta", state="accepted")
    db.session.add(item)
    db.session.flush()
    db.session.add(PreMeetingComment(item_id=item.id, author_id=resident.id, body="Min kommentar", show_name=True))
    db.session.commit()
    assert "Ola Flytter" in client.get(f"/saker/{issue.id}").get_data(as_text=True)

    response = client.post(f"/medlemmer/{resident.id}/flytter")
    assert response.status_code == 303
    db.session.refresh(resident)
    assert not resident.is_active_member and resident.moved_out_at is not None
    assert not resident.is_residents_rep  # the badge is gone
    assert count(UserSession, UserSession.user_id == resident.id) == 0  # sessions are gone
    assert resident_client.get("/").status_code == 303
    client.get("/saker/")  # the flash naming the member is shown once
    thread = client.get(f"/saker/{issue.id}").get_data(as_text=True)
    assert "Søppel ved porten" in thread and "Et svar fra Ola" in thread  # the posts stay
    assert "Ola Flytter" not in thread and "Tidligere medlem" in thread
    pre = client.get(f"/beboermote/{premeeting.id}").get_data(as_text=True)
    assert "Min kommentar" in pre and "Ola Flytter" not in pre  # in the pre-meeting, unattributed


def test_moving_out_anonymised_on_request_deletes_the_account(client, login_as, make_user, make_issue):
    login_as(Role.STAFF)
    neighbour = make_user(Role.NEIGHBOUR, display_name="Per Borte")
    issue, neighbour_id = make_issue(author=neighbour), neighbour.id
    assert client.post(f"/medlemmer/{neighbour_id}/flytter", data={"anonymise": "y"}).status_code == 303
    db.session.expire_all()
    client.get("/saker/")  # the flash naming the member is shown once
    assert db.session.get(User, neighbour_id) is None
    assert db.session.get(Issue, issue.id).author_id is None
    assert "Per Borte" not in client.get(f"/saker/{issue.id}").get_data(as_text=True)


def test_moving_out_is_not_for_oneself(app, make_user):
    staff = make_user(Role.STAFF)
    with pytest.raises(service.NotAllowed):
        service.move_out(staff, by=staff)


def test_a_chair_who_hands_over_returns_to_the_role_held_before_the_seat(app, make_user):
    staff = make_user(Role.STAFF)
    resident, neighbour = make_user(Role.RESIDENT), make_user(Role.NEIGHBOUR)
    service.change_role(resident, "chair", by=staff)
    assert (resident.role, resident.role_before_chair) == (Role.CHAIR, Role.RESIDENT)
    service.change_role(resident, "deputy", by=staff)  # still in a seat: the role before it is kept
    assert resident.role_before_chair == Role.RESIDENT
    service.change_role(neighbour, "deputy", by=staff)  # hands over the deputy seat
    assert (resident.role, resident.chair_seat, resident.role_before_chair) == (Role.RESIDENT, None, None)
    assert (neighbour.role, neighbour.chair_seat) == (Role.CHAIR, ChairSeat.DEPUTY)
    service.change_role(make_user(Role.NEIGHBOUR), "deputy", by=staff)
    assert neighbour.role == Role.NEIGHBOUR  # the usual case: back to neighbour


def test_access_end_date_is_in_the_members_own_export(client, login_as, make_user):
    member = login_as(Role.RESIDENT)
    member.access_ends_on = date(2031, 1, 2)
    db.session.commit()
    export = client.post("/profil/eksport").get_data(as_text=True)
    assert "2031-01-02" in export
