"""The personal calendar feed: meetings and events the member may see; pre-meetings only on request,
under a neutral title and without a place (a synced family calendar must not reveal where someone lives)."""
from datetime import timedelta

from flask import url_for
from flask_babel import gettext as _

from ..access import in_premeeting, visible_events, visible_meetings, visible_premeetings
from ..calendar import add_event, new_calendar
from ..extensions import db
from ..models import Event, Meeting, MeetingStatus, PreMeeting, utcnow

WINDOW_BACK = timedelta(days=60)


def build_feed(user, include_premeetings: bool) -> bytes:
    since = utcnow() - WINDOW_BACK
    cal = new_calendar()
    cal.add("x-wr-calname", _("Neighbourhood council"))
    for meeting in db.session.scalars(visible_meetings(user).where(Meeting.starts_at >= since)
                                      .order_by(Meeting.starts_at)):
        add_event(cal, f"meeting-{meeting.id}", _("Neighbourhood council meeting"), meeting.starts_at, None,
                  place=meeting.place, url=url_for("meetings.show", meeting_id=meeting.id, _external=True),
                  cancelled=meeting.status == MeetingStatus.CANCELLED)
    for event in db.session.scalars(visible_events(user).where(Event.starts_at >= since).order_by(Event.starts_at)):
        add_event(cal, f"event-{event.id}", event.title, event.starts_at, event.ends_at, place=event.place,
                  url=url_for("events.show", event_id=event.id, _external=True), cancelled=event.cancelled)
    if include_premeetings and in_premeeting(user):
        for premeeting in db.session.scalars(visible_premeetings(user).where(PreMeeting.starts_at >= since,
                                                                             PreMeeting.cancelled_at.is_(None))):
            add_event(cal, f"appointment-{premeeting.id}", _("Appointment"), premeeting.starts_at, None)
    return cal.to_ical()


