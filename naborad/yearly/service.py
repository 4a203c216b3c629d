"""The yearly report (issue 20, item 2): one calendar year of the council's work in figures, for the council and
the municipality.

Everything on the page and in the CSV comes from `report(year)`: a list of sections, each a table of rows of
shown figures (already through the small-count rule), so the page and the file cannot differ. Counts of 1 and
2 read "fewer than 3" (naborad/counts.py); a median time stands only on three or more cases. Nothing comes
from the residents' pre-meeting, and no figure names a person: key-people changes are counts of role changes
taken from the audit log's "role_changed" lines. A fixed number of queries whatever the data.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from flask_babel import format_decimal
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import and_, func, select

from ..charts import Point, geometry
from ..counts import is_small, shown_value, small_count
from ..extensions import db
from ..i18n import OSLO, datetime_filter
from ..markdown import render_markdown
from ..models import (
    ActionItem,
    AgendaItem,
    AuditEvent,
    Event,
    Issue,
    IssueEvent,
    IssueEventKind,
    IssueStatus,
    Meeting,
    MeetingStatus,
    Signup,
    SignupStatus,
    YearlyText,
    utcnow,
)
from ..pulse import service as pulse
from ..reports import service as reports
from ..spreadsheet import csv_text

FIRST_YEAR = 2000  # the years a report may be asked for: FIRST_YEAR up to this year
HELD = (MeetingStatus.HELD, MeetingStatus.APPROVED)
RESOLVED = (IssueStatus.RESOLVED.value, IssueStatus.CLOSED.value)
MAX_ATTENDANCE = 999


class OutOfRange(ValueError):
    pass


def years_offered(now: datetime | None = None) -> range:
    return range(FIRST_YEAR, (now or utcnow()).astimezone(OSLO).year + 1)


def check_year(year: int, now: datetime | None = None) -> int:
    if year not in years_offered(now):
        raise OutOfRange(year)
    return year


def bounds(year: int) -> tuple[datetime, datetime]:
    """The year in Oslo time: [1 January, next 1 January)."""
    return datetime(year, 1, 1, tzinfo=OSLO), datetime(year + 1, 1, 1, tzinfo=OSLO)


@dataclass
class Section:
    key: str
    title: str
    headings: list[str]  # the column headings; the first names the rows
    rows: list[list[str]]  # each row: its name, then the figures as shown
    note: str | None = None


@dataclass
class Report:
    year: int
    text: YearlyText | None
    sections: list[Section]
    text_html: Markup | None = None  # the chair's text through the one sanitising renderer (naborad.markdown)
    charts: dict = field(default_factory=dict)  # name -> chart geometry (naborad/charts.py)
    meetings: list = field(default_factory=list)  # the held meetings (for the chair's attendance links)

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)


def median(values: list[float]) -> float | None:
    """The median (the mean of the middle two for an even count); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def share(part: int, whole: int) -> str:
    """A share in per cent, only where three or more cases stand behind it."""
    if not whole or is_small(whole):
        return "–"
    return f"{part * 100 / whole:.0f} %"


def days(value: float | None) -> str:
    return "–" if value is None else _("%(n)s days", n=format_decimal(value, format="0.#"))


def _local_date(value: datetime) -> date:
    return value.astimezone(OSLO).date()


# -- the figures, one function per section --------------------------------------------------

def _meetings(start, end) -> tuple[list, Section, Section]:
    meetings = db.session.scalars(select(Meeting).where(Meeting.status.in_(HELD), Meeting.starts_at >= start,
                                                        Meeting.starts_at < end).order_by(Meeting.starts_at)).all()
    recorded = [m for m in meetings if m.attendance_recorded]
    totals = [sum(getattr(m, f"attended_{g}") for m in recorded) for g in ("neighbours", "residents", "staff")]
    summary = Section("meetings", _("Council meetings"), [_("What"), _("Number")], [
        [_("Meetings held"), small_count(len(meetings))],
        [_("Meetings with attendance recorded"), small_count(len(recorded))],
    ])
    rows = [[datetime_filter(m.starts_at, "d. MMM"), small_count(m.attended_neighbours, short=True),
             small_count(m.attended_residents, short=True), small_count(m.attended_staff, short=True)]
            for m in recorded]
    rows.append([_("Total"), *[small_count(t, short=True) for t in totals]])
    attendance = Section("attendance", _("Attendance by group"),
                         [_("Meeting"), _("Neighbours"), _("Residents"), _("Staff members")], rows,
                         note=_("Counted at the meeting and entered with the minutes."))
    return meetings, summary, attendance


