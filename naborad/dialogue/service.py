"""Dialogue meetings: staff plan one (from a pattern of reports or on their own), choose the invitees, write
the agenda and the minutes; the invitees are told in neutral words and read it. Every change commits.

Its own model (models/dialogue.py): the council's meeting lists, calendar feeds and statistics never read it.
Personal data: who was invited and the minutes. Deleted `DIALOGUE_RETENTION_MONTHS` (24) after the meeting
(`purge_dialogues`, a daily job); an invitee's own dialogue meetings are in their data export (`export`).
"""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import delete, select

from ..access import visible_dialogues
from ..extensions import db
from ..forms import create_once
from ..models import DialogueMeeting, Role, User, utcnow
from ..notifications.service import notify
from ..paging import Page, paginate
from ..reports.patterns import Pattern, mark_dialogue, purge_marks
from ..reports.service import subtract_months


def dialogues(user, page: int = 1) -> Page:
    """The dialogue meetings this member may read (staff: all; a member: the ones they are invited to),
    the latest first. One query per page."""
    return paginate(visible_dialogues(user).order_by(DialogueMeeting.starts_at.desc(), DialogueMeeting.id.desc()),
                    page)


def upcoming_for(user, now: datetime | None = None, limit: int = 5) -> list[DialogueMeeting]:
    """A member's own coming dialogue meetings, for their overview (one query; nothing for staff, who have
    the list)."""
    if user.role == Role.STAFF:
        return []
    return db.session.scalars(visible_dialogues(user).where(DialogueMeeting.starts_at >= (now or utcnow()))
                              .order_by(DialogueMeeting.starts_at).limit(limit)).all()


def invitable_members() -> list[User]:
    """Whom staff may invite: active members who are not staff (staff read every dialogue meeting anyway)."""
    return db.session.scalars(select(User).where(User.is_active_member.is_(True), User.role != Role.STAFF)
                              .order_by(User.display_name, User.id)).all()


def _members(ids) -> list[User]:
    wanted = set(ids or ())
    return [u for u in invitable_members() if u.id in wanted]


def create(by, *, title: str, starts_at: datetime, place: str, agenda: str | None, invitee_ids,
           form_token: str | None, pattern: Pattern | None = None) -> tuple[DialogueMeeting, bool]:
    """Plan a dialogue meeting once per form token; (meeting, created). The invitees are told with a neutral
    notification (its mail says only "Nytt fra naborådet"). From a pattern of reports: a `ReportPatternMark`
    (dialogue), so the pattern is not offered for one again until a newer report. Commits."""
    invitees = _members(invitee_ids)
    meeting, created = create_once(DialogueMeeting, form_token, lambda: DialogueMeeting(
        title=title, starts_at=starts_at, place=place, agenda=agenda, created_by_id=by.id, invitees=invitees))
    if created:
        if pattern is not None:
            mark_dialogue(pattern, meeting.id)
        notify(invitees, "dialogue", "dialogue", meeting.id, exclude=by)
        db.session.commit()
    return meeting, created


def change(meeting: DialogueMeeting, by, *, title: str, starts_at: datetime, place: str, agenda: str | None,
           invitee_ids) -> None:
    """Change the time, place, agenda or invitees; a newly invited member is told (neutrally), one taken off
    the list no longer sees it. Commits."""
    invitees = _members(invitee_ids)
    before = {u.id for u in meeting.invitees}  # by id: User's __eq__ (flask-login) compares session ids
    new = [u for u in invitees if u.id not in before]
    meeting.title, meeting.starts_at, meeting.place, meeting.agenda = title, starts_at, place, agenda
    meeting.invitees = invitees
    notify(new, "dialogue", "dialogue", meeting.id, exclude=by)
    db.session.commit()


def save_minutes(meeting: DialogueMeeting, minutes: str | None) -> None:
    """Write the minutes; the invitees read them on the meeting's page (nobody is told). Commits."""
    meeting.minutes = minutes
    db.session.commit()


def export(user) -> list[dict]:
    """A member's dialogue meetings for their data export: what they were invited to, its agenda and minutes."""
    rows = db.session.scalars(visible_dialogues(user).order_by(DialogueMeeting.starts_at)).all() \
        if user.role != Role.STAFF else []
    return [{"id": m.id, "title": m.title, "starts_at": m.starts_at.isoformat(), "place": m.place,
             "agenda": m.agenda, "minutes": m.minutes} for m in rows]


def purge_dialogues(now: datetime | None = None, months: int | None = None) -> int:
    """Delete dialogue meetings (with their invitees, agenda and minutes) that started before the retention
    period, and the report-pattern marks that cover no pattern any more. Commits."""
    now = now or utcnow()
    months = current_app.config["DIALOGUE_RETENTION_MONTHS"] if months is None else months
    count = db.session.execute(delete(DialogueMeeting).where(
        DialogueMeeting.starts_at < subtract_months(now, months))).rowcount
    purge_marks(now)
    db.session.commit()
    return count
