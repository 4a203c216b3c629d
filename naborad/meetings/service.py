"""The rules of council meetings: the status of a meeting, its agenda, minutes, action items and RSVPs.

A meeting goes planned -> published (the agenda) -> held -> approved (the minutes), or is cancelled
before it is held; the guards are methods on `Meeting` and `AgendaItem`. Every state change below is
one function that checks its guard (raising `NotAllowed`, which the blueprint answers with 403), makes
the whole change, including the lines in linked issues' timelines and the notifications, and commits.
The query helpers take the visitor (`user`) and return only what that member may see.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from sqlalchemy import and_, bindparam, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload

from .. import council
from ..access import is_moderator, minutes_visible, visible_action_items, visible_agenda_items, visible_meetings
from ..database import commit_and_keep
from ..errors import NotAllowed  # re-exported for the views and the CLI
from ..extensions import db
from ..forms import create_once, move_in_order
from ..i18n import local
from ..issues.service import on_published_agenda, record_event
from ..models import (
    STILL_UPCOMING,
    ActionItem,
    AgendaItem,
    CycleResult,
    Issue,
    IssueEventKind,
    IssueStatus,
    ItemPhase,
    ItemState,
    Meeting,
    MeetingResponse,
    MeetingSeries,
    MeetingStatus,
    RsvpAnswer,
    StandingKind,
    User,
    open_meetings,
    utcnow,
)
from ..models.meetings import refresh_search_text, standing_items
from ..notifications.service import active_members, notify
from ..paging import Page, paginate
from ..pulse import service as pulse
from ..search import matches


class ResidentsNotHeard(Exception):
    """Publishing needs a confirmation: these accepted items concern the residents, who were not heard."""

    def __init__(self, items: list[AgendaItem]):
        super().__init__(len(items))
        self.items = items


class ReasonNeeded(Exception):
    """A decision on an item that concerns the residents, who were not heard through their pre-meeting:
    the chair states why it is decided without them (`AgendaItem.unheard_reason`). `items`: the items
    that lack the reason."""

    def __init__(self, items: list[AgendaItem]):
        super().__init__(len(items))
        self.items = items


def needs_reason(item: AgendaItem, decision: str | None) -> bool:
    """The rule: recording `decision` on this item needs a reason why the residents were not heard."""
    return bool(decision) and item.residents_unheard


def reason_missing(item: AgendaItem, decision: str | None, unheard_reason: str | None) -> bool:
    """Recording `decision` on this item needs a reason why the residents were not heard, and none is given."""
    return needs_reason(item, decision) and not unheard_reason


def unreasoned_decisions(items) -> list[AgendaItem]:
    """Of these items, those with a decision made without the residents heard and no reason why."""
    return [i for i in items if reason_missing(i, i.decision, i.unheard_reason)]


class NotStartedYet(NotAllowed):
    """Marking a meeting as held is refused: it has not started yet."""


def _allow(condition: bool) -> None:
    if not condition:
        raise NotAllowed


# -- what the pages show ------------------------------------------------------------

def upcoming(user) -> list[Meeting]:
    return db.session.scalars(
        visible_meetings(user).where(Meeting.starts_at >= utcnow() - STILL_UPCOMING,
                                     Meeting.status != MeetingStatus.CANCELLED)
        .order_by(Meeting.starts_at)).all()


def archive(user, q: str | None = None, page: int = 1) -> Page:
    """Past and cancelled meetings, newest first, one page of them; `q` searches the items on published agendas
    (titles; moderators also the decisions, which members find in the decision log once approved)."""
    stmt = visible_meetings(user).where(or_(Meeting.starts_at < utcnow() - STILL_UPCOMING,
                                            Meeting.status == MeetingStatus.CANCELLED))
    if q:
        matching = select(AgendaItem.meeting_id).join(AgendaItem.meeting).where(
            AgendaItem.state == ItemState.ACCEPTED, AgendaItem.standing.is_(None),
            Meeting.status.in_([MeetingStatus.PUBLISHED, MeetingStatus.HELD, MeetingStatus.APPROVED]),
            *(matches(AgendaItem.search_text, q) if is_moderator(user)
              else matches(AgendaItem.title, q, folded=False)))
        stmt = stmt.where(Meeting.id.in_(matching))
    return paginate(stmt.order_by(Meeting.starts_at.desc(), Meeting.id.desc()), page)


def agenda_items(user, meeting: Meeting) -> list[AgendaItem]:
    """The meeting's items this member may see (agenda and proposals), in agenda order."""
    return db.session.scalars(
        visible_agenda_items(user, meeting)
        .options(joinedload(AgendaItem.proposer), joinedload(AgendaItem.issue))
        .order_by(AgendaItem.position, AgendaItem.id)).all()


