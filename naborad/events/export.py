"""Files to take away: an event's calendar file (.ics) and the organisers' participant list as CSV."""
import csv
import io
from urllib.parse import urlsplit

from flask_babel import gettext as _
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from ..models import Event, utcnow
from ..spreadsheet import neutralise


def calendar_file(event: Event, link: str) -> bytes:
    """One event as iCalendar; `link` is the event page's full address."""
    calendar = Calendar()
    calendar.add("prodid", "-//Naboradet//Arrangementer//NB")
    calendar.add("version", "2.0")
    item = CalendarEvent()
    item.add("uid", f"event-{event.id}@{urlsplit(link).hostname or 'naborad'}")
    item.add("dtstamp", utcnow())
    item.add("dtstart", event.starts_at)
    item.add("dtend", event.ends_at)
    item.add("summary", event.title)
    if event.place:
        item.add("location", event.place)
    item.add("description", f"{event.description}\n\n{link}".strip())
    item.add("url", link)
    if event.cancelled:
        item.add("status", "CANCELLED")
    calendar.add_component(item)
    return calendar.to_ical()


def participants_csv(data: dict) -> str:
    """The participant list (`service.participant_list`) as CSV, with a BOM so that Excel reads UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Name"), _("Status"), _("Position on the waiting list"), _("Guests"),
                     _("Dietary needs or allergies"), _("Tasks")])
    for position, signup in [(None, s) for s in data["confirmed"]] + list(enumerate(data["waitlisted"], 1)):
        writer.writerow([neutralise(cell) for cell in (
            signup.display_name, _("Confirmed") if position is None else _("Waiting list"), position or "",
            signup.guests, signup.dietary_note, ", ".join(data["tasks"].get(signup.user_id, [])))])
    return "\ufeff" + out.getvalue()
