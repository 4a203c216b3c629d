"""The rules inside the residents' pre-meeting: scheduling, its agenda, comments, RSVPs, "agenda ready".

Everything here writes pre-meeting rows only. Council rows are read (the council meetings a
pre-meeting may prepare, the council agenda to import, whether minutes are approved) and never
written: what leaves the residents' room goes through `outflows.py`. Every function that changes
something commits; a refused change raises `NotAllowed` before writing (the views answer 403).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..access import (
    is_staff,
    published_agenda_items,
    visible_agenda_items,
    visible_premeeting_items,
    visible_premeetings,
)
from ..errors import NotAllowed  # noqa: F401  (re-exported for the views and the CLI)
from ..extensions import db
from ..forms import create_once, move_in_order
from ..i18n import OSLO, local
from ..models import (
    STILL_UPCOMING,
    AgendaItem,
    ItemState,
    Meeting,
    MeetingSeries,
    MeetingStatus,
    PreItemState,
    PreMeeting,
    PreMeetingComment,
    PreMeetingItem,
    PreMeetingPlan,
    PreMeetingResponse,
    Role,
    audit,
    utcnow,
)
from ..notifications.service import active_members, notify

# -- reading --------------------------------------------------------------------------

def overview(user) -> tuple[list[PreMeeting], list[PreMeeting]]:
    """(upcoming soonest first, earlier latest first): the last 100 pre-meetings that are not cancelled."""
    rows = db.session.scalars(visible_premeetings(user).where(PreMeeting.cancelled_at.is_(None))
                              .order_by(PreMeeting.starts_at.desc()).limit(100)).all()
    since = utcnow() - STILL_UPCOMING
    upcoming = sorted([p for p in rows if p.starts_at >= since], key=lambda p: p.starts_at)
    return upcoming, [p for p in rows if p.starts_at < since]


@dataclass(frozen=True)
class CouncilLink:
    """How a pre-meeting item imported from the council agenda is shown to one member."""
    title: str | None  # the council item's title as it is now; None where the reader may not read it
    gone: bool  # declined, moved to another meeting, or deleted: no longer on that council agenda
    residents_read: bool  # residents may read the title (staff are told when they may not yet)


def council_links(premeeting: PreMeeting, items, user, *, notice_board: bool = False) -> dict[int, CouncilLink]:
    """{pre-meeting item id: CouncilLink} for the imported items, in at most three queries. A council
    title is shown only where the reader may read that item on the council side (access.py): staff
    always; a resident once the agenda is published (or their own proposal); a notice board (print)
    only what every member may read, whoever prints it."""
    linked = {i.agenda_item_id for i in items if i.agenda_item_id}
    if not linked:
        return {}
    rows = {row.id: row for row in db.session.execute(
        select(AgendaItem.id, AgendaItem.title, AgendaItem.state, AgendaItem.meeting_id)
        .where(AgendaItem.id.in_(linked)))}
    meeting = db.session.get(Meeting, premeeting.meeting_id) if premeeting.meeting_id else None

    def readable(stmt) -> set[int]:
        return set(db.session.scalars(stmt.where(AgendaItem.id.in_(linked)).with_only_columns(AgendaItem.id)))
    for_all = readable(published_agenda_items(meeting)) if meeting else set()
    if notice_board:
        for_reader = for_all
    elif is_staff(user):
        for_reader = set(rows)
    else:
        for_reader = readable(visible_agenda_items(user, meeting)) if meeting else set()
    links = {}
    for item in items:
        if item.agenda_item_id is None:
            continue
        row = rows.get(item.agenda_item_id)
        gone = row is None or row.state != ItemState.ACCEPTED or row.meeting_id != premeeting.meeting_id
        links[item.id] = CouncilLink(title=row.title if row is not None and row.id in for_reader else None,
                                     gone=gone, residents_read=row is not None and row.id in for_all)
    return links


def page_data(premeeting: PreMeeting, user) -> dict:
    """What the pre-meeting page shows this member, in a fixed number of queries: the agenda and the
    proposals they may see, the comments per item, the imported items' council titles as they are now
    where this member may read them (`council_links`), the member's own answer and (staff only) how
    many are coming."""
    items = db.session.scalars(visible_premeeting_items(user, premeeting)
                               .options(joinedload(PreMeetingItem.proposer))
                               .order_by(PreMeetingItem.position, PreMeetingItem.id)).all()
    comments = {}
    if items:
        stmt = select(PreMeetingComment).where(PreMeetingComment.item_id.in_([i.id for i in items])) \
            .options(joinedload(PreMeetingComment.author)).order_by(PreMeetingComment.created_at)
        for comment in db.session.scalars(stmt):
            comments.setdefault(comment.item_id, []).append(comment)
    mine = db.session.scalar(select(PreMeetingResponse.coming).where(PreMeetingResponse.premeeting_id == premeeting.id,
                                                                     PreMeetingResponse.user_id == user.id))
    coming = db.session.scalar(select(func.count()).select_from(PreMeetingResponse).where(
        PreMeetingResponse.premeeting_id == premeeting.id, PreMeetingResponse.coming.is_(True))) \
        if is_staff(user) else None
    return dict(premeeting=premeeting, agenda=[i for i in items if i.on_agenda],
                proposals=[i for i in items if not i.on_agenda], comments=comments,
                council=council_links(premeeting, items, user), my_answer=mine, coming_count=coming, is_staff=is_staff(user))


def council_item_for(item: PreMeetingItem) -> AgendaItem | None:
    """The council agenda item an imported pre-meeting item prepares."""
    return db.session.get(AgendaItem, item.agenda_item_id) if item.agenda_item_id else None


def is_frozen(council_item: AgendaItem | None) -> bool:
    """A shared summary is frozen once the council meeting's minutes are approved."""
    if council_item is None:
        return False
    status = db.session.scalar(select(Meeting.status).where(Meeting.id == council_item.meeting_id))
    return status == MeetingStatus.APPROVED