def agenda(user, meeting: Meeting) -> list[AgendaItem]:
    """The accepted items, in agenda order."""
    return [i for i in agenda_items(user, meeting) if i.state == ItemState.ACCEPTED]


def actions_by_item(user, meeting: Meeting) -> dict[int, list[ActionItem]]:
    """Action items per agenda item, as far as this member may see them (one query)."""
    stmt = visible_action_items(user).where(ActionItem.meeting_id == meeting.id) \
        .options(joinedload(ActionItem.assignee)).order_by(ActionItem.id)
    if not minutes_visible(user, meeting):
        stmt = stmt.where(ActionItem.assignee_id == user.id)
    grouped = {}
    for action in db.session.scalars(stmt):
        grouped.setdefault(action.agenda_item_id, []).append(action)
    return grouped


def open_actions(user) -> list[ActionItem]:
    """For the standing item "follow-up of open action items"."""
    return db.session.scalars(visible_action_items(user).where(ActionItem.done_at.is_(None))
                              .options(joinedload(ActionItem.assignee)).order_by(ActionItem.due, ActionItem.id)
                              .limit(50)).all()


def agenda_context(user, meeting: Meeting) -> dict:
    """What the agenda region (templates/meetings/_agenda.html) shows this member; the meeting page
    and every agenda change use it."""
    visible = agenda_items(user, meeting)
    moderator = is_moderator(user)
    return dict(meeting=meeting, agenda=[i for i in visible if i.state == ItemState.ACCEPTED],
                proposals=[i for i in visible if i.state != ItemState.ACCEPTED],
                actions=actions_by_item(user, meeting), open_actions=open_actions(user),
                show_minutes=minutes_visible(user, meeting), is_moderator=moderator,
                later_meetings=later_meetings(meeting) if moderator else [],
                carry_over=carry_over_candidates(meeting) if moderator else [])


HELD_STATES = (MeetingStatus.HELD, MeetingStatus.APPROVED)
SETTLED_ISSUES = (IssueStatus.RESOLVED, IssueStatus.CLOSED)


def _continued():
    """Items that have a continuation: a later item carried from them (carried over, proposed by the cycle),
    whatever became of it (accepted, declined, decided)."""
    later = aliased(AgendaItem)
    return select(later.id).where(later.carried_from_id == AgendaItem.id).exists()


def carry_over_candidates(meeting: Meeting) -> list[AgendaItem]:
    """Every unfinished item of every earlier held meeting, linked to an issue or not, that is not on this
    agenda yet (none when this meeting no longer takes new items). Unfinished: accepted, no decision, no
    answer to "did it work?", not dropped with a reason (`drop`), not carried on already (its continuation,
    once declined, ends it), and its issue, if any, not resolved or closed. An issue mapped at a meeting is
    not offered: the cycle proposes it for solutions (`offer_cycle_items`). Of several items of one issue,
    the latest. Newest meeting first. (Before issue 21: the last held meeting only, and only items with an
    issue.)"""
    if not meeting.open_for_proposals:
        return []
    on_agenda = select(AgendaItem.issue_id).where(AgendaItem.meeting_id == meeting.id,
                                                  AgendaItem.issue_id.is_not(None))
    rows = db.session.scalars(
        select(AgendaItem).join(AgendaItem.meeting).outerjoin(AgendaItem.issue)
        .options(joinedload(AgendaItem.issue), joinedload(AgendaItem.meeting))
        .where(Meeting.starts_at < meeting.starts_at, Meeting.status.in_(HELD_STATES),
               AgendaItem.state == ItemState.ACCEPTED, AgendaItem.standing.is_(None),
               AgendaItem.decision.is_(None), AgendaItem.followup_result.is_(None),
               AgendaItem.dropped_reason.is_(None), ~_continued(),
               or_(AgendaItem.issue_id.is_(None),
                   and_(Issue.status.not_in(SETTLED_ISSUES), AgendaItem.issue_id.not_in(on_agenda))),
               or_(AgendaItem.issue_id.is_(None), AgendaItem.phase.is_(None), AgendaItem.phase != ItemPhase.MAP))
        .order_by(Meeting.starts_at.desc(), AgendaItem.position, AgendaItem.id)).all()
    seen, candidates = set(), []
    for item in rows:
        if item.issue_id is not None and item.issue_id in seen:
            continue
        seen.add(item.issue_id)
        candidates.append(item)
    return candidates


