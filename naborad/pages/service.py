"""What a member's overview ("oversikt") shows: their next meeting, open action items, recent threads."""
from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.orm import joinedload

from ..access import in_premeeting, visible_action_items, visible_issues, visible_meetings, visible_premeetings
from ..extensions import db
from ..models import STILL_UPCOMING, ActionItem, Issue, Meeting, MeetingStatus, PreMeeting, utcnow


def overview(user) -> dict:
    """The dashboard's context for this member, in a fixed number of queries. The residents' pre-meeting
    is looked up only for those who may know it exists."""
    since = utcnow() - STILL_UPCOMING
    next_meeting = db.session.scalar(visible_meetings(user).where(
        Meeting.starts_at >= since, Meeting.status != MeetingStatus.CANCELLED).order_by(Meeting.starts_at).limit(1))
    my_actions = db.session.scalar(visible_action_items(user)
                                   .where(ActionItem.assignee_id == user.id, ActionItem.done_at.is_(None))
                                   .with_only_columns(func.count(ActionItem.id)))
    recent = db.session.scalars(visible_issues(user).options(joinedload(Issue.author))
                                .order_by(Issue.last_activity_at.desc()).limit(5)).all()
    next_premeeting = db.session.scalar(visible_premeetings(user).where(
        PreMeeting.starts_at >= since, PreMeeting.cancelled_at.is_(None))
        .order_by(PreMeeting.starts_at).limit(1)) if in_premeeting(user) else None
    return dict(next_meeting=next_meeting, my_actions=my_actions, recent=recent, next_premeeting=next_premeeting)