# How long before a council meeting a residents' pre-meeting counts as preparing it (when not linked to it).
PREPARES_WITHIN = timedelta(days=30)


def unprepared_meetings(meetings) -> set[int]:
    """Staff's key-person warning (issue 20): of the council meetings given as (id, starts_at), the ids of those
    no residents' pre-meeting came before: none linked to it, and none held in the 30 days before it (cancelled
    ones do not count). One query. Only ever asked for staff: nothing the chair sees may depend on it."""
    meetings = list(meetings)
    if not meetings:
        return set()
    starts = [s for _, s in meetings]
    rows = db.session.execute(select(PreMeeting.meeting_id, PreMeeting.starts_at).where(
        PreMeeting.cancelled_at.is_(None), PreMeeting.starts_at <= max(starts),
        PreMeeting.starts_at >= min(starts) - PREPARES_WITHIN)).all()
    prepared = {meeting_id for meeting_id, starts_at in meetings for linked, at in rows
                if at <= starts_at and (linked == meeting_id or (linked is None and at >= starts_at - PREPARES_WITHIN))}
    return {meeting_id for meeting_id, _ in meetings} - prepared


# -- the pre-meeting ----------------------------------------------------------------------

def schedule(*, starts_at, place: str, title: str | None, meeting_id: int | None, form_token: str,
             by) -> PreMeeting:
    """Create a pre-meeting, once per form token (a repeated submit returns the first one). Only on
    creation are residents and staff (not `by`) told that one is planned, with no text
    ("premeeting_planned": not that the agenda is ready, which it is not yet). A `meeting_id` that is
    no council meeting is dropped. Commits."""
    meeting_id = meeting_id if meeting_id and db.session.get(Meeting, meeting_id) else None
    premeeting, created = create_once(PreMeeting, form_token, lambda: PreMeeting(
        starts_at=starts_at, place=place, title=title, meeting_id=meeting_id, form_token=form_token))
    if created:
        _tell_residents_and_staff(premeeting, by, "premeeting_planned")
    db.session.commit()
    return premeeting


def mark_agenda_ready(premeeting: PreMeeting, by) -> None:
    """Once: the agenda is ready; residents and staff (not `by`) are told so, with no text. Commits."""
    if premeeting.agenda_ready_at is None:
        premeeting.agenda_ready_at = utcnow()
        _tell_residents_and_staff(premeeting, by, "premeeting")
        db.session.commit()


def _tell_residents_and_staff(premeeting: PreMeeting, by, kind: str) -> None:
    # The notification holds no text: "a residents' meeting is planned" or "the pre-meeting agenda is
    # ready", and a link (PERMISSIONS.md); its mail is neutral unless the member chose otherwise.
    notify(active_members(Role.RESIDENT, Role.STAFF), kind, "premeeting", premeeting.id, exclude=by)


