"""The rules of events: creating, changing and cancelling events, sign-ups with the waiting list,
volunteer tasks, and the dietary notes' purge.

Each change is one function that does the whole change and commits; its docstring says what else
it changes (the waiting list, notifications). A refused change raises (`NotAllowed`,
`GuestsDoNotFit`, `CapacityBelowTaken`, `TaskFull`, `Gone`) and leaves nothing behind. The
functions starting with `_` are their steps: call them with the event locked; they do not commit.

Every change to an event's sign-ups and tasks starts with `lock_event`: `SELECT ... FOR UPDATE` on
PostgreSQL; on SQLite the request's transaction began with `BEGIN IMMEDIATE` (naborad.database),
which already holds the database's write lock. So the places counted here cannot change before
the commit, and two workers never both hand out the last place.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import NoReturn

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload

from ..access import is_organiser
from ..database import commit_and_keep
from ..errors import Gone, NotAllowed  # noqa: F401  (re-exported for the views and the CLI)
from ..extensions import db
from ..forms import create_once
from ..models import Event, Signup, SignupStatus, TaskSlot, User, VolunteerTask, utcnow
from ..notifications.service import active_members, notify

DIETARY_KEEP = timedelta(days=30)




class GuestsDoNotFit(Exception):
    """A confirmed sign-up asked for more guests than there are free places."""

    def __init__(self, most: int):
        super().__init__(most)
        self.most = most  # the most guests that fit now


class CapacityBelowTaken(Exception):
    """An event cannot have fewer places than are taken already."""

    def __init__(self, taken: int):
        super().__init__(taken)
        self.taken = taken


class TaskFull(Exception):
    """Every slot of the volunteer task is taken."""


@dataclass
class EventDetails:
    """What an organiser fills in for an event; times in UTC."""
    title: str
    description: str
    place: str | None
    starts_at: datetime
    ends_at: datetime
    signup_deadline: datetime | None
    capacity: int | None
    max_guests: int
    ask_dietary: bool
    show_participants: bool

    def apply_to(self, event: Event) -> None:
        for field in fields(self):
            setattr(event, field.name, getattr(self, field.name))
        event.updated_at = utcnow()


def may_change_signups(event: Event, user) -> bool:
    """Members change their own sign-up and tasks until the deadline; organisers also after it;
    nobody once the event is cancelled."""
    return event.accepts_signups() or (event.can_be_changed() and is_organiser(user))


# -- reading ----------------------------------------------------------------------------

def lock_event(event_id: int) -> Event | None:
    return db.session.get(Event, event_id, with_for_update=True, populate_existing=True)


def places_taken(event_id: int) -> int:
    return db.session.scalar(select(func.coalesce(func.sum(1 + Signup.guests), 0))
                             .where(Signup.event_id == event_id, Signup.status == SignupStatus.CONFIRMED))


def fits(event: Event, places: int, taken: int) -> bool:
    return event.capacity is None or taken + places <= event.capacity


def signup_of(event: Event, user) -> Signup | None:
    return db.session.scalar(select(Signup).where(Signup.event_id == event.id, Signup.user_id == user.id))


def waitlist_position(signup: Signup) -> int | None:
    """The place on the waiting list (as `signup_state` counts it, for a page), or None if not waiting."""
    if signup.status != SignupStatus.WAITLISTED:
        return None
    return db.session.scalar(select(func.count()).select_from(Signup).where(
        Signup.event_id == signup.event_id, Signup.status == SignupStatus.WAITLISTED, Signup.id <= signup.id))


@dataclass
class Counts:
    confirmed_signups: int = 0
    people: int = 0  # confirmed sign-ups plus their guests
    guests: int = 0
    waitlisted: int = 0


def _count_columns() -> list:
    """An event's counts as scalar subqueries on `Event` (each reads the event's sign-ups by index)."""
    of_event = (Signup.event_id == Event.id,)
    confirmed = (*of_event, Signup.status == SignupStatus.CONFIRMED)
    return [select(func.count(Signup.id)).where(*confirmed).scalar_subquery(),
            select(func.coalesce(func.sum(Signup.guests), 0)).where(*confirmed).scalar_subquery(),
            select(func.count(Signup.id)).where(*of_event, Signup.status == SignupStatus.WAITLISTED).scalar_subquery()]


def _counts(confirmed: int, guests: int, waitlisted: int) -> Counts:
    return Counts(confirmed_signups=confirmed, people=confirmed + guests, guests=guests, waitlisted=waitlisted)


def with_counts(stmt, user, mine=None):
    """A select of events, each row also with the event's counts and `user`'s sign-up (`mine`, an alias of
    Signup, or None): a list with what its rows show in one query. Read the rows with `counted()`."""
    mine = mine if mine is not None else aliased(Signup)
    return stmt.add_columns(*_count_columns(), mine).outerjoin(
        mine, and_(mine.event_id == Event.id, mine.user_id == user.id))


def counted(rows, counts: dict, mine: dict) -> list[Event]:
    """The events of `with_counts()` rows; their counts (by event id) go into `counts`, the member's sign-ups
    (by event id) into `mine`."""
    for event, *numbers, signup in rows:
        counts[event.id] = _counts(*numbers)
        if signup is not None:
            mine[event.id] = signup
    return [row[0] for row in rows]


def signup_state(event: Event, user) -> tuple[Signup | None, int | None, Counts]:
    """The member's sign-up to the event (or None), their place on the waiting list (None unless waiting), and
    the event's counts: one query."""
    mine = aliased(Signup)
    ahead = select(func.count(Signup.id)).where(Signup.event_id == event.id, Signup.status == SignupStatus.WAITLISTED,
                                                Signup.id <= mine.id).scalar_subquery()
    _, *numbers, signup, place = db.session.execute(
        with_counts(select(Event.id).where(Event.id == event.id), user, mine).add_columns(ahead)).one()
    position = place if signup is not None and signup.status == SignupStatus.WAITLISTED else None
    return signup, position, _counts(*numbers)


