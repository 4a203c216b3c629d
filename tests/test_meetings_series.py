"""The council's rhythm, part 2 (issue 21): meeting series, pause and resume, pre-meetings from a series,
yearly events repeated from last year."""
from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from naborad import council
from naborad.extensions import db
from naborad.jobs import JOBS, run_due
from naborad.meetings import series, service
from naborad.models import (
    ContactPoint,
    Event,
    Meeting,
    MeetingResponse,
    MeetingSeries,
    MeetingStatus,
    Notification,
    PreMeeting,
    ReminderSent,
    ReportEscalation,
    Role,
    RotaDays,
    RotaMember,
    RotaSlot,
    RsvpAnswer,
    Signup,
    VolunteerTask,
    utcnow,
)
from naborad.notifications.jobs import send_reminders
from naborad.reports import escalation
from naborad.reports import service as reports

from .helpers import count

UTC = timezone.utc


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def make_series(**fields) -> MeetingSeries:
    values = dict(rule="weeks", interval=6, weekday=3, nth=1, at="18:00", starts_on=date(2027, 2, 11),
                  place="Fellesrommet", ahead_days=365)
    row = MeetingSeries(**{**values, **fields})
    db.session.add(row)
    db.session.commit()
    return row


# -- the date rule --------------------------------------------------------------------------------

def test_every_sixth_thursday_across_both_dst_switches_and_public_holidays_of_2027(app):
    """18:00 in Oslo is 17:00 UTC in winter and 16:00 UTC in summer (28 March and 31 October 2027); Maundy
    Thursday (25 March) and Ascension Day (6 May) are skipped."""
    every_sixth = make_series()
    dates = series.occurrences(every_sixth, utc(2027, 2, 1), limit=12)
    assert [(day.isoformat(), when.strftime("%H:%M")) for day, when in dates][:6] == [
        ("2027-02-11", "17:00"), ("2027-06-17", "16:00"), ("2027-07-29", "16:00"), ("2027-09-09", "16:00"),
        ("2027-10-21", "16:00"), ("2027-12-02", "17:00")]


def test_the_rule_gives_the_skipped_holidays_and_the_clock_changes_by_itself(app):
    days = list(series.rule_dates("weeks", interval=6, weekday=3, nth=1, starts_on=date(2027, 2, 11),
                                  first=date(2027, 1, 1), last=date(2027, 5, 31)))
    assert days == [date(2027, 2, 11), date(2027, 3, 25), date(2027, 5, 6)]
    assert series.starts_at(date(2027, 3, 27), "18:00") == utc(2027, 3, 27, 17)  # the Saturday before: winter
    assert series.starts_at(date(2027, 3, 29), "18:00") == utc(2027, 3, 29, 16)  # the Monday after: summer
    assert series.starts_at(date(2027, 10, 30), "18:00") == utc(2027, 10, 30, 16)
    assert series.starts_at(date(2027, 11, 1), "18:00") == utc(2027, 11, 1, 17)


def test_the_first_monday_and_the_last_tuesday_of_the_month(app):
    first_monday = list(series.rule_dates("monthly", interval=1, weekday=0, nth=1, starts_on=date(2027, 1, 1),
                                          first=date(2027, 1, 1), last=date(2027, 4, 30)))
    assert first_monday == [date(2027, 1, 4), date(2027, 2, 1), date(2027, 3, 1), date(2027, 4, 5)]
    last_tuesday = list(series.rule_dates("monthly", interval=1, weekday=1, nth=-1, starts_on=date(2027, 1, 1),
                                          first=date(2027, 1, 1), last=date(2027, 3, 31)))
    assert last_tuesday == [date(2027, 1, 26), date(2027, 2, 23), date(2027, 3, 30)]
    holiday = make_series(rule="monthly", weekday=0, nth=1, starts_on=date(2027, 1, 1))  # 1 Jan 2029 is a Monday
    assert date(2029, 1, 1) not in [d for d, _ in series.occurrences(holiday, utc(2028, 12, 20), days=30)]


# -- making the meetings ahead --------------------------------------------------------------------