def rsvp_summary(user, meeting: Meeting):
    """This member's answer; for moderators also the count per answer and every response."""
    mine = db.session.scalar(select(MeetingResponse.answer).where(MeetingResponse.meeting_id == meeting.id,
                                                                  MeetingResponse.user_id == user.id))
    counts, responses = {}, []
    if is_moderator(user):
        responses = db.session.scalars(select(MeetingResponse).where(MeetingResponse.meeting_id == meeting.id)
                                       .options(joinedload(MeetingResponse.user))).all()
        for response in responses:
            counts[response.answer] = counts.get(response.answer, 0) + 1
    return mine, counts, responses


def later_meetings(meeting: Meeting, limit: int | None = 10) -> list[Meeting]:
    """The meetings after this one that take proposals: where an item may be moved."""
    return open_meetings(after=meeting.starts_at, limit=limit)


def unheard_items(meeting: Meeting) -> list[AgendaItem]:
    """Accepted items that concern the residents but have not been through their pre-meeting."""
    return db.session.scalars(select(AgendaItem).where(
        AgendaItem.meeting_id == meeting.id, AgendaItem.state == ItemState.ACCEPTED,
        AgendaItem.concerns_residents.is_(True), AgendaItem.residents_heard.is_(False))).all()


def find_issue(issue_id: int | None) -> Issue | None:
    """The issue a proposal refers to; a wrong id is ignored (every member reads every issue)."""
    return db.session.get(Issue, issue_id) if issue_id else None


def member_names() -> list[tuple[int, str]]:
    """Active members who may be given an action item, by name."""
    return db.session.execute(select(User.id, User.display_name).where(User.is_active_member.is_(True))
                              .order_by(User.display_name)).all()


def action_list(user, status: str = "open", person: int | None = None, page: int = 1) -> Page:
    """Action items across meetings ("open", "done" or all), optionally of one person; open and due first;
    one page of them."""
    stmt = visible_action_items(user).options(joinedload(ActionItem.assignee), joinedload(ActionItem.meeting),
                                              joinedload(ActionItem.agenda_item))
    if status == "open":
        stmt = stmt.where(ActionItem.done_at.is_(None))
    elif status == "done":
        stmt = stmt.where(ActionItem.done_at.is_not(None))
    if person:
        stmt = stmt.where(ActionItem.assignee_id == person)
    return paginate(stmt.order_by(ActionItem.done_at.is_not(None), ActionItem.due.is_(None), ActionItem.due,
                                  ActionItem.id.desc()), page)


def assignees(user) -> list[tuple[int, str]]:
    """For the filter: the members given an action item that this member may see (never a name that stands
    only in minutes not yet approved)."""
    visible = visible_action_items(user).with_only_columns(ActionItem.assignee_id)
    return db.session.execute(select(User.id, User.display_name).where(User.id.in_(visible))
                              .order_by(User.display_name)).all()


def decisions(q: str | None = None, page: int = 1) -> Page:
    """The decision log: decisions in approved minutes, newest meeting first; one page of them."""
    stmt = select(AgendaItem).join(AgendaItem.meeting).where(
        Meeting.status == MeetingStatus.APPROVED, AgendaItem.decision.is_not(None)) \
        .options(joinedload(AgendaItem.meeting), joinedload(AgendaItem.issue))
    if q:
        stmt = stmt.where(*matches(AgendaItem.search_text, q))
    return paginate(stmt.order_by(Meeting.starts_at.desc(), AgendaItem.position, AgendaItem.id), page)


# -- scheduling, RSVP, cancelling -------------------------------------------------------