def attendees(event: Event) -> list[Signup]:
    """The confirmed sign-ups members see by name, if the organisers chose so (else nobody)."""
    if not event.show_participants:
        return []
    return db.session.scalars(
        select(Signup).where(Signup.event_id == event.id, Signup.status == SignupStatus.CONFIRMED)
        .options(joinedload(Signup.user)).order_by(Signup.id)).all()


def participant_list(event: Event) -> dict:
    """The organisers' list: sign-ups (confirmed, then the waiting list in order), each member's tasks,
    and the totals."""
    signups = db.session.scalars(select(Signup).where(Signup.event_id == event.id).options(joinedload(Signup.user))
                                 .order_by(Signup.status, Signup.id)).all()
    confirmed = [s for s in signups if s.confirmed]
    waitlisted = [s for s in signups if s.status == SignupStatus.WAITLISTED]
    tasks: dict[int, list[str]] = {}
    for user_id, title in db.session.execute(
            select(TaskSlot.user_id, VolunteerTask.title).join(VolunteerTask)
            .where(VolunteerTask.event_id == event.id).order_by(VolunteerTask.position, VolunteerTask.id)):
        tasks.setdefault(user_id, []).append(title)
    diets = Counter(s.dietary_note.strip().casefold() for s in confirmed if s.dietary_note)
    totals = {"signups": len(confirmed), "guests": sum(s.guests for s in confirmed),
              "people": sum(s.places for s in confirmed), "waitlisted": len(waitlisted),
              "waitlisted_people": sum(s.places for s in waitlisted), "diets": sorted(diets.items())}
    return {"confirmed": confirmed, "waitlisted": waitlisted, "tasks": tasks, "totals": totals}


