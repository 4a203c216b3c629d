"""The handover checklist (issue 20): what the outgoing chair or staff member hands to the one taking over,
on one printable page: open action items, planned meetings, contact points, pending agenda proposals and the
agreement's review dates. For the chair and staff alone; nothing on it reads pre-meeting data. A fixed number
of queries whatever the amount of data (each list shows the first few and says how many)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..access import visible_action_items
from ..contact.service import ordered_points
from ..extensions import db
from ..models import STILL_UPCOMING, ActionItem, AgendaItem, ItemState, Meeting, MeetingStatus, Role, utcnow
from ..models.meetings import OPEN_FOR_PROPOSALS
from ..paging import first_with_total
from . import service

SHOWN = 25  # of each list; the rest is one tap away on its own page


def concerns(member, choice: str) -> bool:
    """Whether a role change hands over a key role (a chair seat or the staff role), so the role change
    offers the checklist: the member had one, or gets one."""
    return member.role in (Role.CHAIR, Role.STAFF) or choice in ("chair", "deputy", Role.STAFF.value)


def checklist(user) -> dict:
    """The checklist's context for this member (chair or staff)."""
    now = utcnow()
    actions, action_count = first_with_total(
        visible_action_items(user).where(ActionItem.done_at.is_(None))
        .options(joinedload(ActionItem.assignee), joinedload(ActionItem.meeting))
        .order_by(ActionItem.due.is_(None), ActionItem.due, ActionItem.id), SHOWN)
    meetings = db.session.scalars(select(Meeting).where(
        Meeting.status.in_((MeetingStatus.PLANNED, MeetingStatus.PUBLISHED)),
        Meeting.starts_at >= now - STILL_UPCOMING).order_by(Meeting.starts_at).limit(SHOWN)).all()
    proposals, proposal_count = first_with_total(
        select(AgendaItem).join(AgendaItem.meeting).options(joinedload(AgendaItem.meeting))
        .where(AgendaItem.state == ItemState.PROPOSED, Meeting.status.in_(OPEN_FOR_PROPOSALS), Meeting.starts_at > now)
        .order_by(Meeting.starts_at, AgendaItem.id), SHOWN)
    return dict(actions=actions, action_count=action_count, meetings=meetings, points=ordered_points(),
                proposals=proposals, proposal_count=proposal_count, reviews=service.review_dates(), now=now)
