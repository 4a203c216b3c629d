"""The rules of the direct line: consent (off by default, named seat holders, lapsing at a handover), who
may reach whom, conversations (the daily limit, answer, done, block, report), leaving, and the purge.

Nobody is reachable unless they chose it: every way to reach a member starts from `contact_options()`.
Each change writes its audit line (no message text in it) and commits.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, delete, exists, false, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from ..access import holds_chair_seat
from ..errors import NotAllowed
from ..extensions import db
from ..forms import by_token, create_once
from ..models import (
    SCOPE_CHAIR,
    SCOPE_COUNCIL,
    ChairSeat,
    Conversation,
    DirectBlock,
    DirectConsent,
    DirectMessage,
    Role,
    User,
    audit,
    utcnow,
)
from ..notifications.service import notify
from ..reports.service import subtract_months

SCOPES = (SCOPE_CHAIR, SCOPE_COUNCIL)
MESSAGE_MAX = 500


class DailyLimit(Exception):
    """The sender started DAILY_CONVERSATIONS conversations in the last 24 hours."""


# -- consent -------------------------------------------------------------------------------

def consent_of(user) -> DirectConsent | None:
    return db.session.scalar(select(DirectConsent).where(DirectConsent.user_id == user.id)
                             .options(joinedload(DirectConsent.chair), joinedload(DirectConsent.deputy)))


def seat_holders() -> tuple[User | None, User | None]:
    """The active chair and deputy chair now (one query)."""
    rows = db.session.scalars(select(User).where(User.role == Role.CHAIR, User.chair_seat.is_not(None),
                                                 User.is_active_member.is_(True))).all()
    by_seat = {u.chair_seat: u for u in rows}
    return by_seat.get(ChairSeat.CHAIR), by_seat.get(ChairSeat.DEPUTY)


def set_consent(user, *, by_message: bool, by_phone: bool, scope: str) -> DirectConsent | None:
    """Keep the member's choice at once: neither way ticked is off (the row goes). Consent to "the chair"
    names the chair and deputy holding the seats now, and is given anew (not lapsed). An audit line with
    the choice, no names. Returns the consent, or None when off. Commits."""
    if scope not in SCOPES:
        raise NotAllowed
    row = consent_of(user)
    if not by_message and not by_phone:
        if row is not None:
            db.session.delete(row)
        audit("direct_consent_changed", actor=user, target=user, detail="off")
        db.session.commit()
        return None
    if row is None:
        row = DirectConsent(user_id=user.id)
        db.session.add(row)
    chair, deputy = seat_holders() if scope == SCOPE_CHAIR else (None, None)
    row.by_message, row.by_phone, row.scope = by_message, by_phone, scope
    row.chair_id = chair.id if chair else None
    row.deputy_id = deputy.id if deputy else None
    row.given_at, row.lapsed_at = utcnow(), None
    audit("direct_consent_changed", actor=user, target=user,
          detail=f"message={'yes' if by_message else 'no'} phone={'yes' if by_phone else 'no'} to={scope}")
    db.session.commit()
    return row


def lapse_chair_consents() -> int:
    """After a chair or deputy seat changes hands (or is left): consent to "the chair" that names other
    people than the seats' holders now lapses, and each member is asked, in a notification, whether to
    extend it to the new chair. The caller commits (in the same transaction as the handover)."""
    db.session.flush()
    chair, deputy = seat_holders()
    now_ids = (chair.id if chair else None, deputy.id if deputy else None)
    rows = db.session.scalars(select(DirectConsent).where(DirectConsent.scope == SCOPE_CHAIR,
                                                          DirectConsent.lapsed_at.is_(None))).all()
    lapsed = [r for r in rows if (r.chair_id, r.deputy_id) != now_ids]
    if not lapsed:
        return 0
    now = utcnow()
    members = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_([r.user_id for r in lapsed])))}
    for row in lapsed:
        row.lapsed_at = now
        notify([members.get(row.user_id)], "direct_consent", "direct_consent", row.user_id)
    audit("direct_consents_lapsed", detail=f"{len(lapsed)} (chair handover)")
    return len(lapsed)


def end_for_leaving(member) -> None:
    """A member who leaves the council (deactivated) is reachable by nobody: their consent ends. The caller
    commits."""
    if db.session.execute(delete(DirectConsent).where(DirectConsent.user_id == member.id)).rowcount:
        audit("direct_consent_changed", target=member, detail="off (left the council)")


# -- who may reach whom -----------------------------------------------------------------------

@dataclass(frozen=True)
class Reach:
    """How `viewer` may reach a member: a friendly word (message) and/or the number (phone, None if not)."""
    message: bool
    phone: str | None


def _reachable_by(viewer):
    """The condition on DirectConsent (joined with its User) under which `viewer` may reach that member."""
    scope = DirectConsent.scope == SCOPE_COUNCIL
    if holds_chair_seat(viewer):
        scope = or_(scope, and_(DirectConsent.scope == SCOPE_CHAIR,
                                or_(DirectConsent.chair_id == viewer.id, DirectConsent.deputy_id == viewer.id)))
    blocked = exists().where(DirectBlock.blocker_id == DirectConsent.user_id, DirectBlock.blocked_id == viewer.id)
    return and_(scope, DirectConsent.lapsed_at.is_(None), DirectConsent.user_id != viewer.id,
                User.is_active_member.is_(True), ~blocked)


def reachable_members(viewer, user_ids=None) -> list[tuple[User, Reach]]:
    """The members who chose to be reached by `viewer` (of `user_ids`, when given), each with how, by display
    name (one query). The one place that says who is reachable and by what."""
    if not viewer.is_authenticated or not viewer.is_active_member:
        return []
    stmt = (select(User, DirectConsent.by_message, DirectConsent.by_phone)
            .join(DirectConsent, DirectConsent.user_id == User.id).where(_reachable_by(viewer))
            .order_by(User.display_name, User.id))
    if user_ids is not None:
        stmt = stmt.where(DirectConsent.user_id.in_(list(user_ids)) if user_ids else false())
    return [(user, Reach(message, user.phone if by_phone and user.phone else None))
            for user, message, by_phone in db.session.execute(stmt) if message or (by_phone and user.phone)]


def contact_options(viewer, user_ids=None) -> dict[int, Reach]:
    """{member id: Reach} of the members who chose to be reached by `viewer` (one query)."""
    return {user.id: how for user, how in reachable_members(viewer, user_ids)}


def reach(viewer, user_id: int) -> Reach | None:
    return contact_options(viewer, [user_id]).get(user_id)


# -- conversations -----------------------------------------------------------------------------

def conversations_of(user) -> list[Conversation]:
    """The member's own conversations, latest first, with both people (one query)."""
    return db.session.scalars(
        select(Conversation).where(or_(Conversation.starter_id == user.id, Conversation.receiver_id == user.id))
        .options(joinedload(Conversation.starter), joinedload(Conversation.receiver))
        .order_by(Conversation.last_message_at.desc(), Conversation.id.desc()).limit(100)).all()