def answer(premeeting: PreMeeting, by, coming: bool) -> PreMeetingResponse:
    """The member's RSVP (one row per member and pre-meeting, changed in place). Commits."""
    def mine():
        return db.session.scalar(select(PreMeetingResponse).where(PreMeetingResponse.premeeting_id == premeeting.id,
                                                                  PreMeetingResponse.user_id == by.id))
    row = mine()
    if row is None:
        try:
            with db.session.begin_nested():
                row = PreMeetingResponse(premeeting_id=premeeting.id, user_id=by.id, coming=coming)
                db.session.add(row)
                db.session.flush()
        except IntegrityError:  # the member's other request (a double click) added it first
            row = mine()
    row.coming, row.updated_at = coming, utcnow()
    db.session.commit()
    return row


def import_council_agenda(premeeting: PreMeeting) -> int:
    """Add the council meeting's accepted, non-standing agenda items that are not here yet, in council
    order, at the end of the pre-meeting agenda, each linked to its council item. Reads council rows,
    writes pre-meeting rows. The title is copied for staff (the agenda may still be a draft); residents
    see it only through `council_links`. Refused when the pre-meeting prepares no council meeting. Returns how
    many were added. Commits."""
    if premeeting.meeting_id is None:
        raise NotAllowed
    have = set(db.session.scalars(select(PreMeetingItem.agenda_item_id).where(
        PreMeetingItem.premeeting_id == premeeting.id, PreMeetingItem.agenda_item_id.is_not(None))))
    council = db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == premeeting.meeting_id,
                                                          AgendaItem.state == ItemState.ACCEPTED,
                                                          AgendaItem.standing.is_(None))
                                 .order_by(AgendaItem.position, AgendaItem.id)).all()
    position = _last_position(premeeting.id)
    new = [c for c in council if c.id not in have]
    db.session.add_all([PreMeetingItem(premeeting_id=premeeting.id, agenda_item_id=c.id, title=c.title,
                                       state=PreItemState.ACCEPTED, position=position + n)
                        for n, c in enumerate(new, start=1)])
    db.session.commit()
    return len(new)


def _last_position(premeeting_id: int) -> int:
    return db.session.scalar(select(func.coalesce(func.max(PreMeetingItem.position), 0))
                             .where(PreMeetingItem.premeeting_id == premeeting_id,
                                    PreMeetingItem.state == PreItemState.ACCEPTED))


# -- items: proposals, accept/decline, order ---------------------------------------------

def _from_meeting(by, kind: str, created: bool) -> None:
    """Staff entered something said at the residents' meeting: it names no person; the audit log holds who
    typed it (staff read it; it shows no text)."""
    if created:
        audit("premeeting_from_meeting", actor=by, detail=kind)


def propose(premeeting: PreMeeting, *, title: str, text: str | None, by, form_token: str,
            from_meeting: bool = False) -> PreMeetingItem:
    """A new item, once per form token: from staff straight onto the end of the agenda, from a
    resident as a proposal that staff accept or decline. `from_meeting` (staff only, else NotAllowed): a
    proposal made at the residents' meeting by residents who do not use the app, with no proposer (shown
    as from the meeting); the audit log records who entered it. Commits."""
    if from_meeting and not is_staff(by):
        raise NotAllowed
    staff = is_staff(by)
    item, created = create_once(PreMeetingItem, form_token, lambda: PreMeetingItem(
        premeeting_id=premeeting.id, title=title, text=text, proposer_id=None if from_meeting else by.id,
        from_meeting=from_meeting, form_token=form_token,
        state=PreItemState.ACCEPTED if staff else PreItemState.PROPOSED,
        position=_last_position(premeeting.id) + 1 if staff else 0))
    if from_meeting:
        _from_meeting(by, "item", created)
    db.session.commit()
    return item


def accept(item: PreMeetingItem) -> None:
    """A proposal (or a declined one) goes onto the end of the agenda; the decline reason goes. Commits."""
    if not item.on_agenda:
        item.state, item.decline_reason = PreItemState.ACCEPTED, None
        item.position = _last_position(item.premeeting_id) + 1
        db.session.commit()


def decline(item: PreMeetingItem, reason: str) -> None:
    """Decline an item, with a reason its proposer sees. Commits."""
    item.state, item.decline_reason = PreItemState.DECLINED, reason
    db.session.commit()


def move(item: PreMeetingItem, direction: int) -> None:
    """Move an agenda item one place up (-1) or down (+1); nothing happens at either end. Commits."""
    rows = db.session.scalars(select(PreMeetingItem).where(PreMeetingItem.premeeting_id == item.premeeting_id,
                                                           PreMeetingItem.state == PreItemState.ACCEPTED)
                              .order_by(PreMeetingItem.position, PreMeetingItem.id)).all()
    if move_in_order(rows, item, direction, first=1):
        db.session.commit()


