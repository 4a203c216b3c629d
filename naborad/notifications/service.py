"""Who is told what, and the one check that a member may still read the thing before being told.

Features call `notify(...)` in the same transaction as the change. A notification holds
no text; it is rendered when shown or mailed, from the thing itself, after `readable()`
says the member may still read it (a hidden reply, a withdrawn share or a changed role
means no mail). Mail about the residents' pre-meeting is neutral unless the member chose otherwise
(`names_premeeting_in_mail`).
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime, String, cast, func, insert, literal, null, select, union_all, update

from ..access import (
    PREMEETING,
    STAFF,
    in_premeeting,
    is_moderator,
    is_staff,
    visible_action_items,
    visible_conversations,
    visible_dialogues,
    visible_events,
    visible_issues,
    visible_meetings,
    visible_premeetings,
    visible_reports,
)
from ..extensions import db
from ..i18n import datetime_filter
from ..mail import queue_mail
from ..models import (
    ActionItem,
    AgendaItem,
    AgreementItem,
    Conversation,
    DialogueMeeting,
    Event,
    Issue,
    Meeting,
    Notification,
    NotificationSetting,
    PreMeeting,
    Role,
    SituationReport,
    User,
    UTCDateTime,
    utcnow,
)
from ..preloaded import recall
from .targets import target_url

INSTANT, DIGEST, OFF = "instant", "digest", "off"
MODES = (INSTANT, DIGEST, OFF)


@dataclass(frozen=True)
class Kind:
    name: str
    label: object
    default: str
    # Told at once whatever the settings: staff about situation reports, a member about a reset of their sign-in.
    always_instant: bool = False


KINDS = [
    Kind("issue_reply", _l("A reply in an issue you follow"), DIGEST),
    Kind("issue_status", _l("A status change in an issue you follow"), DIGEST),
    Kind("agenda_published", _l("An agenda is published"), INSTANT),
    Kind("proposal_answered", _l("Your proposal is accepted or declined"), INSTANT),
    Kind("action_assigned", _l("An action item is given to you"), INSTANT),
    Kind("action_due", _l("Your action item is due soon or overdue"), INSTANT),
    Kind("minutes_approved", _l("Minutes are approved"), DIGEST),
    Kind("event_new", _l("A new event"), DIGEST),
    Kind("event_promoted", _l("You got a place from the waiting list"), INSTANT),
    Kind("event_changed", _l("An event you signed up for is changed or cancelled"), INSTANT),
    Kind("premeeting", _l("The residents' meeting (scheduled, agenda ready)"), INSTANT),
    Kind("report_new", _l("A new situation report (staff)"), INSTANT, always_instant=True),
    Kind("report_response", _l("An answer to your report"), INSTANT),
    Kind("invitation_accepted", _l("An invitation is accepted (staff)"), DIGEST),
    Kind("reminder", _l("Reminder the day before a meeting or event you said yes to"), INSTANT),
    Kind("second_factor_reset", _l("Staff reset your two-factor sign-in"), INSTANT, always_instant=True),
    Kind("direct_message", _l("A friendly word or an answer for you (the direct line)"), INSTANT),
    Kind("direct_consent", _l("The chair changed: whether to extend your direct-line choice"), INSTANT,
         always_instant=True),
    Kind("direct_reported", _l("A direct-line conversation is reported (staff)"), INSTANT),
    # issue 20: the pulse. In the app only unless the member chooses mail; the line names no meeting.
    Kind("pulse_round", _l("The neighbourhood pulse: three quick questions"), OFF),
    Kind("agreement_review", _l("An item of the good-neighbour agreement is due for review (chair)"), INSTANT),
    Kind("dialogue", _l("You are invited to a dialogue meeting"), INSTANT),
    Kind("access_ending", _l("A member's access ends within a week (staff)"), INSTANT),  # issue 22
    Kind("council_paused", _l("The council pauses its meetings, or starts them again"), INSTANT),
]
KIND_BY_NAME = {k.name: k for k in KINDS}
# Kinds told under another kind's setting (and not offered on their own): a newly planned pre-meeting
# follows "premeeting".
KIND_BY_NAME["premeeting_planned"] = KIND_BY_NAME["premeeting"]
KIND_BY_NAME["council_resumed"] = KIND_BY_NAME["council_paused"]

# Kinds that are about things only some roles may ever see: only offered to them in the settings.
ROLE_KINDS = {"premeeting": PREMEETING, "report_new": STAFF, "invitation_accepted": STAFF, "direct_reported": STAFF,
              "agreement_review": frozenset({Role.CHAIR}),
              "access_ending": STAFF}
# The direct line's notifications: mail about them is always neutral (it may be read by someone else, and
# that two members talk, or what about, is theirs), and it links to the notification list only.
ALWAYS_NEUTRAL = frozenset({"conversation", "direct_consent"})
# Kinds whose mail is always neutral too: an answer on a member's situation report (that they reported
# something is theirs; issue 19, item 4).
NEUTRAL_KINDS = frozenset({"report_response"})


def unread_count_of(user_id):
    """The count of a member's unread notifications, as a scalar subquery (the login's query selects it)."""
    return (select(func.count(Notification.id))
            .where(Notification.user_id == user_id, Notification.read_at.is_(None)).scalar_subquery())
# Dialogue meetings (issue 19): who is invited, and about what, is for the invitees and staff alone.
ALWAYS_NEUTRAL |= {"dialogue"}


def unread_count(user) -> int:
    """How many of the member's notifications are unread: the header's badge, sent with every page (the
    badge's poll follows later), so a first view needs no request of its own for it. Read with the login
    when nothing was committed since (naborad/preloaded.py)."""
    remembered = recall(user.id, "unread")
    if remembered is not None:
        return remembered
    return db.session.scalar(select(unread_count_of(user.id))) or 0


def kinds_for(user) -> list[Kind]:
    return [k for k in KINDS if user.role in ROLE_KINDS.get(k.name, set(Role))]


def modes_for(user_ids) -> dict[tuple[int, str], str]:
    rows = db.session.execute(select(NotificationSetting.user_id, NotificationSetting.kind, NotificationSetting.mode)
                              .where(NotificationSetting.user_id.in_(user_ids))).all() if user_ids else []
    return {(user_id, kind): mode for user_id, kind, mode in rows}


def notify(users, kind: str, subject_type: str, subject_id: int, *, exclude=None, mail: bool = True) -> int:
    """Tell these members; mail at once or in the digest as each has chosen (`mail=False`: in the app only,
    where the feature tells them another way). Returns how many."""
    spec = KIND_BY_NAME[kind]
    recipients = {u.id: u for u in users if u is not None and u.is_active_member
                  and (exclude is None or u.id != exclude.id)}
    chosen = modes_for(list(recipients))
    rows = []
    for user in recipients.values():
        mode = INSTANT if spec.always_instant else chosen.get((user.id, spec.name), spec.default)
        if not user.email or not mail:
            mode = OFF  # members without email are told in the app only
        rows.append(dict(user_id=user.id, kind=kind, subject_type=subject_type, subject_id=subject_id,
                         mail_mode=mode))
    if not rows:
        return 0
    # One INSERT for all, however many are told (objects added to the session would be inserted one statement
    # each, to learn their ids); the mails need the ids, matched by member (one notification each).
    ids = dict(db.session.execute(insert(Notification).returning(Notification.user_id, Notification.id), rows).all())
    for row in rows:
        if row["mail_mode"] == INSTANT:
            user = recipients[row["user_id"]]
            queue_mail(user.email, "notification", locale=user.locale, notification_id=ids[user.id])
    return len(rows)


# -- how mail about the pre-meeting is worded ------------------------------------------------
# Mail may be read by someone else (a family inbox, an SMS gateway), and that a member lives at the
# facility is health data (PERMISSIONS.md, the mail rule). So mail about the pre-meeting says only
# "News from the neighbourhood council" and links to the notification list, unless the member chose
# mail that says what it is about. The choice is a row of the member's notification settings.
MAIL_WORDING = "mail_wording"
NEUTRAL, NAMED = "neutral", "named"


def names_premeeting_in_mail(user) -> bool:
    """Whether mail about the pre-meeting may say so: only if this member chose it (off by default)."""
    return in_premeeting(user) and db.session.scalar(
        select(NotificationSetting.mode).where(NotificationSetting.user_id == user.id,
                                               NotificationSetting.kind == MAIL_WORDING)) == NAMED


def set_mail_wording(user, named: bool) -> None:
    """Keep the member's choice (see names_premeeting_in_mail); the caller commits."""
    row = db.session.scalar(select(NotificationSetting).where(NotificationSetting.user_id == user.id,
                                                              NotificationSetting.kind == MAIL_WORDING))
    if row is None:
        row = NotificationSetting(user_id=user.id, kind=MAIL_WORDING)
        db.session.add(row)
    row.mode = NAMED if named else NEUTRAL


def _neutral(notification, named: bool) -> bool:
    return ((notification.subject_type == "premeeting" and not named) or notification.subject_type in ALWAYS_NEUTRAL
            or notification.kind in NEUTRAL_KINDS)


def active_members(*roles):
    stmt = select(User).where(User.is_active_member.is_(True))
    if roles:
        stmt = stmt.where(User.role.in_(roles))
    return db.session.scalars(stmt).all()


# -- what a member may read, checked again when shown or mailed -------------------------

def _visible(user, subject_type: str, ids):
    """The select of (id, title) of the things of one type this member may read now, or a ready dict where
    no query is needed (the member's own account), or None (nothing of this type for this member)."""
    ids = list(ids)
    if subject_type == "issue":
        return visible_issues(user).where(Issue.id.in_(ids)).with_only_columns(Issue.id, Issue.title)
    if subject_type == "meeting":
        return visible_meetings(user).where(Meeting.id.in_(ids)).with_only_columns(Meeting.id, Meeting.starts_at)
    if subject_type == "event":
        return visible_events(user).where(Event.id.in_(ids)).with_only_columns(Event.id, Event.title)
    if subject_type == "premeeting":
        if not in_premeeting(user):
            return None
        return visible_premeetings(user).where(PreMeeting.id.in_(ids)).with_only_columns(PreMeeting.id,
                                                                                         PreMeeting.starts_at)
    if subject_type == "action":
        return visible_action_items(user).where(ActionItem.id.in_(ids)).with_only_columns(ActionItem.id,
                                                                                           ActionItem.what)
    if subject_type == "proposal":
        stmt = select(AgendaItem.id, AgendaItem.title).where(AgendaItem.id.in_(ids))
        if not is_moderator(user):  # a proposal's answer is its proposer's
            stmt = stmt.where(AgendaItem.proposer_id == user.id)
        return stmt
    if subject_type == "report":
        return visible_reports(user).where(SituationReport.id.in_(ids)).with_only_columns(
            SituationReport.id, SituationReport.category)
    if subject_type == "user":
        if not is_staff(user):
            return None
        return select(User.id, User.display_name).where(User.id.in_(ids))
    if subject_type == "account":  # the member's own account (sign-in): nobody else's
        return {user.id: user.display_name} if user.id in ids else None
    if subject_type == "council":  # the council as a whole (its meetings paused or resumed): every member
        return {i: "" for i in ids}
    if subject_type == "direct_consent":  # the member's own choice on the direct line
        return {user.id: ""} if user.id in ids else None
    if subject_type == "pulse":  # every member answers the pulse; the line carries nothing of it
        return {i: "" for i in ids}
    if subject_type == "agreement":  # the good-neighbour agreement: every member reads it
        return select(AgreementItem.id, AgreementItem.text).where(AgreementItem.id.in_(ids))
    if subject_type == "dialogue":  # the invitees' and staff's; no title in the list (neutral)
        return visible_dialogues(user).where(DialogueMeeting.id.in_(ids)).with_only_columns(
            DialogueMeeting.id, literal(""))
    if subject_type == "conversation":  # never the other person's name or any text
        return visible_conversations(user).where(Conversation.id.in_(ids)).with_only_columns(
            Conversation.id, literal(""))
    return None


def _visible_titles(user, by_type: dict[str, set[int]]) -> dict[str, dict[int, object]]:
    """{type: {id: title}} of the things this member may read now, for every type at once: one UNION ALL
    query whatever the types and the number of things (a title is text, or a time for meetings)."""
    found: dict[str, dict[int, object]] = {t: {} for t in by_type}
    parts = []
    for subject_type, ids in by_type.items():
        visible = _visible(user, subject_type, ids)
        if isinstance(visible, dict):
            found[subject_type] = visible
        elif visible is not None:
            id_column, title = visible.selected_columns
            is_time = isinstance(title.type, (UTCDateTime, DateTime))
            parts.append(visible.order_by(None).with_only_columns(
                literal(subject_type).label("kind"), id_column.label("id"),
                (null() if is_time else cast(title, String)).label("text"),
                (title if is_time else cast(null(), UTCDateTime())).label("at")))
    if parts:
        for kind, thing_id, text, at in db.session.execute(union_all(*parts) if len(parts) > 1 else parts[0]):
            found[kind][thing_id] = at if at is not None else text
    return found


def listed(user):
    """The member's own notifications, newest first, without the kinds of thing their role never reads
    (the pre-meeting's for a member outside it, members' for all but staff): a page of the list, and
    whether more follow, says nothing about them. `readable()` still checks each thing of a page."""
    never = [t for t, may in (("premeeting", in_premeeting(user)), ("user", is_staff(user))) if not may]
    stmt = select(Notification).where(Notification.user_id == user.id)
    if never:
        stmt = stmt.where(Notification.subject_type.not_in(never))
    return stmt.order_by(Notification.created_at.desc(), Notification.id.desc())


def readable(user, notifications) -> list[tuple[Notification, object]]:
    """The notifications whose thing this member may still read, each with the thing's title or time.
    One query per type of thing, so a list costs the same whatever its length."""
    if user is None or not user.is_active_member:
        return []
    by_type: dict[str, set[int]] = {}
    for n in notifications:
        by_type.setdefault(n.subject_type, set()).add(n.subject_id)
    titles = _visible_titles(user, by_type)
    return [(n, titles[n.subject_type][n.subject_id]) for n in notifications
            if n.subject_id in titles.get(n.subject_type, {})]


def mark_all_read(user) -> None:
    db.session.execute(update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
                       .values(read_at=utcnow()))


def describe(notification, title) -> str:
    """The one line a member sees, in the app and in mail. Pre-meeting notifications say nothing
    from the pre-meeting itself (PERMISSIONS.md)."""
    if hasattr(title, "tzinfo"):
        title = datetime_filter(title, "day")
    kind, subject = notification.kind, notification.subject_type
    if kind == "reminder":
        if subject == "meeting":
            return _("Reminder: the council meeting %(when)s", when=title)
        if subject == "premeeting":
            return _("Reminder: the residents' meeting is tomorrow")
        return _("Reminder: %(title)s is tomorrow", title=title)
    texts = {
        "issue_reply": lambda: _("New reply in “%(title)s”", title=title),
        "issue_status": lambda: _("The status changed in “%(title)s”", title=title),
        "agenda_published": lambda: _("The agenda for the council meeting %(when)s is published", when=title),
        "proposal_answered": lambda: _("Your proposal “%(title)s” has an answer", title=title),
        "action_assigned": lambda: _("You have a new action item: %(title)s", title=title),
        "action_due": lambda: _("Your action item is due soon or overdue: %(title)s", title=title),
        "minutes_approved": lambda: _("The minutes of the council meeting %(when)s are approved", when=title),
        "event_new": lambda: _("New event: %(title)s", title=title),
        "event_promoted": lambda: _("You got a place from the waiting list: %(title)s", title=title),
        "event_changed": lambda: _("Changes to “%(title)s”", title=title),
        "premeeting": lambda: _("The pre-meeting agenda is ready"),
        "premeeting_planned": lambda: _("A residents' meeting is planned"),
        "report_new": lambda: _("A new situation report"),
        "report_response": lambda: _("You have an answer to your report"),
        "invitation_accepted": lambda: _("%(name)s accepted an invitation", name=title),
        "second_factor_reset": lambda: _("Staff reset your two-factor sign-in. Set it up again from your profile."),
        "direct_message": lambda: _("A friendly word for you"),
        "direct_consent": lambda: _("The chair has changed: do you want the new chair to be able to reach you?"),
        "direct_reported": lambda: _("A direct-line conversation was reported to the staff"),
        "pulse_round": lambda: _("The neighbourhood pulse: how are things? Three quick questions"),
        "agreement_review": lambda: _("Time to review the good-neighbour agreement: “%(title)s”", title=title),
        "dialogue": lambda: _("You are invited to a small meeting. Open it to see when and where."),
        "access_ending": lambda: _("The access of %(name)s ends within a week: extend it or let it end",
                                   name=title),
        "council_paused": lambda: _("The council pauses its meetings for now"),
        "council_resumed": lambda: _("The council starts its meetings again"),
    }
    return texts.get(kind, lambda: _("Something new"))()


def mail_notification(mail, context):
    """Mail builder, run at send time: None when the member may no longer read the thing."""
    notification = db.session.get(Notification, context.get("notification_id"))
    if notification is None:
        return None
    user = db.session.get(User, notification.user_id)
    if user is None or not user.is_active_member or not user.email:
        return None
    shown = readable(user, [notification])
    if not shown:
        return None
    base = context["base_url"]
    settings_url = base + url_for("notifications.settings")
    if _neutral(notification, names_premeeting_in_mail(user)):
        return {**context, "text": _("News from the neighbourhood council"), "url": base + url_for("notifications.index"),
                "note": _("There is something new for you. Log in to read it:"), "settings_url": settings_url}
    return {**context, "text": describe(notification, shown[0][1]), "url": base + target_url(notification),
            "note": None, "settings_url": settings_url}


def mail_digest(mail, context):
    """The daily digest, rendered at send time with only what the member may still read."""
    user = db.session.get(User, context.get("user_id"))
    if user is None or not user.is_active_member or not user.email:
        return None
    rows = db.session.scalars(select(Notification).where(Notification.id.in_(context.get("ids", [])),
                                                         Notification.user_id == user.id)
                              .order_by(Notification.created_at)).all()
    shown = readable(user, rows)
    if not shown:
        return None
    base = context["base_url"]
    named = names_premeeting_in_mail(user)
    lines = [(describe(n, title), base + target_url(n)) for n, title in shown if not _neutral(n, named)]
    if len(lines) < len(shown):  # one neutral line, however many there are about the pre-meeting
        lines.append((_("Something new for you: log in to read it"), base + url_for("notifications.index")))
    return {**context, "lines": lines, "settings_url": base + url_for("notifications.settings")}
