"""iCalendar (.ics) files, generated with the icalendar library."""
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from icalendar import Calendar, Event

from .models import MeetingStatus, utcnow


def new_calendar() -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//Naborad//naborad//NB")
    cal.add("version", "2.0")
    return cal


def add_event(cal: Calendar, uid: str, title: str, start: datetime, end: datetime | None,
              place: str | None = None, url: str | None = None, description: str | None = None,
              cancelled: bool = False) -> None:
    event = Event()
    event.add("uid", f"{uid}@{current_app.config['BASE_URL'].split('://')[-1].split('/')[0]}")
    event.add("dtstamp", utcnow())
    event.add("dtstart", start)
    event.add("dtend", end or start + timedelta(hours=2))
    event.add("summary", title)
    if place:
        event.add("location", place)
    if url:
        event.add("url", url)
    if description:
        event.add("description", description)
    if cancelled:
        event.add("status", "CANCELLED")
    cal.add_component(event)


def meeting_calendar(meeting, url: str) -> bytes:
    cal = new_calendar()
    add_event(cal, f"meeting-{meeting.id}", _("Neighbourhood council meeting"), meeting.starts_at, None,
              place=meeting.place, url=url, description=meeting.video_url,
              cancelled=meeting.status == MeetingStatus.CANCELLED)
    return cal.to_ical()