def schedule(*, starts_at: datetime, place: str, video_url: str | None = None,
             form_token: str | None = None) -> tuple[Meeting, bool]:
    """A new planned meeting with the standing items on its agenda, once per form token; (meeting, created)."""
    meeting, created = create_once(Meeting, form_token, lambda: Meeting(
        starts_at=starts_at, place=place, video_url=video_url, form_token=form_token))
    if created:
        db.session.add_all(standing_items(meeting))
        db.session.commit()
        offer_cycle_items()  # issue 21: what the cycle has waiting for a meeting that did not exist yet
    return meeting, created


def change(meeting: Meeting, *, starts_at: datetime, place: str, video_url: str | None) -> None:
    """Time, place and video link (no status guard: every meeting may be corrected, as before)."""
    meeting.starts_at, meeting.place, meeting.video_url = starts_at, place, video_url
    db.session.commit()


def cancel(meeting: Meeting, message: str) -> None:
    """planned/published -> cancelled, with a message to the members (shown on the meeting page)."""
    _allow(meeting.can_cancel())
    meeting.status, meeting.cancel_message = MeetingStatus.CANCELLED, message
    db.session.commit()


def answer_rsvp(meeting: Meeting, user, answer: str) -> None:
    """Save or change this member's answer (one per member and meeting)."""
    _allow(meeting.can_rsvp())
    row = db.session.scalar(select(MeetingResponse).where(MeetingResponse.meeting_id == meeting.id,
                                                          MeetingResponse.user_id == user.id))
    if row is None:
        row = MeetingResponse(meeting_id=meeting.id, user_id=user.id, answer=answer)
        db.session.add(row)
    row.answer, row.updated_at = RsvpAnswer(answer), utcnow()
    try:
        commit_and_keep()  # the answer shows the member's choice and the meeting as they are
    except IntegrityError:  # answered twice at once: keep the one that is there
        db.session.rollback()


# -- the agenda -------------------------------------------------------------------------

def propose(meeting: Meeting, by, *, title: str, why: str | None = None, issue: Issue | None = None,
            form_token: str | None = None) -> tuple[AgendaItem, bool]:
    """A member's proposal for the agenda, once per form token; (item, created). Moderators answer it."""
    _allow(meeting.open_for_proposals)

    def make():
        item = AgendaItem(meeting_id=meeting.id, title=title, why=why, issue_id=issue.id if issue else None,
                          proposer_id=by.id, form_token=form_token)
        refresh_search_text(item)
        return item
    item, created = create_once(AgendaItem, form_token, make)
    db.session.commit()
    return item, created


def append_position(meeting_id: int) -> int:
    """The place for a newly accepted item: after the others, before "any other business"
    (which moves down if it must). The caller commits."""
    accepted = db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting_id,
                                                           AgendaItem.state == ItemState.ACCEPTED)).all()
    others = [i.position for i in accepted if i.standing != StandingKind.AOB]
    position = max(others, default=0) + 1
    for aob in (i for i in accepted if i.standing == StandingKind.AOB):
        aob.position = max(aob.position, position + 1)
    return position


def _on_agenda(item: AgendaItem, by) -> None:
    """An accepted item on a published agenda: its issue gets the timeline line (and is being discussed)."""
    if item.issue is not None and item.meeting.agenda_public and item.state == ItemState.ACCEPTED:
        on_published_agenda(item.issue, item.meeting_id, by.id)


def accept(item: AgendaItem, by) -> None:
    """A proposal goes on the agenda, before "any other business". If the agenda is published, the
    linked issue gets its timeline line (and a new issue is being discussed); the proposer is notified."""
    _allow(item.meeting.agenda_editable)
    if item.state == ItemState.ACCEPTED:
        return
    item.state, item.decline_reason = ItemState.ACCEPTED, None
    item.position = append_position(item.meeting_id)
    _on_agenda(item, by)
    notify([item.proposer], "proposal_answered", "proposal", item.id, exclude=by)
    db.session.commit()


def decline(item: AgendaItem, by, reason: str) -> None:
    """Decline a proposal (or take an item off the agenda) with a reason the proposer sees; they are notified."""
    _allow(item.can_decline_or_move())
    item.state, item.decline_reason = ItemState.DECLINED, reason
    notify([item.proposer], "proposal_answered", "proposal", item.id, exclude=by)
    db.session.commit()