def _issues(start, end) -> Section:
    raised = db.session.scalar(select(func.count()).select_from(Issue).where(Issue.created_at >= start,
                                                                            Issue.created_at < end))
    first_resolved = (select(IssueEvent.issue_id, func.min(IssueEvent.created_at).label("at"))
                      .where(IssueEvent.kind == IssueEventKind.STATUS, IssueEvent.value.in_(RESOLVED))
                      .group_by(IssueEvent.issue_id).subquery())
    resolved = db.session.execute(select(Issue.created_at, first_resolved.c.at)
                                  .join(first_resolved, first_resolved.c.issue_id == Issue.id)
                                  .where(first_resolved.c.at >= start, first_resolved.c.at < end)).all()
    waits = [(to_aware(at) - to_aware(created)).total_seconds() / 86400 for created, at in resolved]
    middle = None if is_small(len(waits)) else median(waits)
    return Section("issues", _("Issues"), [_("What"), _("Number")], [
        [_("Issues raised"), small_count(raised)],
        [_("Issues resolved"), small_count(len(waits))],
        [_("Median time from raised to resolved"), days(middle)],
    ])


def to_aware(value: datetime) -> datetime:
    """SQLite hands back naive UTC times from a subquery's aggregate."""
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _decisions(start, end) -> Section:
    approved = and_(Meeting.status == MeetingStatus.APPROVED, Meeting.starts_at >= start, Meeting.starts_at < end)
    decisions = db.session.scalar(select(func.count()).select_from(AgendaItem).join(Meeting)
                                  .where(approved, AgendaItem.decision.is_not(None), AgendaItem.decision != ""))
    actions = db.session.execute(select(ActionItem.due, ActionItem.done_at)
                                 .join(Meeting, Meeting.id == ActionItem.meeting_id).where(approved)).all()
    done = [a for a in actions if a.done_at is not None]
    on_time = [a for a in done if a.due is None or _local_date(to_aware(a.done_at)) <= a.due]
    return Section("decisions", _("Decisions and action items"), [_("What"), _("Number")], [
        [_("Decisions in approved minutes"), small_count(decisions)],
        [_("Action items"), small_count(len(actions))],
        [_("Action items done"), small_count(len(done))],
        [_("Action items done on time"), small_count(len(on_time))],
        [_("Share done on time"), share(len(on_time), len(actions))],
    ])


def _reports(year: int, now) -> tuple[Section, dict]:
    months, whole = reports.months_of_year(year, now)
    rows = [[datetime_filter(m.start, "MMMM"), small_count(m.total, short=True),
             "–" if m.share_fast is None else f"{m.share_fast * 100:.0f} %"] for m in months]
    rows.append([_("The whole year"), small_count(whole.total, short=True),
                 "–" if whole.share_fast is None else f"{whole.share_fast * 100:.0f} %"])
    points = [Point(m.start.strftime("%m"), datetime_filter(m.start, "MMMM"), shown_value(m.total),
                    small_count(m.total), small_count(m.total, short=True)) for m in months]
    return (Section("reports", _("Situation reports"),
                    [_("Month"), _("Reports"), _("Acknowledged within the target")], rows,
                    note=_("The share is shown for three or more reports; the target is the time before a "
                           "report goes on to the next person on duty.")),
            geometry(points, kind="bar"))


def _events(start, end) -> Section:
    places = func.coalesce(func.sum(1 + Signup.guests), 0)
    rows = db.session.execute(
        select(Event.id, places).outerjoin(Signup, and_(Signup.event_id == Event.id,
                                                        Signup.status == SignupStatus.CONFIRMED))
        .where(Event.starts_at >= start, Event.starts_at < end, Event.cancelled_at.is_(None))
        .group_by(Event.id)).all()
    return Section("events", _("Events"), [_("What"), _("Number")], [
        [_("Events held"), small_count(len(rows))],
        [_("Participants, guests included"), small_count(sum(n for _id, n in rows))],
    ])