def _signed_up(event: Event, skip=()) -> list[User]:
    """The members signed up for an event (to tell them of a change)."""
    skipped = {s.user_id for s in skip}
    return [u for u in db.session.scalars(select(User).join(Signup, Signup.user_id == User.id)
                                          .where(Signup.event_id == event.id)) if u.id not in skipped]


# -- the event itself ------------------------------------------------------------------

def create_event(details: EventDetails, *, by, form_token: str | None = None,
                 copy_of: Event | None = None) -> tuple[Event, bool]:
    """A new event, with copies of `copy_of`'s volunteer tasks (not its sign-ups); every active member
    but `by` is told. Created once per form token: the same form sent again, even at the same moment,
    gives the first event back. Returns the event and whether it is new. Commits."""
    def make():
        event = Event(created_by_id=by.id)
        details.apply_to(event)
        for task in copy_of.tasks if copy_of is not None else ():
            event.tasks.append(VolunteerTask(title=task.title, slots=task.slots, position=task.position))
        return event
    event, created = create_once(Event, form_token, make)
    if not created:
        return event, False
    notify(active_members(), "event_new", "event", event.id, exclude=by)
    db.session.commit()
    return event, True


def update_event(event: Event, details: EventDetails, *, by) -> None:
    """Save an organiser's changes. More places let the waiting list move up (those moved up are told
    so); the other members signed up are told of the change. Fewer places than are taken:
    CapacityBelowTaken. Commits."""
    event = lock_event(event.id)
    taken = places_taken(event.id)
    if details.capacity is not None and details.capacity < taken:
        _refuse(CapacityBelowTaken(taken))
    details.apply_to(event)
    db.session.flush()
    promoted = _promote(event)
    notify(_signed_up(event, skip=promoted), "event_changed", "event", event.id, exclude=by)
    db.session.commit()


def cancel_event(event: Event, *, by) -> bool:
    """Cancel the event: sign-up closes, and the members signed up are told. False (and no change)
    if it was cancelled already. Commits."""
    event = lock_event(event.id)
    if event.cancelled:
        return False
    event.cancelled_at = utcnow()
    notify(_signed_up(event), "event_changed", "event", event.id, exclude=by)
    db.session.commit()
    return True


# -- sign-ups ----------------------------------------------------------------------------

def sign_up(event: Event, *, by, guests: int = 0, dietary_note: str | None = None) -> tuple[Signup, bool]:
    """`by` signs up, on the waiting list if the places are taken; signed up already, their guests and
    note change (see `_change_guests`). NotAllowed when `may_change_signups` says no. Returns the
    sign-up and whether it existed already. Commits."""
    event = _lock_for(event, by)
    try:
        signup, changed = _place(event, user_id=by.id, guests=guests, dietary_note=dietary_note)
    except GuestsDoNotFit:
        db.session.rollback()
        raise
    commit_and_keep()  # the answer shows the event and the sign-up as just written
    return signup, changed


def cancel_signup(event: Event, *, by) -> None:
    """`by`'s sign-up goes and the waiting list moves up (those moved up are told). Nothing to cancel
    (a second click): no change. NotAllowed when `may_change_signups` says no. Commits."""
    event = _lock_for(event, by)
    signup = signup_of(event, by)
    if signup is not None:
        _remove(event, signup)
    commit_and_keep()  # the answer shows the event as just changed


def add_participant(event: Event, *, by, name: str, guests: int = 0, dietary_note: str | None = None,
                    form_token: str | None = None) -> Signup:
    """An organiser signs up someone without an account, also after the deadline; on the waiting list
    if the places are taken. Added once per form token. NotAllowed once the event is cancelled. Commits."""
    event = lock_event(event.id)
    if not event.can_be_changed():
        _refuse(NotAllowed())
    signup, _existed = _place(event, name=name, guests=guests, dietary_note=dietary_note, added_by_id=by.id,
                              form_token=form_token)
    db.session.commit()
    return signup