def move(item: AgendaItem, to: Meeting) -> None:
    """Move an item to a later meeting that takes proposals; it is a proposal there."""
    _allow(item.can_decline_or_move() and to.open_for_proposals and to.starts_at > item.meeting.starts_at)
    item.meeting, item.state, item.position = to, ItemState.PROPOSED, 0
    db.session.commit()


def swap(item: AgendaItem, direction: int) -> bool:
    """Move an accepted item one place up (-1) or down (+1); positions are renumbered 0..n-1 first.
    False when it cannot move that way."""
    _allow(item.meeting.agenda_editable)
    rows = db.session.scalars(
        select(AgendaItem).where(AgendaItem.meeting_id == item.meeting_id, AgendaItem.state == ItemState.ACCEPTED)
        .order_by(AgendaItem.position, AgendaItem.id)).all()
    if not move_in_order(rows, item, direction):
        return False
    commit_and_keep()  # the answer is the agenda as just reordered
    return True


def change_settings(item: AgendaItem, *, minutes_planned: int | None, phase: ItemPhase | str | None) -> None:
    """The time planned for an item and its stage."""
    _allow(item.meeting.agenda_editable)
    item.minutes_planned, item.phase = minutes_planned, phase or None
    db.session.commit()


def carry_over(meeting: Meeting, source: AgendaItem, by) -> AgendaItem:
    """Put an unfinished item of an earlier held meeting on this agenda (accepted, in the stage it was in),
    once per source item and meeting, and once per issue and meeting. On a published agenda the issue gets
    its timeline line. (Before issue 21 only an item with an issue, and always as "follow up", which now
    means the cycle's "did it work?".)"""
    _allow(meeting.open_for_proposals)
    same = [AgendaItem.carried_from_id == source.id]
    if source.issue_id is not None:
        same.append(AgendaItem.issue_id == source.issue_id)
    item = db.session.scalar(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id, or_(*same)).limit(1))
    if item is not None:  # on this agenda already: a second tap changes nothing
        return item
    _allow(source.meeting.status in HELD_STATES and source.meeting.starts_at < meeting.starts_at)
    item = AgendaItem(meeting=meeting, title=source.title, issue_id=source.issue_id, state=ItemState.ACCEPTED,
                      phase=source.phase, carried_from_id=source.id, position=append_position(meeting.id),
                      why=source.why, search_text=source.search_text)
    db.session.add(item)
    db.session.flush()
    _on_agenda(item, by)
    db.session.commit()
    return item


def drop(item: AgendaItem, reason: str) -> None:
    """An unfinished item of a held meeting is no longer offered for carry-over; the reason stays on it."""
    _allow(item.meeting.status in HELD_STATES and item.standing is None)
    item.dropped_reason = reason
    db.session.commit()


# -- the council's two-meeting cycle (issue 21) -----------------------------------------
#
# mapping (a held meeting maps the challenge) -> solutions (proposed for the next meeting) -> a decision
# -> follow-up "did it work?" (at the first meeting after the action items' due dates) -> worked / partly,
# or "did not" and back to solutions. Each step is a proposal the chair accepts, or declines with a reason.

def _cycle_sources():
    """Items of held meetings whose issue's next step in the cycle is due and not proposed yet."""
    return (select(AgendaItem).join(AgendaItem.meeting).join(AgendaItem.issue)
            .options(joinedload(AgendaItem.meeting))
            .where(Meeting.status.in_(HELD_STATES), AgendaItem.state == ItemState.ACCEPTED,
                   AgendaItem.standing.is_(None), AgendaItem.dropped_reason.is_(None),
                   Issue.status.not_in(SETTLED_ISSUES), ~_continued(),
                   or_(and_(AgendaItem.phase == ItemPhase.MAP, AgendaItem.decision.is_(None)),
                       and_(AgendaItem.phase == ItemPhase.FOLLOW_UP,
                            AgendaItem.followup_result == CycleResult.DID_NOT),
                       and_(AgendaItem.decision.is_not(None), Meeting.status == MeetingStatus.APPROVED,
                            or_(AgendaItem.phase.is_(None), AgendaItem.phase != ItemPhase.FOLLOW_UP))))
            .order_by(Meeting.starts_at, AgendaItem.position, AgendaItem.id))