def started_today(user, now: datetime | None = None) -> int:
    since = (now or utcnow()) - timedelta(days=1)
    return db.session.scalar(select(func.count(Conversation.id)).where(
        Conversation.starter_id == user.id, Conversation.created_at > since)) or 0


def _blocked(blocker_id: int, blocked_id: int) -> bool:
    return db.session.scalar(select(DirectBlock.blocker_id).where(
        DirectBlock.blocker_id == blocker_id, DirectBlock.blocked_id == blocked_id)) is not None


def start(sender, receiver_id: int, text: str, form_token: str | None = None) -> Conversation:
    """A friendly word to a member who chose to be reached by `sender` by message: a new conversation with
    one message; the receiver is told (the mail says nothing of it). At most DAILY_CONVERSATIONS a day per
    sender (DailyLimit); a double submit gives back the first. Raises NotAllowed when the member may not
    be reached. Commits."""
    option = reach(sender, receiver_id)
    if option is None or not option.message:
        raise NotAllowed
    if started_today(sender) >= current_app.config["DIRECT_DAILY_CONVERSATIONS"] and \
            by_token(Conversation, form_token) is None:
        raise DailyLimit
    now = utcnow()
    conversation, created = create_once(Conversation, form_token, lambda: Conversation(
        starter_id=sender.id, receiver_id=receiver_id, created_at=now, last_message_at=now))
    if created:
        db.session.add(DirectMessage(conversation_id=conversation.id, author_id=sender.id, body=text,
                                     created_at=now))
        notify([db.session.get(User, receiver_id)], "direct_message", "conversation", conversation.id)
        db.session.commit()
    return conversation