def toggle_raise_wanted(item: PreMeetingItem) -> None:
    """The residents' "we want to raise this in the council" mark, on or off. It stays in the room:
    only staff raise an item (outflows.raise_to_council). Refused for items not on the agenda. Commits."""
    if not item.on_agenda:
        raise NotAllowed
    item.raise_wanted = not item.raise_wanted
    db.session.commit()


# -- comments -----------------------------------------------------------------------------

def add_comment(item: PreMeetingItem, *, by, body: str, show_name: bool, form_token: str,
                from_meeting: bool = False) -> PreMeetingComment:
    """A comment on an agenda item, once per form token (a repeated submit returns the first).
    Refused for items not on the agenda. `from_meeting` (staff only, else NotAllowed): said at the
    residents' meeting by residents who do not use the app, stored with no author (shown as from the
    meeting); the audit log records who entered it. Commits."""
    if not item.on_agenda or (from_meeting and not is_staff(by)):
        raise NotAllowed
    comment, created = create_once(PreMeetingComment, form_token, lambda: PreMeetingComment(
        item_id=item.id, author_id=None if from_meeting else by.id, body=body,
        show_name=show_name and not from_meeting, from_meeting=from_meeting, form_token=form_token))
    if from_meeting:
        _from_meeting(by, "comment", created)
    db.session.commit()
    return comment


def hide_comment(comment: PreMeetingComment, reason: str) -> None:
    """Staff hide a comment, with a reason. Commits."""
    comment.hidden_at, comment.hidden_reason = utcnow(), reason
    db.session.commit()


# -- pre-meetings for a council meeting series (issue 21): staff's choice, kept here -------------

def series_plans() -> list[tuple[int, str, PreMeetingPlan | None]]:
    """Staff's page: every active council meeting series (id, place) with its pre-meeting plan, if any."""
    plans = {p.series_id: p for p in db.session.scalars(select(PreMeetingPlan))}
    rows = db.session.execute(select(MeetingSeries.id, MeetingSeries.place).order_by(MeetingSeries.id)).all()
    return [(series_id, place, plans.get(series_id)) for series_id, place in rows]


def plan_for_series(series_id: int, *, days_before: int | None, at: str | None, place: str | None) -> None:
    """Staff choose that a council meeting series brings a residents' pre-meeting `days_before` each meeting at
    `at` in `place`, or (`days_before` None) no longer. The pre-meetings of the series' planned meetings are
    made at once (`premeetings_from_series`); those already made stay. Commits."""
    plan = db.session.scalar(select(PreMeetingPlan).where(PreMeetingPlan.series_id == series_id))
    if days_before is None:
        if plan is not None:
            db.session.delete(plan)
        db.session.commit()
        return
    if plan is None:
        plan = PreMeetingPlan(series_id=series_id, at=at, place=place)
        db.session.add(plan)
    plan.days_before, plan.at, plan.place = days_before, at, place
    db.session.commit()
    premeetings_from_series()


def premeetings_from_series(now=None) -> int:
    """For each planned (or published) future meeting of a series staff planned pre-meetings for, the
    pre-meeting, once per council meeting (by `schedule`'s form token): residents and staff are told as when
    staff schedule one by hand. Only pre-meeting rows are written. -> how many were made."""
    now = now or utcnow()
    made = 0
    for plan in db.session.scalars(select(PreMeetingPlan)).all():
        meetings = db.session.execute(select(Meeting.id, Meeting.starts_at).where(
            Meeting.series_id == plan.series_id, Meeting.starts_at > now,
            Meeting.status.in_([MeetingStatus.PLANNED, MeetingStatus.PUBLISHED]))).all()
        have = set(db.session.scalars(select(PreMeeting.meeting_id).where(
            PreMeeting.meeting_id.in_([m_id for m_id, _starts in meetings]))))
        hour, minute = (int(part) for part in plan.at.split(":"))
        for meeting_id, starts in meetings:
            day = local(starts).date() - timedelta(days=plan.days_before)
            when = datetime.combine(day, time(hour, minute), tzinfo=OSLO).astimezone(timezone.utc)
            if meeting_id in have or when <= now:
                continue
            schedule(starts_at=when, place=plan.place, title=None, meeting_id=meeting_id,
                     form_token=f"series-{plan.id}-{meeting_id}", by=None)
            made += 1
    return made
