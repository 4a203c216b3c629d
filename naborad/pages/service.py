"""What a member's overview ("oversikt") shows: what to know or do now, for their role, in a fixed number of
queries. Everyone: the on-duty phone, their own open action items, the next meeting, upcoming events and their
own sign-ups, recent threads. The chair and staff: proposals waiting for them. Staff: reports waiting.
Residents and staff: the next residents' pre-meeting (looked up only for those who may know it exists)."""
from __future__ import annotations

from sqlalchemy import and_, func, literal, or_, select
from sqlalchemy.orm import joinedload

from ..access import (
    in_premeeting,
    is_moderator,
    is_staff,
    visible_action_items,
    visible_events,
    visible_issues,
    visible_meetings,
    visible_premeetings,
    visible_reports,
)
from ..contact.service import load_rota
from ..council import meetings_paused_column
from ..council_health.warnings import facts as warning_facts
from ..council_health.warnings import warnings_for
from ..dialogue.service import upcoming_for as upcoming_dialogues
from ..extensions import db
from ..models import (
    STILL_UPCOMING,
    ActionItem,
    AgendaItem,
    Event,
    Issue,
    ItemState,
    Meeting,
    MeetingStatus,
    PreMeeting,
    ReportStatus,
    Signup,
    SituationReport,
    utcnow,
)
from ..models.meetings import OPEN_FOR_PROPOSALS
from ..paging import first_with_total

SHOWN = 5  # of each list (the rest is one tap away on its own page)
EVENTS_SHOWN = 3


def overview(user) -> dict:
    """The dashboard's context for this member: one query per box, the single values of all boxes in one,
    whatever the amount of data."""
    now = utcnow()
    since = now - STILL_UPCOMING
    single = single_values(user, now, since)
    recent = db.session.scalars(visible_issues(user).options(joinedload(Issue.author))
                                .order_by(Issue.last_activity_at.desc()).limit(SHOWN)).all()
    rota = load_rota()  # the number on duty now; staff also see what is wrong with the rota until it is fixed
    return dict(next_meeting=single.Meeting, recent=recent,
                next_premeeting=single.PreMeeting if in_premeeting(user) else None, on_duty=rota.on_duty(now),
                paused=single.paused, rota_warnings=rota.warnings() if is_staff(user) else [],
                key_warnings=warnings_for(user, rota, now, row=single) if is_moderator(user) else None,
                **my_actions(user), **events(user, now),
                waiting_proposals=waiting_proposals(now) if is_moderator(user) else [],
                **(waiting_reports(user) if is_staff(user) else dict(waiting_reports=[], waiting_report_count=0)),
                my_dialogues=upcoming_dialogues(user, since))


def single_values(user, now, since):
    """One row of what the overview shows one of: the next meeting (`.Meeting`, or None), for residents and staff
    the next residents' pre-meeting (`.PreMeeting`), the pause of the council's meetings (`.paused`), and what the
    key-person warnings judge (their `facts`). One query: each thing is joined or selected by a scalar subquery."""
    next_meeting = (visible_meetings(user).where(Meeting.starts_at >= since, Meeting.status != MeetingStatus.CANCELLED)
                    .order_by(Meeting.starts_at).limit(1).with_only_columns(Meeting.id).scalar_subquery()
                    .correlate(None))
    one = select(literal(1).label("one")).subquery("one")
    stmt = (select(Meeting, meetings_paused_column().label("paused"), *warning_facts(user, now))
            .select_from(one).outerjoin(Meeting, Meeting.id == next_meeting))
    if in_premeeting(user):  # nobody else's query even names the pre-meeting
        next_premeeting = (visible_premeetings(user).where(PreMeeting.starts_at >= since,
                                                           PreMeeting.cancelled_at.is_(None))
                           .order_by(PreMeeting.starts_at).limit(1).with_only_columns(PreMeeting.id)
                           .scalar_subquery().correlate(None))
        stmt = stmt.add_columns(PreMeeting).outerjoin(PreMeeting, PreMeeting.id == next_premeeting)
    return db.session.execute(stmt).one()


def my_actions(user) -> dict:
    """This member's open action items, the ones due first, and how many (one query)."""
    mine = visible_action_items(user).where(ActionItem.assignee_id == user.id, ActionItem.done_at.is_(None))
    shown, count = first_with_total(mine.order_by(ActionItem.due.is_(None), ActionItem.due, ActionItem.id), SHOWN)
    return dict(my_actions=count, my_action_list=shown)


def events(user, now) -> dict:
    """The next few events (with this member's sign-up to each), and their sign-ups to events further ahead
    (one query: the coming events this member signed up to or among the next few, each with their sign-up)."""
    coming = visible_events(user).where(Event.ends_at >= now, Event.cancelled_at.is_(None))
    first = coming.order_by(Event.starts_at, Event.id).limit(EVENTS_SHOWN).with_only_columns(Event.id)
    rows = db.session.execute(
        coming.add_columns(Signup).outerjoin(Signup, and_(Signup.event_id == Event.id, Signup.user_id == user.id))
        .where(or_(Event.id.in_(first), Signup.id.is_not(None)))
        .order_by(Event.starts_at, Event.id).limit(EVENTS_SHOWN + SHOWN)).all()
    upcoming = [event for event, _ in rows[:EVENTS_SHOWN]]  # the first events are first among the rows too
    signed_up = [(signup, event) for event, signup in rows if signup is not None][:SHOWN]
    shown = {event.id for event in upcoming}
    return dict(upcoming_events=upcoming, signup_of={event.id: signup for signup, event in signed_up},
                later_signups=[(signup, event) for signup, event in signed_up if event.id not in shown])


def waiting_proposals(now) -> list[tuple[int, object, int]]:
    """Proposals the chair and staff have not answered yet, per coming meeting: (meeting id, starts, count)."""
    return db.session.execute(
        select(Meeting.id, Meeting.starts_at, func.count(AgendaItem.id))
        .join(AgendaItem, AgendaItem.meeting_id == Meeting.id)
        .where(AgendaItem.state == ItemState.PROPOSED, Meeting.status.in_(OPEN_FOR_PROPOSALS),
               Meeting.starts_at > now)
        .group_by(Meeting.id, Meeting.starts_at).order_by(Meeting.starts_at)).all()


def waiting_reports(user) -> dict:
    """Staff: reports nobody has acknowledged yet, the longest waiting first, and how many (one query)."""
    new = visible_reports(user).where(SituationReport.status == ReportStatus.NEW)
    shown, count = first_with_total(new.order_by(SituationReport.created_at, SituationReport.id), SHOWN)
    return dict(waiting_reports=shown, waiting_report_count=count)
