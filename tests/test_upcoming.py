"""Which meetings are upcoming, and which one is "the next open meeting": one answer for every feature."""
import re
from datetime import timedelta

from naborad.extensions import db
from naborad.meetings import service as meetings
from naborad.models import (
    STILL_UPCOMING,
    Meeting,
    MeetingStatus,
    PreMeeting,
    Role,
    next_open_meeting,
    open_meetings,
    utcnow,
)
from naborad.pages import service as pages
from naborad.premeeting import service as premeetings

from .conftest import log_in


def meeting(hours, status=MeetingStatus.PLANNED, place="Fellesrommet"):
    row = Meeting(starts_at=utcnow() + timedelta(hours=hours), place=place, status=status)
    db.session.add(row)
    db.session.commit()
    return row


def premeeting(hours, place="Stua"):
    row = PreMeeting(starts_at=utcnow() + timedelta(hours=hours), place=place)
    db.session.add(row)
    db.session.commit()
    return row


def test_the_upcoming_window_is_six_hours():
    assert STILL_UPCOMING == timedelta(hours=6)


def test_a_meeting_is_upcoming_until_six_hours_after_it_started_in_every_list(make_user):
    resident = make_user(Role.RESIDENT)
    running, over = meeting(-5.5), meeting(-6.5)
    running_pre, over_pre = premeeting(-5.5), premeeting(-6.5)

    assert meetings.upcoming(resident) == [running]
    assert meetings.archive(resident).rows == [over]
    assert premeetings.overview(resident) == ([running_pre], [over_pre])
    dashboard = pages.overview(resident)  # three hours until issue 13; now the same six as the lists
    assert dashboard["next_meeting"] == running and dashboard["next_premeeting"] == running_pre


def test_the_dashboard_shows_a_meeting_that_started_four_hours_ago(client, make_user):
    resident = make_user(Role.RESIDENT)
    meeting(-4, place="PLACE-running-4h")
    log_in(client, resident.username)
    assert "PLACE-running-4h" in client.get("/").get_data(as_text=True)


def test_open_meetings_are_the_future_planned_and_published_ones_soonest_first(app):
    meeting(-1)  # started: too late for proposals
    later = meeting(48)
    soonest = meeting(24, MeetingStatus.PUBLISHED)
    meeting(30, MeetingStatus.CANCELLED)
    meeting(36, MeetingStatus.HELD)
    last = meeting(120)

    assert open_meetings() == [soonest, later, last]
    assert open_meetings(limit=2) == [soonest, later]
    assert open_meetings(after=later.starts_at) == [last]
    assert next_open_meeting() == soonest
    assert meetings.later_meetings(soonest) == [later, last]


def test_no_open_meeting_is_none(app):
    meeting(-1)
    meeting(24, MeetingStatus.CANCELLED)
    assert next_open_meeting() is None and open_meetings() == []


def test_proposing_and_the_pre_meeting_form_offer_the_same_open_meetings(client, make_user):
    meeting(-1)
    meeting(30, MeetingStatus.CANCELLED)
    second, first = meeting(48), meeting(24)
    staff = make_user(Role.STAFF)
    log_in(client, staff.username)

    response = client.get("/moter/foresla")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/moter/{first.id}/foresla")
    html = client.get("/beboermote/ny").get_data(as_text=True)
    assert [int(v) for v in re.findall(r'<option value="(\d+)"', html)] == [first.id, second.id]