def _pulse(start, end, now) -> tuple[Section, dict]:
    rounds = pulse.results(now, opened_from=start, opened_before=end)
    rows = [[r.name, small_count(r.all.n, short=True) if r.all else "–",
             *[pulse.average(r.all.means[q] if r.all else None) for q in pulse.QUESTIONS]] for r in rounds]
    return (Section("pulse", _("The neighbourhood pulse"),
                    [_("Round"), _("Answers"), _("I feel safe"), _("I was heard"), _("Neighbours and residents")],
                    rows, note=_("Averages from 1 to 5 over every member's answer; a round with fewer than "
                                 "%(n)d answers shows no figures (–).", n=pulse.MIN_ANSWERS)),
            pulse.trend(rounds) if rounds else {})


def _people(start, end) -> Section:
    details = db.session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "role_changed",
                                                                AuditEvent.at >= start, AuditEvent.at < end)).all()
    details = [d or "" for d in details]

    def took(role):
        return sum(1 for d in details if d.split(" (")[0].endswith(f"-> {role}"))

    left_staff = sum(1 for d in details if d.startswith("staff ->"))
    return Section("people", _("Key people"), [_("Role change"), _("Number")], [
        [_("New chair"), small_count(took("chair"))],
        [_("New deputy chair"), small_count(took("deputy"))],
        [_("Staff who took on the staff role"), small_count(took("staff"))],
        [_("Staff who left the staff role"), small_count(left_staff)],
    ], note=_("Changes of role in the app during the year; no names."))


def report(year: int, now: datetime | None = None) -> Report:
    """The year's report: the chair's text and every section. A fixed number of queries."""
    now = now or utcnow()
    start, end = bounds(year)
    text = db.session.scalar(select(YearlyText).where(YearlyText.year == year))
    meetings, summary, attendance = _meetings(start, end)
    reports_section, reports_chart = _reports(year, now)
    pulse_section, pulse_charts = _pulse(start, end, now)
    sections = [summary, attendance, _issues(start, end), _decisions(start, end), reports_section,
                _events(start, end), pulse_section, _people(start, end)]
    return Report(year, text, sections, text_html=render_markdown(text.text) if text and text.text else None,
                  charts={"reports": reports_chart, **pulse_charts}, meetings=meetings)


def as_csv(rep: Report) -> str:
    """The report's figures as CSV: one line per figure row, named by its section; the same shown values."""
    lines = [[_("Yearly report %(year)d", year=rep.year)]]
    for section in rep.sections:
        lines.append([section.title, *section.headings])
        lines += [[section.title, *row] for row in section.rows]
    return csv_text(lines)


# -- what the chair writes and enters ------------------------------------------------------

def save_text(year: int, text: str) -> YearlyText:
    """The opening text of a year's report (Markdown; rendered and sanitised when shown). Commits."""
    row = db.session.scalar(select(YearlyText).where(YearlyText.year == year))
    if row is None:
        row = YearlyText(year=year, text=text)
        db.session.add(row)
    else:
        row.text = text
    db.session.commit()
    return row


def first_year(now: datetime | None = None) -> int:
    """The year of the council's first meeting (this year when none): where the list of reports starts."""
    first = db.session.scalar(select(func.min(Meeting.starts_at)))
    year = to_aware(first).astimezone(OSLO).year if first else (now or utcnow()).astimezone(OSLO).year
    return max(year, FIRST_YEAR)


def text_for(year: int) -> YearlyText | None:
    return db.session.scalar(select(YearlyText).where(YearlyText.year == year))


def record_attendance(meeting: Meeting, *, neighbours: int, residents: int, staff: int) -> None:
    """Who attended a held meeting, as a count per group. Commits."""
    if not meeting.can_record_attendance():
        raise OutOfRange(meeting.status)
    for value in (neighbours, residents, staff):
        if value is None or not 0 <= value <= MAX_ATTENDANCE:
            raise OutOfRange(value)
    meeting.attended_neighbours, meeting.attended_residents, meeting.attended_staff = neighbours, residents, staff
    db.session.commit()
