"""Sign-ups under load: capacity, the waiting list and promotion, all under a lock on the event row.

Every change to an event's sign-ups starts with `lock_event`: `SELECT ... FOR UPDATE` on
PostgreSQL; on SQLite the request's transaction began with `BEGIN IMMEDIATE` (naborad.database),
which already holds the database's write lock. So the places counted here cannot change before
the commit, and two workers never both hand out the last place.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Event, Signup, SignupStatus, utcnow

DIETARY_KEEP = timedelta(days=30)


class GuestsDoNotFit(Exception):
    """A confirmed sign-up asked for more guests than there are free places."""

    def __init__(self, most: int):
        super().__init__(most)
        self.most = most  # the most guests that fit now


def lock_event(event_id: int) -> Event | None:
    return db.session.scalar(select(Event).where(Event.id == event_id).with_for_update()
                             .execution_options(populate_existing=True))


def places_taken(event_id: int) -> int:
    return db.session.scalar(select(func.coalesce(func.sum(1 + Signup.guests), 0))
                             .where(Signup.event_id == event_id, Signup.status == SignupStatus.CONFIRMED))


def fits(event: Event, places: int, taken: int) -> bool:
    return event.capacity is None or taken + places <= event.capacity


def sign_up(event: Event, *, user_id: int | None = None, name: str | None = None, guests: int = 0,
            dietary_note: str | None = None, added_by_id: int | None = None,
            form_token: str | None = None) -> Signup:
    """Create a sign-up, or change guests and note of the member's existing one. Call with the event locked."""
    now = utcnow()
    existing = None
    if user_id is not None:
        existing = db.session.scalar(select(Signup).where(Signup.event_id == event.id, Signup.user_id == user_id))
    elif form_token:
        existing = db.session.scalar(select(Signup).where(Signup.form_token == form_token))
        if existing is not None:
            return existing  # the same "add participant" form sent twice
    note = dietary_note if event.ask_dietary else None
    if existing is not None:
        existing.dietary_note = note
        change_guests(event, existing, guests)
        return existing
    taken = places_taken(event.id)
    status = SignupStatus.CONFIRMED if fits(event, 1 + guests, taken) else SignupStatus.WAITLISTED
    signup = Signup(event_id=event.id, user_id=user_id, name=name, guests=guests, dietary_note=note,
                    status=status, created_at=now, updated_at=now, added_by_id=added_by_id, form_token=form_token)
    try:
        with db.session.begin_nested():  # added inside the savepoint, so a rollback forgets it
            db.session.add(signup)
            db.session.flush()
    except IntegrityError:  # the lock makes this unreachable, the constraint makes it harmless
        return db.session.scalar(select(Signup).where(Signup.event_id == event.id, Signup.user_id == user_id))
    return signup


def change_guests(event: Event, signup: Signup, guests: int) -> None:
    """More guests only if they fit (a confirmed place is never put back on the waiting list);
    fewer guests free places for the waiting list. Call with the event locked."""
    if signup.status == SignupStatus.CONFIRMED and guests > signup.guests:
        taken = places_taken(event.id)
        if not fits(event, guests - signup.guests, taken):
            raise GuestsDoNotFit(max(0, event.capacity - taken + signup.guests))
    fewer = guests < signup.guests
    signup.guests, signup.updated_at = guests, utcnow()
    db.session.flush()
    if fewer:
        promote(event)


def remove(event: Event, signup: Signup) -> None:
    """Cancel a sign-up and let the waiting list move up. Call with the event locked."""
    db.session.delete(signup)
    db.session.flush()
    promote(event)


def promote(event: Event) -> list[Signup]:
    """Move up, in order, every waiting sign-up that fits; the first who fits goes first."""
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
    from ..models import User
    from ..notifications.service import notify
    members = [db.session.get(User, s.user_id) for s in promoted if s.user_id]
    notify(members, "event_promoted", "event", event.id)
    return promoted


def waitlist_position(signup: Signup) -> int | None:
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

    def free(self, event: Event) -> int | None:
        return None if event.capacity is None else max(0, event.capacity - self.people)


def counts_for(event_ids) -> dict[int, Counts]:
    """Counts for many events in one query."""
    result = {event_id: Counts() for event_id in event_ids}
    if not result:
        return result
    rows = db.session.execute(
        select(Signup.event_id, Signup.status, func.count(), func.coalesce(func.sum(Signup.guests), 0))
        .where(Signup.event_id.in_(list(result))).group_by(Signup.event_id, Signup.status))
    for event_id, status, n, guests in rows:
        c = result[event_id]
        if status == SignupStatus.CONFIRMED:
            c.confirmed_signups, c.guests, c.people = n, guests, n + guests
        else:
            c.waitlisted = n
    return result


def purge_dietary_notes(now=None) -> int:
    """Delete dietary notes (health data) 30 days after the event ended. Returns how many notes went."""
    now = now or utcnow()
    due = select(Event.id).where(Event.ends_at < now - DIETARY_KEEP)
    result = db.session.execute(update(Signup).where(Signup.event_id.in_(due), Signup.dietary_note.is_not(None))
                                .values(dietary_note=None))
    db.session.execute(update(Event).where(Event.id.in_(due), Event.dietary_purged_at.is_(None))
                       .values(dietary_purged_at=now))
    db.session.commit()
    return result.rowcount