def test_meetings_are_made_ahead_once_and_never_more_than_twelve(app):
    weekly = make_series(interval=1, weekday=1, starts_on=date(2027, 1, 5))
    now = utc(2027, 1, 1, 12)
    assert series.make_ahead(now) == 12  # a year's window, but twelve at most
    assert series.make_ahead(now) == 0
    assert count(Meeting, Meeting.series_id == weekly.id) == 12
    made = db.session.scalars(select(Meeting).where(Meeting.series_id == weekly.id).order_by(Meeting.starts_at)).all()
    assert made[0].starts_at == utc(2027, 1, 5, 17) and made[0].status == MeetingStatus.PLANNED
    # A week later one meeting has passed: one more is made, so twelve are ahead again.
    assert series.make_ahead(utc(2027, 1, 8, 12)) == 1
    # The database keeps one meeting per series and date, whatever two runs at once do.
    db.session.add(Meeting(starts_at=made[0].starts_at, place="x", series_id=weekly.id, occurs_on=made[0].occurs_on))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_the_window_bounds_the_look_ahead(app):
    every_sixth = make_series(interval=6, weekday=1, starts_on=date(2027, 1, 5), ahead_days=90)
    assert series.make_ahead(utc(2027, 1, 1)) == 3  # 5 January, 16 February, 30 March
    assert every_sixth.active


def test_a_date_moved_or_cancelled(app, make_user):
    weekly = make_series(interval=1, weekday=1, starts_on=date(2027, 1, 5), ahead_days=30)
    series.except_date(weekly, date(2027, 1, 12), moved_to=utc(2027, 1, 13, 17), message=None)
    series.except_date(weekly, date(2027, 1, 19), moved_to=None, message="Ingen saker")
    now = utc(2027, 1, 1)
    assert [(d.day, w) for d, w in series.occurrences(weekly, now)][:3] == [
        (5, utc(2027, 1, 5, 17)), (12, utc(2027, 1, 13, 17)), (19, None)]
    series.make_ahead(now)
    rows = {m.occurs_on.day: m for m in db.session.scalars(select(Meeting).where(Meeting.series_id == weekly.id))}
    assert rows[12].starts_at == utc(2027, 1, 13, 17) and 19 not in rows
    # A date whose meeting is made already: the meeting is cancelled with the message.
    series.except_date(weekly, date(2027, 1, 26), moved_to=None, message="Sykdom")
    db.session.refresh(rows[26])
    assert rows[26].status == MeetingStatus.CANCELLED and rows[26].cancel_message == "Sykdom"


def test_the_scheduler_job_makes_the_meetings(app):
    make_series(interval=2, weekday=1, starts_on=date(2027, 1, 5), ahead_days=30)
    job = [j for j in JOBS if j.name == "series-meetings"]
    assert run_due(utc(2027, 1, 1, 4), job) == {"series-meetings": "2 planned meeting(s) made by the meeting series"}


# -- pause and resume -------------------------------------------------------------------------

@pytest.fixture
def chain(app):
    """An on-duty contact around the clock, then the facility manager."""
    members = []
    for position, label in enumerate(("Vakt", "Driftsleder"), 1):
        point = ContactPoint(label=label, phone=f"+47 900 00 00{position}")
        db.session.add(point)
        db.session.flush()
        member = RotaMember(contact_point_id=point.id, position=position, alert_email=f"{label}@example.org",
                            is_manager=label == "Driftsleder")
        db.session.add(member)
        db.session.flush()
        members.append(member)
    for days in (RotaDays.WEEKDAYS, RotaDays.WEEKEND, RotaDays.HOLIDAYS):
        db.session.add(RotaSlot(member_id=members[0].id, days=days, starts=time(8), ends=time(8)))
    db.session.commit()


