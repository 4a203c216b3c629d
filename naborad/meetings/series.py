"""Meeting series (issue 21): "every sixth Tuesday at 18:00", "the first Monday of the month".

The date rule is pure functions (`rule_dates`, `starts_at`); `occurrences` adds the Norwegian public
holidays (naborad/holidays.py: such a date is skipped) and the single dates moved or cancelled
(`SeriesException`). `make_ahead`, run by the scheduler (naborad/jobs.py) and when a series is saved,
makes the planned meetings of each active series within its look-ahead window, never more than
MAX_AHEAD planned meetings of a series at a time; the unique (series_id, occurs_on) on `meeting` makes a
second run, or two at once, make nothing twice. A paused council (council.meetings_paused) gets none.

The chair and staff manage series. Whether a series also brings residents' pre-meetings is staff's choice,
kept by the pre-meeting feature (premeeting.service, PreMeetingPlan): nothing here reads it.
"""
from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from .. import council
from ..extensions import db
from ..forms import create_once
from ..holidays import is_public_holiday
from ..i18n import OSLO, local
from ..models import Meeting, MeetingSeries, MeetingStatus, SeriesException, SeriesRule, utcnow
from ..models.meetings import standing_items
from . import service

MAX_AHEAD = 12  # never more planned meetings of one series than this
MAX_WINDOW_DAYS = 365  # the longest look-ahead a series may ask for


# -- the date rule (pure) -----------------------------------------------------------------

def nth_weekday(year: int, month: int, weekday: int, nth: int) -> date | None:
    """The `nth` (1..5, or -1 for the last) `weekday` (0 Monday) of the month; None when there is no such day."""
    days = [d for d in range(1, calendar.monthrange(year, month)[1] + 1) if date(year, month, d).weekday() == weekday]
    if nth == -1:
        return date(year, month, days[-1])
    return date(year, month, days[nth - 1]) if 1 <= nth <= len(days) else None


def rule_dates(rule: SeriesRule | str, *, interval: int, weekday: int, nth: int, starts_on: date,
               first: date, last: date) -> Iterator[date]:
    """The days the rule gives from `first` to `last` (both included), never before `starts_on`.
    Every `interval` weeks on `weekday`, counted from the first such weekday on or after `starts_on`;
    or the `nth` `weekday` of each month."""
    first = max(first, starts_on)
    if SeriesRule(rule) == SeriesRule.EVERY_N_WEEKS:
        anchor = starts_on + timedelta(days=(weekday - starts_on.weekday()) % 7)
        step = timedelta(weeks=max(interval, 1))
        skipped = max(0, (first - anchor).days) // step.days
        day = anchor + skipped * step
        while day <= last:
            if day >= first:
                yield day
            day += step
        return
    year, month = first.year, first.month
    while date(year, month, 1) <= last:
        day = nth_weekday(year, month, weekday, nth)
        if day is not None and first <= day <= last:
            yield day
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def starts_at(day: date, at: str) -> datetime:
    """`at` ("18:00") on `day` in Oslo, as UTC: 18:00 is 17:00 UTC in winter and 16:00 UTC in summer."""
    hour, minute = (int(part) for part in at.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=OSLO).astimezone(timezone.utc)


# -- a series' dates ------------------------------------------------------------------------

def occurrences(series: MeetingSeries, now: datetime, *, days: int | None = None,
                limit: int = MAX_AHEAD) -> list[tuple[date, datetime | None]]:
    """The series' dates after `now` within `days` (default: its look-ahead, at most MAX_WINDOW_DAYS), at most
    `limit`: (the rule's day, when the meeting starts), public holidays skipped; a cancelled date comes with
    None, a moved one with its new time."""
    window = min(days if days is not None else series.ahead_days, MAX_WINDOW_DAYS)
    today = local(now).date()
    moved = {e.occurs_on: e.moved_to for e in series.exceptions}
    found = []
    for day in rule_dates(series.rule, interval=series.interval, weekday=series.weekday, nth=series.nth,
                          starts_on=series.starts_on, first=today, last=today + timedelta(days=window)):
        if is_public_holiday(day):
            continue
        when = moved[day] if day in moved else starts_at(day, series.at)
        if when is not None and when <= now:
            continue
        found.append((day, when))
        if len(found) >= limit:
            break
    return found


def next_dates(series: MeetingSeries, now: datetime, limit: int = 1) -> list[tuple[date, datetime]]:
    """The next dates the series meets (cancelled ones left out), however far ahead."""
    return [(day, when) for day, when in occurrences(series, now, days=MAX_WINDOW_DAYS, limit=limit + 12)
            if when is not None][:limit]


# -- making the planned meetings ahead ---------------------------------------------------------

