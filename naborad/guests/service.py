"""The rules of guest links: who may be invited, what a guest sees, how long a link works.

A guest link is a secret (only its hash is stored) for one meeting. It shows that meeting's published agenda
(titles) and, once the minutes are approved, its decisions and action items, with every member's name replaced
by their group ("a neighbour", "staff"). It never shows a pre-meeting summary, the residents-heard mark, notes,
proposers, or anything of another meeting. It works until 14 days after the minutes are approved, or until
withdrawn; `purge_guests` deletes it after that.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import delete, or_, select

from ..access import published_agenda_items
from ..errors import NotAllowed
from ..extensions import db
from ..forms import create_once
from ..labels import standing_label
from ..models import (
    GUEST_AFTER_APPROVAL,
    ActionItem,
    AgendaItem,
    Meeting,
    MeetingGuest,
    MeetingStatus,
    Role,
    User,
    audit,
    utcnow,
)
from ..tokens import new_token, sha256


def may_invite(meeting: Meeting) -> bool:
    """Guests are invited to a meeting that is not cancelled and whose link would still work."""
    if meeting.status == MeetingStatus.CANCELLED:
        return False
    return meeting.approved_at is None or utcnow() < meeting.approved_at + GUEST_AFTER_APPROVAL


def invite(meeting: Meeting, by: User, *, label: str, form_token: str | None = None) -> tuple[MeetingGuest, str | None]:
    """A personal link for one guest of this meeting, made once per form token. An audit line (no name).
    Returns the link's row and, if it is new, its token (only the hash is kept). Raises NotAllowed for a
    cancelled meeting or one whose guest links have run out. Commits."""
    if not may_invite(meeting):
        raise NotAllowed
    token = new_token()
    guest, created = create_once(MeetingGuest, form_token, lambda: MeetingGuest(
        meeting_id=meeting.id, token_hash=sha256(token), label=label, created_by_id=by.id))
    if not created:
        return guest, None
    audit("guest_invited", actor=by, detail=f"meeting #{meeting.id}, guest #{guest.id}")
    db.session.commit()
    return guest, token


def withdraw(guest: MeetingGuest, by: User) -> bool:
    """The link stops working at once. An audit line. Returns whether it was still in force. Commits."""
    if guest.withdrawn_at is not None:
        return False
    guest.withdrawn_at = utcnow()
    audit("guest_withdrawn", actor=by, detail=f"meeting #{guest.meeting_id}, guest #{guest.id}")
    db.session.commit()
    return True


def guests_of(meeting: Meeting) -> list[MeetingGuest]:
    return db.session.scalars(select(MeetingGuest).where(MeetingGuest.meeting_id == meeting.id)
                              .order_by(MeetingGuest.created_at)).all()


def guest_by_token(token: str) -> MeetingGuest | None:
    """The guest link for this token while it works, else None (the view answers 404)."""
    guest = db.session.scalar(select(MeetingGuest).where(MeetingGuest.token_hash == sha256(token)))
    return guest if guest is not None and guest.valid else None


# -- what a guest sees --------------------------------------------------------------------------

def group_of(user: User | None) -> str:
    """A member as a guest sees them: their group, never their name."""
    if user is None:
        return _("a former member")
    return {Role.RESIDENT: _("a resident"), Role.NEIGHBOUR: _("a neighbour"), Role.CHAIR: _("the chair"),
            Role.STAFF: _("staff")}[user.role]


class _Names:
    """Replaces every member's display name and full name in a text by their group (longest first)."""

    def __init__(self):
        rows = db.session.scalars(select(User)).all()
        names = {}
        for user in rows:
            for name in (user.display_name, user.full_name):
                if name and len(name.strip()) >= 2:
                    names.setdefault(name.strip().casefold(), group_of(user))
        self.groups = names
        alternatives = sorted(names, key=len, reverse=True)
        self.pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(n) for n in alternatives) + r")(?!\w)",
                                  re.IGNORECASE) if alternatives else None

    def __call__(self, text: str | None) -> str | None:
        if not text or self.pattern is None:
            return text
        return self.pattern.sub(lambda m: self.groups[m.group(0).casefold()], text)


@dataclass
class GuestItem:
    title: str
    decision: str | None
    actions: list[tuple[str, str, object]]  # (what, who as a group, due)


@dataclass
class GuestView:
    meeting: Meeting
    valid_until: datetime | None
    items: list[GuestItem]
    minutes: bool  # the minutes are approved: decisions and action items are shown


def guest_view(guest: MeetingGuest) -> GuestView:
    """The meeting as this guest may see it (a fixed number of queries): the published agenda's titles, and once
    the minutes are approved each item's decision and action items; names replaced by groups."""
    meeting = guest.meeting
    minutes = meeting.minutes_public
    rows = db.session.scalars(published_agenda_items(meeting).order_by(AgendaItem.position, AgendaItem.id)).all()
    actions: dict[int, list] = {}
    names = _Names()
    if minutes:
        for action in db.session.scalars(select(ActionItem).where(ActionItem.meeting_id == meeting.id)
                                         .order_by(ActionItem.id)):
            who = group_of(action.assignee) if action.assignee_id else (
                _("someone outside the council") if action.assignee_name else _("nobody yet"))
            actions.setdefault(action.agenda_item_id, []).append((names(action.what), who, action.due))
    items = [GuestItem(title=names(standing_label(item.standing) if item.standing else item.title),
                       decision=names(item.decision) if minutes else None,
                       actions=actions.get(item.id, [])) for item in rows]
    return GuestView(meeting=meeting, valid_until=guest.valid_until, items=items, minutes=minutes)


def purge_guests(now: datetime) -> int:
    """Delete guest links that no longer work: withdrawn, their meeting cancelled, or 14 days past the
    approval of its minutes. Returns how many. Commits."""
    gone = select(Meeting.id).where(or_(Meeting.status == MeetingStatus.CANCELLED,
                                        Meeting.approved_at < now - GUEST_AFTER_APPROVAL))
    count = db.session.execute(delete(MeetingGuest).where(or_(MeetingGuest.withdrawn_at.is_not(None),
                                                              MeetingGuest.meeting_id.in_(gone)))).rowcount
    db.session.commit()
    return count