def test_a_paused_council_sends_no_meeting_reminders_but_reports_and_escalation_go_on(app, make_user, chain):
    chair, member = make_user(Role.CHAIR), make_user(Role.NEIGHBOUR)
    now = utcnow()
    meeting = Meeting(starts_at=now + timedelta(hours=24), place="Fellesrommet")
    event = Event(title="Dugnad", starts_at=now + timedelta(hours=24), ends_at=now + timedelta(hours=27))
    db.session.add_all([meeting, event])
    db.session.flush()
    db.session.add_all([MeetingResponse(meeting_id=meeting.id, user_id=member.id, answer=RsvpAnswer.YES),
                        Signup(event_id=event.id, user_id=member.id, status="confirmed")])
    db.session.commit()

    service.pause(chair, "Vi tar en pause i vinter.")
    assert council.meetings_paused()["message"] == "Vi tar en pause i vinter."
    assert count(Notification, Notification.kind == "council_paused", Notification.user_id == member.id) == 1

    assert send_reminders(now) == 1  # the event's, not the meeting's
    assert {r.subject_type for r in db.session.scalars(select(ReminderSent))} == {"event"}
    assert series.make_ahead(now) == 0 or count(MeetingSeries) == 0

    reporter = make_user(Role.RESIDENT)
    filed = utc(2026, 12, 1, 21, 10)
    report, _ = reports.file_report(reporter, category="noise", text="Bråk", place="B", contact_way="none", now=filed)
    assert report.id is not None
    assert escalation.escalate_due(filed + timedelta(minutes=15)) == 1  # escalation goes on as always
    assert count(ReportEscalation, ReportEscalation.report_id == report.id) == 2

    service.resume(chair, series_continue=True)
    assert council.meetings_paused() is None
    assert send_reminders(now) == 1  # the meeting's reminder now
    assert count(Notification, Notification.kind == "council_resumed", Notification.user_id == member.id) == 1


def test_a_paused_council_makes_no_series_meetings_and_resuming_may_stop_the_series(app, make_user):
    chair = make_user(Role.CHAIR)
    weekly = make_series(interval=1, weekday=1, starts_on=date.today(), ahead_days=30)
    service.pause(chair, "Pause")
    assert series.make_ahead() == 0
    service.resume(chair, series_continue=False)
    db.session.refresh(weekly)
    assert not weekly.active and series.make_ahead() == 0
    with pytest.raises(service.NotAllowed):  # not paused any more
        service.resume(chair, series_continue=True)


def test_pause_and_resume_over_http(client, login_as, make_user):
    chair = login_as(Role.CHAIR)
    member = make_user(Role.NEIGHBOUR)
    make_series(interval=2, weekday=1, starts_on=date.today(), ahead_days=30, place="Stua")
    assert client.post("/moter/pause", data={"message": ""}).status_code == 422
    assert client.post("/moter/pause", data={"message": "Pause til våren."}).status_code == 303
    assert "Pause til våren." in client.get("/moter/").data.decode()
    public = client.get("/kontakt").data.decode()
    assert 'id="council-paused"' in public and "Pause til våren." not in public  # the public page: no message

    page = client.get("/moter/gjenoppta").data.decode()
    assert "Skal møteseriene fortsette?" in page
    response = client.post("/moter/gjenoppta", data={"series_continue": "yes"})
    assert response.status_code == 303 and response.headers["Location"] == "/moter/ny?forslag=1"
    form = client.get(response.headers["Location"]).data.decode()
    assert 'value="Stua"' in form  # the first meeting, proposed from the series
    assert 'id="council-paused"' not in client.get("/moter/").data.decode()
    assert chair.id != member.id


def test_the_overview_shows_the_pause(client, login_as, make_user):
    chair = make_user(Role.CHAIR)
    service.pause(chair, "Vi hviler.")
    login_as(Role.RESIDENT)
    page = client.get("/").data.decode()
    assert 'id="council-paused"' in page and "Vi hviler." in page


# -- series over HTTP; pre-meetings from a series (staff only) --------------------------------