def make_ahead(now: datetime | None = None, only: list[MeetingSeries] | None = None) -> int:
    """Make the planned meetings of every active series (or `only` these) within their look-ahead, each with
    the standing items, never more than MAX_AHEAD planned meetings of a series ahead; none while the
    council is paused. Idempotent (a date of a series has one meeting, ever: a meeting cancelled or moved
    by hand is not made again). The cycle's waiting proposals go to the new meetings. Commits; -> how many."""
    now = now or utcnow()
    if council.meetings_paused() is not None:
        return 0
    made = 0
    for series in only or db.session.scalars(select(MeetingSeries).where(MeetingSeries.active.is_(True))).all():
        if not series.active:
            continue
        ahead = db.session.scalar(select(func.count(Meeting.id)).where(
            Meeting.series_id == series.id, Meeting.starts_at > now,
            Meeting.status.in_([MeetingStatus.PLANNED, MeetingStatus.PUBLISHED]))) or 0
        have = set(db.session.scalars(select(Meeting.occurs_on).where(Meeting.series_id == series.id)))
        for day, when in occurrences(series, now):
            if ahead >= MAX_AHEAD:
                break
            if when is None or day in have:
                continue
            try:
                with db.session.begin_nested():
                    meeting = Meeting(starts_at=when, place=series.place, series_id=series.id, occurs_on=day)
                    db.session.add(meeting)
                    db.session.flush()
                    db.session.add_all(standing_items(meeting))
            except IntegrityError:  # another run made it a moment ago
                continue
            made, ahead = made + 1, ahead + 1
    db.session.commit()
    if made:
        service.offer_cycle_items(now)
    return made


# -- changing a series ----------------------------------------------------------------------

FIELDS = ("rule", "interval", "weekday", "nth", "at", "starts_on", "place", "ahead_days")


def create(*, form_token: str | None = None, **fields) -> tuple[MeetingSeries, bool]:
    """A new series, once per form token, and its first meetings at once; (series, created)."""
    series, created = create_once(MeetingSeries, form_token, lambda: MeetingSeries(
        form_token=form_token, **{k: fields[k] for k in FIELDS}))
    db.session.commit()
    if created:
        make_ahead(only=[series])
    return series, created


def change(series: MeetingSeries, *, active: bool, **fields) -> None:
    """The rule, time, place, look-ahead, or stopped/started. Meetings already made stay as they are (change or
    cancel one on its own page); new ones follow the new rule."""
    for key in FIELDS:
        setattr(series, key, fields[key])
    series.active = active
    db.session.commit()
    if active:
        make_ahead(only=[series])


def except_date(series: MeetingSeries, occurs_on: date, *, moved_to: datetime | None, message: str | None) -> None:
    """Move one date of the series (`moved_to`) or cancel it (`moved_to` None, with `message` to the members).
    A meeting already made for that date is moved or cancelled too (if it has not been held)."""
    row = db.session.scalar(select(SeriesException).where(SeriesException.series_id == series.id,
                                                          SeriesException.occurs_on == occurs_on))
    if row is None:
        row = SeriesException(series_id=series.id, occurs_on=occurs_on)
        db.session.add(row)
    row.moved_to = moved_to
    meeting = db.session.scalar(select(Meeting).where(Meeting.series_id == series.id, Meeting.occurs_on == occurs_on))
    db.session.commit()
    if meeting is not None and meeting.can_cancel():
        if moved_to is None:
            service.cancel(meeting, message or "")
        else:
            service.change(meeting, starts_at=moved_to, place=meeting.place, video_url=meeting.video_url)


def overview() -> list[MeetingSeries]:
    """Every series, active first."""
    return db.session.scalars(select(MeetingSeries).order_by(MeetingSeries.active.desc(), MeetingSeries.id)).unique().all()


def proposed_first_meeting(now: datetime | None = None) -> tuple[datetime, str]:
    """The first meeting after a pause, for the schedule form: the next date of an active series, else two
    weeks ahead at 18:00 Oslo time, in the place of the last meeting."""
    now = now or utcnow()
    for series in db.session.scalars(select(MeetingSeries).where(MeetingSeries.active.is_(True))
                                     .order_by(MeetingSeries.id)):
        for _day, when in next_dates(series, now):
            return when, series.place
    place = db.session.scalar(select(Meeting.place).order_by(Meeting.starts_at.desc()).limit(1))
    return starts_at(local(now).date() + timedelta(days=14), "18:00"), place or ""


def planned(series: MeetingSeries) -> list[Meeting]:
    """The series' meetings from now on, soonest first."""
    return db.session.scalars(select(Meeting).where(Meeting.series_id == series.id,
                                                    Meeting.starts_at > utcnow() - timedelta(hours=6))
                              .order_by(Meeting.starts_at)).all()