def next_step(item: AgendaItem) -> ItemPhase:
    """The stage an issue goes on to after this item: solutions after mapping or after a follow-up that did not
    work, else (after a decision) the follow-up."""
    if item.phase == ItemPhase.MAP or (item.phase == ItemPhase.FOLLOW_UP
                                       and item.followup_result == CycleResult.DID_NOT):
        return ItemPhase.PROPOSE
    return ItemPhase.FOLLOW_UP


def offer_cycle_items(now: datetime | None = None) -> list[AgendaItem]:
    """Propose each issue's next step in the cycle for the meeting it is due at, among the meetings that take
    items: "solutions" at the next meeting after one that mapped the issue (or after a follow-up whose answer
    was "did not work"); after a decision in approved minutes, a "follow-up" ("did it work?") at the first
    meeting after the day its action items are due (the next meeting when none has a date). Each is a
    proposal carried from its source item, once (an item with a continuation is never proposed again, also
    when the chair declined it). Called whenever the answer may change: a meeting held, scheduled or made
    by a series, minutes saved or approved. Notifies nobody; commits. -> the new proposals."""
    now = now or utcnow()
    sources = db.session.scalars(_cycle_sources()).unique().all()
    if not sources:
        return []
    meetings = open_meetings(after=now)
    due = dict(db.session.execute(select(ActionItem.agenda_item_id, func.max(ActionItem.due))
                                  .where(ActionItem.agenda_item_id.in_([s.id for s in sources]))
                                  .group_by(ActionItem.agenda_item_id)).all())
    made = []
    for source in sources:
        step = next_step(source)
        after = due.get(source.id) if step == ItemPhase.FOLLOW_UP else None
        target = next((m for m in meetings if m.starts_at > source.meeting.starts_at
                       and (after is None or local(m.starts_at).date() > after)), None)
        if target is None:
            continue
        item = AgendaItem(meeting_id=target.id, title=source.title, issue_id=source.issue_id, phase=step,
                          state=ItemState.PROPOSED, carried_from_id=source.id, position=0)
        refresh_search_text(item)
        db.session.add(item)
        made.append(item)
    db.session.commit()
    return made


@dataclass
class Cycle:
    """Where an issue is in the council's cycle, as every member may read it: `step` (an ItemPhase, or None
    when the issue is on an agenda without a stage), the `meeting` of that step, `decided` (a decision in
    approved minutes) and `result` (the answer to "did it work?", once approved)."""
    step: ItemPhase | None
    meeting: CycleMeeting
    decided: bool = False
    result: CycleResult | None = None


@dataclass(frozen=True)
class CycleMeeting:
    """The meeting of a cycle step, as the thread shows it (its date and a link)."""
    id: int
    starts_at: datetime


@lru_cache(maxsize=1)
def _cycle_statement():
    """cycle_of's query (built once: every thread page runs it; the columns it reads, no ORM objects), the
    issue bound."""
    return (select(AgendaItem.phase, AgendaItem.followup_result, AgendaItem.decision, Meeting.id,
                   Meeting.starts_at, Meeting.status)
            .join(AgendaItem.meeting)
            .where(AgendaItem.issue_id == bindparam("issue_id"), AgendaItem.state == ItemState.ACCEPTED,
                   Meeting.status.in_([MeetingStatus.PUBLISHED, *HELD_STATES]))
            .order_by(Meeting.starts_at.desc(), AgendaItem.id.desc()).limit(1))


def cycle_of(issue: Issue) -> Cycle | None:
    """The issue's place in the cycle, from its latest item on a published agenda (decisions and answers only
    from approved minutes); None when it has been on no published agenda."""
    row = db.session.connection().execute(_cycle_statement(), {"issue_id": issue.id}).first()
    if row is None:
        return None
    phase, followup_result, decision, meeting_id, starts_at, status = row
    meeting = CycleMeeting(meeting_id, starts_at)
    approved = status == MeetingStatus.APPROVED  # Meeting.minutes_public
    if approved and phase == ItemPhase.FOLLOW_UP and followup_result:
        back = followup_result == CycleResult.DID_NOT  # back to solutions
        return Cycle(ItemPhase.PROPOSE if back else ItemPhase.FOLLOW_UP, meeting, result=followup_result)
    if approved and decision:
        return Cycle(ItemPhase.DECIDE, meeting, decided=True)
    return Cycle(phase, meeting)


