"""Key-person warnings (issue 20): what makes the council hang on one person, shown on the chair's and the
staff's overview with what to do about it. One function per warning; what they judge is selected by `facts()`
as scalar subqueries (the overview selects them with its own single values, in one query), so `warnings_for(user)`
costs a fixed number of queries.

No warning names a person (a resident must never be identifiable from one). The chair's warnings never read
pre-meeting data: the one warning about the residents' pre-meeting is computed for staff alone, and reads the
pre-meeting only through premeeting.service.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select

from ..access import is_moderator, is_staff
from ..contact.service import LoadedRota, load_rota
from ..extensions import db
from ..models import (
    STILL_UPCOMING,
    ActionItem,
    AuditEvent,
    ChairSeat,
    Meeting,
    MeetingStatus,
    Role,
    User,
    UserSession,
    utcnow,
)
from ..premeeting.service import unprepared_meetings

AWAY = timedelta(days=60)  # the chair or deputy has not logged in for this long
QUIET = timedelta(days=90)  # no council meeting held for this long
MIN_ACTIONS = 3  # "one person holds more than half" only says something with at least this many open items
HELD = (MeetingStatus.HELD, MeetingStatus.APPROVED)
PLANNED = (MeetingStatus.PLANNED, MeetingStatus.PUBLISHED)


@dataclass(frozen=True)
class KeyWarning:
    key: str  # stable, for tests and the element's id
    message: str
    action: str  # what to do, as the link's text
    url: str


def _for(user, staff_text, chair_text):
    return staff_text if is_staff(user) else chair_text


def _seat_facts(seat: ChairSeat) -> dict:
    """When the holder of `seat` (an active member) was created, last logged in, last seen: scalar subqueries."""
    holder = (User.chair_seat == seat, User.is_active_member.is_(True))
    return {f"{seat.value}_created": select(User.created_at).where(*holder).scalar_subquery(),
            f"{seat.value}_login": select(func.max(AuditEvent.at)).join(User, AuditEvent.actor_id == User.id)
            .where(*holder, AuditEvent.action == "login").scalar_subquery(),
            f"{seat.value}_seen": select(func.max(UserSession.last_seen_at)).join(User, UserSession.user_id == User.id)
            .where(*holder, UserSession.second_factor_pending.is_(False)).scalar_subquery()}


def seats(facts) -> dict[ChairSeat, datetime]:
    """The chair seats held by an active member, each with when its holder last logged in or was seen (their
    account's creation if never); from `facts()`' row."""
    held = {}
    for seat in (ChairSeat.CHAIR, ChairSeat.DEPUTY):
        created = facts[f"{seat.value}_created"]
        if created is not None:
            held[seat] = max(t for t in (created, facts[f"{seat.value}_login"], facts[f"{seat.value}_seen"])
                             if t is not None)
    return held


def no_deputy(user, held: dict) -> KeyWarning | None:
    if ChairSeat.DEPUTY in held:
        return None
    return KeyWarning("no-deputy", _l("The council has no deputy chair: if the chair is away, nobody can lead."),
                   _for(user, _l("Give a council member the deputy chair role"),
                        _l("Agree on a deputy at the next meeting, then ask the staff to give them the role")),
                   url_for("members.index"))


def seat_away(user, held: dict, now: datetime) -> list[KeyWarning]:
    found = []
    for seat, key, text in ((ChairSeat.CHAIR, "chair-away", _l("The chair has not logged in for 60 days.")),
                            (ChairSeat.DEPUTY, "deputy-away", _l("The deputy chair has not logged in for 60 days."))):
        if seat in held and now - held[seat] > AWAY:
            found.append(KeyWarning(key, text, _l("Check in, and if needed hand over with the checklist"),
                                 url_for("council_health.handover")))
    return found


@dataclass(frozen=True)
class Counts:
    staff: int  # active members with the staff role
    open_actions: int  # open action items
    most_actions: int  # the most open action items one person holds
    meeting_kept: bool  # a council meeting held in the last 90 days, or one planned


def _count_facts(now: datetime) -> dict:
    """What one_staff, action_load and no_meeting judge, as scalar subqueries."""
    per_person = (select(func.count(ActionItem.id).label("n")).where(
        ActionItem.done_at.is_(None), ActionItem.assignee_id.is_not(None)).group_by(ActionItem.assignee_id)
        .subquery())
    held = exists().where(Meeting.status.in_(HELD), Meeting.starts_at >= now - QUIET)
    planned = exists().where(Meeting.status.in_(PLANNED), Meeting.starts_at >= now - STILL_UPCOMING)
    return {"staff": select(func.count(User.id)).where(User.role == Role.STAFF, User.is_active_member.is_(True))
            .scalar_subquery(),
            "open_actions": select(func.count(ActionItem.id)).where(ActionItem.done_at.is_(None)).scalar_subquery(),
            "most_actions": select(func.coalesce(func.max(per_person.c.n), 0)).scalar_subquery(),
            "meeting_kept": select(held | planned).scalar_subquery()}


def counts(facts) -> Counts:
    return Counts(int(facts["staff"]), int(facts["open_actions"]), int(facts["most_actions"]),
                  bool(facts["meeting_kept"]))


def _last_held_facts() -> dict:
    """The last two council meetings held (id and start), for staff's pre-meeting warning: scalar subqueries."""
    found = {}
    for n in (0, 1):
        last = select(Meeting.id, Meeting.starts_at).where(Meeting.status.in_(HELD)) \
            .order_by(Meeting.starts_at.desc(), Meeting.id.desc()).offset(n).limit(1)
        found[f"held{n}_id"] = last.with_only_columns(Meeting.id).scalar_subquery()
        found[f"held{n}_starts"] = last.with_only_columns(Meeting.starts_at).scalar_subquery()
    return found


def facts(user, now: datetime) -> list:
    """What this member's warnings judge, as labelled scalar subqueries to select in one query (the overview
    selects them beside its own); none for members who see no warnings. The chair's never read pre-meeting data."""
    if not is_moderator(user):
        return []
    found = {**_seat_facts(ChairSeat.CHAIR), **_seat_facts(ChairSeat.DEPUTY), **_count_facts(now),
             **(_last_held_facts() if is_staff(user) else {})}
    return [column.label(f"warn_{name}") for name, column in found.items()]


def one_staff(user, counted: Counts) -> KeyWarning | None:
    """At most one active member with the staff role."""
    if counted.staff > 1:
        return None
    return KeyWarning("one-staff", _l("Only one staff member has the staff role: the council's administration "
                                   "hangs on one person."),
                   _for(user, _l("Invite a second staff member"), _l("Ask the facility for a second staff contact")),
                   url_for("members.invite") if is_staff(user) else url_for("members.index"))


def action_load(user, counted: Counts) -> KeyWarning | None:
    """One person holds more than half of the open action items. Nobody is named."""
    total, most = counted.open_actions, counted.most_actions
    if total < MIN_ACTIONS or most * 2 <= total:
        return None
    return KeyWarning("action-load", _l("One person holds %(most)d of the %(total)d open action items.", most=most,
                                     total=total),
                   _l("Share them out at the next meeting"), url_for("meetings.actions", status="open"))


def no_meeting(user, counted: Counts) -> KeyWarning | None:
    """No council meeting held in 90 days and none planned."""
    if counted.meeting_kept:
        return None
    return KeyWarning("no-meeting", _l("No council meeting has been held in 90 days, and none is planned."),
                   _l("Plan the next meeting"), url_for("meetings.new"))


def rota_gaps(user, rota: LoadedRota) -> KeyWarning | None:
    """The on-duty rota leaves hours nobody can be called (the rota's own gap check; no rota yet: no warning)."""
    if not rota.slots or not rota.rules.gaps():
        return None
    return KeyWarning("rota-gaps", _l("The on-duty rota has gaps: at some hours nobody can be called."),
                   _for(user, _l("Fill the gaps in the rota"), _l("Ask the staff to fill the gaps")),
                   url_for("contact.rota") if is_staff(user) else url_for("contact.index"))


def no_premeeting(user, facts) -> KeyWarning | None:
    """Staff only: no residents' pre-meeting before either of the last two council meetings held (one query
    beside `facts()`; never asked for the chair)."""
    if not is_staff(user):  # the chair's warnings never depend on pre-meeting data
        return None
    last_two = [(facts[f"held{n}_id"], facts[f"held{n}_starts"]) for n in (0, 1) if facts[f"held{n}_id"] is not None]
    if len(last_two) < 2 or len(unprepared_meetings(last_two)) < 2:
        return None
    return KeyWarning("no-premeeting", _l("No residents' meeting was held before the last two council meetings."),
                   _l("Plan a residents' meeting"), url_for("premeeting.new"))


def warnings_for(user, rota: LoadedRota | None = None, now: datetime | None = None, row=None) -> list[KeyWarning]:
    """The key-person warnings this member sees: the chair (and deputy) and staff the shared ones, staff also
    the pre-meeting one; nobody else any. A fixed number of queries: `row`, a result row that selected
    `facts(user, now)`, saves the query of its own; the rota is loaded unless given."""
    if not is_moderator(user):
        return []
    now = now or utcnow()
    if row is None:
        row = db.session.execute(select(*facts(user, now))).one()
    found_facts = {key.removeprefix("warn_"): value for key, value in row._mapping.items() if key.startswith("warn_")}
    held, counted = seats(found_facts), counts(found_facts)
    found = [no_deputy(user, held), *seat_away(user, held, now), one_staff(user, counted),
             action_load(user, counted), no_meeting(user, counted),
             rota_gaps(user, rota if rota is not None else load_rota())]
    if is_staff(user):
        found.append(no_premeeting(user, found_facts))
    return [w for w in found if w is not None]
