"""Reminders and the daily digest, run from cron; both can run as often as you like."""
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..council import meetings_paused
from ..extensions import db
from ..mail import queue_mail
from ..models import (
    ActionItem,
    Event,
    Meeting,
    MeetingResponse,
    MeetingStatus,
    Notification,
    PreMeeting,
    PreMeetingResponse,
    ReminderSent,
    RsvpAnswer,
    Signup,
    SignupStatus,
    User,
    utcnow,
)
from .service import DIGEST, notify, readable


def _once(user_id: int, kind: str, subject_type: str, subject_id: int) -> bool:
    """Record a reminder; False when it was sent before (the unique constraint decides)."""
    try:
        with db.session.begin_nested():
            db.session.add(ReminderSent(user_id=user_id, kind=kind, subject_type=subject_type,
                                        subject_id=subject_id))
        return True
    except IntegrityError:
        return False


def send_reminders(now=None) -> int:
    """The day before a meeting, event or pre-meeting the member said yes to; action items due in
    three days, and overdue ones. No meeting reminders while the council's meetings are paused."""
    now = now or utcnow()
    soon = (now + timedelta(hours=12), now + timedelta(hours=36))
    sent = 0
    paused = meetings_paused() is not None  # issue 21: a paused council sends no meeting reminders
    meetings = [] if paused else db.session.execute(
        select(MeetingResponse.user_id, Meeting.id).join(Meeting, Meeting.id == MeetingResponse.meeting_id)
        .where(Meeting.starts_at.between(*soon), Meeting.status != MeetingStatus.CANCELLED,
               MeetingResponse.answer == RsvpAnswer.YES)).all()
    events = db.session.execute(
        select(Signup.user_id, Event.id).join(Event, Event.id == Signup.event_id)
        .where(Event.starts_at.between(*soon), Event.cancelled_at.is_(None), Signup.user_id.is_not(None),
               Signup.status == SignupStatus.CONFIRMED)).all()
    premeetings = db.session.execute(
        select(PreMeetingResponse.user_id, PreMeeting.id).join(PreMeeting, PreMeeting.id ==
                                                               PreMeetingResponse.premeeting_id)
        .where(PreMeeting.starts_at.between(*soon), PreMeeting.cancelled_at.is_(None),
               PreMeetingResponse.coming.is_(True))).all()
    users = {u.id: u for u in db.session.scalars(select(User).where(User.is_active_member.is_(True)))}
    for subject_type, rows in (("meeting", meetings), ("event", events), ("premeeting", premeetings)):
        for user_id, subject_id in rows:
            if user_id in users and _once(user_id, "reminder", subject_type, subject_id):
                sent += notify([users[user_id]], "reminder", subject_type, subject_id)
    today = now.date()
    actions = db.session.scalars(select(ActionItem).where(ActionItem.done_at.is_(None),
                                                          ActionItem.assignee_id.is_not(None),
                                                          ActionItem.due.is_not(None),
                                                          ActionItem.due <= today + timedelta(days=3))).all()
    for action in actions:
        kind = "overdue" if action.due < today else "due_soon"
        if action.assignee_id in users and _once(action.assignee_id, kind, "action", action.id):
            sent += notify([users[action.assignee_id]], "action_due", "action", action.id)
    db.session.commit()
    return sent


def send_digests(now=None) -> int:
    """One mail per member with everything waiting for the digest; nothing when there is nothing."""
    now = now or utcnow()
    waiting = db.session.scalars(select(Notification).where(Notification.mail_mode == DIGEST,
                                                            Notification.digested_at.is_(None))
                                 .order_by(Notification.user_id, Notification.created_at)).all()
    by_user = {}
    for notification in waiting:
        by_user.setdefault(notification.user_id, []).append(notification)
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(list(by_user))))}
    mailed = 0
    for user_id, rows in by_user.items():
        user = users.get(user_id)
        for notification in rows:
            notification.digested_at = now
        if user is None or not user.email or not readable(user, rows):
            continue
        queue_mail(user.email, "digest", locale=user.locale, user_id=user.id, ids=[n.id for n in rows])
        user.last_digest_at = now
        mailed += 1
    db.session.commit()
    return mailed