def toggle_concerns_residents(item: AgendaItem) -> None:
    """Mark an item as concerning the residents (it then shows the "residents heard" mark), or unmark it."""
    _allow(item.meeting.agenda_editable)
    item.concerns_residents = not item.concerns_residents
    db.session.commit()


def set_current(item: AgendaItem) -> None:
    """The item the meeting is at now (highlighted on the projector)."""
    item.meeting.current_item_id = item.id
    db.session.commit()


# -- publish, held, minutes, approval ----------------------------------------------

def publish(meeting: Meeting, by, *, confirmed: bool = False) -> None:
    """planned -> published: every member sees the agenda. Each linked issue gets an "on the agenda" line
    (a new issue is now being discussed); the members are notified. Raises `ResidentsNotHeard` unless
    `confirmed` when items that concern the residents have not been through their pre-meeting."""
    _allow(meeting.can_publish())
    unheard = unheard_items(meeting)
    if unheard and not confirmed:
        raise ResidentsNotHeard(unheard)
    meeting.status, meeting.published_at = MeetingStatus.PUBLISHED, utcnow()
    for item in db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id,
                                                            AgendaItem.state == ItemState.ACCEPTED,
                                                            AgendaItem.issue_id.is_not(None))
                                   .options(joinedload(AgendaItem.issue))):
        on_published_agenda(item.issue, meeting.id, by.id)
    notify(active_members(), "agenda_published", "meeting", meeting.id, exclude=by)
    db.session.commit()


def mark_held(meeting: Meeting) -> None:
    """planned/published -> held: the minutes are written per item now; an agenda never published
    counts as published now; a round of the neighbourhood pulse opens (pulse.service.after_meeting). Refused
    (`NotStartedYet`) for a meeting that has not started."""
    if meeting.can_cancel() and not meeting.has_started:
        raise NotStartedYet
    _allow(meeting.can_mark_held())
    meeting.status = MeetingStatus.HELD
    meeting.published_at = meeting.published_at or utcnow()
    pulse.after_meeting(meeting)  # a round of the neighbourhood pulse opens (issue 20)
    db.session.commit()
    offer_cycle_items()  # issue 21: what it mapped goes on to solutions at the next meeting


def _set_minutes(item: AgendaItem, notes: str | None, decision: str | None, unheard_reason: str | None,
                 result: CycleResult | str | None = None) -> None:
    """Raises `ReasonNeeded` for a decision on an item that concerns the residents, who were not heard,
    without a reason why; the reason is kept only while it is needed. `result`: the answer to "did it work?"
    on a follow-up item (kept when none is given)."""
    if reason_missing(item, decision, unheard_reason):
        raise ReasonNeeded([item])
    if result and item.phase == ItemPhase.FOLLOW_UP:
        item.followup_result = CycleResult(result)
    item.notes, item.decision = notes, decision
    item.unheard_reason = unheard_reason if needs_reason(item, decision) else None
    refresh_search_text(item)


def save_minutes(item: AgendaItem, *, notes: str | None, decision: str | None,
                 unheard_reason: str | None = None, followup_result: CycleResult | str | None = None) -> None:
    """The notes and the decision of one item (the decision becomes searchable). A decision on an item
    that concerns the residents, who were not heard, needs `unheard_reason` (else `ReasonNeeded`, nothing
    saved): the minutes and the decision log show it. On a follow-up item, `followup_result` answers "did it
    work?" (issue 21): "did not" proposes the issue for solutions at the next meeting; the issue's timeline
    gets the answer when the minutes are approved."""
    _allow(item.meeting.agenda_editable)
    _set_minutes(item, notes, decision, unheard_reason, followup_result)
    db.session.commit()
    if item.followup_result == CycleResult.DID_NOT and item.meeting.status in HELD_STATES:
        offer_cycle_items()