def test_the_chair_makes_a_series_and_never_sees_the_pre_meeting_option(client, login_as, client_for, make_user):
    login_as(Role.CHAIR)
    start = date.today() + timedelta(days=3)
    data = {"rule": "weeks", "interval": "2", "weekday": str(start.weekday()), "nth": "1", "at": "18:00",
            "starts_on": start.isoformat(), "place": "Fellesrommet", "ahead_days": "40", "form_token": "t1"}
    response = client.post("/moter/serier/ny", data=data)
    assert response.status_code == 303
    assert client.post("/moter/serier/ny", data=data).status_code == 303  # a double click: one series
    made = db.session.scalar(select(MeetingSeries))
    expected = len(series.occurrences(made, utcnow()))  # three, unless a public holiday falls on one
    assert count(MeetingSeries) == 1 and count(Meeting, Meeting.series_id == made.id) == expected >= 2
    page = client.get(f"/moter/serier/{made.id}").data.decode()
    assert "Hver 2. uke" in page or "Hver 2 uke" in page
    for word in ("beboermøte", "Beboermøte", "formøte", "pre-meeting"):
        assert word not in page
    assert client.get("/beboermote/serier").status_code == 404

    staff, _staff_member = client_for(Role.STAFF)
    plans = staff.get("/beboermote/serier").data.decode()
    assert f'id="serie-{made.id}"' in plans
    response = staff.post(f"/beboermote/serier/{made.id}", data={
        f"serie{made.id}-enabled": "y", f"serie{made.id}-days_before": "2", f"serie{made.id}-at": "17:00",
        f"serie{made.id}-place": "Stua"})
    assert response.status_code == 303
    premeetings = db.session.scalars(select(PreMeeting).order_by(PreMeeting.starts_at)).all()
    meetings = db.session.scalars(select(Meeting).where(Meeting.series_id == made.id).order_by(Meeting.starts_at)).all()
    assert [p.meeting_id for p in premeetings] == [m.id for m in meetings]
    assert all((m.starts_at.date() - p.starts_at.date()).days == 2 for p, m in zip(premeetings, meetings))
    job = [j for j in JOBS if j.name == "series-premeetings"]
    assert run_due(utcnow(), job) == {"series-premeetings": "0 residents' pre-meeting(s) made for series meetings"}
    # The chair's pages of the series are the same as before staff planned the pre-meetings.
    assert client.get(f"/moter/serier/{made.id}").data.decode().count("Stua") == 0


def test_an_invalid_series_date_comes_back_with_its_error(client, login_as):
    login_as(Role.STAFF)
    weekly = make_series(interval=1, weekday=date.today().weekday(), starts_on=date.today(), ahead_days=30)
    day = series.occurrences(weekly, utcnow())[0][0].isoformat()
    response = client.post(f"/moter/serier/{weekly.id}/dato", data={"occurs_on": day, "action": "cancel"})
    assert response.status_code == 422 and "Skriv hvorfor møtet er avlyst." in response.data.decode()
    response = client.post(f"/moter/serier/{weekly.id}/dato", data={"occurs_on": day, "action": "cancel",
                                                                     "message": "Ferie"})
    assert response.status_code == 303


def test_last_years_events_are_offered_again_with_their_tasks_and_no_dates(client, login_as, client_for):
    old = Event(title="Sommerfest", description="Grill", place="Bakgården", capacity=40,
                starts_at=utcnow() - timedelta(days=360), ends_at=utcnow() - timedelta(days=360) + timedelta(hours=4))
    db.session.add(old)
    db.session.flush()
    db.session.add(VolunteerTask(event_id=old.id, title="Bake kake", slots=3))
    db.session.commit()
    neighbour, _member = client_for(Role.NEIGHBOUR)
    assert 'id="repeat-yearly"' not in neighbour.get("/arrangementer/").data.decode()
    login_as(Role.CHAIR)
    page = client.get("/arrangementer/").data.decode()
    assert 'id="repeat-yearly"' in page and f"/arrangementer/{old.id}/kopier" in page
    form = client.get(f"/arrangementer/{old.id}/kopier").data.decode()
    assert 'value="Sommerfest"' in form and 'value="40"' in form
    assert 'name="starts_at" required type="datetime-local" value=""' in form  # new dates are asked for
    when = (utcnow() + timedelta(days=5)).strftime("%Y-%m-%dT18:00")
    response = client.post(f"/arrangementer/{old.id}/kopier", data={
        "title": "Sommerfest", "description": "Grill", "place": "Bakgården", "starts_at": when,
        "ends_at": when.replace("T18", "T22"), "capacity": "40", "max_guests": "0", "form_token": "yearly"})
    assert response.status_code == 303
    again = db.session.scalar(select(Event).where(Event.id != old.id))
    assert again.capacity == 40 and [t.title for t in again.tasks] == ["Bake kake"]
    assert 'id="repeat-yearly"' not in client.get("/arrangementer/").data.decode()  # repeated: not offered again