def set_guests(event: Event, signup: Signup, guests: int) -> None:
    """An organiser changes a sign-up's guests, also after the deadline (see `_change_guests`). Commits."""
    event = lock_event(event.id)
    signup = _reread(signup)
    try:
        _change_guests(event, signup, guests)
    except GuestsDoNotFit:
        db.session.rollback()
        raise
    db.session.commit()


def remove_participant(event: Event, signup: Signup) -> None:
    """An organiser removes a sign-up, also after the deadline; the waiting list moves up. Commits."""
    event = lock_event(event.id)
    _remove(event, _reread(signup))
    db.session.commit()


# -- volunteer tasks -----------------------------------------------------------------------

def add_task(event: Event, *, title: str, slots: int) -> VolunteerTask:
    """A volunteer task, after the event's other tasks. Commits."""
    event = lock_event(event.id)
    position = db.session.scalar(select(func.coalesce(func.max(VolunteerTask.position), 0))
                                 .where(VolunteerTask.event_id == event.id)) + 1
    task = VolunteerTask(event_id=event.id, title=title, slots=slots, position=position)
    db.session.add(task)
    db.session.commit()
    return task


def delete_task(event: Event, task: VolunteerTask) -> None:
    """A volunteer task goes, with the slots members had taken. Commits."""
    lock_event(event.id)
    db.session.delete(_reread(task))
    db.session.commit()


def take_task(event: Event, task: VolunteerTask, *, by) -> None:
    """`by` takes one slot of the task (taking it twice is one slot). TaskFull when every slot is
    taken; NotAllowed when `may_change_signups` says no. Commits."""
    event = _lock_for(event, by)  # slots are counted under the same lock as places
    task = _reread(task)
    if db.session.get(TaskSlot, (task.id, by.id)) is None:
        taken = db.session.scalar(select(func.count()).select_from(TaskSlot).where(TaskSlot.task_id == task.id))
        if taken >= task.slots:
            _refuse(TaskFull())
        db.session.add(TaskSlot(task_id=task.id, user_id=by.id))
    db.session.commit()


def release_task(event: Event, task: VolunteerTask, *, by) -> None:
    """`by` gives their slot of the task back. NotAllowed when `may_change_signups` says no. Commits."""
    _lock_for(event, by)
    db.session.execute(delete(TaskSlot).where(TaskSlot.task_id == task.id, TaskSlot.user_id == by.id))
    db.session.commit()


# -- dietary notes -------------------------------------------------------------------------

def purge_dietary_notes(now=None) -> int:
    """Delete dietary notes (health data) 30 days after the event ended. Returns how many notes went.
    Commits."""
    now = now or utcnow()
    due = select(Event.id).where(Event.ends_at < now - DIETARY_KEEP)
    result = db.session.execute(update(Signup).where(Signup.event_id.in_(due), Signup.dietary_note.is_not(None))
                                .values(dietary_note=None))
    db.session.execute(update(Event).where(Event.id.in_(due), Event.dietary_purged_at.is_(None))
                       .values(dietary_purged_at=now))
    db.session.commit()
    return result.rowcount


# -- the steps (the event locked, no commit) -------------------------------------------------

def _refuse(error: Exception) -> NoReturn:
    """Leave nothing behind (and let go of the lock), then raise."""
    db.session.rollback()
    raise error


def _lock_for(event: Event, user) -> Event:
    """Lock the event, then check that `user` may still change sign-ups and tasks (NotAllowed)."""
    event = lock_event(event.id)
    if not may_change_signups(event, user):
        _refuse(NotAllowed())
    return event


def _reread(row):
    """A sign-up or task as it is now that its event is locked; Gone if it was deleted meanwhile."""
    fresh = db.session.get(type(row), row.id, populate_existing=True)
    if fresh is None:
        _refuse(Gone())
    return fresh