def add_action(item: AgendaItem, by, *, what: str, assignee_id: int | None = None, assignee_name: str | None = None,
               due: date | None = None, form_token: str | None = None,
               minutes: dict | None = None) -> ActionItem | None:
    """An action item under an agenda item, for a member or someone outside the council (`assignee_name`),
    once per form token. The member given it is notified (and sees it at once). `minutes` (the `notes`,
    `decision` and `unheard_reason` typed on the same page) are saved with it, so adding an action item
    never loses them (`ReasonNeeded` as in save_minutes, and then nothing is saved)."""
    _allow(item.meeting.agenda_editable)
    if minutes is not None:
        _set_minutes(item, minutes["notes"], minutes["decision"], minutes.get("unheard_reason"),
                     minutes.get("followup_result"))
    assignee = db.session.get(User, assignee_id) if assignee_id else None
    action, created = create_once(ActionItem, form_token, lambda: ActionItem(
        agenda_item_id=item.id, meeting_id=item.meeting_id, what=what, assignee_id=assignee.id if assignee else None,
        assignee_name=None if assignee else assignee_name, due=due, form_token=form_token))
    if created:
        notify([assignee], "action_assigned", "action", action.id, exclude=by)
    db.session.commit()
    return action


def approve(meeting: Meeting, by) -> None:
    """held -> approved: the minutes are locked and every member reads them. Each decision and action item
    becomes a line in its linked issue's timeline; the members are notified. Refused with `ReasonNeeded`
    while a decision on an item that concerns the residents, who were not heard, has no reason why (the
    item was marked so after its decision was recorded)."""
    _allow(meeting.can_approve())
    unreasoned = unreasoned_decisions(db.session.scalars(select(AgendaItem).where(
        AgendaItem.meeting_id == meeting.id, AgendaItem.state == ItemState.ACCEPTED,
        AgendaItem.decision.is_not(None))).all())
    if unreasoned:
        raise ReasonNeeded(unreasoned)
    meeting.status, meeting.approved_at, meeting.approved_by_id = MeetingStatus.APPROVED, utcnow(), by.id
    linked = db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id,
                                                         AgendaItem.issue_id.is_not(None))).all()
    actions = db.session.scalars(select(ActionItem).where(ActionItem.meeting_id == meeting.id)).all()
    for item in linked:
        if item.decision:
            record_event(item.issue_id, IssueEventKind.DECISION, by.id, value=str(meeting.id), reason=item.decision)
        if item.followup_result and item.phase == ItemPhase.FOLLOW_UP:  # issue 21: "did it work?"
            record_event(item.issue_id, IssueEventKind.FOLLOW_UP, by.id, value=item.followup_result.value)
        for action in actions:
            if action.agenda_item_id == item.id:
                record_event(item.issue_id, IssueEventKind.ACTION, by.id, value=str(meeting.id), reason=action.what)
        db.session.execute(update(Issue).where(Issue.id == item.issue_id).values(last_activity_at=utcnow()))
    notify(active_members(), "minutes_approved", "meeting", meeting.id, exclude=by)
    db.session.commit()
    offer_cycle_items()  # issue 21: each decision's follow-up, "did it work?"


def mark_done(action: ActionItem, by, note: str | None = None) -> None:
    """The action item is done (once: a second mark keeps the first note)."""
    if action.done_at is None:
        action.done_at, action.done_note, action.done_by_id = utcnow(), note, by.id
        db.session.commit()


# -- pause and resume the council's meetings (issue 21) ----------------------------------

def pause(by, message: str) -> None:
    """The chair or staff pause the council's meetings (as in 2020), with a message to the members, who are
    told. While paused the overview, the meetings page and the public contact page say so, no meeting
    reminders go out (notifications.jobs) and the series make no meetings (series.make_ahead). Situation
    reports, their alerts and escalation are not touched. Pausing again changes the message only."""
    was = council.meetings_paused()
    council.set_setting(council.MEETINGS_PAUSED, {"message": message,  # no member id: no personal data kept
                                                  "since": was["since"] if was else utcnow().isoformat()})
    if was is None:
        notify(active_members(), "council_paused", "council", 0, exclude=by)
    db.session.commit()


def resume(by, *, series_continue: bool) -> None:
    """The council meets again: the pause ends and the members are told. `series_continue`: the meeting series
    go on making meetings; else they are stopped (the chair or staff start them again from their page).
    Refused when the council is not paused."""
    _allow(council.meetings_paused() is not None)
    council.set_setting(council.MEETINGS_PAUSED, None)
    if not series_continue:
        db.session.execute(update(MeetingSeries).values(active=False))
    notify(active_members(), "council_resumed", "council", 0, exclude=by)
    db.session.commit()