def answer(conversation, by, text: str, form_token: str | None = None) -> DirectMessage:
    """An answer in the conversation by one of the two, once per form token (a double submit gives back the
    first); the other is told, unless they blocked the writer (who is not told). The conversation is open
    again if it was marked done. Commits."""
    if not conversation.has(by):
        raise NotAllowed
    now = utcnow()
    message, created = create_once(DirectMessage, form_token, lambda: DirectMessage(
        conversation_id=conversation.id, author_id=by.id, body=text, created_at=now, form_token=form_token))
    if created:
        conversation.last_message_at, conversation.done_at = now, None
        other = conversation.other(by)
        if not _blocked(other.id, by.id):
            notify([other], "direct_message", "conversation", conversation.id)
        db.session.commit()
    return message


def mark_done(conversation, by) -> None:
    """"Done, thanks": the conversation is settled (an answer opens it again). Commits."""
    if not conversation.has(by):
        raise NotAllowed
    conversation.done_at = utcnow()
    db.session.commit()


def block(conversation, by) -> None:
    """`by` blocks the other person: they see no button for `by` any more and start nothing new; their
    answers reach `by` without a notification. They are not told. An audit line naming nobody. Commits."""
    if not conversation.has(by):
        raise NotAllowed
    other = conversation.other(by)
    if not _blocked(by.id, other.id):
        db.session.add(DirectBlock(blocker_id=by.id, blocked_id=other.id))
        audit("direct_blocked", actor=by, detail=f"conversation #{conversation.id}")
    db.session.commit()


def is_blocked_by(conversation, user) -> bool:
    """Whether `user` blocked the other person of this conversation."""
    return _blocked(user.id, conversation.other(user).id)


def report(conversation, by) -> None:
    """One of the two reports the conversation to staff: from now staff read it, and they are told. An
    audit line. Commits."""
    if not conversation.has(by):
        raise NotAllowed
    if conversation.reported_at is None:
        conversation.reported_at = utcnow()
        audit("direct_reported", actor=by, detail=f"conversation #{conversation.id}")
        staff = db.session.scalars(select(User).where(User.role == Role.STAFF,
                                                      User.is_active_member.is_(True))).all()
        notify(staff, "direct_reported", "conversation", conversation.id, exclude=by)
    db.session.commit()


def load_messages(conversation) -> list[DirectMessage]:
    return db.session.scalars(select(DirectMessage).where(DirectMessage.conversation_id == conversation.id)
                              .options(joinedload(DirectMessage.author)).order_by(DirectMessage.id)).all()


# -- data rules --------------------------------------------------------------------------------

def export(user) -> list[dict]:
    """The member's conversations with every message, for their data export (two queries)."""
    rows = db.session.scalars(
        select(Conversation).where(or_(Conversation.starter_id == user.id, Conversation.receiver_id == user.id))
        .options(joinedload(Conversation.starter), joinedload(Conversation.receiver),
                 selectinload(Conversation.messages).joinedload(DirectMessage.author))
        .order_by(Conversation.id)).unique().all()
    return [{"id": c.id, "with": c.other(user).display_name, "started_by_you": c.starter_id == user.id,
             "created_at": c.created_at.isoformat(), "done_at": c.done_at.isoformat() if c.done_at else None,
             "reported_at": c.reported_at.isoformat() if c.reported_at else None,
             "messages": [{"from_you": m.author_id == user.id, "text": m.body, "created_at": m.created_at.isoformat()}
                          for m in c.messages]} for c in rows]


def purge_conversations(now: datetime | None = None, months: int | None = None) -> int:
    """Delete conversations (with their messages) whose last message is older than the retention period
    (NABORAD_DIRECT_RETENTION_MONTHS, 12). Commits. Returns how many."""
    now = now or utcnow()
    months = current_app.config["DIRECT_RETENTION_MONTHS"] if months is None else months
    cutoff = subtract_months(now, months)
    ids = db.session.scalars(select(Conversation.id).where(Conversation.last_message_at < cutoff)).all()
    if ids:
        db.session.execute(delete(DirectMessage).where(DirectMessage.conversation_id.in_(ids)))
        db.session.execute(delete(Conversation).where(Conversation.id.in_(ids)))
    db.session.commit()
    return len(ids)