def _place(event: Event, *, user_id: int | None = None, name: str | None = None, guests: int = 0,
           dietary_note: str | None = None, added_by_id: int | None = None,
           form_token: str | None = None) -> tuple[Signup, bool]:
    """Create a sign-up, or change guests and note of the member's existing one. Returns the sign-up
    and whether it existed already."""
    now = utcnow()
    existing = None
    if user_id is not None:
        existing = db.session.scalar(select(Signup).where(Signup.event_id == event.id, Signup.user_id == user_id))
    elif form_token:
        existing = db.session.scalar(select(Signup).where(Signup.form_token == form_token))
        if existing is not None:
            return existing, True  # the same "add participant" form sent twice
    note = dietary_note if event.ask_dietary else None
    if existing is not None:
        existing.dietary_note = note
        _change_guests(event, existing, guests)
        return existing, True
    taken = places_taken(event.id)
    status = SignupStatus.CONFIRMED if fits(event, 1 + guests, taken) else SignupStatus.WAITLISTED
    signup = Signup(event_id=event.id, user_id=user_id, name=name, guests=guests, dietary_note=note,
                    status=status, created_at=now, updated_at=now, added_by_id=added_by_id, form_token=form_token)
    try:
        with db.session.begin_nested():  # added inside the savepoint, so a rollback forgets it
            db.session.add(signup)
            db.session.flush()
    except IntegrityError:  # the lock makes this unreachable, the constraint makes it harmless
        return db.session.scalar(select(Signup).where(Signup.event_id == event.id, Signup.user_id == user_id)), False
    return signup, False


def _change_guests(event: Event, signup: Signup, guests: int) -> None:
    """More guests only if they fit (a confirmed place is never put back on the waiting list), else
    GuestsDoNotFit; fewer guests free places for the waiting list."""
    if signup.confirmed and guests > signup.guests:
        taken = places_taken(event.id)
        if not fits(event, guests - signup.guests, taken):
            raise GuestsDoNotFit(max(0, event.capacity - taken + signup.guests))
    fewer = guests < signup.guests
    signup.guests, signup.updated_at = guests, utcnow()
    db.session.flush()
    if fewer:
        _promote(event)


def _remove(event: Event, signup: Signup) -> None:
    """Cancel a sign-up and let the waiting list move up."""
    db.session.delete(signup)
    db.session.flush()
    _promote(event)


def _promote(event: Event) -> list[Signup]:
    """Move up, in order, every waiting sign-up that fits; the first who fits goes first. Those moved
    up are told."""
    waiting = db.session.scalars(select(Signup).where(Signup.event_id == event.id,
                                                      Signup.status == SignupStatus.WAITLISTED)
                                 .order_by(Signup.id)).all()
    if not waiting:
        return []
    taken = places_taken(event.id)
    now = utcnow()
    promoted = []
    for signup in waiting:
        if fits(event, signup.places, taken):
            signup.status, signup.promoted_at, signup.updated_at = SignupStatus.CONFIRMED, now, now
            taken += signup.places
            promoted.append(signup)
        elif event.capacity is not None and taken >= event.capacity:
            break
    db.session.flush()
    members = [db.session.get(User, s.user_id) for s in promoted if s.user_id]
    notify(members, "event_promoted", "event", event.id)
    return promoted


# Yearly events (issue 21): last year's summer party, Christmas party or dugnad, repeated with one tap.
LAST_YEAR = (timedelta(days=300), timedelta(days=430))


def to_repeat(now: datetime | None = None) -> list[Event]:
    """Organisers' "repeat from last year": the events held about a year ago (300 to 430 days back), not
    cancelled, whose title no upcoming event has yet; soonest anniversary first. "Repeat" opens the copy form
    (title, text, capacity and volunteer tasks kept, new dates asked)."""
    now = now or utcnow()
    upcoming = select(Event.title).where(Event.ends_at >= now, Event.cancelled_at.is_(None))
    return db.session.scalars(select(Event).where(
        Event.starts_at.between(now - LAST_YEAR[1], now - LAST_YEAR[0]), Event.cancelled_at.is_(None),
        Event.title.not_in(upcoming)).order_by(Event.starts_at).limit(10)).all()
